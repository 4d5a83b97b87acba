#!/usr/bin/env bash
# Builds the bench module and runs one harness class in a JVM with the router's flags, appending
# what it prints (after a header naming the command) to bench-results/NAME.txt.
# Usage: bench/harness.sh NAME "HEADER" CLASS [ARGS...] (JAVA_OPTS for the heap, default -Xmx1g)
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 header=$2 main=$3; shift 3
source scripts/ensure-redis.sh
bench/classpath.sh
cp=$(cat bench/target/classpath.txt):bench/target/classes
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) $header ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) after the build, redis $(redis-server --version | cut -d' ' -f3))"
  # shellcheck disable=SC2086,SC2046
  java ${JAVA_OPTS:--Xmx1g} $(bench/jvm-flags.sh) -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
    -cp "$cp" "io.redisreplica.bench.$main" "$@"
} 2>&1 | tee -a "bench-results/$name.txt"
