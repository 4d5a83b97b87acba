#!/usr/bin/env bash
# compare benchmark (issue 13), in one run: a master with KEYS string keys plus collections
# (DEBUG POPULATE, then lists, sets, hashes and sorted sets of 100 elements), a direct replica of
# it as the one shard of a slots=0-16383 map, then `redis-replica compare` of every key against
# `redis-cli --scan` listing the same keys (the floor: one SCAN pass, no reads). Appends to
# bench-results/compare.txt. ROUNDS (1) repeats the timings; AGAINST=/other/checkout/bin/redis-replica times
# that build too, in turn on the same servers (an A/B on a shared machine, where one run each says
# little). RULES=1 adds a `drop value=` rule that matches nothing (the cost of reading every string
# value on the master to judge it). compare runs with JAVA_OPTS (default -Xmx256m: the heap must not
# grow with the key count) and its maximum resident size is printed.
# Usage: KEYS=1000000 [ROUNDS=3] [AGAINST=...] [RULES=1] bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-1}
RULES=${RULES:-0}
export JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
source scripts/ensure-redis.sh
mvn -B -q package -pl tools -am -DskipTests -Dlibrary.jars.skip=true # the launcher runs this jar: build it from this tree
work=$(mktemp -d)
trap 'redis-cli -p $mport shutdown nosave >/dev/null 2>&1 || true; redis-cli -p $rport shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mport=$(free_port); rport=$(free_port)
redis-server --port "$mport" --dir "$work" --save '' --daemonize yes --logfile "$work/m.log" --enable-debug-command yes >/dev/null 2>&1 \
  || redis-server --port "$mport" --dir "$work" --save '' --daemonize yes --logfile "$work/m.log" >/dev/null
sleep 0.5
redis-cli -p "$mport" debug populate "$KEYS" key 16 >/dev/null
for i in $(seq 1 1000); do
  echo "RPUSH list:$i $(seq -s ' ' 1 100)"; echo "SADD set:$i $(seq -s ' ' 1 100)"
  echo "HSET hash:$i $(seq -s ' ' 1 200)"; echo "ZADD zset:$i $(seq -s ' ' 1 200)"
done | redis-cli -p "$mport" >/dev/null
mkdir -p "$work/r"
redis-server --port "$rport" --dir "$work/r" --save '' --daemonize yes --logfile "$work/r.log" --replicaof 127.0.0.1 "$mport" >/dev/null
until redis-cli -p "$rport" info replication | grep -q 'master_link_status:up'; do sleep 0.2; done
until [ "$(redis-cli -p "$rport" dbsize)" = "$(redis-cli -p "$mport" dbsize)" ]; do sleep 0.2; done
printf 'upstream 127.0.0.1:%s\njournal %s/journal\nshard s0 127.0.0.1:%s slots=0-16383\n' "$mport" "$work" "$(free_port)" > "$work/router.conf"
[ "$RULES" = 1 ] && echo 'drop value=^no value starts like this$' >> "$work/router.conf"
total=$(redis-cli -p "$mport" dbsize)
mkdir -p bench-results
{
  echo "== $(date -u +%FT%TZ) compare bench: KEYS=$KEYS ROUNDS=$ROUNDS ${AGAINST:+AGAINST=$AGAINST }${RULES:+RULES=$RULES }JAVA_OPTS=$JAVA_OPTS bench/compare.sh ($(nproc) cores, $(redis-server --version | cut -d' ' -f3), $total keys)"
  for round in $(seq 1 "$ROUNDS"); do
    s=$(date +%s.%N); redis-cli -p "$rport" --scan | wc -l >/dev/null; e=$(date +%s.%N)
    scan=$(echo "$e - $s" | bc)
    for launcher in bin/redis-replica ${AGAINST:-}; do
      s=$(date +%s.%N); /usr/bin/time -o "$work/rss" -f %M "$launcher" compare -c "$work/router.conf" -s "s0=127.0.0.1:$rport" --quiet; e=$(date +%s.%N)
      cmp=$(echo "$e - $s" | bc)
      printf '%s: redis-cli --scan of the shard: %.2f s; compare (master scan + both sides read and hashed + shard scan): %.2f s, %.0f keys/s, %.1fx the scan, max RSS %d MB\n' \
        "$launcher" "$scan" "$cmp" "$(echo "$total / $cmp" | bc -l)" "$(echo "$cmp / $scan" | bc -l)" "$(( $(cat "$work/rss") / 1024 ))"
    done
    echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
} 2>&1 | tee -a bench-results/compare.txt
