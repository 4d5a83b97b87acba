#!/usr/bin/env bash
# rdb dump benchmark: `redis-replica rdb dump FILE > /dev/null` against redis-check-rdb reading
# the same file, in one run, for the biggest file of the shared corpus and for the >1 GB file that
# bench/rdb-split.sh generates (RDB=path to use another). Prints wall time and CPU time (user+sys)
# of each: on a shared machine the wall time carries the other processes' load, the CPU time less
# so. Appends to bench-results/rdb-dump.txt. Build first: mvn -B -q package -pl tools -am -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-2}
big=${RDB:-${BENCH_DIR:-/tmp/redis-replica-bench}/dump.rdb}
corpus=$(find ../shared/rdb-corpus -name '*.rdb' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
out=bench-results/rdb-dump.txt
mkdir -p bench-results
[ -f "$big" ] || { echo "no $big: run bench/rdb-split.sh first (it generates it), or set RDB=FILE" >&2; exit 4; }

measure() { # label, command...: one line with wall and CPU seconds and MB/s of the file
  local label=$1 file=$2; shift 2
  local times; times=$(mktemp)
  /usr/bin/time -o "$times" -f '%e %U %S' "$@" > /dev/null 2>&1 || { echo "$label: failed" >&2; return 1; }
  read -r wall user sys < "$times"; rm -f "$times"
  local size; size=$(stat -c %s "$file")
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v b="$size" 'BEGIN {
    printf "%-34s wall %7.2f s (%6.1f MB/s)  cpu %7.2f s (%6.1f MB/s)\n", l, w, b / 1e6 / w, u + s, b / 1e6 / (u + s) }'
}

{
  echo "== $(date -u +%FT%TZ) rdb-dump, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: RUNS=$RUNS bench/rdb-dump.sh; redis-check-rdb: $(redis-server --version | cut -d' ' -f3)"
  for f in "$corpus" "$big"; do
    echo "file: $f ($(stat -c %s "$f") bytes)"
    for ((r=1; r<=RUNS; r++)); do
      measure "redis-check-rdb run $r" "$f" redis-check-rdb "$f"
      measure "rdb dump run $r" "$f" bin/redis-replica rdb dump --quiet "$f"
      measure "rdb dump --no-values run $r" "$f" bin/redis-replica rdb dump --quiet --no-values "$f"
    done
  done
} 2>&1 | tee -a "$out"
