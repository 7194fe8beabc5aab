#!/usr/bin/env bash
# Soak benchmark: `serve ingest` and `serve enrichment` as separate processes on the embedded
# broker, fed generated articles on articles.raw at a steady rate by kcat (an independent
# Kafka client), while the enrichment process's resident memory (VmRSS) and its count of
# enriched articles are sampled. Shows whether memory stays flat after warm-up and whether the
# pipeline keeps up with the offered load.
#
#   bash scripts/soak.sh [RATE articles/s, default 1000] [SECONDS, default 600] [SAMPLE s, default 30]
#
# The articles are the samples in seeds/ with other publication dates, amounts and partners,
# each distinct (as `attache bench pipeline` generates them), sent as JSON. Uses the release
# build (built if missing; ATTACHE_BIN overrides). Prints one line per sample, then a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}
seconds=${2:-600}
every=${3:-30}
bin=${ATTACHE_BIN:-.build/release/attache}
command -v kcat >/dev/null || { echo "soak: kcat is missing (apt-get install -y kcat)"; exit 1; }
[[ -x $bin ]] || swift build -c release --product attache
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" broker --http-port 0 >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^embedded broker:' "$work/broker.log" && break; sleep 0.1; done
brokers=$(sed -n 's/^embedded broker: //p' "$work/broker.log")
[[ -n $brokers ]] || { echo "soak: the embedded broker did not start:"; cat "$work/broker.log"; exit 1; }
export ATTACHE_BROKERS=$brokers
# The embedded broker holds an empty fetch for the whole fetch.wait.max.ms (see docs/architecture.md §6).
export ATTACHE_KAFKA_FETCH_WAIT_MAX_MS=10
ingest_port=$((20000 + RANDOM % 20000))
enrich_port=$((ingest_port + 1))
ATTACHE_HTTP_PORT=$ingest_port "$bin" serve ingest >"$work/ingest.log" 2>&1 &
pids+=($!)
ATTACHE_HTTP_PORT=$enrich_port "$bin" serve enrichment >"$work/enrichment.log" 2>&1 &
enrichment=$!
pids+=($enrichment)
for port in $ingest_port $enrich_port; do
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "soak: a service on :$port is not ready"; tail -5 "$work"/*.log; exit 1; }
done

enriched() {
  curl -fs "http://127.0.0.1:$enrich_port/metrics" |
    awk '/^attache_enrichment_records_out_total\{.*topic="articles.enriched"/ { n += $NF } END { printf "%d", n }'
}
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$enrichment/status"; }

total=$((rate * seconds))
echo "soak: $total articles at $rate/s for $seconds s; brokers $brokers; enrichment pid $enrichment"
printf '%8s %10s %12s %12s\n' "t (s)" "RSS (MB)" "enriched" "behind"
# The generator writes "key<TAB>json" lines at the offered rate; kcat produces one record per line.
python3 -c '
import json, os, re, sys, time
rate, seconds, seeds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
texts = [open(os.path.join(seeds, f), encoding="utf-8").read() for f in sorted(os.listdir(seeds)) if f.endswith(".txt")]
partners = ["Germany", "France", "Italy", "Poland", "Austria", "Hungary", "Czechia", "Spain",
            "Sweden", "Norway", "Latvia", "Greece", "Romania", "Serbia", "Belgium", "Finland"]
amount = re.compile(r"\d+\.\d+")
def article(n):
    text = texts[n % len(texts)]
    published = "%04d-%02d-%02d" % (2016 + n % 10, 1 + (n // 10) % 12, 1 + (n // 120) % 28)
    body = text[len(" date YYYY-MM-DD"):] if text.startswith(" date ") else text
    body = body.replace("Luxembourg", partners[(n // len(texts)) % len(partners)])
    factor = 1 + (n % 97) / 100
    body = amount.sub(lambda m: "%.1f" % (float(m.group()) * factor), body)
    body += "\n\nReference %d: the figures above were compiled for bulletin %d." % (n, n)
    return json.dumps({"published": published, "text": body.strip()}, ensure_ascii=False)
start = time.monotonic()
tick = 0.05
per_tick = max(1, round(rate * tick))
n = 0
total = rate * seconds
while n < total:
    for _ in range(min(per_tick, total - n)):
        sys.stdout.write("a%d\t%s\n" % (n, article(n)))
        n += 1
    sys.stdout.flush()
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
' "$rate" "$seconds" seeds | kcat -P -b "$brokers" -t articles.raw -K $'\t' -X linger.ms=5 &
producer=$!
started=$(date +%s)
first_rss=""
while kill -0 "$producer" 2>/dev/null; do
  sleep "$every"
  now=$(($(date +%s) - started))
  rss=$(rss_mb)
  done_count=$(enriched)
  expected=$((now * rate < total ? now * rate : total))
  [[ -z $first_rss ]] && first_rss=$rss
  printf '%8d %10s %12d %12d\n' "$now" "$rss" "$done_count" $((expected - done_count))
done
wait "$producer"
for _ in $(seq 120); do (($(enriched) >= total)) && break; sleep 0.5; done
final=$(enriched)
echo "soak: offered $total, enriched $final; enrichment RSS $first_rss MB at the first sample, $(rss_mb) MB at the end"
(( final >= total )) || { echo "soak: the pipeline did not enrich every article"; tail -5 "$work/enrichment.log"; exit 1; }
