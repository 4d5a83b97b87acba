#!/usr/bin/env bash
# Builds the bench module and what it uses in one reactor (no `mvn install`: the classpath names
# this tree's target/ jars, never the snapshots the test command installs in ~/.m2) and writes its
# runtime classpath to bench/target/classpath.txt. Sourced by the harnesses.
set -euo pipefail
cd "$(dirname "$0")/.."
# the dependency plugin runs in every module of the reactor; bench comes last, so its list stays
mvn -B -q -pl bench -am -DskipTests -Dlibrary.jars.skip=true package dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
