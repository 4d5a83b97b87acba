#!/usr/bin/env bash
# Live lag at a steady rate (issue 18, the spikes): RouterBench with a PacedWriter of RATE SETs a
# second for DURATION seconds (after WARMUP seconds of the same load, not measured: the JIT compiles
# the router's path), the direct replica and the router's 4 slot shards side by side;
# prints each one's p50/p99/max, the router's added lag against the direct replica, the load
# average, and every lag over 20 ms with its time (UTC).
# BEFORE=ref also runs that git ref's router (built from a `git archive` copy with this tree's
# harness classes) before this tree's, ROUNDS times back to back, so both meet the same machine.
# JFR=1 records each JVM (the router runs in it) to bench-results/lag-TIME-LABEL.jfr and logs GC
# and safepoints to bench-results/lag-TIME-LABEL-gc.log, to line the spikes up with what the
# router did then. STALLS=1 samples where the upstream thread sleeps in the kernel
# (bench/thread-stalls.py, what JFR cannot see) into bench-results/lag-TIME-stalls-N.txt, N the
# run's number in order (the router's pretouch thread, when it has one, into ...-N-pretouch.txt).
# JOURNAL_ROLL=five_minutely (any journal-roll value; default hourly) makes the run cross the
# journal's rolls, one every five minutes on every shard at once.
# Appends to bench-results/lag.txt.
# Usage: [BEFORE=main] [ROUNDS=1] [JFR=1] [STALLS=1] [JOURNAL_ROLL=hourly] [RATE=30000] [DURATION=30] [WARMUP=10] bench/lag.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-100000}
VALUE_SIZE=${VALUE_SIZE:-100}
RATE=${RATE:-30000}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-1}
BEFORE=${BEFORE:-}
source scripts/ensure-redis.sh
if [[ -n $BEFORE ]]; then
  before_tree=$(mktemp -d /tmp/lag-before.XXXXXX)
  trap 'rm -rf "$before_tree"' EXIT
  git archive "$BEFORE" | tar -x -C "$before_tree"
  cp bench/src/main/java/io/redisreplica/bench/{RouterBench,LagProbes,PacedWriter}.java \
    "$before_tree/bench/src/main/java/io/redisreplica/bench/"
  (cd "$before_tree" && bench/classpath.sh)
fi
bench/classpath.sh
mkdir -p bench-results
out=$PWD/bench-results
stamp=$(date -u +%Y%m%dT%H%M%S)
run() { # label tree
  local cp opts=${JAVA_OPTS:--Xmx1g}
  cp=$(cat "$2/bench/target/classpath.txt"):$2/bench/target/classes
  if [[ ${JFR:-0} == 1 ]]; then
    opts="$opts -Xlog:gc*,safepoint:file=$out/lag-$stamp-$1-gc.log:utctime,uptime,level,tags"
    opts="$opts -XX:StartFlightRecording=filename=$out/lag-$stamp-$1.jfr,settings=profile"
  fi
  echo "-- $1: JAVA_OPTS='$opts'"
  # shellcheck disable=SC2086,SC2046
  java $opts $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.RouterBench "$KEYS" "$VALUE_SIZE" 0 "$RATE" "$DURATION" "$WARMUP" | grep -v 'full sync'
}
if [[ ${STALLS:-0} == 1 ]]; then
  runs=$ROUNDS
  [[ -z $BEFORE ]] || runs=$((ROUNDS * 2))
  bench/thread-stalls.py "$out/lag-$stamp-stalls" "$runs" &
fi
{
  echo "== $(date -u +%FT%TZ) KEYS=$KEYS RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS BEFORE=$BEFORE JFR=${JFR:-0} STALLS=${STALLS:-0} JOURNAL_ROLL=${JOURNAL_ROLL:-hourly} bench/lag.sh" \
    "($(nproc) cores, $(redis-server --version | cut -d' ' -f3), after = $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'))"
  for round in $(seq 1 "$ROUNDS"); do
    if [[ -n $BEFORE ]]; then
      run "before$round" "$before_tree"
    fi
    run "after$round" "$PWD"
  done
} 2>&1 | tee -a bench-results/lag.txt
