#!/usr/bin/env bash
# Event sink benchmark (issue 8), in one run: redis-benchmark's own pipelined XADD into a target
# (the rate Redis takes stream entries at), then redis-benchmark SET on a master replicated through
# the router to 2 slot shards without a sink and with an xadd sink to that target.
# Appends to bench-results/sinks.txt.
set -euo pipefail
REQUESTS=${REQUESTS:-1000000}
exec "$(dirname "$0")/harness.sh" sinks "sink bench: REQUESTS=$REQUESTS bench/sinks.sh" SinkBench "$REQUESTS"
