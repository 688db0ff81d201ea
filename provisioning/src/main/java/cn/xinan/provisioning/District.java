package cn.xinan.provisioning;

import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.provisioning.broker.DynamicSecurityFile;
import cn.xinan.provisioning.broker.MosquittoPasswordHash;
import cn.xinan.provisioning.broker.TestCertificates;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A district folder (docs/provisioning.md, "The district folder"): the registry the collector reads, the broker's
 * files, the collectors' broker accounts and one configuration bundle per device to install:
 *
 * <pre>
 * registry/              schools, rooms, devices (Registry): the collector's registry.dir
 * broker/                dynamic-security.json, mosquitto.passwd, mosquitto.acl, xinan.conf, ca.crt, server.crt,
 *                        server.key (ca.key)
 * collectors.csv         the collectors' broker accounts: account,brokerPasswordHash
 * bundles/DEVICE/        device.properties, ca.crt, SHA256SUMS: copy onto the Pi's card, then delete
 * secrets/               passwords the collector and Grafana need (collector-NAME.password, influxdb-*.password)
 * </pre>
 *
 * Every change validates the whole registry before it writes anything, then rewrites the broker's password file
 * and ACL, so the broker and the registry never disagree on who may connect.
 */
public final class District {
    public static final String REGISTRY = "registry";
    public static final String BROKER = "broker";
    public static final String BUNDLES = "bundles";
    public static final String SECRETS = "secrets";
    public static final String COLLECTORS_FILE = "collectors.csv";

    private final Path dir;
    private final Clock clock;
    private final SecureRandom random;
    private Registry registry;

    private District(Path dir, Clock clock, SecureRandom random, Registry registry) {
        this.dir = dir;
        this.clock = clock;
        this.random = random;
        this.registry = registry;
    }

    /** Opens the district folder {@code dir}; a folder without a registry yet is an empty district. */
    public static District open(Path dir, Clock clock, SecureRandom random) {
        Path registryDir = dir.resolve(REGISTRY);
        Registry registry = Files.exists(registryDir.resolve(Registry.ROOMS_FILE)) ? Registry.load(registryDir)
                : new Registry(List.of(), List.of(), List.of());
        return new District(dir, clock, random, registry);
    }

    public Path dir() {
        return dir;
    }

    public Path registryDir() {
        return dir.resolve(REGISTRY);
    }

    public Path brokerDir() {
        return dir.resolve(BROKER);
    }

    public Registry registry() {
        return registry;
    }

    /** Imports schools and rooms (DistrictImport) and saves the registry; nothing changes on an error. */
    public Registry importCsv(Optional<Path> schools, Optional<Path> rooms) {
        Registry next = DistrictImport.apply(registry, schools, rooms);
        commit(next);
        return next;
    }

    /**
     * Registers a new device in {@code roomId} with a new key pair and broker password, and writes its bundle.
     *
     * @param deviceId  the id to give it, or empty for {@code ROOM-dN} with the first free N
     * @param brokerUrl what the device connects to ({@code ssl://mqtt.example.cn:8883})
     */
    public DeviceBundle addDevice(String roomId, Optional<String> deviceId, String brokerUrl) {
        return addDevice(roomId, deviceId, brokerUrl, Ed25519Keys.generate(random), MosquittoPasswordHash.newPassword(random));
    }

    /**
     * Registers a new device with a key and password made elsewhere (the demo's fixed sample device); otherwise as
     * {@link #addDevice(String, Optional, String)}.
     */
    public DeviceBundle addDevice(String roomId, Optional<String> deviceId, String brokerUrl, Ed25519Keys.PrivateKey key,
                                  String password) {
        RoomRecord room = registry.room(roomId).orElseThrow(() -> new RegistryException("unknown room '" + roomId
                + "'; import it first (xinan provision import)"));
        String id = deviceId.orElseGet(() -> freeDeviceId(roomId));
        if (registry.history(id).isPresent()) {
            throw new RegistryException("device " + id + " is already registered"
                    + (registry.history(id).get().retired() ? " (retired; a retired id is never reused)" : ""));
        }
        DeviceHistory device;
        try {
            device = new DeviceHistory(id, List.of(new DeviceHistory.KeyPeriod(key.publicKey(), Optional.empty())),
                    List.of(new DeviceHistory.Assignment(roomId, Optional.empty())), Optional.empty(),
                    MosquittoPasswordHash.hash(password, random));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage(), e);
        }
        commit(withDevice(device));
        return writeBundle(id, key, password, brokerUrl, room.name());
    }

    /**
     * A re-imaged Pi: a new key pair current from {@code from} (the old key keeps verifying what was recorded
     * before), a new broker password, the same room; writes the new bundle.
     */
    public DeviceBundle replaceDevice(String deviceId, Instant from, String brokerUrl) {
        DeviceHistory old = inService(deviceId);
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(random);
        String password = MosquittoPasswordHash.newPassword(random);
        commit(withDevice(checked(() -> old.withKey(key.publicKey(), from, MosquittoPasswordHash.hash(password, random)))));
        String roomName = registry.room(old.currentRoom()).map(RoomRecord::name).orElse(old.currentRoom());
        return writeBundle(deviceId, key, password, brokerUrl, roomName);
    }

    /** Retires a device from {@code at}: the broker refuses it, nothing it records from then on counts. */
    public void retireDevice(String deviceId, Instant at) {
        DeviceHistory old = inService(deviceId);
        commit(withDevice(checked(() -> old.retiredAt(at))));
        deleteBundle(deviceId);
    }

    /** Moves a device to {@code roomId} from {@code from}; what it recorded before stays in its old room. */
    public void moveDevice(String deviceId, String roomId, Instant from) {
        DeviceHistory old = inService(deviceId);
        if (registry.room(roomId).isEmpty()) {
            throw new RegistryException("unknown room '" + roomId + "'");
        }
        if (old.currentRoom().equals(roomId)) {
            throw new RegistryException("device " + deviceId + " is already in room " + roomId);
        }
        commit(withDevice(checked(() -> old.withRoom(roomId, from))));
    }

    /**
     * Adds a collector's broker account (or gives an existing one a new password) and writes its password to
     * {@code secrets/collector-NAME.password}, for the collector's {@code mqtt.password}.
     *
     * @return the password
     */
    public String collectorAccount(String name) {
        String password = MosquittoPasswordHash.newPassword(random);
        BrokerFiles.CollectorAccount account;
        try {
            account = new BrokerFiles.CollectorAccount(name, MosquittoPasswordHash.hash(password, random));
        } catch (IllegalArgumentException e) {
            throw new RegistryException("collector account: " + e.getMessage(), e);
        }
        if (registry.history(name).isPresent()) {
            throw new RegistryException("'" + name + "' is a device's id; a collector account needs another name");
        }
        List<BrokerFiles.CollectorAccount> accounts = new ArrayList<>(collectors());
        accounts.removeIf(a -> a.name().equals(name));
        accounts.add(account);
        List<String> lines = new ArrayList<>(List.of("account,brokerPasswordHash"));
        accounts.forEach(a -> lines.add(Csv.formatLine(List.of(a.name(), a.passwordHash()))));
        try {
            writeAtomically(dir.resolve(COLLECTORS_FILE), String.join("\n", lines) + "\n", false);
            writeSecret("collector-" + name + ".password", password + "\n");
        } catch (IOException e) {
            throw new RegistryException("cannot write " + dir.resolve(COLLECTORS_FILE) + ": " + e.getMessage(), e);
        }
        writeBrokerAccessFiles();
        return password;
    }

    /** The collectors' broker accounts. */
    public List<BrokerFiles.CollectorAccount> collectors() {
        Path file = dir.resolve(COLLECTORS_FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<BrokerFiles.CollectorAccount> out = new ArrayList<>();
        for (CsvTable.Line line : CsvTable.read(file, List.of("account", "brokerPasswordHash"), java.util.Set.of())) {
            out.add(line.parse("account", a -> new BrokerFiles.CollectorAccount(a, line.get("brokerPasswordHash"))));
        }
        return out;
    }

    /**
     * Writes the broker's files: password file, ACL, listener configuration and, when {@code certificateNames}
     * is not empty, a new CA and server certificate for those host names and addresses.
     */
    public void writeBrokerFiles(BrokerFiles.Listener listener, List<String> certificateNames) {
        if (!certificateNames.isEmpty()) {
            TestCertificates.write(brokerDir(), certificateNames, clock, random);
        }
        writeBrokerAccessFiles();
        try {
            writeAtomically(brokerDir().resolve(BrokerFiles.CONFIG_FILE), BrokerFiles.listenerConfig(listener), false);
        } catch (IOException e) {
            throw new RegistryException("cannot write " + brokerDir() + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code secrets/NAME} readable by its owner only. */
    public Path writeSecret(String name, String text) throws IOException {
        Path secrets = dir.resolve(SECRETS);
        Files.createDirectories(secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        Path file = secrets.resolve(name);
        writeAtomically(file, text, true);
        return file;
    }

    /** Reads {@code secrets/NAME} (stripped), if it exists. */
    public Optional<String> readSecret(String name) {
        Path file = dir.resolve(SECRETS).resolve(name);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeBrokerAccessFiles() {
        try {
            Files.createDirectories(brokerDir());
            List<BrokerFiles.CollectorAccount> collectors = collectors();
            writeAtomically(brokerDir().resolve(BrokerFiles.PASSWORD_FILE),
                    BrokerFiles.passwordFile(registry.histories(), collectors), true);
            writeAtomically(brokerDir().resolve(BrokerFiles.ACL_FILE), BrokerFiles.aclFile(registry.histories(), collectors), false);
            writeAtomically(brokerDir().resolve(DynamicSecurityFile.FILE),
                    DynamicSecurityFile.json(registry.histories(), collectors), true);
        } catch (IOException e) {
            throw new RegistryException("cannot write the broker files to " + brokerDir() + ": " + e.getMessage(), e);
        }
    }

    private DeviceHistory inService(String deviceId) {
        DeviceHistory d = registry.history(deviceId).orElseThrow(() -> new RegistryException("unknown device '" + deviceId + "'"));
        if (d.retired()) {
            throw new RegistryException("device " + deviceId + " was retired at " + d.retiredAt().get());
        }
        return d;
    }

    private static DeviceHistory checked(java.util.function.Supplier<DeviceHistory> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage(), e);
        }
    }

    private Registry withDevice(DeviceHistory device) {
        List<DeviceHistory> devices = new ArrayList<>(registry.histories());
        devices.removeIf(d -> d.deviceId().equals(device.deviceId()));
        devices.add(device);
        try {
            return new Registry(registry.schools(), registry.rooms(), devices);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage(), e);
        }
    }

    private void commit(Registry next) {
        next.save(registryDir());
        registry = next;
        writeBrokerAccessFiles();
    }

    private String freeDeviceId(String roomId) {
        for (int n = 1; ; n++) {
            String id = roomId + "-d" + n;
            if (registry.history(id).isEmpty()) {
                return id;
            }
        }
    }

    private DeviceBundle writeBundle(String deviceId, Ed25519Keys.PrivateKey key, String password, String brokerUrl,
                                     String roomName) {
        Path ca = brokerDir().resolve(TestCertificates.CA_CERT);
        return DeviceBundle.write(dir.resolve(BUNDLES).resolve(deviceId), deviceId, key, password, brokerUrl, roomName,
                Files.exists(ca) ? Optional.of(ca) : Optional.empty());
    }

    private void deleteBundle(String deviceId) {
        Path bundle = dir.resolve(BUNDLES).resolve(deviceId);
        if (!Files.exists(bundle)) {
            return;
        }
        try (Stream<Path> files = Files.walk(bundle)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new RegistryException("cannot delete the bundle " + bundle + " (it holds the retired device's key; "
                    + "delete it by hand): " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
