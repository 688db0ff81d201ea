package cn.xinan.launcher.replay;

import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.config.KioskSettings;
import cn.xinan.device.config.StaffSettings;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.wire.Ed25519Keys;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One simulated device per room, all on one {@link SimulatedClock}, driven by scenario actions:
 * what both {@code xinan replay} and {@code xinan demo} run. Each device is the real firmware
 * ({@link RoomDevice}: state machine, signed events, durable outbox, MQTT publisher) with mock GPIO.
 */
public final class SimulatedRooms implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SimulatedRooms.class.getName());

    private final List<RoomRecord> rooms;
    private final Path outboxDir;
    private final SimulatedClock clock;
    private final Map<String, Ed25519Keys.PrivateKey> keys = new LinkedHashMap<>();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final Map<String, RoomDevice> devices = new LinkedHashMap<>();
    private final Map<String, Boolean> networkDown = new LinkedHashMap<>();
    private final Map<String, KioskSettings> kiosks = new LinkedHashMap<>();
    private final Map<String, URI> kioskUris = new LinkedHashMap<>();
    private StaffSettings staff = StaffSettings.NONE;
    private String brokerUrl;
    private long recordedByEarlierRuns;
    private SimulatedBrokerAccounts accounts;

    private SimulatedRooms(List<RoomRecord> rooms, Path outboxDir, SimulatedClock clock) {
        this.rooms = List.copyOf(rooms);
        this.outboxDir = outboxDir;
        this.clock = clock;
    }

    /**
     * Registers one device per room with a fresh key in the registry at {@code registryDir} (where the
     * collector reads it) and keeps the private keys for the devices.
     */
    public static SimulatedRooms provision(List<RoomRecord> rooms, Path registryDir, Path outboxDir, SimulatedClock clock) {
        SimulatedRooms sim = new SimulatedRooms(rooms, outboxDir, clock);
        List<DeviceRecord> records = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (RoomRecord room : rooms) {
            Ed25519Keys.PrivateKey key = Ed25519Keys.generate(random);
            sim.keys.put(room.roomId(), key);
            sim.networkDown.put(room.roomId(), false);
            records.add(new DeviceRecord(deviceId(room.roomId()), room.roomId(), key.publicKey()));
        }
        new Registry(rooms, records).save(registryDir);
        sim.accounts = SimulatedBrokerAccounts.write(registryDir.resolve("broker"),
                records.stream().map(DeviceRecord::deviceId).toList());
        for (DeviceRecord r : records) {
            sim.passwords.put(r.roomId(), sim.accounts.devicePasswords().get(r.deviceId()));
        }
        return sim;
    }

    /**
     * The broker accounts of these devices and of the collector (files in the registry's {@code broker} folder), when
     * {@link #provision} made them.
     */
    public SimulatedBrokerAccounts brokerAccounts() {
        if (accounts == null) {
            throw new IllegalStateException("these rooms were provisioned elsewhere, with their own broker accounts");
        }
        return accounts;
    }

    /**
     * Devices provisioned elsewhere (the demo's district, docs/provisioning.md): for each room the device
     * {@link #deviceId(String)}'s private key and broker password, already in the registry the collector reads.
     */
    public static SimulatedRooms provisioned(List<RoomRecord> rooms, Map<String, Ed25519Keys.PrivateKey> keys,
                                             Map<String, String> passwords, Path outboxDir, SimulatedClock clock) {
        SimulatedRooms sim = new SimulatedRooms(rooms, outboxDir, clock);
        for (RoomRecord room : rooms) {
            Ed25519Keys.PrivateKey key = keys.get(room.roomId());
            if (key == null) {
                throw new IllegalArgumentException("no device key for room " + room.roomId());
            }
            sim.keys.put(room.roomId(), key);
            sim.passwords.put(room.roomId(), passwords.getOrDefault(room.roomId(), ""));
            sim.networkDown.put(room.roomId(), false);
        }
        return sim;
    }

    /** One device per room; its id is the room's with a suffix, so topics and logs say where it is. */
    public static String deviceId(String roomId) {
        return roomId + "-d1";
    }

    public SimulatedClock clock() {
        return clock;
    }

    /** The broker the devices publish to; set before the first power-on. */
    public void connectTo(String url) {
        this.brokerUrl = url;
    }

    /**
     * Every device serves its kiosk screen while it is powered on (the replay's devices serve none): each on
     * its own port, the same after a power cut, with these staff PINs. Call before the first power-on.
     *
     * @param kioskPorts one free port per room
     */
    public void serveKiosks(Map<String, Integer> kioskPorts, StaffSettings staffPins) {
        for (RoomRecord room : rooms) {
            Integer port = kioskPorts.get(room.roomId());
            if (port == null) {
                throw new IllegalArgumentException("no kiosk port for room " + room.roomId());
            }
            String name = room.name().length() > 60 ? room.name().substring(0, 60) : room.name();
            kiosks.put(room.roomId(), new KioskSettings(name, "", port, KioskSettings.DEFAULT_IDLE_TIMEOUT));
        }
        this.staff = staffPins;
    }

    /** The kiosk screen's address of a room served by {@link #serveKiosks} once its device ran; empty if none. */
    public Optional<URI> kioskUri(String roomId) {
        return Optional.ofNullable(kioskUris.get(roomId));
    }

    /**
     * Every running, connected device publishes its online status again at the clock's time: after a
     * replay of the past, so that the collector shows status times of now.
     */
    public void announceOnline() {
        devices.values().forEach(RoomDevice::announceOnline);
    }

    /** Powers on every room's device except those in {@code except} (rooms whose first action is power_on). */
    public void powerOnAllBut(Set<String> except) {
        for (RoomRecord room : rooms) {
            if (!except.contains(room.roomId())) {
                powerOn(room.roomId());
            }
        }
    }

    /** Moves the shared clock; every running device records the heartbeats due by then, each at its own time. */
    public void advanceTo(Instant t) {
        if (t.isAfter(clock.instant())) {
            clock.advanceTo(t);
        }
        for (RoomDevice device : devices.values()) {
            device.advanceTo(clock.instant());
        }
    }

    public void apply(ScenarioAction a) {
        String room = a.room();
        switch (a.action()) {
            case POWER_ON -> {
                if (devices.containsKey(room)) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: power_on while powered on (line {1}), ignored", room, a.line());
                } else {
                    powerOn(room);
                }
            }
            case POWER_OFF -> {
                RoomDevice device = devices.remove(room);
                if (device != null) {
                    recordedByEarlierRuns += device.recordedThisRun();
                    device.powerOff();
                }
            }
            case NETWORK_DOWN -> {
                networkDown.put(room, true);
                running(room).ifPresent(RoomDevice::networkDown);
            }
            case NETWORK_UP -> {
                networkDown.put(room, false);
                running(room).ifPresent(RoomDevice::networkUp);
            }
            case STAFF_OPEN -> running(room).ifPresent(d -> d.staffOpen(a.staff()));
            case STAFF_CLOSE -> running(room).ifPresent(d -> d.staffClose(a.staff()));
            case PRESENCE -> running(room).ifPresent(d -> d.presence(a.present()));
            case CHECKIN -> running(room).ifPresent(d -> d.checkIn(a.purpose(), a.stage()));
        }
    }

    /** A device that is powered off records nothing: what happens in its room then is lost, as in reality. */
    private Optional<RoomDevice> running(String room) {
        return Optional.ofNullable(devices.get(room));
    }

    private void powerOn(String room) {
        RoomDevice device = RoomDevice.simulated(deviceConfig(room), clock);
        if (networkDown.get(room)) {
            device.networkDown();
        }
        device.boot("power_on");
        devices.put(room, device);
        if (kiosks.containsKey(room)) {
            try {
                kioskUris.put(room, device.startKiosk());
            } catch (java.io.UncheckedIOException e) {
                // the room goes on recording; only its screen is missing
                LOG.log(System.Logger.Level.WARNING, "{0}: kiosk not served: {1}", room, e.getMessage());
            }
        }
    }

    private DeviceConfig deviceConfig(String room) {
        if (brokerUrl == null) {
            throw new IllegalStateException("connectTo(broker) first");
        }
        // The replay simulates power loss itself, so the outbox need not fsync every event (docs/device.md).
        DeviceConfig config = DeviceConfig.of(deviceId(room), keys.get(room), brokerUrl, passwords.getOrDefault(room, ""), outboxDir.resolve("outbox-" + room + ".db"))
                .withOutboxSynchronous(SynchronousMode.NORMAL);
        KioskSettings kiosk = kiosks.get(room);
        return kiosk == null ? config : config.withKiosk(kiosk).withStaff(staff);
    }

    /** Events recorded so far by every device, including runs that ended in a power loss. */
    public long recordedCount() {
        return recordedByEarlierRuns + devices.values().stream().mapToLong(RoomDevice::recordedThisRun).sum();
    }

    /**
     * The end of a replay: every network comes back and rooms left powered off hand over what their
     * outbox still holds; returns when every outbox is empty, with the number of events recorded in all.
     */
    public long deliverEverything(Duration timeout) throws InterruptedException {
        long recorded = recordedCount();
        devices.values().forEach(RoomDevice::networkUp);
        for (RoomRecord room : rooms) {
            if (!devices.containsKey(room.roomId())) {
                RoomDevice courier = RoomDevice.simulated(deviceConfig(room.roomId()), clock);
                courier.deliverOnly();
                devices.put(room.roomId(), courier);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (devices.values().stream().anyMatch(d -> d.outboxDepth() > 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("devices still hold undelivered events after " + timeout);
            }
            Thread.sleep(20); // polls outbox depth only; the result never depends on this timing
        }
        return recorded;
    }

    /** Outbox depth per room (0 for a room whose device is off). */
    public Map<String, Long> outboxDepths() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (RoomRecord room : rooms) {
            out.put(room.roomId(), running(room.roomId()).map(RoomDevice::outboxDepth).orElse(0L));
        }
        return out;
    }

    @Override
    public void close() {
        devices.values().forEach(RoomDevice::close);
        devices.clear();
    }
}
