#!/usr/bin/env bash
# Soak, not part of CI: the Sentinel failover test repeated. Three sentinels, a master and a
# replica, the router with 3 slot shards and a replica each, a counter/sequence write load; each
# round fails over to the other node, by SENTINEL FAILOVER in one test and by a SIGKILL of the
# master in the other, and checks: the router follows with a partial resync (the new master's
# sync_partial_ok grows, the router takes no full sync), no shard serves a full resync, and every
# shard equals the new master key by key.
# Usage: bench/failover-soak.sh  (ROUNDS=5 per test; about 10-20 s a round)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
exec mvn -B -pl router -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test='SentinelFailoverIntegrationTest' -Dfailover.rounds="${ROUNDS:-5}"
