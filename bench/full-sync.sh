#!/usr/bin/env bash
# Full sync, 4 slot shards through the router vs one direct replica (RouterBench with REQUESTS=0),
# for a BEFORE tree (a git ref) and this tree back to back in one run: per size, ROUNDS rounds of
# before then after, each run with its own direct reference, so a machine shared with other work
# loads both sides alike. The harness class is this tree's in both (only the router differs). Each run prints
# three ratios: from the router's start, from it being up, and from the master's RDB start to loaded (the
# servers' own logs: the fair one; bench/full-sync-timeline.sh shows the steps in between).
# Appends to bench-results/full-sync.txt.
# Usage: BEFORE=main SIZES="500000 8000000" ROUNDS=2 bench/full-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-main}
SIZES=${SIZES:-"500000 8000000"}
ROUNDS=${ROUNDS:-2}
VALUE_SIZE=${VALUE_SIZE:-100}
source scripts/ensure-redis.sh
before_tree=$(mktemp -d /tmp/full-sync-before.XXXXXX)
trap 'rm -rf "$before_tree"' EXIT
git archive "$BEFORE" | tar -x -C "$before_tree"
cp bench/src/main/java/io/redisreplica/bench/{RouterBench,SyncTimeline}.java "$before_tree/bench/src/main/java/io/redisreplica/bench/"
(cd "$before_tree" && bench/classpath.sh)
bench/classpath.sh
mkdir -p bench-results
run() { # label tree keys
  local cp
  cp=$(cat "$2/bench/target/classpath.txt"):$2/bench/target/classes
  echo "-- $1 ($(cd "$2" && git rev-parse --short HEAD 2>/dev/null || echo "$BEFORE"))"
  # shellcheck disable=SC2046
  java ${JAVA_OPTS:--Xmx1g} $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.RouterBench "$3" "$VALUE_SIZE" 0 | grep -E 'full sync|populated|of CPU'
}
{
  echo "== $(date -u +%FT%TZ) BEFORE=$BEFORE SIZES=\"$SIZES\" ROUNDS=$ROUNDS bench/full-sync.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3), after = $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'))"
  for keys in $SIZES; do
    for round in $(seq 1 "$ROUNDS"); do
      run "before, $keys keys, round $round" "$before_tree" "$keys"
      run "after, $keys keys, round $round" "$PWD" "$keys"
    done
  done
} 2>&1 | tee -a bench-results/full-sync.txt
