package cn.xinan.device.outbox;

import cn.xinan.device.room.ClockSyncStatus;
import cn.xinan.device.room.EventRecorder;
import cn.xinan.event.EventBody;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Measures what recording one event costs (sign + durable append) for each synchronous level, on
 * the file system of the directory given (default: a temp directory). Not a test: a measurement
 * for docs/device.md. Run:
 * <pre>
 * java -cp "$(cat device/target/cp.txt):device/target/classes:device/target/test-classes" \
 *   cn.xinan.device.outbox.OutboxCostMeasurement /work/tmp 2000
 * </pre>
 */
public final class OutboxCostMeasurement {
    private OutboxCostMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("outbox-cost");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        EventSigner signer = new EventSigner(Ed25519Keys.generate(new SecureRandom()));
        Instant t0 = Instant.parse("2025-03-03T00:00:00Z");
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                signer.sign(new cn.xinan.event.DeviceEvent(java.util.UUID.randomUUID().toString(), "dev-1", i + 1,
                        t0.plusSeconds(60L * i), true, new EventBody.Heartbeat()));
            }
            double micros = (System.nanoTime() - start) / 1000.0 / n;
            System.out.printf("sign only, round %d: %.1f µs per event%n", round + 1, micros);
        }
        for (SynchronousMode mode : new SynchronousMode[] {SynchronousMode.NORMAL, SynchronousMode.FULL,
                SynchronousMode.NORMAL, SynchronousMode.FULL}) { // twice: the first round warms the JIT up
            Path dir = Files.createTempDirectory(base, "outbox-" + mode);
            try (Outbox outbox = Outbox.open(dir.resolve("o.db"), "dev-1", mode)) {
                EventRecorder recorder = new EventRecorder("dev-1", signer, outbox, ClockSyncStatus.SYNCED, () -> { });
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    recorder.record(new EventBody.Heartbeat(), t0.plusSeconds(60L * i));
                }
                double micros = (System.nanoTime() - start) / 1000.0 / n;
                System.out.printf("%-6s %d events: %.1f µs per recorded event (%.0f events/s) in %s%n", mode, n, micros,
                        1e6 / micros, base);
            }
        }
    }
}
