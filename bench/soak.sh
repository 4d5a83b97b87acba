#!/usr/bin/env bash
# Soak: the router chaos test with many SIGKILLs of the router (and replica crashes) under write
# load, then an exact comparison of every shard with the master. Not part of CI.
# Usage: bench/soak.sh  (KILLS=250 by default: about 10 minutes at 2-3 s per kill)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
mvn -B -q install -DskipTests
exec mvn -B -pl tools verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='RouterChaosIntegrationTest#shouldLoseAndRepeatNothing*' -Dchaos.kills="${KILLS:-250}"
