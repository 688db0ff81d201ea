package cn.xinan.launcher.faults;

import cn.xinan.testing.InfluxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The fault suite with the InfluxDB store: the collector's kill (from {@link FaultSuiteContract}), InfluxDB's, and two collectors. */
class InfluxFaultsTest extends FaultSuiteContract {
    /** One InfluxDB for the tests that do not kill it: its start is paid once. */
    private static InfluxServer shared;

    @Override
    FaultRig.Store store() {
        return FaultRig.Store.INFLUXDB;
    }

    @Override
    synchronized InfluxServer sharedInflux() {
        if (shared == null) {
            shared = InfluxServer.startServer();
        }
        return shared;
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    @Test
    void influxKilledUnderLoadAndRestarted() {
        try (FaultRig rig = rig(1, 0, null)) { // its own InfluxDB: this test kills it
            flowing(rig);
            rig.log("InfluxDB SIGKILL");
            rig.influx().kill();
            recordingOn(rig);
            rig.influx().start();
            rig.log("InfluxDB restarted");
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    @Test
    void twoCollectorsShareTheLoadAndOneIsKilledAndRestarted() {
        try (FaultRig rig = rig(2, 0)) {
            flowing(rig);
            rig.log("collector c2 SIGKILL; c1 carries on alone");
            rig.collector("c2").kill();
            recordingOn(rig);
            flowing(rig);
            rig.log("collector c2 restarted; the two share the load again");
            rig.collector("c2").start();
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
