#!/usr/bin/env bash
# RDB split benchmark, side by side with redis-server loading the same file.
#
# Generates a mixed dataset with redis-server (STRINGS string keys of VALUE_SIZE bytes via
# DEBUG POPULATE, plus COLLECTIONS each of small hashes, lists, sets and zsets), saves it, then
# in one run, RUNS rounds of: redis-server loading the RDB (its own log line "DB loaded from
# disk"), then a split of the same file into SHARDS shards with -Xmx256m. The generator saves without LZF
# (rdbcompression no) so the default sizes give a file over 1 GB. Appends the figures to
# bench-results/rdb-split.txt. Needs ~3x the RDB size free in BENCH_DIR; the dataset is reused by the
# next run with the same STRINGS, VALUE_SIZE and COLLECTIONS. BEFORE_CP=classpath of an older build
# (its RdbSplitBench and jars) splits the same file too, before each run of this build's.
# SHARD_LOAD=1 also has redis-server load shard 0 of each split (its own "DB loaded from disk"):
# what a shard replica pays after the transfer, against a quarter of the whole file's load.
set -euo pipefail
cd "$(dirname "$0")/.."
STRINGS=${STRINGS:-9000000}
VALUE_SIZE=${VALUE_SIZE:-100}
COLLECTIONS=${COLLECTIONS:-400000}
SHARDS=${SHARDS:-4}
RUNS=${RUNS:-2}
work=${BENCH_DIR:-/tmp/redis-replica-bench}
port=${BENCH_PORT:-17379}
out=bench-results/rdb-split.txt
mkdir -p bench-results
# the dataset is kept between runs with the same parameters (generating 1 GB takes minutes)
params="STRINGS=$STRINGS VALUE_SIZE=$VALUE_SIZE COLLECTIONS=$COLLECTIONS"
if [ "$(cat "$work/params" 2>/dev/null)" != "$params" ]; then rm -rf "$work"; fi
mkdir -p "$work"

bench/classpath.sh
cp=$(cat bench/target/classpath.txt):bench/target/classes

cli() { redis-cli -p "$port" "$@"; }
start() { redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
  --enable-debug-command yes --daemonize yes --logfile "$@"; }
wait_ready() { until cli ping 2>/dev/null | grep -q PONG; do sleep 0.2; done; }
stop() { cli shutdown nosave >/dev/null 2>&1 || true; sleep 0.5; }
shard_load() { # label
  [ "${SHARD_LOAD:-0}" = 1 ] || return 0
  rm -f "$work/shard-load.log"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work/out" --dbfilename shard0.rdb --save "" --appendonly no \
    --daemonize yes --logfile "$work/shard-load.log"; wait_ready
  until grep -q "DB loaded from disk" "$work/shard-load.log"; do sleep 0.2; done
  echo "$1 shard 0 load: $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$work/shard-load.log"), keys: $(cli dbsize)"
  stop
}

if [ ! -f "$work/dump.rdb" ]; then
  echo "generating: $STRINGS strings of $VALUE_SIZE bytes + $COLLECTIONS each of hash/list/set/zset"
  # rdbcompression no: DEBUG POPULATE values compress ~3x, and the benchmark wants a file of >= 1 GB
  start "$work/generate.log" --rdbcompression no; wait_ready
  cli DEBUG POPULATE "$STRINGS" str "$VALUE_SIZE" >/dev/null
  lua='local n=tonumber(ARGV[1]) local s=tonumber(ARGV[2])
for i=s,s+n-1 do
 redis.call("HSET","h:"..i,"name","user"..i,"email","u"..i.."@example.com","visits",i)
 redis.call("RPUSH","l:"..i,"event-a-"..i,"event-b-"..i,"event-c-"..i)
 redis.call("SADD","s:"..i,i,i+1,i+2,i+3)
 redis.call("ZADD","z:"..i,1,"m"..i,2.5,"n"..i)
end return n'
  for ((b=0; b<COLLECTIONS; b+=50000)); do cli EVAL "$lua" 0 50000 "$b" >/dev/null; done
  cli SAVE >/dev/null
  stop
  echo "$params" > "$work/params"
fi
size=$(stat -c %s "$work/dump.rdb")
keys_line=""
{
  echo "== $(date -u +%FT%TZ) rdb-split: $(basename "$work")/dump.rdb $size bytes, $SHARDS shards, $(nproc) cores"
  echo "command: STRINGS=$STRINGS VALUE_SIZE=$VALUE_SIZE COLLECTIONS=$COLLECTIONS SHARDS=$SHARDS bench/rdb-split.sh"
  echo "redis-server: $(redis-server --version)"
  # one round = redis-server's load, then the split(s): each round's ratio is taken under the same load
  for ((r=1; r<=RUNS; r++)); do
    rm -f "$work/load$r.log"; start "$work/load$r.log"; wait_ready
    until grep -q "DB loaded from disk" "$work/load$r.log"; do sleep 0.2; done
    echo "redis-server load run $r: $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$work/load$r.log"), keys: $(cli dbsize)"
    stop
    if [ -n "${BEFORE_CP:-}" ]; then
      rm -rf "$work/out"; echo -n "before: "
      java -Xmx256m -XX:+UseParallelGC -cp "$BEFORE_CP" io.redisreplica.bench.RdbSplitBench "$work/dump.rdb" "$work/out" "$SHARDS"
      shard_load before
    fi
    rm -rf "$work/out"
    java -Xmx256m -XX:+UseParallelGC -cp "$cp" io.redisreplica.bench.RdbSplitBench "$work/dump.rdb" "$work/out" "$SHARDS"
    shard_load after
  done
} 2>&1 | tee -a "$out"
