package cn.xinan.provisioning;

import cn.xinan.provisioning.audit.AuditLog;
import cn.xinan.provisioning.audit.Operator;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Every change is recorded in the audit log {@code registry/audit.jsonl} (the collector's default access.audit-log,
 * docs/security.md, "The audit log") with the {@link Operator}, what changed and its value before and after: one entry
 * per school, room, device or account changed, written after the change is saved. A change refused because an input
 * was wrong (a bad CSV line, an unknown room) changes nothing and is recorded as one entry with the outcome
 * {@code refused} and the reason; a change that failed while writing (disk full) is recorded as {@code failure}.
 */
public final class District {
    public static final String REGISTRY = "registry";
    public static final String BROKER = "broker";
    public static final String BUNDLES = "bundles";
    public static final String SECRETS = "secrets";
    public static final String COLLECTORS_FILE = "collectors.csv";
    /** The audit log in the registry folder: the collector's default {@code access.audit-log}. */
    public static final String AUDIT_FILE = "audit.jsonl";

    private final Path dir;
    private final Clock clock;
    private final SecureRandom random;
    private final Operator operator;
    private final AuditLog audit;
    private Registry registry;

    private District(Path dir, Clock clock, SecureRandom random, Operator operator, Registry registry) {
        this.dir = dir;
        this.clock = clock;
        this.random = random;
        this.operator = operator;
        this.audit = new AuditLog(dir.resolve(REGISTRY).resolve(AUDIT_FILE), clock);
        this.registry = registry;
    }

    /** Opens the district folder {@code dir} for this process's account running {@code xinan provision}. */
    public static District open(Path dir, Clock clock, SecureRandom random) {
        return open(dir, clock, random, Operator.ofThisProcess("xinan provision"));
    }

    /**
     * Opens the district folder {@code dir}; a folder without a registry yet is an empty district.
     *
     * @param operator who makes the changes, for the audit log
     */
    public static District open(Path dir, Clock clock, SecureRandom random, Operator operator) {
        java.util.Objects.requireNonNull(operator, "operator is missing");
        Path registryDir = dir.resolve(REGISTRY);
        Registry registry = Files.exists(registryDir.resolve(Registry.ROOMS_FILE)) ? Registry.load(registryDir)
                : new Registry(List.of(), List.of(), List.of());
        return new District(dir, clock, random, operator, registry);
    }

    /** The audit log every change of this district is recorded in ({@code registry/audit.jsonl}). */
    public Path auditFile() {
        return audit.file();
    }

    /**
     * Appends one entry to the district's audit log with the operator ({@code by}, {@code via}): for changes made
     * outside this class (the InfluxDB set-up).
     */
    public void record(String action, String outcome, Map<String, String> details) {
        Map<String, String> all = new LinkedHashMap<>(details);
        all.put("by", operator.account());
        all.put("via", operator.via());
        audit.record(action, outcome, all);
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
        Map<String, String> subject = new LinkedHashMap<>();
        subject.put("schoolsFile", schools.map(Path::toString).orElse(null));
        subject.put("roomsFile", rooms.map(Path::toString).orElse(null));
        Registry before = registry;
        Registry next = refusedIfInvalid("import", subject, () -> DistrictImport.apply(before, schools, rooms));
        committing("import", subject, () -> {
            commit(next);
            return null;
        });
        int changed = 0;
        for (SchoolRecord s : next.schools()) {
            Optional<SchoolRecord> old = before.school(s.schoolId());
            if (old.isEmpty() || !old.get().equals(s)) {
                changed++;
                record(old.isEmpty() ? "school-add" : "school-update", "success", details(
                        "county", s.county(), "school", s.schoolId(),
                        "before", old.map(District::describe).orElse(null), "after", describe(s)));
            }
        }
        for (RoomRecord r : next.rooms()) {
            Optional<RoomRecord> old = before.room(r.roomId());
            if (old.isEmpty() || !old.get().equals(r)) {
                changed++;
                record(old.isEmpty() ? "room-add" : "room-update", "success", details(
                        "county", r.county(), "school", r.school(), "room", r.roomId(),
                        "before", old.map(District::describe).orElse(null), "after", describe(r)));
            }
        }
        Map<String, String> summary = new LinkedHashMap<>(subject);
        summary.put("schools", before.schools().size() + " -> " + next.schools().size());
        summary.put("rooms", before.rooms().size() + " -> " + next.rooms().size());
        summary.put("changed", Integer.toString(changed));
        record("import", "success", summary);
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
        Map<String, String> subject = details("device", deviceId.orElse(null), "room", roomId);
        RoomRecord room = refusedIfInvalid("device-add", subject, () -> registry.room(roomId).orElseThrow(
                () -> new RegistryException("unknown room '" + roomId + "'; import it first (xinan provision import)")));
        String id = deviceId.orElseGet(() -> freeDeviceId(roomId));
        Registry next = refusedIfInvalid("device-add", subject, () -> {
            if (registry.history(id).isPresent()) {
                throw new RegistryException("device " + id + " is already registered"
                        + (registry.history(id).get().retired() ? " (retired; a retired id is never reused)" : ""));
            }
            DeviceHistory device = checked(() -> new DeviceHistory(id,
                    List.of(new DeviceHistory.KeyPeriod(key.publicKey(), Optional.empty())),
                    List.of(new DeviceHistory.Assignment(roomId, Optional.empty())), Optional.empty(),
                    MosquittoPasswordHash.hash(password, random)));
            return withDevice(device);
        });
        Map<String, String> done = deviceDetails(id, room, null, "room=" + roomId + ", key=" + key.publicKey().toBase64());
        DeviceBundle bundle = committing("device-add", done, () -> {
            commit(next);
            return writeBundle(id, key, password, brokerUrl, room.name());
        });
        record("device-add", "success", done);
        return bundle;
    }

    /**
     * A re-imaged Pi: a new key pair current from {@code from} (the old key keeps verifying what was recorded
     * before), a new broker password, the same room; writes the new bundle.
     */
    public DeviceBundle replaceDevice(String deviceId, Instant from, String brokerUrl) {
        Map<String, String> subject = details("device", deviceId, "from", from.toString());
        DeviceHistory old = refusedIfInvalid("device-replace", subject, () -> inService(deviceId));
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(random);
        String password = MosquittoPasswordHash.newPassword(random);
        Registry next = refusedIfInvalid("device-replace", subject, () -> withDevice(checked(
                () -> old.withKey(key.publicKey(), from, MosquittoPasswordHash.hash(password, random)))));
        RoomRecord room = registry.room(old.currentRoom()).orElseThrow();
        Map<String, String> done = deviceDetails(deviceId, room, "key=" + old.currentKey().toBase64(),
                "key=" + key.publicKey().toBase64() + " from " + from);
        DeviceBundle bundle = committing("device-replace", done, () -> {
            commit(next);
            return writeBundle(deviceId, key, password, brokerUrl, room.name());
        });
        record("device-replace", "success", done);
        return bundle;
    }

    /** Retires a device from {@code at}: the broker refuses it, nothing it records from then on counts. */
    public void retireDevice(String deviceId, Instant at) {
        Map<String, String> subject = details("device", deviceId, "at", at.toString());
        DeviceHistory old = refusedIfInvalid("device-retire", subject, () -> inService(deviceId));
        Registry next = refusedIfInvalid("device-retire", subject, () -> withDevice(checked(() -> old.retiredAt(at))));
        RoomRecord room = registry.room(old.currentRoom()).orElseThrow();
        Map<String, String> done = deviceDetails(deviceId, room, "in service, room=" + room.roomId(),
                "retired at " + at);
        committing("device-retire", done, () -> {
            commit(next);
            deleteBundle(deviceId);
            return null;
        });
        record("device-retire", "success", done);
    }

    /**
     * What {@link #moveDevice} did: the room's change is recorded; the bundle is the Pi's configuration for the new
     * room when the device's key was still at hand (see {@link #moveDevice}).
     *
     * @param bundle the rewritten bundle, or empty when the device's bundle was no longer in {@code bundles/}
     */
    public record Moved(String deviceId, RoomRecord from, RoomRecord to, Instant at, Optional<DeviceBundle> bundle) {
        public Moved {
            java.util.Objects.requireNonNull(deviceId, "device id is missing");
            java.util.Objects.requireNonNull(from, "old room is missing");
            java.util.Objects.requireNonNull(to, "new room is missing");
            java.util.Objects.requireNonNull(at, "move instant is missing");
            java.util.Objects.requireNonNull(bundle, "bundle is missing (Optional.empty() for none)");
        }
    }

    /**
     * Moves a device to {@code roomId} from {@code from}; what it recorded before stays in its old room. The Pi shows
     * its room's name ({@code room.name} in its {@code device.properties}): when the device's bundle is still in
     * {@code bundles/DEVICE} (its private key and broker password are kept nowhere else), it is written again with
     * the new room's name, the same key and password, for copying onto the card; otherwise nothing but the name
     * needs to change on the card, and no new key is made (a new key would refuse what the running card records
     * until the card is changed).
     */
    public Moved moveDevice(String deviceId, String roomId, Instant from) {
        Map<String, String> subject = details("device", deviceId, "room", roomId, "from", from.toString());
        DeviceHistory old = refusedIfInvalid("device-move", subject, () -> inService(deviceId));
        RoomRecord to = refusedIfInvalid("device-move", subject, () -> {
            RoomRecord r = registry.room(roomId).orElseThrow(() -> new RegistryException("unknown room '" + roomId + "'"));
            if (old.currentRoom().equals(roomId)) {
                throw new RegistryException("device " + deviceId + " is already in room " + roomId);
            }
            return r;
        });
        Registry next = refusedIfInvalid("device-move", subject, () -> withDevice(checked(() -> old.withRoom(roomId, from))));
        Optional<DeviceBundle.Contents> secrets = refusedIfInvalid("device-move", subject,
                () -> DeviceBundle.read(dir.resolve(BUNDLES).resolve(deviceId), deviceId))
                .filter(c -> c.key().publicKey().equals(old.currentKey()));
        RoomRecord was = registry.room(old.currentRoom()).orElseThrow();
        Map<String, String> done = deviceDetails(deviceId, to, "room=" + was.roomId() + " (" + was.school() + ")",
                "room=" + to.roomId() + " (" + to.school() + ") from " + from);
        Optional<DeviceBundle> bundle = committing("device-move", done, () -> {
            commit(next);
            return secrets.map(c -> writeBundle(deviceId, c.key(), c.password(), c.brokerUrl(), to.name()));
        });
        done.put("bundle", bundle.isPresent() ? "rewritten" : "none");
        record("device-move", "success", done);
        return new Moved(deviceId, was, to, from, bundle);
    }

    /**
     * Adds a collector's broker account (or gives an existing one a new password) and writes its password to
     * {@code secrets/collector-NAME.password}, for the collector's {@code mqtt.password}.
     *
     * @return the password
     */
    public String collectorAccount(String name) {
        Map<String, String> subject = details("account", name);
        String password = MosquittoPasswordHash.newPassword(random);
        BrokerFiles.CollectorAccount account = refusedIfInvalid("collector-account", subject, () -> {
            BrokerFiles.CollectorAccount a;
            try {
                a = new BrokerFiles.CollectorAccount(name, MosquittoPasswordHash.hash(password, random));
            } catch (IllegalArgumentException e) {
                throw new RegistryException("collector account: " + e.getMessage(), e);
            }
            if (registry.history(name).isPresent()) {
                throw new RegistryException("'" + name + "' is a device's id; a collector account needs another name");
            }
            return a;
        });
        List<BrokerFiles.CollectorAccount> accounts = new ArrayList<>(refusedIfInvalid("collector-account", subject,
                this::collectors));
        boolean existed = accounts.removeIf(a -> a.name().equals(name));
        accounts.add(account);
        List<String> lines = new ArrayList<>(List.of("account,brokerPasswordHash"));
        accounts.forEach(a -> lines.add(Csv.formatLine(List.of(a.name(), a.passwordHash()))));
        Map<String, String> done = details("account", name, "before", existed ? "account with a password" : "no account",
                "after", existed ? "account with a new password" : "account with a password");
        committing("collector-account", done, () -> {
            try {
                writeAtomically(dir.resolve(COLLECTORS_FILE), String.join("\n", lines) + "\n", false);
                writeSecret("collector-" + name + ".password", password + "\n");
            } catch (IOException e) {
                throw new RegistryException("cannot write " + dir.resolve(COLLECTORS_FILE) + ": " + e.getMessage(), e);
            }
            writeBrokerAccessFiles();
            return null;
        });
        record("collector-account", "success", done);
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
        String caBefore = caFingerprint();
        Map<String, String> done = details("listener", listener.dir() + " port " + listener.tlsPort()
                + (listener.bindHost().isEmpty() ? "" : " on " + listener.bindHost()));
        committing("broker-files", done, () -> {
            if (!certificateNames.isEmpty()) {
                TestCertificates.write(brokerDir(), certificateNames, clock, random);
            }
            writeBrokerAccessFiles();
            try {
                writeAtomically(brokerDir().resolve(BrokerFiles.CONFIG_FILE), BrokerFiles.listenerConfig(listener), false);
            } catch (IOException e) {
                throw new RegistryException("cannot write " + brokerDir() + ": " + e.getMessage(), e);
            }
            return null;
        });
        if (!certificateNames.isEmpty()) {
            done.put("certificateNames", String.join(",", certificateNames));
        }
        done.put("before", caBefore == null ? "no CA" : "CA sha256=" + caBefore);
        done.put("after", "CA sha256=" + caFingerprint() + (certificateNames.isEmpty() ? " (kept)" : " (new CA and server certificate)"));
        record("broker-files", "success", done);
    }

    /** SHA-256 of {@code broker/ca.crt}, or null when there is none. */
    private String caFingerprint() {
        Path ca = brokerDir().resolve(TestCertificates.CA_CERT);
        try {
            return Files.exists(ca) ? DeviceBundle.sha256(Files.readAllBytes(ca)) : null;
        } catch (IOException e) {
            throw new RegistryException("cannot read " + ca + ": " + e.getMessage(), e);
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

    /** Runs a validation; a {@link RegistryException} is recorded as refused (nothing changed) and thrown again. */
    private <T> T refusedIfInvalid(String action, Map<String, String> subject, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (RegistryException e) {
            Map<String, String> refusal = new LinkedHashMap<>(subject);
            refusal.put("reason", e.getMessage());
            record(action, "refused", refusal);
            throw e;
        }
    }

    /** Runs the writes of a validated change; a failure is recorded as {@code failure} and thrown again. */
    private <T> T committing(String action, Map<String, String> subject, java.util.function.Supplier<T> writes) {
        try {
            return writes.get();
        } catch (RuntimeException e) {
            Map<String, String> failure = new LinkedHashMap<>(subject);
            failure.put("reason", e.getMessage());
            record(action, "failure", failure);
            throw e;
        }
    }

    private Map<String, String> deviceDetails(String deviceId, RoomRecord room, String before, String after) {
        return details("county", room.county(), "school", room.school(), "room", room.roomId(), "device", deviceId,
                "before", before, "after", after);
    }

    /** Pairs of keys and values, in order; null values are left out of the entry. */
    private static Map<String, String> details(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String describe(SchoolRecord s) {
        return "name=" + s.name() + ", county=" + s.county();
    }

    private static String describe(RoomRecord r) {
        return "tier=" + r.tier().chineseName() + ", name=" + r.name() + ", county=" + r.county();
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
