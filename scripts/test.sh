#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests over the embedded broker.
# Does its own set-up (librdkafka-dev, kcat, docker-compose) on a fresh machine.
#
# Each test module runs on its own, its tests in parallel: the integration modules start
# dozens of embedded brokers and Kafka clients, and all of them at once on a two-core
# machine slow consumer-group joins past what the tests wait for.
# `bash scripts/test.sh --filter NAME` runs matching tests in one go instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --deploy
bash scripts/standardwebhooks-venv.sh
bash deploy/check.sh
swift build --build-tests
if (($#)); then
  exec swift test --skip-build "$@"
fi
status=0
for module in $(ls Tests | grep 'Tests$'); do  # AttacheTesting is support, not a test module
  echo "== $module"
  swift test --skip-build --filter "$module\." || status=1
done
exit "$status"
