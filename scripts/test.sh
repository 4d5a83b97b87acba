#!/usr/bin/env bash
# Runs every test (unit *Test and integration *IntegrationTest against real redis-server
# processes). Installs redis-server from Debian packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "redis-server not found: installing Debian's redis-server" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server redis-tools >/dev/null
  else
    echo "redis-server not found and no apt-get: install Redis 7 (e.g. 'brew install redis') and retry" >&2
    exit 1
  fi
fi
# The Debian package may start a system instance on 6379; the tests never use it, and use free ports.
exec mvn -B verify "$@"
