#!/usr/bin/env bash
# Builds redis-replica and runs its demo: a local master with sample data, split by a shard
# map into per-shard redis-servers. Installs redis-server from Debian packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
mvn -B -q package -DskipTests -Dlibrary.jars.skip=true
exec bin/redis-replica demo "$@"
