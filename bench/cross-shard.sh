#!/usr/bin/env bash
# What translating cross-shard commands costs, beside a direct replica in the same run:
# PAIRS pairs of SET+RENAME (and RPUSH+LMOVE) within one shard and across two, ROUNDS rounds each.
# Usage: PAIRS=20000 ROUNDS=3 bench/cross-shard.sh      (results appended to bench-results/cross-shard.txt)
set -euo pipefail
PAIRS=${PAIRS:-20000}
ROUNDS=${ROUNDS:-3}
exec "$(dirname "$0")/harness.sh" cross-shard "cross-shard bench: PAIRS=$PAIRS ROUNDS=$ROUNDS bench/cross-shard.sh" \
  CrossShardBench "$PAIRS" "$ROUNDS"
