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
            FaultRig.hold(STRETCH);
            rig.log("Mosquitto " + how + ", collector running");
            stop.accept(rig.broker());
            FaultRig.hold(Duration.ofSeconds(2));
            rig.broker().start();
            rig.log("Mosquitto restarted");
            FaultRig.hold(STRETCH);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    private void brokerRestartWithCollectorStopped(String how, Consumer<MosquittoServer> stop) {
        try (FaultRig rig = rig(1, 0)) {
            FaultRig.hold(STRETCH);
            rig.log("collector SIGTERM");
            rig.collector("c1").terminate();
            FaultRig.hold(STRETCH); // events queue in the broker for the stopped collector's session
            rig.log("Mosquitto " + how + ", collector stopped");
            stop.accept(rig.broker());
            rig.broker().start();
            FaultRig.hold(STRETCH); // the devices go on publishing to a broker with the collector still away
            rig.collector("c1").start();
            FaultRig.hold(STRETCH);
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
            for (int round = 0; round < 3; round++) {
                FaultRig.hold(Duration.ofMillis(1500 + rig.random().nextInt(1500)));
                DeviceHost host = rig.hosts().get(rig.random().nextInt(rig.hosts().size()));
                rig.log("device " + host.name() + " SIGKILL (outbox FULL, under load)");
                host.kill();
                host.start();
            }
            FaultRig.hold(STRETCH);
            assertNothingLostNorCountedTwice(rig);
        }
    }

    @Test
    void networkOutageOfSimulatedDays() {
        try (FaultRig rig = rig(1, 1)) {
            FaultRig.hold(STRETCH);
            rig.log("network down on every device process");
            rig.hosts().forEach(h -> h.network(false));
            rig.offlineForDays(rig.offlineDevices().get(0), 2);
            rig.log("two simulated days recorded offline; network back");
            FaultRig.hold(STRETCH);
            rig.hosts().forEach(h -> h.network(true));
            FaultRig.hold(STRETCH);
            assertNothingLostNorCountedTwice(rig);
        }
    }
}
