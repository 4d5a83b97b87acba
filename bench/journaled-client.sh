#!/usr/bin/env bash
# JournaledClient benchmark (issue 19), in one run: bench/client.sh's rounds with JournaledClient
# as a third reader (each command journaled and committed before it is returned, an acknowledgement
# every ACK_EVERY commands) beside the plain client and redis-replicator's listener, on the same
# backlog. JournaledClient's first open is a full resync: it is done once before the load, and each
# round opens a copy of that journal, which continues with PSYNC. Appends to bench-results/client.txt.
set -euo pipefail
PER_TYPE=${PER_TYPE:-500000}
ROUNDS=${ROUNDS:-3}
ACK_EVERY=${ACK_EVERY:-1000}
exec "$(dirname "$0")/harness.sh" client "journaled client bench: PER_TYPE=$PER_TYPE ROUNDS=$ROUNDS ACK_EVERY=$ACK_EVERY bench/journaled-client.sh" \
  ClientBench "$PER_TYPE" "$ROUNDS" "$ACK_EVERY"
