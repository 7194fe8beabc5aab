#!/usr/bin/env bash
# The HTTP contract and the flood, against a live ingest: starts `attache broker` and
# `attache serve ingest` (the debug build of scripts/test.sh, or ATTACHE_BIN), then
#  1. schemathesis (PyPI, pinned, in a venv under .build-schemathesis/) generates requests
#     from docs/openapi.yaml with a fixed seed and checks every answer: no 5xx, status,
#     content type, headers and body as documented;
#  2. scripts/ingest-flood.py floods POST /v1/articles and measures /healthz, /readyz and
#     /metrics meanwhile (FLOOD_SECONDS, default 20);
#  3. the service must still be up and answer /healthz 200.
# Prints `check: schemathesis|flood|ingest alive passed|failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${ATTACHE_BIN:-$root/.build/debug/attache}
schemathesis_version=4.32.5
if [[ ! -x "$bin" ]]; then
  swift build --product attache || { echo "check: schemathesis failed (no attache binary)"; exit 1; }
fi
venv=$root/.build-schemathesis/venv
if [[ ! -x "$venv/bin/schemathesis" ]] || ! "$venv/bin/schemathesis" --version | grep -q "$schemathesis_version"; then
  echo "== schemathesis: installing $schemathesis_version into $venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian's own python3 ships venv separately.
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$venv"; python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version" \
    || { echo "check: schemathesis failed (pip install)"; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && exec "$bin" broker) >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/.attache/bootstrap" ]] && break; sleep 0.1; done
brokers=$(cat "$work/.attache/bootstrap" 2>/dev/null)
if [[ -z "$brokers" ]]; then
  cat "$work/broker.log"; echo "check: schemathesis failed (the broker did not start)"; exit 1
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ATTACHE_BROKERS=$brokers ATTACHE_HTTP_HOST=127.0.0.1 ATTACHE_HTTP_PORT=$port "$bin" serve ingest >"$work/ingest.log" 2>&1 &
ingest=$!
pids=("$ingest" "${pids[@]}")
for _ in $(seq 1 300); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" == 200 ]] && break
  sleep 0.2
done
echo "== schemathesis $schemathesis_version against ingest on port $port"
start=$(date +%s)
status=0
"$venv/bin/schemathesis" run docs/openapi.yaml --url "http://127.0.0.1:$port" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --seed 1 --max-examples "${SCHEMATHESIS_EXAMPLES:-300}" --workers 2 --request-timeout 30 --no-color \
  >"$work/schemathesis.log" 2>&1
code=$?
tail -n 40 "$work/schemathesis.log"
if (( code == 0 )); then
  echo "check: schemathesis passed ($(( $(date +%s) - start )) s)"
else
  status=1
  echo "check: schemathesis failed (exit $code)"
fi

echo "== flood against ingest on port $port"
if python3 scripts/ingest-flood.py --port "$port" --seconds "${FLOOD_SECONDS:-20}"; then :; else status=1; fi
if ! kill -0 "$ingest" 2>/dev/null; then
  echo "ingest is gone; its log ends:"; tail -n 20 "$work/ingest.log"
  echo "check: ingest alive failed"
  status=1
elif [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" == 200 ]]; then
  echo "check: ingest alive passed (healthz 200 after schemathesis and the flood)"
else
  echo "check: ingest alive failed (healthz not 200)"
  status=1
fi
if (( status != 0 )); then echo "== ingest log (last 30 lines)"; tail -n 30 "$work/ingest.log"; fi
exit "$status"
