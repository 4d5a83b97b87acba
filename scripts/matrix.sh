#!/usr/bin/env bash
# The version matrix of issue 11's proof, outside CI: the command-coverage test against masters
# 7.0 (local), 6.2.7, 6.0.5 and 2.8.19, each through slot, prefix and regex maps to 3 shard
# replicas of the master's version, and the late-replica TTL test. CI runs the 7.0 and 2.8.19 rows.
# Usage: scripts/matrix.sh                     (every version and map)
#        VERSIONS=6.2.7,local MAPS=SLOTS scripts/matrix.sh
# The failure report of each row lists, per command and phase, every key that differs:
# router/target/failsafe-reports/io.redisreplica.router.CommandCoverageIntegrationTest.txt
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
maps=()
if [[ -n "${MAPS:-}" ]]; then
  maps=(-Dcoverage.maps="$MAPS")
fi
exec mvn -B verify -pl router -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test='CommandCoverageIntegrationTest,LateReplicaTtlIntegrationTest' \
  -Dcoverage.versions="${VERSIONS:-all}" ${maps[@]+"${maps[@]}"}
