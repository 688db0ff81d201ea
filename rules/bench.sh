#!/usr/bin/env bash
# Builds the rules module and runs its benchmark (cn.xinan.rules.bench.RulesBenchmark): prints the time to
# compute (a) one room's 20-week term and (b) 1,000 rooms' week, from events in memory (no storage I/O).
# Usage: rules/bench.sh [-o]   (-o: Maven offline)
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH="$JAVA_HOME/bin:$PATH"
cd "$(dirname "$0")/.."
CP_FILE=rules/target/bench-classpath.txt
mvn -q "$@" -pl rules -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$CP_FILE" -DskipTests
# Use the freshly compiled core classes rather than a possibly stale installed jar.
CP="rules/target/test-classes:rules/target/classes:core/target/classes:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -Xms2g -Xmx4g -XX:+UseParallelGC -cp "$CP" cn.xinan.rules.bench.RulesBenchmark
