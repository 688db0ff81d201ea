package cn.xinan.provisioning;

import cn.xinan.rules.Tier;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The schools, rooms and devices the collector accepts, kept as two UTF-8 CSV files in one folder:
 *
 * <pre>
 * rooms.csv    county,school,room,tier,name        (the ROOMS.csv format of the replay contract)
 * devices.csv  device,room,publicKey                (publicKey: Base64 of the raw 32-byte Ed25519 key)
 * </pre>
 *
 * Loading validates everything once and fails with the file, line and column of the first problem.
 */
public final class Registry {
    public static final String ROOMS_FILE = "rooms.csv";
    public static final String DEVICES_FILE = "devices.csv";
    static final List<String> ROOM_COLUMNS = List.of("county", "school", "room", "tier", "name");
    static final List<String> DEVICE_COLUMNS = List.of("device", "room", "publicKey");

    private final Map<String, RoomRecord> rooms;
    private final Map<String, DeviceRecord> devices;

    public Registry(List<RoomRecord> rooms, List<DeviceRecord> devices) {
        this.rooms = new LinkedHashMap<>();
        for (RoomRecord r : rooms) {
            if (this.rooms.putIfAbsent(r.roomId(), r) != null) {
                throw new RegistryException("room " + r.roomId() + " is registered twice");
            }
        }
        this.devices = new LinkedHashMap<>();
        for (DeviceRecord d : devices) {
            if (!this.rooms.containsKey(d.roomId())) {
                throw new RegistryException("device " + d.deviceId() + " is installed in unknown room " + d.roomId());
            }
            if (this.devices.putIfAbsent(d.deviceId(), d) != null) {
                throw new RegistryException("device " + d.deviceId() + " is registered twice");
            }
        }
    }

    public List<RoomRecord> rooms() {
        return List.copyOf(rooms.values());
    }

    public List<DeviceRecord> devices() {
        return List.copyOf(devices.values());
    }

    public Optional<RoomRecord> room(String roomId) {
        return Optional.ofNullable(rooms.get(roomId));
    }

    public Optional<DeviceRecord> device(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    public List<DeviceRecord> devicesOfRoom(String roomId) {
        return devices.values().stream().filter(d -> d.roomId().equals(roomId)).toList();
    }

    /** Reads {@code dir/rooms.csv} and {@code dir/devices.csv} (the latter may be absent: no devices yet). */
    public static Registry load(Path dir) {
        List<RoomRecord> rooms = readRoomsCsv(dir.resolve(ROOMS_FILE));
        Path devicesFile = dir.resolve(DEVICES_FILE);
        List<DeviceRecord> devices = Files.exists(devicesFile) ? readDevicesCsv(devicesFile) : List.of();
        return new Registry(rooms, devices);
    }

    /** Writes both files into {@code dir}, creating it if needed. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            List<String> roomLines = new ArrayList<>();
            roomLines.add(String.join(",", ROOM_COLUMNS));
            for (RoomRecord r : rooms.values()) {
                roomLines.add(Csv.formatLine(List.of(r.county(), r.school(), r.roomId(), r.tier().chineseName(), r.name())));
            }
            List<String> deviceLines = new ArrayList<>();
            deviceLines.add(String.join(",", DEVICE_COLUMNS));
            for (DeviceRecord d : devices.values()) {
                deviceLines.add(Csv.formatLine(List.of(d.deviceId(), d.roomId(), d.publicKey().toBase64())));
            }
            Files.write(dir.resolve(ROOMS_FILE), roomLines, StandardCharsets.UTF_8);
            Files.write(dir.resolve(DEVICES_FILE), deviceLines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegistryException("cannot write the registry to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a ROOMS.csv (header {@code county,school,room,tier,name}, columns in any order). */
    public static List<RoomRecord> readRoomsCsv(Path file) {
        return readCsv(file, ROOM_COLUMNS, row -> new RoomRecord(row.get("county"), row.get("school"), row.get("room"),
                row.parse("tier", Tier::parse), row.get("name")));
    }

    static List<DeviceRecord> readDevicesCsv(Path file) {
        return readCsv(file, DEVICE_COLUMNS, row -> new DeviceRecord(row.get("device"), row.get("room"),
                row.parse("publicKey", Ed25519Keys::publicKeyFromBase64)));
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

    private static <T> List<T> readCsv(Path file, List<String> required, Function<Row, T> mapper) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RegistryException(file + ": file not found");
        } catch (IOException e) {
            throw new RegistryException(file + ": cannot read as UTF-8 text: " + e.getMessage(), e);
        }
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
