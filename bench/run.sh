#!/usr/bin/env bash
# Builds the benchmarks and runs them; results land in bench-results/. Not part of the tests.
# Usage: bench/run.sh [JMH regex, default: all] [extra JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -pl bench -am -DskipTests -Dlibrary.jars.skip=true # the reactor, no install
mkdir -p bench-results
pattern="${1:-.}"; shift || true
java -jar bench/target/benchmarks.jar "$pattern" -rf json -rff "bench-results/jmh-$(date +%Y%m%d-%H%M%S).json" "$@"
