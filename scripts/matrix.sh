#!/usr/bin/env bash
# The version matrix of issue 11's proof, outside CI: the command-coverage test against masters
# 7.0 (local), 6.2.7, 6.0.5 and 2.8.19, each through slot, prefix and regex maps to 3 shard
# replicas of the master's version, and the late-replica TTL test. CI runs the 7.0 and 2.8.19 rows.
# Usage: scripts/matrix.sh                     (every version and map, replicas of the master's version)
#        VERSIONS=6.2.7,local MAPS=SLOTS scripts/matrix.sh
#        REPLICA=local VERSIONS=2.8.19 scripts/matrix.sh   (a 7.0 replica behind each shard of a 2.8 master)
#        PAIRS=1 scripts/matrix.sh             (every master x newer-or-equal replica pair, one run each)
# The failure report of each row lists, per command and phase, every key that differs:
# router/target/failsafe-reports/io.redisreplica.router.CommandCoverageIntegrationTest.txt
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
maps=()
if [[ -n "${MAPS:-}" ]]; then
  maps=(-Dcoverage.maps="$MAPS")
fi
if [[ -n "${PAIRS:-}" ]]; then
  for pair in 2.8.19:2.8.19 2.8.19:6.0.5 2.8.19:6.2.7 2.8.19:local 6.0.5:6.0.5 6.0.5:6.2.7 6.0.5:local 6.2.7:6.2.7 6.2.7:local local:local; do
    if VERSIONS="${pair%%:*}" REPLICA="${pair##*:}" PAIRS= "$0" >"/tmp/matrix-${pair//:/-}.log" 2>&1; then
      echo "master ${pair%%:*} x replica ${pair##*:}: every command equal"
    else
      echo "master ${pair%%:*} x replica ${pair##*:}: FAILED (/tmp/matrix-${pair//:/-}.log)"
    fi
  done
  exit 0
fi
exec mvn -B verify -pl router -am -Dcoverage.replica="${REPLICA:-same}" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test='CommandCoverageIntegrationTest,LateReplicaTtlIntegrationTest' \
  -Dcoverage.versions="${VERSIONS:-all}" ${maps[@]+"${maps[@]}"}
