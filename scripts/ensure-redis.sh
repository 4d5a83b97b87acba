#!/usr/bin/env bash
# Installs redis-server (and redis-cli) from Debian packages when missing. Sourced by the
# README's commands; the tests and the demo need a real redis-server.
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
