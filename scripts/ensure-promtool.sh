#!/usr/bin/env bash
# Installs promtool from Debian's prometheus package when missing. Sourced by scripts/test.sh:
# the dist module's tests check /metrics, the alert rules and their unit tests with it, and
# fail (never skip) without it.
if ! command -v promtool >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "promtool not found: installing Debian's prometheus package" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # the package's own server is not wanted: tests only run promtool
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  else
    echo "promtool not found and no apt-get: install Prometheus's promtool (e.g. 'brew install prometheus') and retry" >&2
    exit 1
  fi
fi
