#!/usr/bin/env bash
# Replay benchmark (issue 7), in one run: a journal of ENTRIES SETs replayed exactly once into a
# fresh redis-server, beside redis-benchmark sending as many SETs from one client pipelined 500 deep
# (BATCH: entries per transaction and redis-benchmark's -P). CLUSTER=1: both into a fresh 3-master
# Redis Cluster instead (redis-benchmark --cluster, a client per master). Prints each side's CPU.
# Appends to bench-results/replay.txt.
set -euo pipefail
ENTRIES=${ENTRIES:-1000000}
BATCH=${BATCH:-500}
CLUSTER=${CLUSTER:-0}
target=standalone
[[ $CLUSTER == 1 ]] && target=cluster
exec "$(dirname "$0")/harness.sh" replay "replay bench: ENTRIES=$ENTRIES BATCH=$BATCH CLUSTER=$CLUSTER bench/replay.sh" ReplayBench \
  "$ENTRIES" "$BATCH" "$target"
