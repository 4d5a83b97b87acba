#!/usr/bin/env bash
# One full sync through the router (RouterBench with REQUESTS=0) with its timeline: the router's log
# (at INFO, or LEVEL=DEBUG) and every line the master, the direct replica and the four shard replicas
# logged, merged in time order, after the figures (from the router's start, from it being up, and
# from the master's RDB start to loaded by the servers' own logs). Appends to bench-results/full-sync-timeline.txt.
# Usage: KEYS=500000 [LEVEL=DEBUG] [NOBUILD=1] bench/full-sync-timeline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-500000}
source scripts/ensure-redis.sh
[ -n "${NOBUILD:-}" ] || bench/classpath.sh
mkdir -p bench-results
cp=$(cat bench/target/classpath.txt):bench/target/classes
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2046
LEVEL=${LEVEL:-INFO} java ${JAVA_OPTS:--Xmx1g} $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback-timeline.xml \
  -Dbench.timeline=true -cp "$cp" io.redisreplica.bench.RouterBench "$KEYS" 100 0 >"$out" 2>&1
{
  echo "== $(date -u +%FT%TZ) KEYS=$KEYS bench/full-sync-timeline.sh ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'))"
  grep -Ev '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' "$out" || true
  grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' "$out" | sort -s -k1,1
} | tee -a bench-results/full-sync-timeline.txt
