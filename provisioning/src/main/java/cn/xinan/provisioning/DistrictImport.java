package cn.xinan.provisioning;

import cn.xinan.rules.Tier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Imports schools and rooms from the CSV files a district's IT person keeps (docs/provisioning.md, "CSV files"):
 *
 * <pre>
 * schools: school,name,county
 * rooms:   school,room,tier,name        (an optional county column must match the school's)
 * </pre>
 *
 * A school or room already registered is updated (name, tier, county), a new one is added; nothing is removed.
 * All or nothing: the first problem stops the import with the file, line and column, and the registry is
 * returned only when every line is valid (the caller saves it).
 */
public final class DistrictImport {
    private DistrictImport() {
    }

    /**
     * @param current  the registry before the import
     * @param schools  the schools file, if any
     * @param rooms    the rooms file, if any
     * @return the registry after the import (not yet saved)
     * @throws RegistryException naming the file, line and column of the first problem
     */
    public static Registry apply(Registry current, Optional<Path> schools, Optional<Path> rooms) {
        Map<String, SchoolRecord> schoolsById = new LinkedHashMap<>();
        current.schools().forEach(s -> schoolsById.put(s.schoolId(), s));
        if (schools.isPresent()) {
            Map<String, Integer> seen = new HashMap<>();
            for (CsvTable.Line line : CsvTable.read(schools.get(), List.of("school", "name", "county"), Set.of())) {
                Integer before = seen.putIfAbsent(line.get("school"), line.number());
                if (before != null) {
                    throw line.error("school", "school " + line.get("school") + " is already on line " + before);
                }
                SchoolRecord school = line.parse("school", id -> new SchoolRecord(id, "x", "x"));
                requireText(line, "name");
                requireText(line, "county");
                schoolsById.put(school.schoolId(), new SchoolRecord(school.schoolId(), line.get("name"), line.get("county")));
            }
        }
        Map<String, RoomRecord> roomsById = new LinkedHashMap<>();
        for (RoomRecord r : current.rooms()) {
            // a school's county may have changed above: its rooms follow
            SchoolRecord school = schoolsById.get(r.school());
            roomsById.put(r.roomId(), new RoomRecord(school.county(), r.school(), r.roomId(), r.tier(), r.name()));
        }
        if (rooms.isPresent()) {
            Map<String, Integer> seen = new HashMap<>();
            for (CsvTable.Line line : CsvTable.read(rooms.get(), List.of("school", "room", "tier", "name"), Set.of("county"))) {
                String roomId = line.get("room");
                Integer before = seen.putIfAbsent(roomId, line.number());
                if (before != null) {
                    throw line.error("room", "room " + roomId + " is already on line " + before);
                }
                SchoolRecord school = schoolsById.get(line.get("school"));
                if (school == null) {
                    throw line.error("school", "unknown school '" + line.get("school") + "'; add it to the schools file first");
                }
                if (line.has("county") && !line.get("county").isEmpty() && !line.get("county").equals(school.county())) {
                    throw line.error("county", "county '" + line.get("county") + "' is not the county of school "
                            + school.schoolId() + " (" + school.county() + ")");
                }
                Tier tier = line.parse("tier", Tier::parse);
                requireText(line, "name");
                RoomRecord room = line.parse("room", id -> new RoomRecord(school.county(), school.schoolId(), id, tier,
                        line.get("name")));
                RoomRecord old = roomsById.get(roomId);
                if (old != null && !old.school().equals(room.school())) {
                    throw line.error("room", "room " + roomId + " is registered at school " + old.school()
                            + "; a room cannot change school (register a new room id)");
                }
                roomsById.put(roomId, room);
            }
        }
        try {
            return new Registry(new ArrayList<>(schoolsById.values()), new ArrayList<>(roomsById.values()), current.histories());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(e.getMessage(), e);
        }
    }

    private static void requireText(CsvTable.Line line, String column) {
        if (line.get(column).isEmpty()) {
            throw line.error(column, "is empty");
        }
    }
}
