#!/bin/sh
# Fault benchmark (docs/reliability.md): a randomised fault schedule over real Mosquitto, InfluxDB, two
# collectors and dozens of simulated devices, all separate processes; prints the faults injected, the time
# to recover from each, and events recorded, stored, lost and duplicated.
# Usage: launcher/bench.sh [devices=24] [minutes=5] [devicesPerProcess=4] [seed]   (or ./xinan bench faults …)
set -eu
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$(dirname "$0")/.."
# Through the reactor (never `mvn install`): compiles the tests and writes the test class path of each module.
mvn -q -pl launcher -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench.classpath)"
echo "JVM: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx512m --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -cp "$CP" cn.xinan.launcher.faults.FaultBenchmark "$@"
