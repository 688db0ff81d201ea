package cn.xinan.launcher.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./xinan bench faults [DEVICES=24] [MINUTES=5] [PER_PROCESS=4] [SEED]}: a randomised fault schedule over
 * the fault suite's real system (Mosquitto, InfluxDB, two collectors sharing the load, devices in
 * {@link FleetMain} processes, one device offline for two simulated days), every fault kind at least once, one at a time,
 * repaired after a random stretch. After each repair it measures the time until the store holds every event
 * recorded until then; at the end it delivers what is left and compares every recorded event id with the store.
 * Results: docs/reliability.md.
 */
public final class FaultBenchmark {
    enum Fault {
        BROKER_KILL("Mosquitto SIGKILL + restart, collectors running"),
        BROKER_TERM("Mosquitto SIGTERM + restart, collectors running"),
        BROKER_RESTART_COLLECTORS_STOPPED("Mosquitto SIGKILL/SIGTERM + restart, collectors stopped"),
        COLLECTOR_KILL("one of two collectors SIGKILL, restarted later"),
        INFLUX_KILL("InfluxDB SIGKILL + restart"),
        DEVICE_KILL("device process SIGKILL mid-write + restart"),
        NETWORK_OUTAGE("network outage of a device process (10-30 s)");

        final String label;

        Fault(String label) {
            this.label = label;
        }
    }

    private FaultBenchmark() {
    }

    public static void main(String[] args) {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int perProcess = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
        System.out.printf("fault benchmark: %d devices (%d per process, 1 s heartbeat, activity every 250 ms), "
                + "1 device offline for 2 simulated days, InfluxDB store, 2 collectors, %d min, seed %d%n",
                devices, perProcess, minutes, seed);
        Map<Fault, List<Optional<Duration>>> recoveries = new EnumMap<>(Fault.class);
        Tally tally;
        Optional<Duration> offlineRecovery;
        long started = System.nanoTime();
        try (FaultRig rig = new FaultRig(FaultRig.Store.INFLUXDB, 0, devices, perProcess, 1, seed)) {
            rig.startCollector("c1");
            rig.startCollector("c2");
            rig.startDevices();
            FaultRig.hold(Duration.ofSeconds(5));
            rig.log("offline for two simulated days: " + rig.offlineDevices().get(0).deviceId());
            rig.offlineForDays(rig.offlineDevices().get(0), 2);
            offlineRecovery = rig.awaitCaughtUp(Duration.ofSeconds(120));
            rig.log("backlog of two days stored after " + offlineRecovery.map(FaultBenchmark::seconds).orElse("—"));
            long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
            List<Fault> bag = new ArrayList<>();
            while (System.nanoTime() < end || recoveries.size() < Fault.values().length) { // every kind at least once
                if (bag.isEmpty()) {
                    bag.addAll(List.of(Fault.values()));
                    Collections.shuffle(bag, rig.random());
                }
                Fault fault = bag.remove(0);
                rig.log("fault: " + fault.label);
                inject(rig, fault);
                Optional<Duration> recovered = rig.awaitCaughtUp(Duration.ofSeconds(60));
                rig.log("recovered: " + recovered.map(FaultBenchmark::seconds).orElse("not within 60 s"));
                recoveries.computeIfAbsent(fault, f -> new ArrayList<>()).add(recovered);
                FaultRig.hold(Duration.ofSeconds(3 + rig.random().nextInt(8)));
            }
            tally = rig.finish(Duration.ofSeconds(180));
            if (tally.lost().isEmpty() && tally.duplicated() == 0 && tally.unexpected().isEmpty()) {
                rig.passed(); // nothing to look into: the folder goes (a loss keeps it, with every log)
            }
        }
        System.out.println();
        System.out.printf("%-58s %8s %9s %12s %12s%n", "fault", "injected", "recovered", "median", "max");
        for (Map.Entry<Fault, List<Optional<Duration>>> e : recoveries.entrySet()) {
            List<Duration> ok = e.getValue().stream().flatMap(Optional::stream).sorted().toList();
            System.out.printf("%-58s %8d %9d %12s %12s%n", e.getKey().label, e.getValue().size(), ok.size(),
                    ok.isEmpty() ? "—" : seconds(ok.get(ok.size() / 2)), ok.isEmpty() ? "—" : seconds(ok.get(ok.size() - 1)));
        }
        System.out.printf("%-58s %8d %9d %12s %12s%n", "network outage of 2 simulated days (1 device)", 1,
                offlineRecovery.isPresent() ? 1 : 0, offlineRecovery.map(FaultBenchmark::seconds).orElse("—"),
                offlineRecovery.map(FaultBenchmark::seconds).orElse("—"));
        System.out.println();
        System.out.printf("events recorded   %d%nevents stored     %d%nlost              %d%nduplicated        %d%n"
                + "stored, never recorded %d%nwall time         %s%n",
                tally.recorded(), tally.stored(), tally.lost().size(), tally.duplicated(), tally.unexpected().size(),
                seconds(Duration.ofNanos(System.nanoTime() - started)));
        if (!tally.lost().isEmpty()) {
            System.out.println("lost (first 20): " + tally.lost().subList(0, Math.min(20, tally.lost().size())));
        }
        System.exit(tally.exact() ? 0 : 1);
    }

    /** Injects one fault and repairs it after a random stretch (the devices keep recording meanwhile). */
    private static void inject(FaultRig rig, Fault fault) {
        Duration down = Duration.ofSeconds(2 + rig.random().nextInt(8));
        switch (fault) {
            case BROKER_KILL -> {
                rig.broker().kill();
                FaultRig.hold(down);
                rig.broker().start();
            }
            case BROKER_TERM -> {
                rig.broker().stop();
                FaultRig.hold(down);
                rig.broker().start();
            }
            case BROKER_RESTART_COLLECTORS_STOPPED -> {
                rig.collector("c1").terminate();
                rig.collector("c2").terminate();
                FaultRig.hold(down);
                if (rig.random().nextBoolean()) {
                    rig.broker().kill();
                } else {
                    rig.broker().stop();
                }
                rig.broker().start();
                FaultRig.hold(down);
                FaultRig.parallel(List.of("c1", "c2"), c -> rig.collector(c).start());
            }
            case COLLECTOR_KILL -> {
                String victim = rig.random().nextBoolean() ? "c1" : "c2";
                rig.collector(victim).kill();
                FaultRig.hold(down.multipliedBy(2));
                rig.collector(victim).start();
            }
            case INFLUX_KILL -> {
                rig.influx().kill();
                FaultRig.hold(down);
                rig.influx().start();
            }
            case DEVICE_KILL -> {
                DeviceHost host = rig.hosts().get(rig.random().nextInt(rig.hosts().size()));
                host.kill();
                FaultRig.hold(Duration.ofSeconds(1));
                host.start();
            }
            case NETWORK_OUTAGE -> {
                DeviceHost host = rig.hosts().get(rig.random().nextInt(rig.hosts().size()));
                host.network(false);
                FaultRig.hold(Duration.ofSeconds(10 + rig.random().nextInt(21)));
                host.network(true);
            }
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
