#!/bin/sh
# Audit benchmark: the term audit of a city's 示范 rooms (1,000 rooms, 20 % 示范, 20 weeks of realistic raw events):
# the engine alone, the audit's computation, its JSON, CSV and PDF, and the production path from SQLite with the
# evidence bundle for a few rooms, in format 2 and in format 3 from evidence segments cold and warm, and one room's term
# derived without and with its evidence segments written (docs/benchmarks.md, section "Audit"); the store is sqlite or
# influxdb (started on loopback with a temporary data folder).
# Usage: collector/bench-audit.sh [rooms=1000] [demoPercent=20] [termWeeks=20] [runs=5] [storeRooms=10] [store=sqlite]
#        [bundleRooms=min(storeRooms,10)] [inMemory=true]
#        BENCH_DATA=/path: audit the city the city benchmark kept there (/path/sqlite or /path/influxdb, loaded with
#        every room's whole term raw: ./xinan bench city R W runs R W) instead of loading storeRooms rooms; all its 示范
#        rooms are audited (of a load not finished, those loaded so far), the first bundleRooms bundled; nothing is
#        loaded or removed.
set -eu
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$(dirname "$0")/.."
# one reactor build (nothing installed into ~/.m2): the classpath names the reactor's own jars
mvn -B -q -pl collector -am -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
CP="collector/target/test-classes:collector/target/classes:$(cat collector/target/bench.classpath)"
JVM_FLAGS="-Xms2g -Xmx6g -XX:+UseParallelGC -Djava.awt.headless=true"
echo "JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), flags: $JVM_FLAGS; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
exec "$JAVA_HOME/bin/java" $JVM_FLAGS --enable-native-access=ALL-UNNAMED -Dxinan.bench.data="${BENCH_DATA:-}" \
    -cp "$CP" cn.xinan.collector.bench.AuditBenchmark "$@"
