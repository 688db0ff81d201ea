package cn.xinan.launcher.faults;

import org.junit.jupiter.api.Test;

/** The fault suite with the InfluxDB store: the collector's kill (from {@link FaultSuiteContract}), InfluxDB's, and two collectors. */
class InfluxFaultsTest extends FaultSuiteContract {
    @Override
    FaultRig.Store store() {
        return FaultRig.Store.INFLUXDB;
    }

    @Test
    void influxKilledUnderLoadAndRestarted() {
        try (FaultRig rig = rig(1, 0)) {
            FaultRig.hold(STRETCH);
            rig.log("InfluxDB SIGKILL");
            rig.influx().kill();
            FaultRig.hold(STRETCH);
            rig.influx().start();
            rig.log("InfluxDB restarted");
            FaultRig.hold(STRETCH);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    @Test
    void twoCollectorsShareTheLoadAndOneIsKilled() {
        try (FaultRig rig = rig(2, 0)) {
            FaultRig.hold(STRETCH);
            rig.log("collector c2 SIGKILL; c1 carries on alone");
            rig.collector("c2").kill();
            FaultRig.hold(STRETCH.multipliedBy(2));
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
