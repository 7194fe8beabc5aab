#!/usr/bin/env python3
"""Floods a live ingest's POST /v1/articles and measures its health endpoints meanwhile.

Threads, each on fresh connections, for --seconds:
  --floods   x  POST 1 MB NDJSON bodies of 500,000 lines 'x' (the body that crashed ingest);
  --batches  x  POST valid NDJSON batches of 1,000 distinct articles (real publishing load);
  one prober   GET /healthz, /readyz, /metrics in turn, every 20 ms.
Prints the answers per status and the probes' latency percentiles (p50, p90, p99, max), then
one line `check: flood passed|failed`: failed when a probe went unanswered (10 s) or was not
200, when an article request got no answer or a 5xx other than 503 with Retry-After, or when
the service stopped. Latency is reported, not asserted (the machine may be shared).
"""
import argparse
import http.client
import json
import sys
import threading
import time
import uuid


def request(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data
    finally:
        conn.close()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    index = min(len(values) - 1, max(0, int(round(p * len(values) + 0.5)) - 1))
    return values[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--floods", type=int, default=8)
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--token")
    args = parser.parse_args()

    auth = {"Authorization": "Bearer " + args.token} if args.token else {}
    flood_body = b"x\n" * 500_000
    deadline = time.monotonic() + args.seconds
    lock = threading.Lock()
    statuses = {}  # (kind, status) -> count
    problems = []
    probes = {"/healthz": [], "/readyz": [], "/metrics": []}
    articles = {"accepted": 0}
    positions = set()  # (topic, partition, offset) of every accepted line

    def note(kind, status):
        with lock:
            statuses[(kind, status)] = statuses.get((kind, status), 0) + 1

    def flooder():
        while time.monotonic() < deadline:
            try:
                status, headers, _ = request(args.port, "POST", "/v1/articles", flood_body,
                                             {"Content-Type": "application/x-ndjson", **auth})
            except Exception as error:  # no answer
                note("flood", "no answer")
                with lock:
                    problems.append(f"flood: {error!r}")
                continue
            note("flood", status)
            if status >= 500 and not (status == 503 and "retry-after" in headers):
                with lock:
                    problems.append(f"flood: {status}")

    def batcher():
        while time.monotonic() < deadline:
            run = uuid.uuid4().hex
            lines = [json.dumps({"published": "2024-01-01",
                                 "text": f"Kazakhstan and Luxembourg discussed trade, meeting {run} {i}."})
                     for i in range(1000)]
            try:
                status, headers, data = request(args.port, "POST", "/v1/articles", "\n".join(lines).encode(),
                                                {"Content-Type": "application/x-ndjson", **auth})
            except Exception as error:
                note("batch", "no answer")
                with lock:
                    problems.append(f"batch: {error!r}")
                continue
            note("batch", status)
            if status == 202:
                answer = json.loads(data)
                with lock:
                    articles["accepted"] += answer["accepted"]
                    for result in answer["results"]:
                        positions.add((result["topic"], result["partition"], result["offset"]))
            elif status == 503 and "retry-after" in headers:
                time.sleep(min(float(headers["retry-after"]), 1.0))
            else:
                with lock:
                    problems.append(f"batch: {status} {data[:200]!r}")

    def prober():
        paths = list(probes)
        i = 0
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.monotonic()
            try:
                status, _, _ = request(args.port, "GET", path, timeout=10)
            except Exception as error:
                with lock:
                    problems.append(f"{path}: no answer ({error!r})")
                continue
            elapsed = time.monotonic() - start
            probes[path].append(elapsed)
            if status != 200:
                with lock:
                    problems.append(f"{path}: {status}")
            time.sleep(0.02)

    threads = [threading.Thread(target=flooder) for _ in range(args.floods)]
    threads += [threading.Thread(target=batcher) for _ in range(args.batches)]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    if len(positions) != articles["accepted"]:
        problems.append(f"{articles['accepted']} articles accepted but {len(positions)} distinct record positions")
    try:
        alive = request(args.port, "GET", "/healthz", timeout=10)[0] == 200
    except Exception:
        alive = False
    if not alive:
        problems.append("the service does not answer /healthz 200 after the flood")

    print(f"flood: {args.seconds:.0f} s, {args.floods} flood threads (1 MB, 500,000 lines 'x'), "
          f"{args.batches} batch threads (1,000 articles each); {articles['accepted']} articles accepted "
          f"at {len(positions)} distinct topic/partition/offset positions")
    for (kind, status), count in sorted(statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"  {kind}: {status}: {count}")
    every = [value for values in probes.values() for value in values]
    for path, values in list(probes.items()) + [("all probes", every)]:
        print(f"  {path}: {len(values)} answered; p50 {percentile(values, 0.5) * 1000:.1f} ms, "
              f"p90 {percentile(values, 0.9) * 1000:.1f} ms, p99 {percentile(values, 0.99) * 1000:.1f} ms, "
              f"max {max(values) * 1000 if values else float('nan'):.1f} ms")
    for problem in problems[:20]:
        print("  problem:", problem)
    if problems:
        print(f"check: flood failed ({len(problems)} problems)")
        return 1
    print(f"check: flood passed (health p99 {percentile(every, 0.99) * 1000:.1f} ms over {len(every)} probes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
