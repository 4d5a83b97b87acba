#!/usr/bin/env bash
# replay into a client-mode target (issue 13), in one run on the same data: the snapshot load of
# KEYS keys (DEBUG POPULATE, 100-byte values) beside redis-cli --pipe of the same keys' RESTOREs,
# then --follow under SECONDS_FOLLOW of pipelined INCRs (RATE a second; 0: unpaced) with its lag
# sampled every 10 ms. OWN_JVM=1 runs the follower as an operator does, `redis-replica replay --follow`
# in a JVM of its own (its applied offset read from its checkpoint key on the target every 1 ms),
# rather than in the harness's JVM beside the router. Appends to bench-results/snapshot-load.txt.
# Usage: KEYS=1000000 SECONDS_FOLLOW=20 RATE=0 BATCH=500 OWN_JVM=0 bench/snapshot-load.sh
set -euo pipefail
KEYS=${KEYS:-1000000}
SECONDS_FOLLOW=${SECONDS_FOLLOW:-20}
RATE=${RATE:-0}
BATCH=${BATCH:-500}
OWN_JVM=${OWN_JVM:-0}
exec "$(dirname "$0")/harness.sh" snapshot-load "snapshot load bench: KEYS=$KEYS SECONDS_FOLLOW=$SECONDS_FOLLOW RATE=$RATE BATCH=$BATCH OWN_JVM=$OWN_JVM bench/snapshot-load.sh" \
  SnapshotLoadBench "$KEYS" "$SECONDS_FOLLOW" "$RATE" "$BATCH" "$([ "$OWN_JVM" = 1 ] && echo process || echo here)"
