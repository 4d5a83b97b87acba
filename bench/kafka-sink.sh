#!/usr/bin/env bash
# Kafka sink benchmark (issue 17), in one run on one local broker (KRaft, Maven Central's jars, its
# own JVM): redis-benchmark SET through the router to 2 slot shards with a kafka sink, the events/s
# it commits, then Kafka's own ProducerPerformance with records of the same size, plain and
# transactional. Builds the bench module without installing anything and appends to
# bench-results/kafka-sink.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-500000}
BATCH=${BATCH:-500}
source scripts/ensure-redis.sh
mvn -B -q package -pl bench -am -DskipTests -Dlibrary.jars.skip=true dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
cp=$(cat bench/target/classpath.txt):bench/target/classes
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) kafka sink bench: REQUESTS=$REQUESTS BATCH=$BATCH bench/kafka-sink.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3))"
  # shellcheck disable=SC2046
  java ${JAVA_OPTS:--Xmx1g} $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" io.redisreplica.bench.KafkaSinkBench "$REQUESTS" "$BATCH"
} 2>&1 | tee -a bench-results/kafka-sink.txt
