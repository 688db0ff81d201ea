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
 *
 * <p>Fast without being weaker: every phase waits on a condition instead of a fixed stretch (the store took
 * {@link #FLOWING} more events of every device before a fault and again after its repair; the devices recorded
 * {@link #DURING_FAULT} more events each while it lasts), and the devices send unacknowledged events again after
 * {@link #ACK_TIMEOUT}, so what a broker took and dropped comes back within about a second.
 */
abstract class FaultSuiteContract {
    static final Duration SETTLE = Duration.ofSeconds(60);
    /** How long any one phase may take before the test fails (a ceiling, not a wait). */
    static final Duration PHASE = Duration.ofSeconds(120);
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(1);
    static final int DEVICES = 3;
    /** Events of each device the store must take to show the system flows (before a fault, after its repair). */
    static final int FLOWING = 5;
    /** Events each device records while a fault lasts (about four a second). */
    static final int DURING_FAULT = 8;

    abstract FaultRig.Store store();

    /** An InfluxDB server shared by the tests that do not kill it (each rig has its own database), or {@code null}. */
    cn.xinan.testing.InfluxServer sharedInflux() {
        return null;
    }

    /** A running system: {@code collectors} collectors (c1, c2, …) and {@link #DEVICES} devices under load. */
    FaultRig rig(int collectors, int offlineDevices) {
        return rig(collectors, offlineDevices, sharedInflux());
    }

    /** The same, with {@code influx} as the InfluxDB server ({@code null}: the rig starts its own). */
    FaultRig rig(int collectors, int offlineDevices, cn.xinan.testing.InfluxServer influx) {
        FaultRig rig = new FaultRig(store(), influx, DEVICES, 0, 1, offlineDevices, System.nanoTime(), ACK_TIMEOUT);
        try {
            // devices and collectors start together: what a device sends before a collector has subscribed is
            // dropped by the broker and sent again when no acknowledgement comes (docs/mqtt-contract.md)
            // (each collector in parallel too: JVM start-up is most of a test's time)
            List<String> names = java.util.stream.IntStream.rangeClosed(1, collectors).mapToObj(i -> "c" + i).toList();
            FaultRig.parallel(List.of("collectors", "devices"), what -> {
                if (what.equals("collectors")) {
                    FaultRig.parallel(names, rig::startCollector);
                } else {
                    rig.startDevices();
                }
            });
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
        rig.passed();
    }

    /** The store took {@link #FLOWING} more events of every device. */
    static void flowing(FaultRig rig) {
        rig.awaitStoredMore(FLOWING, PHASE);
    }

    /** The devices recorded {@link #DURING_FAULT} more events each. */
    static void recordingOn(FaultRig rig) {
        rig.awaitRecordedMore(DURING_FAULT, PHASE);
    }

    @Test
    void collectorKilledUnderLoadAndRestarted() {
        try (FaultRig rig = rig(1, 0)) {
            flowing(rig);
            rig.log("collector SIGKILL");
            rig.collector("c1").kill();
            recordingOn(rig);
            rig.collector("c1").start();
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
