package cn.xinan.launcher.faults;

import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The fault suite with the SQLite store: the collector's kill (from {@link FaultSuiteContract}), and the faults
 * where the store plays no part (the broker, the devices, the network), run once.
 */
class SqliteFaultsTest extends FaultSuiteContract {
    @Override
    FaultRig.Store store() {
        return FaultRig.Store.SQLITE;
    }

    private void brokerRestartWithCollectorRunning(String how, Consumer<MosquittoServer> stop) {
        try (FaultRig rig = rig(1, 0)) {
            flowing(rig);
            rig.log("Mosquitto " + how + ", collector running");
            stop.accept(rig.broker());
            recordingOn(rig); // the devices record on, offline
            rig.broker().start();
            rig.log("Mosquitto restarted");
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    private void brokerRestartWithCollectorStopped(String how, Consumer<MosquittoServer> stop) {
        try (FaultRig rig = rig(1, 0)) {
            flowing(rig);
            rig.log("collector SIGTERM");
            rig.collector("c1").terminate();
            recordingOn(rig); // events queue in the broker for the stopped collector's session
            rig.log("Mosquitto " + how + ", collector stopped");
            stop.accept(rig.broker());
            rig.broker().start();
            recordingOn(rig); // the devices go on publishing to a broker with the collector still away
            rig.collector("c1").start();
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    @Test
    void brokerKilledWithTheCollectorRunning() {
        brokerRestartWithCollectorRunning("SIGKILL", MosquittoServer::kill);
    }

    @Test
    void brokerTerminatedWithTheCollectorRunning() {
        brokerRestartWithCollectorRunning("SIGTERM", MosquittoServer::stop);
    }

    @Test
    void brokerKilledWhileTheCollectorIsStopped() {
        brokerRestartWithCollectorStopped("SIGKILL", MosquittoServer::kill);
    }

    @Test
    void brokerTerminatedWhileTheCollectorIsStopped() {
        brokerRestartWithCollectorStopped("SIGTERM", MosquittoServer::stop);
    }

    @Test
    void devicesKilledMidWriteAndRestarted() {
        try (FaultRig rig = rig(1, 0)) {
            flowing(rig);
            for (int round = 0; round < 3; round++) {
                // a random moment: the kill must fall anywhere in a write
                FaultRig.hold(Duration.ofMillis(300 + rig.random().nextInt(1200)));
                DeviceHost host = rig.hosts().get(rig.random().nextInt(rig.hosts().size()));
                rig.log("device " + host.name() + " SIGKILL (outbox FULL, under load)");
                host.kill();
                host.start();
            }
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    @Test
    void networkOutageOfSimulatedDays() {
        try (FaultRig rig = rig(1, 1)) {
            flowing(rig);
            rig.log("network down on every device process");
            rig.hosts().forEach(h -> h.network(false));
            rig.offlineForDays(rig.offlineDevices().get(0), 2);
            rig.log("two simulated days recorded offline");
            recordingOn(rig);
            rig.log("network back");
            rig.hosts().forEach(h -> h.network(true));
            flowing(rig);
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
