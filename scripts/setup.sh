#!/usr/bin/env bash
# Installs what Attache needs from Debian's packages when it is missing:
#   librdkafka-dev  the Kafka client library (2.0.2) and its mock cluster, the embedded broker
#   kcat            an independent Kafka client, used by the tests to prove interoperability
#   docker-compose  only with --deploy: validates deploy/compose.yaml
set -euo pipefail

packages=()
pkg-config --exists rdkafka 2>/dev/null || packages+=(librdkafka-dev)
command -v kcat >/dev/null 2>&1 || packages+=(kcat)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
if [[ "${1:-}" == "--deploy" ]]; then
  command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
fi

if ((${#packages[@]})); then
  echo "setup: installing ${packages[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi
