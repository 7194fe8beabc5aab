#!/usr/bin/env bash
# Checks deploy/ without running containers: the compose file is valid, has the broker, the
# topic creator and the three services, creates every topic of Shared/AttacheModels/Topics.swift
# with its cleanup policy, and the Dockerfile has what compose relies on.
#
#   bash deploy/check.sh
#
# Needs `docker compose` (v2) or `docker-compose` (v1); no Docker daemon.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
compose_file="$here/compose.yaml"
failures=0

fail() { echo "deploy/check.sh: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok - $*"; }

if docker compose version > /dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose > /dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "deploy/check.sh: neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 2
fi

# 1. The file is valid, with the variables it reads unset and set.
if ! "${compose[@]}" -f "$compose_file" config -q; then
  echo "deploy/check.sh: ${compose_file#"$root"/} is not a valid compose file" >&2
  exit 1
fi
ok "compose.yaml is valid (${compose[*]})"
ATTACHE_INGEST_TOKEN=secret ATTACHE_TOPIC_PREFIX=staging. "${compose[@]}" -f "$compose_file" config -q \
  || fail "compose.yaml is invalid with ATTACHE_INGEST_TOKEN and ATTACHE_TOPIC_PREFIX set"

rendered="$("${compose[@]}" -f "$compose_file" config)"
services="$("${compose[@]}" -f "$compose_file" config --services | sort | tr '\n' ' ')"

# 2. Services.
for service in kafka topics ingest enrichment notifier; do
  if grep -qw "$service" <<< "$services"; then ok "service $service"; else fail "service '$service' is missing (have: $services)"; fi
done
grep -q 'image: apache/kafka:3.9.1' <<< "$rendered" || fail "the broker image is not apache/kafka:3.9.1"
for service in ingest enrichment notifier; do
  grep -Eq -- "- $service\$" <<< "$rendered" || fail "no service runs 'serve $service'"
done
for setting in 'ATTACHE_BROKERS: kafka:9092' 'ATTACHE_EXACTLY_ONCE: "true"' 'KAFKA_PROCESS_ROLES: broker,controller' \
               'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1' 'condition: service_completed_successfully' \
               'condition: service_healthy' 'dockerfile: deploy/Dockerfile'; do
  grep -qF -- "$setting" <<< "$rendered" || fail "compose.yaml lacks '$setting'"
done
[ "$failures" -gt 0 ] || ok "service settings"

# 3. Topics: every topic of Topics.swift, with its cleanup policy, created by the topics service.
topics_swift="$root/Shared/AttacheModels/Topics.swift"
declare -A names=()
while read -r property name; do
  names[$property]=$name
done < <(sed -nE 's/.*public var ([a-zA-Z]+): String \{ prefix \+ "([^"]+)" \}.*/\1 \2/p' "$topics_swift")
specs="$(sed -nE 's/.*TopicSpec\(name: ([a-zA-Z]+), cleanup: \.([a-z]+)\).*/\1 \2/p' "$topics_swift")"
[ -n "$specs" ] || fail "no TopicSpec found in ${topics_swift#"$root"/}"
count=0
before=$failures
while read -r property policy; do
  name="${names[$property]:-}"
  [ -n "$name" ] || { fail "Topics.swift: no name for '$property'"; continue; }
  if grep -Eq "^ *create ${name//./\\.} +\"[^\"]+\" +$policy\$" "$compose_file"; then
    count=$((count + 1))
  else
    fail "topic $name is not created with cleanup.policy=$policy"
  fi
done <<< "$specs"
created="$(grep -Ec '^ *create [a-z.]+ +"' "$compose_file")"
[ "$created" -eq "$count" ] || fail "compose.yaml creates $created topics, Topics.swift has $count"
grep -q -- '--if-not-exists' "$compose_file" || fail "topics are not created with --if-not-exists"
grep -Eq '^ *create attache\.ledger +"\$\$\(partitions_of trade\.observations\)"' "$compose_file" \
  || fail "attache.ledger is not created with the partitions of trade.observations"
[ "$failures" -gt "$before" ] || ok "$count topics with their cleanup policies"

# 4. The Dockerfile provides what compose expects.
dockerfile="$here/Dockerfile"
before=$failures
for line in 'ENTRYPOINT ["attache"]' 'EXPOSE 8080' 'librdkafka-dev' 'librdkafka1' 'ca-certificates' 'curl' \
            '--product attache' 'USER attache'; do
  grep -qF -- "$line" "$dockerfile" || fail "Dockerfile lacks '$line'"
done
grep -Eq '^FROM .* AS build' "$dockerfile" || fail "Dockerfile is not multi-stage"
if command -v hadolint > /dev/null 2>&1; then
  hadolint --ignore DL3008 "$dockerfile" || fail "hadolint found problems in the Dockerfile"
fi
[ "$failures" -gt "$before" ] || ok "Dockerfile"

if [ "$failures" -gt 0 ]; then
  echo "deploy/check.sh: $failures problem(s)" >&2
  exit 1
fi
echo "deploy/check.sh: all checks passed"
