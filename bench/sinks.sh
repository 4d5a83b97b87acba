#!/usr/bin/env bash
# Event sink benchmark (issue 8), in one run: redis-benchmark's own pipelined XADD into a target
# (the rate Redis takes stream entries at), then redis-benchmark SET on a master replicated through
# the router to 2 slot shards without a sink and with an xadd sink to that target.
# Appends to bench-results/sinks.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-1000000}
source scripts/ensure-redis.sh
mvn -B -q install -pl bench -am -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
cp=$(cat bench/target/classpath.txt):bench/target/classes
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) sink bench: REQUESTS=$REQUESTS bench/sinks.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3))"
  java -Xmx1g $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.SinkBench "$REQUESTS"
} 2>&1 | tee -a bench-results/sinks.txt
