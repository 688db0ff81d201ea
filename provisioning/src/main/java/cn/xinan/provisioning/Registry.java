package cn.xinan.provisioning;

import cn.xinan.rules.Tier;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The schools, rooms and devices the collector accepts, kept as UTF-8 CSV files in one folder
 * (docs/provisioning.md, "The registry folder"):
 *
 * <pre>
 * schools.csv      school,name,county
 * rooms.csv        county,school,room,tier,name        (the ROOMS.csv format of the replay contract)
 * devices.csv      device,retiredAt,brokerPasswordHash (retiredAt empty while in service)
 * device-keys.csv  device,publicKey,from               (publicKey: Base64 of the raw 32-byte Ed25519 key)
 * device-rooms.csv device,room,from
 * </pre>
 *
 * {@code from} and {@code retiredAt} are ISO-8601 instants; the first key and the first room of a device have an
 * empty {@code from} (from the start, see {@link DeviceHistory}). The first layout is still read: a
 * {@code devices.csv} with the header {@code device,room,publicKey} (one key and one room per device, no broker
 * account) and no {@code schools.csv} (each school named by its id). Loading validates everything once and fails
 * with the file, line and column of the first problem.
 */
public final class Registry {
    public static final String SCHOOLS_FILE = "schools.csv";
    public static final String ROOMS_FILE = "rooms.csv";
    public static final String DEVICES_FILE = "devices.csv";
    public static final String DEVICE_KEYS_FILE = "device-keys.csv";
    public static final String DEVICE_ROOMS_FILE = "device-rooms.csv";
    static final List<String> SCHOOL_COLUMNS = List.of("school", "name", "county");
    static final List<String> ROOM_COLUMNS = List.of("county", "school", "room", "tier", "name");
    static final List<String> DEVICE_COLUMNS = List.of("device", "room", "publicKey");
    static final List<String> DEVICE_V2_COLUMNS = List.of("device", "retiredAt", "brokerPasswordHash");
    static final List<String> DEVICE_KEY_COLUMNS = List.of("device", "publicKey", "from");
    static final List<String> DEVICE_ROOM_COLUMNS = List.of("device", "room", "from");

    private final Map<String, SchoolRecord> schools;
    private final Map<String, RoomRecord> rooms;
    private final Map<String, DeviceHistory> devices;

    /** The first layout: every device in service, in one room, with one key; schools named by their ids. */
    public Registry(List<RoomRecord> rooms, List<DeviceRecord> devices) {
        this(schoolsOf(rooms), rooms, devices.stream().map(DeviceHistory::of).toList());
    }

    public Registry(List<SchoolRecord> schools, List<RoomRecord> rooms, List<DeviceHistory> devices) {
        this.schools = new LinkedHashMap<>();
        for (SchoolRecord s : schools) {
            if (this.schools.putIfAbsent(s.schoolId(), s) != null) {
                throw new RegistryException("school " + s.schoolId() + " is registered twice");
            }
        }
        this.rooms = new LinkedHashMap<>();
        for (RoomRecord r : rooms) {
            SchoolRecord school = this.schools.get(r.school());
            if (school == null) {
                throw new RegistryException("room " + r.roomId() + " belongs to unknown school " + r.school());
            }
            if (!school.county().equals(r.county())) {
                throw new RegistryException("room " + r.roomId() + " is in county " + r.county() + " but its school "
                        + r.school() + " is in " + school.county());
            }
            if (this.rooms.putIfAbsent(r.roomId(), r) != null) {
                throw new RegistryException("room " + r.roomId() + " is registered twice");
            }
        }
        this.devices = new LinkedHashMap<>();
        for (DeviceHistory d : devices) {
            for (DeviceHistory.Assignment a : d.rooms()) {
                if (!this.rooms.containsKey(a.roomId())) {
                    throw new RegistryException("device " + d.deviceId() + " is installed in unknown room " + a.roomId());
                }
            }
            if (this.devices.putIfAbsent(d.deviceId(), d) != null) {
                throw new RegistryException("device " + d.deviceId() + " is registered twice");
            }
        }
    }

    private static List<SchoolRecord> schoolsOf(List<RoomRecord> rooms) {
        Map<String, SchoolRecord> out = new LinkedHashMap<>();
        for (RoomRecord r : rooms) {
            out.putIfAbsent(r.school(), new SchoolRecord(r.school(), r.school(), r.county()));
        }
        return List.copyOf(out.values());
    }

    public List<SchoolRecord> schools() {
        return List.copyOf(schools.values());
    }

    public Optional<SchoolRecord> school(String schoolId) {
        return Optional.ofNullable(schools.get(schoolId));
    }

    public List<RoomRecord> rooms() {
        return List.copyOf(rooms.values());
    }

    public Optional<RoomRecord> room(String roomId) {
        return Optional.ofNullable(rooms.get(roomId));
    }

    /** The devices in service, each with its current room and key. */
    public List<DeviceRecord> devices() {
        return devices.values().stream().filter(d -> !d.retired()).map(DeviceHistory::current).toList();
    }

    /** A device in service, with its current room and key; empty for an unknown or retired device. */
    public Optional<DeviceRecord> device(String deviceId) {
        return history(deviceId).filter(d -> !d.retired()).map(DeviceHistory::current);
    }

    /** The devices in service now installed in {@code roomId}. */
    public List<DeviceRecord> devicesOfRoom(String roomId) {
        return devices().stream().filter(d -> d.roomId().equals(roomId)).toList();
    }

    /** Every device ever registered, retired ones included. */
    public List<DeviceHistory> histories() {
        return List.copyOf(devices.values());
    }

    /** A device's whole history (keys, rooms, retirement), retired devices included. */
    public Optional<DeviceHistory> history(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    /** The room {@code deviceId} was installed in at {@code at}: where an event it recorded then counts. */
    public Optional<String> roomOf(String deviceId, Instant at) {
        return history(deviceId).flatMap(d -> d.roomAt(at));
    }

    /** The key that was current for {@code deviceId} at {@code at}: the one its events recorded then verify with. */
    public Optional<Ed25519Keys.PublicKey> keyOf(String deviceId, Instant at) {
        return history(deviceId).flatMap(d -> d.keyAt(at));
    }

    /** Reads a registry folder in either layout (see the class comment); devices may be absent: none yet. */
    public static Registry load(Path dir) {
        List<RoomRecord> rooms = readRoomsCsv(dir.resolve(ROOMS_FILE));
        Path schoolsFile = dir.resolve(SCHOOLS_FILE);
        List<SchoolRecord> schools = Files.exists(schoolsFile) ? readSchoolsCsv(schoolsFile) : schoolsOf(rooms);
        Path devicesFile = dir.resolve(DEVICES_FILE);
        List<DeviceHistory> devices;
        if (!Files.exists(devicesFile)) {
            devices = List.of();
        } else if (header(devicesFile).contains("publicKey")) {
            devices = readDevicesCsv(devicesFile).stream().map(DeviceHistory::of).toList();
        } else {
            devices = readHistories(dir);
        }
        return new Registry(schools, rooms, devices);
    }

    /** Writes every file of the registry into {@code dir} (created if needed), each replaced atomically. */
    public void save(Path dir) {
        List<String> schoolLines = new ArrayList<>();
        schoolLines.add(String.join(",", SCHOOL_COLUMNS));
        for (SchoolRecord s : schools.values()) {
            schoolLines.add(Csv.formatLine(List.of(s.schoolId(), s.name(), s.county())));
        }
        List<String> roomLines = new ArrayList<>();
        roomLines.add(String.join(",", ROOM_COLUMNS));
        for (RoomRecord r : rooms.values()) {
            roomLines.add(Csv.formatLine(List.of(r.county(), r.school(), r.roomId(), r.tier().chineseName(), r.name())));
        }
        List<String> deviceLines = new ArrayList<>(List.of(String.join(",", DEVICE_V2_COLUMNS)));
        List<String> keyLines = new ArrayList<>(List.of(String.join(",", DEVICE_KEY_COLUMNS)));
        List<String> assignmentLines = new ArrayList<>(List.of(String.join(",", DEVICE_ROOM_COLUMNS)));
        for (DeviceHistory d : devices.values()) {
            deviceLines.add(Csv.formatLine(List.of(d.deviceId(), d.retiredAt().map(Instant::toString).orElse(""),
                    d.brokerPasswordHash())));
            for (DeviceHistory.KeyPeriod k : d.keys()) {
                keyLines.add(Csv.formatLine(List.of(d.deviceId(), k.key().toBase64(),
                        k.from().map(Instant::toString).orElse(""))));
            }
            for (DeviceHistory.Assignment a : d.rooms()) {
                assignmentLines.add(Csv.formatLine(List.of(d.deviceId(), a.roomId(),
                        a.from().map(Instant::toString).orElse(""))));
            }
        }
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve(SCHOOLS_FILE), schoolLines);
            writeAtomically(dir.resolve(ROOMS_FILE), roomLines);
            writeAtomically(dir.resolve(DEVICE_KEYS_FILE), keyLines);
            writeAtomically(dir.resolve(DEVICE_ROOMS_FILE), assignmentLines);
            writeAtomically(dir.resolve(DEVICES_FILE), deviceLines);
        } catch (IOException e) {
            throw new RegistryException("cannot write the registry to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a ROOMS.csv (header {@code county,school,room,tier,name}, columns in any order). */
    public static List<RoomRecord> readRoomsCsv(Path file) {
        return readCsv(file, ROOM_COLUMNS, row -> new RoomRecord(row.get("county"), row.get("school"), row.get("room"),
                row.parse("tier", Tier::parse), row.get("name")));
    }

    static List<SchoolRecord> readSchoolsCsv(Path file) {
        return readCsv(file, SCHOOL_COLUMNS, row -> new SchoolRecord(row.get("school"), row.get("name"), row.get("county")));
    }

    static List<DeviceRecord> readDevicesCsv(Path file) {
        return readCsv(file, DEVICE_COLUMNS, row -> new DeviceRecord(row.get("device"), row.get("room"),
                row.parse("publicKey", Ed25519Keys::publicKeyFromBase64)));
    }

    private record DeviceLine(String device, Optional<Instant> retiredAt, String hash, String where) {
    }

    private record Dated<T>(String device, T value, Optional<Instant> from) {
    }

    private static List<DeviceHistory> readHistories(Path dir) {
        List<DeviceLine> lines = readCsv(dir.resolve(DEVICES_FILE), DEVICE_V2_COLUMNS, row -> new DeviceLine(
                row.get("device"), row.parse("retiredAt", Registry::optionalInstant), row.get("brokerPasswordHash"),
                row.where));
        List<Dated<Ed25519Keys.PublicKey>> keys = readCsv(dir.resolve(DEVICE_KEYS_FILE), DEVICE_KEY_COLUMNS,
                row -> new Dated<>(row.get("device"), row.parse("publicKey", Ed25519Keys::publicKeyFromBase64),
                        row.parse("from", Registry::optionalInstant)));
        List<Dated<String>> assignments = readCsv(dir.resolve(DEVICE_ROOMS_FILE), DEVICE_ROOM_COLUMNS,
                row -> new Dated<>(row.get("device"), row.get("room"), row.parse("from", Registry::optionalInstant)));
        Map<String, List<DeviceHistory.KeyPeriod>> keysOf = new LinkedHashMap<>();
        for (Dated<Ed25519Keys.PublicKey> k : keys) {
            keysOf.computeIfAbsent(k.device(), x -> new ArrayList<>()).add(new DeviceHistory.KeyPeriod(k.value(), k.from()));
        }
        Map<String, List<DeviceHistory.Assignment>> roomsOf = new LinkedHashMap<>();
        for (Dated<String> a : assignments) {
            roomsOf.computeIfAbsent(a.device(), x -> new ArrayList<>()).add(new DeviceHistory.Assignment(a.value(), a.from()));
        }
        List<DeviceHistory> out = new ArrayList<>();
        for (DeviceLine d : lines) {
            try {
                out.add(new DeviceHistory(d.device(), keysOf.getOrDefault(d.device(), List.of()),
                        roomsOf.getOrDefault(d.device(), List.of()), d.retiredAt(), d.hash()));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(d.where() + ": " + e.getMessage(), e);
            }
        }
        for (String device : keysOf.keySet()) {
            if (lines.stream().noneMatch(l -> l.device().equals(device))) {
                throw new RegistryException(DEVICE_KEYS_FILE + ": device " + device + " is not in " + DEVICES_FILE);
            }
        }
        for (String device : roomsOf.keySet()) {
            if (lines.stream().noneMatch(l -> l.device().equals(device))) {
                throw new RegistryException(DEVICE_ROOMS_FILE + ": device " + device + " is not in " + DEVICES_FILE);
            }
        }
        return out;
    }

    private static Optional<Instant> optionalInstant(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant such as 2025-03-03T00:00:00Z");
        }
    }

    /** One data line, with the file name and line number for error messages. */
    static final class Row {
        private final Map<String, String> values;
        private final String where;

        Row(Map<String, String> values, String where) {
            this.values = values;
            this.where = where;
        }

        String get(String column) {
            return values.get(column);
        }

        <T> T parse(String column, Function<String, T> parser) {
            try {
                return parser.apply(values.get(column));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(where + ", column " + column + ": " + e.getMessage(), e);
            }
        }
    }

    private static List<String> header(Path file) {
        List<String> lines = readLines(file);
        return lines.isEmpty() ? List.of() : Csv.parseLine(stripBom(lines.get(0))).stream().map(String::strip).toList();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RegistryException(file + ": file not found");
        } catch (IOException e) {
            throw new RegistryException(file + ": cannot read as UTF-8 text: " + e.getMessage(), e);
        }
    }

    private static <T> List<T> readCsv(Path file, List<String> required, Function<Row, T> mapper) {
        List<String> lines = readLines(file);
        String name = file.getFileName().toString();
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new RegistryException(name + " line 1: missing header row " + String.join(",", required));
        }
        List<String> header = Csv.parseLine(stripBom(lines.get(0))).stream().map(String::strip).toList();
        for (String column : required) {
            if (!header.contains(column)) {
                throw new RegistryException(name + " line 1: header lacks column '" + column + "' (expected "
                        + String.join(",", required) + ", found " + String.join(",", header) + ")");
            }
        }
        List<T> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = name + " line " + (i + 1);
            List<String> fields;
            try {
                fields = Csv.parseLine(line);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(where + ": " + e.getMessage(), e);
            }
            if (fields.size() != header.size()) {
                throw new RegistryException(where + ": " + fields.size() + " fields, the header has " + header.size());
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                values.put(header.get(c), fields.get(c).strip());
            }
            try {
                out.add(mapper.apply(new Row(values, where)));
            } catch (RegistryException e) {
                throw e;
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new RegistryException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
