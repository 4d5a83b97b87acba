#!/usr/bin/env bash
# Soak, not part of CI: the router chaos test with many SIGKILLs of the router (and replica
# crashes) under write load, then an exact comparison of every shard with the master; and the
# stream-sink chaos test with many SIGKILLs, then every key checked to be in the stream once.
# Usage: bench/soak.sh  (KILLS=250 router kills, about 10 minutes at 2-3 s a kill; SINK_KILLS=60,
# about 3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
mvn -B -q install -DskipTests
exec mvn -B -pl tools verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='RouterChaosIntegrationTest#shouldLoseAndRepeatNothing*+StreamSinkChaosIntegrationTest' \
  -Dchaos.kills="${KILLS:-250}" -Dchaos.sink.kills="${SINK_KILLS:-60}"
