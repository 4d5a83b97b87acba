#!/usr/bin/env bash
# Big commands benchmark (issue 11, points 5 and 6), in one run: a SET of SET_MB MB and a
# MULTI/EXEC of TX_MB MB (1 KB SETs) through the router to one shard replica, beside a direct
# replica of the same master; median of ROUNDS. Appends to bench-results/big-commands.txt.
set -euo pipefail
SET_MB=${SET_MB:-100}
TX_MB=${TX_MB:-50}
ROUNDS=${ROUNDS:-5}
exec "$(dirname "$0")/harness.sh" big-commands "big commands bench: SET_MB=$SET_MB TX_MB=$TX_MB ROUNDS=$ROUNDS bench/big-commands.sh" \
  BigCommandsBench "$SET_MB" "$TX_MB" "$ROUNDS"
