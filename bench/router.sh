#!/usr/bin/env bash
# Router benchmark (issue 5), side by side with direct replication, in one run:
# full sync of a populated master (KEYS keys of VALUE_SIZE bytes) directly vs through the
# router to 4 slot shards; then redis-benchmark SET at full speed with lag probes per shard.
# Appends to bench-results/router.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-8000000}
VALUE_SIZE=${VALUE_SIZE:-100}
REQUESTS=${REQUESTS:-2000000}
source scripts/ensure-redis.sh
mvn -B -q install -pl bench -am -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
cp=$(cat bench/target/classpath.txt):bench/target/classes
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) router bench: KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE REQUESTS=$REQUESTS bench/router.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3))"
  java -Xmx1g $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.RouterBench "$KEYS" "$VALUE_SIZE" "$REQUESTS"
} 2>&1 | tee -a bench-results/router.txt
