#!/usr/bin/env bash
# Tool start benchmark (issue 18: `--help` <= 0.15 s, `journal ls` <= 0.5 s on a journal of 10
# files): the launcher's `--version`, `--help` and `journal ls` with the class-data sharing archive
# off and on, beside `java -version` (the JVM's own floor) in one run. Each is started RUNS times;
# the median wall and CPU (user+sys) seconds are printed: on a shared machine the wall time
# carries the other processes' load, the CPU time less so. The journal is made first by the router
# itself (journal-roll secondly, writes until its shard has 10 files: one file per second). Appends
# to bench-results/startup.txt. Build first: mvn -B -q package -pl tools -am -DskipTests
# BEFORE=DIR (another checkout, built) measures that checkout's launcher as well, its runs alternated
# with this one's, each with its own archive: a before/after ratio from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
work=$(mktemp -d /tmp/redis-replica-startup.XXXXXX)
out=bench-results/startup.txt
mkdir -p bench-results
trap 'redis-cli -p "$mport" shutdown nosave >/dev/null 2>&1 || true; kill "$router" 2>/dev/null || true; rm -rf "$work"' EXIT
export REDIS_REPLICA_CDS_DIR="$work/cds"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mport=$(free_port)
router=
redis-server --port "$mport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes >/dev/null
cat > "$work/router.conf" <<CONF
upstream 127.0.0.1:$mport
journal $work/journal
journal-roll secondly
shard a 127.0.0.1:$(free_port) prefix=key:
CONF
bin/redis-replica run --config "$work/router.conf" --status-every 0 2> "$work/router.log" &
router=$!
until [ -d "$work/journal/a" ]; do
  kill -0 "$router" 2>/dev/null || { echo "the router ended: $(tail -5 "$work/router.log")" >&2; exit 1; }
  sleep 0.2
done
while [ "$(find "$work/journal/a" -name '*.cq4' | wc -l)" -lt 10 ]; do
  kill -0 "$router" 2>/dev/null || { echo "the router ended: $(tail -5 "$work/router.log")" >&2; exit 1; }
  redis-benchmark -p "$mport" -t set -n 2000 -r 1000 -q > /dev/null 2>&1 || true
  sleep 0.5
done
kill "$router"; wait "$router" 2>/dev/null || true; router=
files=$(find "$work/journal/a" -name '*.cq4' | wc -l)

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }
measure() { # label, command...: the median wall and CPU seconds of RUNS starts
  local label=$1; shift
  local walls cpus t; walls=$(mktemp); cpus=$(mktemp); t=$(mktemp)
  for ((r=1; r<=RUNS; r++)); do
    /usr/bin/time -o "$t" -f '%e %U %S' "$@" > /dev/null 2>&1 || { echo "$label: failed" >&2; return 1; }
    awk '{ print $1 }' "$t" >> "$walls"; awk '{ print $2 + $3 }' "$t" >> "$cpus"
  done
  printf '%-34s wall %s s  cpu %s s\n' "$label" "$(median < "$walls")" "$(median < "$cpus")"
  rm -f "$walls" "$cpus" "$t"
}
ab() { # label, arguments: BEFORE's launcher and this one's, runs alternated; medians of each
  local label=$1; shift
  local t w0 c0 w1 c1; t=$(mktemp); w0=$(mktemp); c0=$(mktemp); w1=$(mktemp); c1=$(mktemp)
  for ((r=1; r<=RUNS; r++)); do
    REDIS_REPLICA_CDS_DIR="$work/cds-before" /usr/bin/time -o "$t" -f '%e %U %S' "$BEFORE/bin/redis-replica" "$@" > /dev/null 2>&1 \
      || { echo "$label (before): failed" >&2; return 1; }
    awk '{ print $1 }' "$t" >> "$w0"; awk '{ print $2 + $3 }' "$t" >> "$c0"
    /usr/bin/time -o "$t" -f '%e %U %S' bin/redis-replica "$@" > /dev/null 2>&1 || { echo "$label: failed" >&2; return 1; }
    awk '{ print $1 }' "$t" >> "$w1"; awk '{ print $2 + $3 }' "$t" >> "$c1"
  done
  printf '%-22s before: wall %s s cpu %s s   after: wall %s s cpu %s s\n' "$label" "$(median < "$w0")" "$(median < "$c0")" \
    "$(median < "$w1")" "$(median < "$c1")"
  rm -f "$t" "$w0" "$c0" "$w1" "$c1"
}

if [ -n "${BEFORE:-}" ]; then
  {
    echo "== $(date -u +%FT%TZ) startup before/after, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), nice $(nice), median of $RUNS"
    echo "command: BEFORE=$BEFORE RUNS=$RUNS bench/startup.sh; before $(git -C "$BEFORE" rev-parse --short HEAD 2>/dev/null || echo "$BEFORE"), after $(git rev-parse --short HEAD); journal of $files files"
    measure "java -version" java -version
    REDIS_REPLICA_CDS_DIR="$work/cds-before" "$BEFORE/bin/redis-replica" journal ls "$work/journal" > /dev/null 2>&1
    bin/redis-replica journal ls "$work/journal" > /dev/null 2>&1 # each makes its archive first
    ab "--help" --help
    ab "--version" --version
    ab "journal ls" journal ls "$work/journal"
  } 2>&1 | tee -a "$out"
  exit 0
fi

{
  echo "== $(date -u +%FT%TZ) startup, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), median of $RUNS"
  echo "command: RUNS=$RUNS bench/startup.sh; $(java -version 2>&1 | head -1); journal of $files files"
  measure "java -version" java -version
  for cds in off on; do
    export REDIS_REPLICA_CDS=$cds
    [ "$cds" = on ] && bin/redis-replica journal ls "$work/journal" > /dev/null 2>&1 # makes the archive (the root --version uses none)
    measure "--version (cds $cds)" bin/redis-replica --version
    measure "--help (cds $cds)" bin/redis-replica --help
    measure "journal ls (cds $cds)" bin/redis-replica journal ls "$work/journal"
  done
} 2>&1 | tee -a "$out"
