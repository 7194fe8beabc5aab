#!/usr/bin/env bash
# Runs the demo: the embedded broker and the three services in one process, the sample
# articles of seeds/ ingested, each notification printed as it is delivered.
# Does its own set-up (librdkafka-dev, kcat) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product attache
.build/debug/attache demo "${@:-seeds}"
