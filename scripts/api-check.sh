#!/usr/bin/env bash
# The library modules' public API (api, resp, rdb, journal, client, server; not their *.impl
# packages) against a baseline: a binary or source incompatible change fails, naming the class and
# member (japicmp, the api-check profile in pom.xml). The baseline is REF's jars, built from a
# `git archive` of it in a temp dir; REF defaults to the newest release tag (v*). With no tag yet
# there is no release to be compatible with: it says so and exits 0. Reports (what changed, also
# the compatible additions) in MODULE/target/japicmp/.
# Usage: scripts/api-check.sh [REF]
set -euo pipefail
cd "$(dirname "$0")/.."
modules=api,resp,rdb,journal,client,server
ref=${1:-$(git tag --list 'v*' --sort=-version:refname | head -1)}
if [[ -z $ref ]]; then
  echo "api-check: no release tagged yet (v*): no published API to stay compatible with"
  exit 0
fi
base=$(mktemp -d /tmp/api-check.XXXXXX)
trap 'rm -rf "$base"' EXIT
echo "api-check: building $ref's library jars ($(git rev-parse --short "$ref^{commit}"))"
git archive "$ref" | tar -x -C "$base"
# the baseline's own reactor (its modules at its version), offline when everything is cached; only the
# library modules it has (one added since has nothing to be compatible with)
present=$(for m in ${modules//,/ }; do [[ -f $base/$m/pom.xml ]] && printf '%s,' "$m"; done)
present=${present%,}
(cd "$base" && mvn -B -q -o package -DskipTests -Dmaven.javadoc.skip=true -Dlibrary.jars.skip=true -pl "$present" -am) \
  || (cd "$base" && mvn -B -q package -DskipTests -Dmaven.javadoc.skip=true -Dlibrary.jars.skip=true -pl "$present" -am)
mkdir -p "$base/jars"
for m in ${modules//,/ }; do
  jar=$(ls "$base/$m/target/$m"-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)
  if [[ -z $jar ]]; then
    echo "api-check: $ref has no $m module: nothing to compare it with"
    continue
  fi
  cp "$jar" "$base/jars/$m.jar"
done
echo "api-check: comparing this tree's $modules with $ref"
log=$base/api-check.log
status=0
mvn -B package -DskipTests -Dmaven.javadoc.skip=true -Dlibrary.jars.skip=true -Papi-check -Dapi.baseline="$base/jars" -pl "$modules" -am > "$log" 2>&1 \
  || status=$?
grep -E 'japicmp|incompatib|BUILD|ERROR' "$log" || true
exit "$status"
