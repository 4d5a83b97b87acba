#!/usr/bin/env bash
# Replay benchmark (issue 7), in one run: a journal of ENTRIES SETs replayed exactly once into a
# fresh redis-server, beside redis-benchmark sending as many SETs from one client pipelined 500 deep.
# Appends to bench-results/replay.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${ENTRIES:-1000000}
source scripts/ensure-redis.sh
mvn -B -q install -pl bench -am -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
cp=$(cat bench/target/classpath.txt):bench/target/classes
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) replay bench: ENTRIES=$ENTRIES bench/replay.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3))"
  java -Xmx1g $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.ReplayBench "$ENTRIES"
} 2>&1 | tee -a bench-results/replay.txt
