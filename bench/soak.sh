#!/usr/bin/env bash
# Soak, not part of CI: the router chaos test with many SIGKILLs of the router (and replica
# crashes) under write load, then an exact comparison of every shard with the master; and the
# stream-sink chaos test with many SIGKILLs, then every key checked to be in the stream once.
# Usage: bench/soak.sh  (KILLS=250 router kills, about 10 minutes at 2-3 s a kill; SINK_KILLS=60,
# about 3 minutes). First, the hostile-client fuzz of a shard port and the admin port, and the
# damaged-stream fuzz from a fake master, for FUZZ_SECONDS each (600; FUZZ_SEED=N replays a run
# whose seed it printed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
# each run builds what it tests in its reactor (-am), so nothing is installed into ~/.m2
FUZZ_SECONDS="${FUZZ_SECONDS:-600}" mvn -B -pl router -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='HostileFuzzIntegrationTest,FakeMasterFuzzIntegrationTest' ${FUZZ_SEED:+-DFUZZ_SEED=$FUZZ_SEED}
exec mvn -B -pl tools -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='RouterChaosIntegrationTest#shouldLoseAndRepeatNothing*+StreamSinkChaosIntegrationTest' \
  -Dchaos.kills="${KILLS:-250}" -Dchaos.sink.kills="${SINK_KILLS:-60}"
