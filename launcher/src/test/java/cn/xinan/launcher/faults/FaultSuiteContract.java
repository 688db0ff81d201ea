package cn.xinan.launcher.faults;

import cn.xinan.rules.RoomReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite (docs/reliability.md): real Mosquitto, the store, the collector and three simulated devices
 * as separate processes under steady load; one fault per test; then every event id the devices recorded is
 * compared with the store: nothing lost, nothing counted twice, nothing stored that no device recorded, and
 * the verdicts equal those of the recorded events delivered without a fault. Each store runs the faults
 * where the store matters ({@link SqliteFaultsTest}, {@link InfluxFaultsTest}).
 */
abstract class FaultSuiteContract {
    static final Duration STRETCH = Duration.ofSeconds(3);
    static final Duration SETTLE = Duration.ofSeconds(60);
    static final int DEVICES = 3;

    abstract FaultRig.Store store();

    /** A running system: {@code collectors} collectors (c1, c2, …) and {@link #DEVICES} devices under load. */
    FaultRig rig(int collectors, int offlineDevices) {
        FaultRig rig = new FaultRig(store(), DEVICES, 0, 1, offlineDevices, System.nanoTime());
        try {
            // devices and collectors start together: what a device sends before a collector has subscribed is
            // dropped by the broker and sent again when no acknowledgement comes (docs/mqtt-contract.md)
            java.util.concurrent.CompletableFuture<Void> started = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= collectors; i++) {
                    rig.startCollector("c" + i);
                }
            });
            rig.startDevices();
            started.join();
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
        return rig;
    }

    static void assertNothingLostNorCountedTwice(FaultRig rig) {
        Tally tally = rig.finish(SETTLE);
        assertThat(tally.recorded()).as("events recorded").isGreaterThan(DEVICES * 8L);
        assertThat(tally.lost()).as("recorded events not stored (%s)", tally).isEmpty();
        assertThat(tally.duplicated()).as("events stored twice (%s)", tally).isZero();
        assertThat(tally.unexpected()).as("stored events nobody recorded (%s)", tally).isEmpty();
        rig.stopCollectors();
        List<List<RoomReport>> verdicts = rig.verdictsStoredAndRecorded();
        assertThat(verdicts.get(0)).as("verdicts from the store against those of the recorded events")
                .isEqualTo(verdicts.get(1));
    }

    @Test
    void collectorKilledUnderLoadAndRestarted() {
        try (FaultRig rig = rig(1, 0)) {
            FaultRig.hold(STRETCH);
            rig.log("collector SIGKILL");
            rig.collector("c1").kill();
            FaultRig.hold(STRETCH);
            rig.collector("c1").start();
            FaultRig.hold(STRETCH);
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
