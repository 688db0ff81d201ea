#!/bin/sh
# Ingest benchmark: MQTT → verified → durably stored, for the SQLite and InfluxDB stores, through a real
# Mosquitto, with a do-nothing subscriber as the ceiling and, in the same run, the Node-RED flow people build
# for the job (collector/bench/node-red/, installed here from the npm registry) as the peer.
# Results: docs/benchmarks.md, section "Ingest".
# Usage: collector/bench.sh [liveMessages=50000] [backlogMessages=100]
#        BENCH_ONLY=ceiling,sqlite,influxdb,node-red (default: all) runs only those parts.
set -eu
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
cd "$(dirname "$0")/.."
NODE_RED=collector/bench/node-red
if command -v npm >/dev/null 2>&1; then
    # versions pinned by package.json and package-lock.json; node_modules is git-ignored
    (cd "$NODE_RED" && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; }) \
        || echo "bench.sh: npm ci in $NODE_RED failed: the Node-RED peer will not run" >&2
else
    echo "bench.sh: npm not found: the Node-RED peer will not run" >&2
fi
mvn -q -pl collector -am install -DskipTests
mvn -q -pl collector dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="collector/target/test-classes:collector/target/classes:$(cat collector/target/bench.classpath)"
JVM_FLAGS="-Xmx1g"
echo "JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), flags: $JVM_FLAGS; node $(node -v 2>/dev/null || echo missing); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
exec "$JAVA_HOME/bin/java" $JVM_FLAGS -Dxinan.bench.only="${BENCH_ONLY:-ceiling,sqlite,influxdb,node-red}" \
    -Dxinan.bench.nodeRed="$NODE_RED" -cp "$CP" cn.xinan.collector.bench.IngestBenchmark "$@"
