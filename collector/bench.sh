#!/bin/sh
# Ingest benchmark: MQTT → verified → durably stored, for the SQLite and InfluxDB stores, through a real
# Mosquitto, with a do-nothing subscriber as the ceiling. Results: docs/benchmarks.md, section "Ingest".
# Usage: collector/bench.sh [liveMessages=50000] [backlogMessages=100]
set -eu
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
cd "$(dirname "$0")/.."
mvn -q -o -pl collector -am install -DskipTests
mvn -q -o -pl collector dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="collector/target/test-classes:collector/target/classes:$(cat collector/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" cn.xinan.collector.bench.IngestBenchmark "$@"
