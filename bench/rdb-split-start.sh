#!/usr/bin/env bash
# `rdb split` of a 64 MB RDB through the launcher, JVM start included (issue 18: >= 5x the original
# proxy's filter pass of the same file, ~11-19 MB/s), beside redis-server loading the same file.
#
# Generates the file once with the real Redis 2.8.19 that the testkit jar carries (RDB 6): 1.2 M
# strings from DEBUG POPULATE with 13 bytes appended to each value, plus 90 000 each of small
# hashes, lists, sets and zsets: 1.56 M keys, 64.3 MB. Then in one run: redis-server (the local
# one) loading it (its own log line), and RUNS starts of `bin/redis-replica rdb split` into 4 slot
# shards, each timed whole (wall, and user+sys CPU), with the launcher's class-data sharing archive
# made beforehand by one `rdb --help` (as after a release's first start; the root's --version skips it). Appends the figures to
# bench-results/rdb-split-start.txt. Build first: bench/classpath.sh (or mvn -B -q package -pl
# bench,tools -am -DskipTests). BEFORE_JAR=path/to/an/older/redis-replica.jar times that jar through
# the same launcher too, alternating with this build's, for a before/after in one run.
# PROXY_SRC=path/to/a/checkout of github.com/mantyr/redis-replica (the Go proxy this grew from; not
# vendored here) also times the proxy's own filter pass of the same file in each round, the issue's
# reference: bench/proxy-filter/main.go built against it in GOPATH mode (needs `go`: Debian's
# golang-go), keeping a quarter of the keys (one proxy's share of a 4-way split; PROXY_REGEX).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=${BENCH_DIR:-/tmp/redis-replica-bench-start}
port=${BENCH_PORT:-17380}
out=bench-results/rdb-split-start.txt
mkdir -p bench-results "$work"
export REDIS_REPLICA_CDS_DIR="$work/cds"

cli() { redis-cli -p "$port" "$@"; }
wait_ready() { until cli ping 2>/dev/null | grep -q PONG; do sleep 0.2; done; }
stop() { cli shutdown nosave >/dev/null 2>&1 || true; sleep 0.5; }

if [ ! -f "$work/dump.rdb" ]; then
  jar=$(ls testkit/target/testkit-*.jar | head -1)
  (cd "$work" && unzip -o -q "$OLDPWD/$jar" redis-binaries/redis-server-2.8.19 && chmod +x redis-binaries/redis-server-2.8.19)
  "$work/redis-binaries/redis-server-2.8.19" --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
    --daemonize yes --logfile "$work/generate.log"
  wait_ready
  echo "generating with $("$work/redis-binaries/redis-server-2.8.19" --version | cut -d' ' -f3)"
  cli DEBUG POPULATE 1200000 >/dev/null # key:N -> value:N
  lua='local n=tonumber(ARGV[1]) local s=tonumber(ARGV[2])
for i=s,s+n-1 do
 redis.call("HMSET","h:"..i,"name","user"..i,"email","u"..i.."@example.com","visits",i)
 redis.call("RPUSH","l:"..i,"event-a-"..i,"event-b-"..i,"event-c-"..i)
 redis.call("SADD","s:"..i,i,i+1,i+2,i+3)
 redis.call("ZADD","z:"..i,1,"m"..i,2.5,"n"..i)
end return n'
  for ((b=0; b<90000; b+=30000)); do cli EVAL "$lua" 0 30000 "$b" >/dev/null; done
  pad='local n=tonumber(ARGV[1]) local s=tonumber(ARGV[2])
for i=s,s+n-1 do redis.call("APPEND","key:"..i,":padding-0123") end return n'
  for ((b=0; b<1200000; b+=200000)); do cli EVAL "$pad" 0 200000 "$b" >/dev/null; done
  cli SAVE >/dev/null
  stop
fi
cat > "$work/split.conf" <<CONF
upstream 127.0.0.1:6379
journal $work/journal-unused
shard s0 127.0.0.1:7001 slots=0-4095
shard s1 127.0.0.1:7002 slots=4096-8191
shard s2 127.0.0.1:7003 slots=8192-12287
shard s3 127.0.0.1:7004 slots=12288-16383
CONF
size=$(stat -c %s "$work/dump.rdb")
if [ -n "${PROXY_SRC:-}" ]; then
  gopath="$work/gopath"
  rm -rf "$gopath" && mkdir -p "$gopath/src/github.com/mantyr/redis-replica" "$gopath/src/proxyfilter"
  (cd "$PROXY_SRC" && git archive HEAD) | tar -x -C "$gopath/src/github.com/mantyr/redis-replica"
  cp bench/proxy-filter/main.go "$gopath/src/proxyfilter/"
  (cd "$gopath/src/proxyfilter" && GO111MODULE=off GOPATH="$gopath" GOFLAGS= go build -o "$work/proxy-filter" .)
  proxy_rev=$(cd "$PROXY_SRC" && git rev-parse --short HEAD)
fi
bin/redis-replica rdb --help >/dev/null # makes the class-data sharing archive (the root --version uses none)
if [ -n "${BEFORE_JAR:-}" ]; then REDIS_REPLICA_JAR="$BEFORE_JAR" dist/src/bin/redis-replica rdb --help >/dev/null; fi
split() { # label, then the launcher and its arguments before "rdb split"
  local label=$1; shift
  rm -rf "$work/out"
  start=$(date +%s.%N)
  /usr/bin/time -o "$work/time.txt" -f "%U %S" "$@" rdb split "$work/dump.rdb" -c "$work/split.conf" -o "$work/out" --quiet >/dev/null
  wall=$(echo "$(date +%s.%N) - $start" | bc -l)
  read -r user sys < "$work/time.txt"
  printf '%s, JVM start included: %.2f s wall (%.1f MB/s), cpu %.2f s user + %.2f s sys\n' "$label" "$wall" \
    "$(echo "$size / $wall / 1000000" | bc -l)" "$user" "$sys"
}
{
  echo "== $(date -u +%FT%TZ) rdb-split-start: $(basename "$work")/dump.rdb $size bytes ($(head -c 9 "$work/dump.rdb")), 4 shards, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), jar $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"
  rm -f "$work/load.log"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize yes --logfile "$work/load.log"
  wait_ready
  until grep -q "DB loaded from disk" "$work/load.log"; do sleep 0.2; done
  secs=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$work/load.log" | grep -o '[0-9.]*' | head -1)
  echo "redis-server $(redis-server --version | cut -d' ' -f3) load: $secs s ($(echo "$size / $secs / 1000000" | bc -l | xargs printf '%.1f') MB/s), keys: $(cli dbsize)"
  stop
  for ((r=1; r<=RUNS; r++)); do
    if [ -n "${PROXY_SRC:-}" ]; then
      rm -f "$work/proxy.rdb"
      /usr/bin/time -o "$work/time.txt" -f "%U %S" "$work/proxy-filter" -regex "${PROXY_REGEX:-([01][0-9]|2[0-4])\$}" \
        "$work/dump.rdb" "$work/proxy.rdb" > "$work/proxy.txt"
      read -r user sys < "$work/time.txt"
      printf 'proxy (mantyr/redis-replica %s, %s) run %s, one filter pass: %s, cpu %.2f s user + %.2f s sys\n' "$proxy_rev" \
        "$(go version | cut -d' ' -f3)" "$r" "$(sed 's/^proxy filter pass: //' "$work/proxy.txt")" "$user" "$sys"
    fi
    if [ -n "${BEFORE_JAR:-}" ]; then split "before ($BEFORE_JAR) run $r" env REDIS_REPLICA_JAR="$BEFORE_JAR" dist/src/bin/redis-replica; fi
    split "rdb split run $r" bin/redis-replica
  done
} 2>&1 | tee -a "$out"
