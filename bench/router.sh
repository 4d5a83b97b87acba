#!/usr/bin/env bash
# Router benchmark (issue 5), side by side with direct replication, in one run:
# full sync of a populated master (KEYS keys of VALUE_SIZE bytes) directly vs through the
# router to 4 slot shards; then redis-benchmark SET at full speed with lag probes per shard.
# Appends to bench-results/router.txt.
set -euo pipefail
KEYS=${KEYS:-8000000}
VALUE_SIZE=${VALUE_SIZE:-100}
REQUESTS=${REQUESTS:-2000000}
exec "$(dirname "$0")/harness.sh" router "router bench: KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE REQUESTS=$REQUESTS bench/router.sh" \
  RouterBench "$KEYS" "$VALUE_SIZE" "$REQUESTS"
