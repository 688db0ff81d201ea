#!/usr/bin/env bash
# Device footprint benchmark (docs/benchmarks.md, "Device footprint"): runs the firmware in --simulate
# mode with the kiosk and the JVM flags of /usr/bin/xinan-device, and prints
#   - start → kiosk ready: from launching the JVM to the first HTTP 200 on the kiosk URL;
#   - steady RSS after ACTIVITY_SECONDS (default 600) of simulated activity (presence changes,
#     check-ins, staff open/close, the kiosk's status poll every 10 s, heartbeats every 60 s);
#   - idle CPU % of one core over IDLE_SECONDS (default 60) with only heartbeats and the kiosk poll.
# Uses a local Mosquitto on a free port when /usr/sbin/mosquitto exists (else no broker: the firmware
# keeps reconnecting, which is the offline case).
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
HERE="$(cd "$(dirname "$0")" && pwd)"
ACTIVITY_SECONDS="${ACTIVITY_SECONDS:-600}"
IDLE_SECONDS="${IDLE_SECONDS:-60}"
JAVA_OPTS="${XINAN_JAVA_OPTS:-$(sed -n 's/^: "\${XINAN_JAVA_OPTS:=\(.*\)}"$/\1/p' "$HERE/src/deb/files/xinan-device")}"
if [[ ! -d "$HERE/target/lib" || ! -f "$HERE/target/xinan-device-0.1.0-SNAPSHOT.jar" ]]; then
    (cd "$HERE/.." && mvn -q -o -pl device -am package -DskipTests)
fi
WORK="$(mktemp -d)"
cleanup() {
    [[ -n "${FW_PID:-}" ]] && kill "$FW_PID" 2>/dev/null || true
    [[ -n "${MQ_PID:-}" ]] && kill "$MQ_PID" 2>/dev/null || true
    [[ -n "${FEED_PID:-}" ]] && kill "$FEED_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MQ_PORT="$(free_port)"
if [[ -x /usr/sbin/mosquitto ]]; then
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$MQ_PORT" > "$WORK/mosquitto.conf"
    /usr/sbin/mosquitto -c "$WORK/mosquitto.conf" >/dev/null 2>&1 & MQ_PID=$!
fi
KIOSK_PORT="$(free_port)"
KEY="$(python3 -c 'import os,base64; print(base64.b64encode(os.urandom(32)).decode())')"
cat > "$WORK/device.properties" <<CFG
device.id=bench-room-1
device.privateKey=$KEY
mqtt.url=tcp://127.0.0.1:$MQ_PORT
outbox.path=$WORK/outbox.db
room.name=基准测试 心理辅导室
kiosk.port=$KIOSK_PORT
gpio.presence.debounce=100ms
gpio.presence.hold=30s
CFG
mkfifo "$WORK/in"
START_NS=$(date +%s%N)
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JAVA_OPTS -cp "$HERE/target/xinan-device-0.1.0-SNAPSHOT.jar:$HERE/target/lib/*" \
    cn.xinan.device.DeviceMain --config "$WORK/device.properties" --simulate < "$WORK/in" > "$WORK/out.log" 2>&1 &
FW_PID=$!
exec 3> "$WORK/in"   # keep the console open
until curl -fs -o /dev/null "http://127.0.0.1:$KIOSK_PORT/"; do
    kill -0 "$FW_PID" 2>/dev/null || { cat "$WORK/out.log"; echo "firmware exited" >&2; exit 1; }
    sleep 0.02
done
READY_NS=$(date +%s%N)
echo "start -> kiosk ready: $(( (READY_NS - START_NS) / 1000000 )) ms"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$FW_PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$FW_PID/stat"; }
poll_status() { curl -fs -o /dev/null "http://127.0.0.1:$KIOSK_PORT/api/status" || true; }

echo "simulated activity for ${ACTIVITY_SECONDS} s ..."
END=$(( $(date +%s) + ACTIVITY_SECONDS ))
i=0
MAX_RSS=0
while (( $(date +%s) < END )); do
    case $(( i % 6 )) in
        0) echo "open T01" >&3 ;;
        1) echo "presence on" >&3 ;;
        2) echo "checkin relaxation junior" >&3 ;;
        3) echo "presence off" >&3 ;;
        4) echo "checkin" >&3 ;;
        5) echo "close T01" >&3 ;;
    esac
    poll_status
    r=$(rss_kb); (( r > MAX_RSS )) && MAX_RSS=$r
    i=$((i + 1))
    sleep 2
done
echo "status" >&3
echo "inputs sent: $i; RSS after activity: $(( $(rss_kb) / 1024 )) MB (max seen $(( MAX_RSS / 1024 )) MB)"

HZ=$(getconf CLK_TCK)
T0=$(cpu_ticks); S0=$(date +%s%N)
IDLE_END=$(( $(date +%s) + IDLE_SECONDS ))
while (( $(date +%s) < IDLE_END )); do poll_status; sleep 10; done
T1=$(cpu_ticks); S1=$(date +%s%N)
awk -v t="$((T1 - T0))" -v hz="$HZ" -v ns="$((S1 - S0))" \
    'BEGIN { printf "idle CPU over %.0f s (kiosk poll every 10 s, heartbeats): %.2f %% of one core\n", ns/1e9, 100 * (t/hz) / (ns/1e9) }'
echo "steady RSS at the end: $(( $(rss_kb) / 1024 )) MB"
echo "JVM flags: $JAVA_OPTS"
echo "quit" >&3
