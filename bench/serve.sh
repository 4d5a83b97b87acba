#!/usr/bin/env bash
# The server library's stream to one replica beside a redis-server master's (issue 19), in one run:
# COUNT SETs queued while the replica is stopped, then the time until it caught up with each.
# Appends to bench-results/serve.txt.
set -euo pipefail
COUNT=${COUNT:-1000000}
exec "$(dirname "$0")/harness.sh" serve "serve bench: COUNT=$COUNT bench/serve.sh" ServeBench "$COUNT"
