#!/usr/bin/env bash
# Coverage-guided fuzzing of ArticleParser and Extractor with libFuzzer (Linux), a bounded
# campaign per target with a fixed seed: FUZZ_SECONDS (default 60) each, FUZZ_SEED (default 1).
# Seeded with seeds/ and the corpus kept in Fuzz/Corpus/<target> (read-only here: new inputs
# go to a scratch directory; `FUZZ_KEEP=1` merges them into the kept corpus, minimised).
# A crash, a trap, a broken property (see Fuzz/Targets) or an input slower than 10 s fails
# the run and leaves the input in .build-fuzz/artifacts/. Prints one line per target:
#   check: fuzz <target> passed|failed (<runs> runs, <seconds> s, <features> features)
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-1}
build=(swift build --package-path Fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer)
echo "== fuzz: building (libFuzzer, release)"
start=$(date +%s)
if ! "${build[@]}" 2>&1 | tail -n 5; then
  echo "check: fuzz build failed"
  exit 1
fi
echo "fuzz: built in $(( $(date +%s) - start )) s"
bin=$("${build[@]}" --show-bin-path)
mkdir -p .build-fuzz/artifacts
status=0
for target in ArticleParser Extractor; do
  scratch=$(mktemp -d)
  log=.build-fuzz/$target.log
  echo "== fuzz $target: ${seconds} s, seed $seed"
  "$bin/Fuzz$target" "$scratch" "Fuzz/Corpus/$target" seeds \
    -seed="$seed" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict="Fuzz/$target.dict" -artifact_prefix=.build-fuzz/artifacts/ -print_final_stats=1 \
    -reload=0 >"$log" 2>&1
  code=$?
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
  features=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  if (( code == 0 )); then
    echo "check: fuzz $target passed (${runs:-?} runs, $seconds s, ${features:-?} features)"
  else
    status=1
    grep -E 'property failed|ERROR: libFuzzer|==ERROR|Fatal error|SUMMARY|Test unit written|timeout' "$log" | head -n 20
    echo "check: fuzz $target failed (${runs:-?} runs; exit $code; input in .build-fuzz/artifacts/; log $log)"
  fi
  if [[ "${FUZZ_KEEP:-0}" == 1 ]]; then
    "$bin/Fuzz$target" -merge=1 "Fuzz/Corpus/$target" "$scratch" -max_len=65536 >/dev/null 2>&1 || true
  fi
  rm -rf "$scratch"
done
exit "$status"
