#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and integration tests against real redis-server
# processes (*IntegrationTest). Installs redis-server and promtool (the dist module checks
# /metrics and the alert rules with it) from Debian packages when missing. Once a release is
# tagged (v*), the library modules' public API is first checked against it (scripts/api-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-redis.sh
source scripts/ensure-promtool.sh
scripts/api-check.sh
# A system redis-server the package may start on 6379 is never used: tests take free ports.
# install, not verify: it also proves that `mvn install` (the library jars into ~/.m2, as the README
# promises) works; verify alone never ran the install plugin, which failed on dist unnoticed.
exec mvn -B install "$@"
