#!/usr/bin/env bash
# Replication client benchmark (issue 19), in one run: the client's events/s in-process beside
# redis-replicator's listener, each reading the same backlog of PER_TYPE x 4 commands (SET, INCR,
# LPUSH, HSET of 100 bytes, loaded by redis-benchmark) from the same master with PSYNC +CONTINUE,
# ROUNDS alternating rounds after a warm-up. Appends to bench-results/client.txt.
set -euo pipefail
PER_TYPE=${PER_TYPE:-500000}
ROUNDS=${ROUNDS:-3}
exec "$(dirname "$0")/harness.sh" client "client bench: PER_TYPE=$PER_TYPE ROUNDS=$ROUNDS bench/client.sh" \
  ClientBench "$PER_TYPE" "$ROUNDS"
