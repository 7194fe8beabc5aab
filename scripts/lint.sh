#!/usr/bin/env bash
# Checks the Swift sources against .swift-format (120 columns, 4 spaces) with
# `swift format lint --strict`, which ships with the Swift 6 toolchain. Any finding fails.
# Prints one line: check: lint passed|failed (<files> files[, <findings> findings])
#
# To fix what it finds, format the same files in place and review the diff:
#   swift format -i -r Package.swift Shared Services Tests Fuzz/Package.swift Fuzz/Targets
# A few findings are not fixed by formatting (a name, a trailing closure): the message says
# what to change. Fuzz/Sources is left out: its entries are symbolic links to Shared/ and
# Services/, linted there.
set -uo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Shared Services Tests Fuzz/Package.swift Fuzz/Targets)
echo "== lint: swift format lint --strict (.swift-format)"
if ! swift format --version >/dev/null 2>&1; then
  echo "lint: 'swift format' is not available; it ships with Swift 6 toolchains (swift.org/install)"
  echo "check: lint failed (swift format missing)"
  exit 1
fi
files=$(find "${paths[@]}" -name '*.swift' -type f | wc -l)
log=$(mktemp)
swift format lint --strict --recursive --parallel --no-color-diagnostics "${paths[@]}" >"$log" 2>&1
code=$?
findings=$(grep -cE ': (error|warning): ' "$log" || true)
if (( code == 0 && findings == 0 )); then
  echo "check: lint passed ($files files)"
  rm -f "$log"
  exit 0
fi
head -n 40 "$log"
(( findings > 40 )) && echo "… and $(( findings - 40 )) more"
echo "By rule:"
sed -nE 's/.*: (error|warning): \[([A-Za-z]+)\].*/\2/p' "$log" | sort | uniq -c | sort -rn
echo "lint: fix with: swift format -i -r ${paths[*]}"
echo "lint: then run this script again; what formatting cannot fix, the messages above say how to change"
echo "check: lint failed ($files files, $findings findings)"
rm -f "$log"
exit 1
