#!/bin/sh
# City benchmark: a city's week of raw events (1,000 rooms × 1 week, about 10 million events) loaded into SQLite and
# into InfluxDB through the collector's own store code and derived as the collector derives, the rest of a 20-week
# term as day summaries; then min / median of several runs of the queries of docs/benchmarks.md, section "City".
# Usage: collector/bench-city.sh [rooms=1000] [termWeeks=20] [runs=5] [rawRooms=rooms] [rawWeeks=1]
#        rawWeeks: weeks of raw events per room of the first rawRooms (room-0000 always gets its whole term raw).
#        BENCH_ONLY=sqlite or BENCH_ONLY=influxdb runs one store only.
#        BENCH_DATA=/path keeps the stores in /path/sqlite and /path/influxdb: the first run loads and derives into
#        them (room by room, recorded in city.properties; an interrupted load resumes at the next run), later runs
#        with the same rooms/termWeeks/rawRooms/rawWeeks only run the queries. Without it: temporary directories,
#        removed afterwards.
set -eu
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$(dirname "$0")/.."
# one reactor build (nothing installed into ~/.m2): the classpath names the reactor's own jars
mvn -B -q -pl collector -am -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
CP="collector/target/test-classes:collector/target/classes:$(cat collector/target/bench.classpath)"
JVM_FLAGS="-Xms2g -Xmx6g -XX:+UseParallelGC"
echo "JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), flags: $JVM_FLAGS; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
exec "$JAVA_HOME/bin/java" $JVM_FLAGS --enable-native-access=ALL-UNNAMED -Dxinan.bench.only="${BENCH_ONLY:-sqlite,influxdb}" \
    -Dxinan.bench.data="${BENCH_DATA:-}" \
    -cp "$CP" cn.xinan.collector.bench.CityBenchmark "$@"
