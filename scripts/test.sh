#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests over the embedded broker.
# Does its own set-up (librdkafka-dev, kcat, docker-compose) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --deploy
bash deploy/check.sh
swift build --build-tests
swift test --skip-build "$@"
