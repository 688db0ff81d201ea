package cn.xinan.launcher.demo;

import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.launcher.replay.ScenarioAction;
import cn.xinan.launcher.replay.ScenarioAction.Action;
import cn.xinan.launcher.replay.SimulatedRooms;
import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The demo's sample district: two counties, three schools, six rooms with the tiers mixed, and
 * a seeded generator of realistic school life for them. Each room has a habit, so the demo shows
 * every verdict: a diligent demonstration room, rooms that meet the day but not the week, one that
 * is opened and forgotten (unattended time), one whose device loses power, one with a network outage.
 */
public final class DemoDistrict {
    static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");
    static final ZoneOffset OFFSET = ZoneOffset.ofHours(8);

    /**
     * How a room is run: which opening sessions it holds and how busy they are, and what that means under
     * the rule (docs/rules.md), as the demo tells its user.
     */
    enum Habit {
        DILIGENT("open 12:00 for 80 min and 16:30 for 70 min every school day",
                "meets the day (2.5 h ≥ 1 h) and the week (12.5 h ≥ 10 h)"),
        LUNCH_ONLY("open at lunch only, 65 to 85 min a day",
                "meets the day, but 5 lunches are about 6 h: not the week's 10 h (docs/rules.md §5)"),
        AFTER_SCHOOL("open after school only, 50 to 110 min a day",
                "meets the day only when it stays open an hour; about 6.7 h a week: not the week"),
        FORGETFUL("opened at lunch, then forgotten open until 07:40 the next morning",
                "the empty night is unattended (docs/rules.md §3): about 1 h a day counts, not 19 h; not the week"),
        FLAKY_POWER("open 12:00 for 90 min; on Wednesdays a power cut 12:40 to 13:10 and nobody opens it again",
                "a power cut closes the room (docs/rules.md §2): Wednesday falls short of 1 h; about 6.7 h a week: not the week"),
        FLAKY_NETWORK("network cut 11:00 to 14:30 every school day (shown offline then); open 12:00 for 75 min and 16:30 for 45 min",
                "a network cut loses nothing (docs/rules.md §2): events arrive late with their own times; meets day and week");

        /** What the simulated room does. */
        final String simulates;
        /** Why it will or will not meet the rule. */
        final String outcome;

        Habit(String simulates, String outcome) {
            this.simulates = simulates;
            this.outcome = outcome;
        }
    }

    record DemoRoom(RoomRecord room, Habit habit) {
    }

    public static final List<DemoRoom> ROOMS = List.of(
            new DemoRoom(new RoomRecord("东宝区", "jm-db-001", "jm-db-001-r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"), Habit.DILIGENT),
            new DemoRoom(new RoomRecord("东宝区", "jm-db-001", "jm-db-001-r2", Tier.QUALIFIED, "东宝实验小学沙盘室"), Habit.LUNCH_ONLY),
            new DemoRoom(new RoomRecord("东宝区", "jm-db-002", "jm-db-002-r1", Tier.QUALIFIED, "东宝区第二中学心理辅导室"), Habit.AFTER_SCHOOL),
            new DemoRoom(new RoomRecord("东宝区", "jm-db-002", "jm-db-002-r2", Tier.UNRATED, "东宝区第二中学团体辅导室"), Habit.FORGETFUL),
            new DemoRoom(new RoomRecord("掇刀区", "jm-dd-001", "jm-dd-001-r1", Tier.DEMONSTRATION, "掇刀区实验初级中学心理辅导室"), Habit.FLAKY_NETWORK),
            new DemoRoom(new RoomRecord("掇刀区", "jm-dd-001", "jm-dd-001-r2", Tier.QUALIFIED, "掇刀区实验初级中学放松室"), Habit.FLAKY_POWER));

    /** The schools of the sample district, with their names. */
    public static final List<SchoolRecord> SCHOOLS = List.of(
            new SchoolRecord("jm-db-001", "东宝实验小学", "东宝区"),
            new SchoolRecord("jm-db-002", "东宝区第二中学", "东宝区"),
            new SchoolRecord("jm-dd-001", "掇刀区实验初级中学", "掇刀区"));

    /**
     * A room without simulated life, for {@code xinan device --simulate} without a configuration: its device has a
     * fixed key and broker password derived from a public phrase, so anyone's simulated kiosk is the one the demo
     * registered. Demo only: a real device's key is made by {@code xinan provision device add}.
     */
    public static final RoomRecord SAMPLE_ROOM = new RoomRecord("东宝区", "jm-db-001", "jm-db-001-r3", Tier.QUALIFIED,
            "东宝实验小学体验室");
    public static final String SAMPLE_DEVICE = "jm-db-001-r3-d1";
    public static final String SAMPLE_PASSWORD = "xinan-demo-sample-room";
    /** A sample account of the demo district (one per role, docs/security.md). */
    public record DemoPerson(String user, Role role, Scope scope) {
    }

    public static final List<DemoPerson> PEOPLE = List.of(
            new DemoPerson("city.admin", Role.CITY_ADMIN, Scope.CITY),
            new DemoPerson("dongbao.admin", Role.COUNTY_ADMIN, Scope.county("东宝区")),
            new DemoPerson("jm-db-001.admin", Role.SCHOOL_ADMIN, Scope.school("jm-db-001")),
            new DemoPerson("duodao.inspector", Role.INSPECTOR, Scope.county("掇刀区")),
            new DemoPerson("it.operator", Role.IT_OPERATOR, Scope.CITY));

    private DemoDistrict() {
    }

    /** The sample device's key: the SHA-256 of a public phrase as the Ed25519 seed (demo only). */
    public static Ed25519Keys.PrivateKey sampleDeviceKey() {
        try {
            return new Ed25519Keys.PrivateKey(MessageDigest.getInstance("SHA-256")
                    .digest("xinan demo sample room device".getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The district once provisioned: where the collector's registry is, and each simulated room's device secrets. */
    public record Provisioned(Path registryDir, Map<String, Ed25519Keys.PrivateKey> keys, Map<String, String> passwords) {
    }

    /**
     * Provisions the sample district the way a district's IT person does (docs/provisioning.md): schools and rooms
     * imported from CSV files written into {@code dir}, then one device per room with its own key and broker
     * password, plus the sample room's fixed device.
     */
    public static Provisioned provision(Path dir, String brokerUrl) throws IOException {
        Files.createDirectories(dir);
        StringBuilder schools = new StringBuilder("school,name,county\n");
        SCHOOLS.forEach(s -> schools.append(s.schoolId()).append(',').append(s.name()).append(',').append(s.county()).append('\n'));
        StringBuilder rooms = new StringBuilder("school,room,tier,name\n");
        for (RoomRecord r : allRooms()) {
            rooms.append(r.school()).append(',').append(r.roomId()).append(',').append(r.tier().chineseName()).append(',')
                    .append(r.name()).append('\n');
        }
        Path schoolsCsv = Files.writeString(dir.resolve("schools.csv"), schools);
        Path roomsCsv = Files.writeString(dir.resolve("rooms.csv"), rooms);
        District district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom(),
                cn.xinan.provisioning.audit.Operator.ofThisProcess("xinan demo"));
        district.importCsv(Optional.of(schoolsCsv), Optional.of(roomsCsv));
        Map<String, Ed25519Keys.PrivateKey> keys = new LinkedHashMap<>();
        Map<String, String> passwords = new LinkedHashMap<>();
        for (RoomRecord r : rooms()) {
            DeviceBundle bundle = district.addDevice(r.roomId(), Optional.of(SimulatedRooms.deviceId(r.roomId())), brokerUrl);
            keys.put(r.roomId(), bundle.privateKey());
            passwords.put(r.roomId(), bundle.password());
        }
        district.addDevice(SAMPLE_ROOM.roomId(), Optional.of(SAMPLE_DEVICE), brokerUrl, sampleDeviceKey(), SAMPLE_PASSWORD);
        return new Provisioned(district.registryDir(), keys, passwords);
    }

    /** The simulated rooms and the sample room. */
    public static List<RoomRecord> allRooms() {
        List<RoomRecord> all = new ArrayList<>(rooms());
        all.add(SAMPLE_ROOM);
        return all;
    }

    public static List<RoomRecord> rooms() {
        return ROOMS.stream().map(DemoRoom::room).toList();
    }

    /** What the demo simulates in {@code roomId} and why it will or will not meet the rule: one line. */
    public static String story(String roomId) {
        DemoRoom demo = ROOMS.stream().filter(r -> r.room().roomId().equals(roomId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a demo room: " + roomId));
        return demo.habit().simulates + "; " + demo.habit().outcome;
    }

    /** The Monday 07:00 local of the week before {@code now}'s week: the start of the replayed history. */
    public static Instant historyStart(Instant now) {
        LocalDate monday = now.atZone(LOCAL).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
        return monday.atTime(7, 0).atZone(LOCAL).toInstant();
    }

    /**
     * School life from {@code from} until {@code until} for every room: actions on every school day of
     * {@code calendar}, seeded by {@code seed} so a demo is repeatable. Every device is on from the start.
     */
    public static List<ScenarioAction> life(Instant from, Instant until, SchoolCalendar calendar, long seed) {
        Random random = new Random(seed);
        List<ScenarioAction> out = new ArrayList<>();
        int line = 0;
        for (DemoRoom demo : ROOMS) {
            String room = demo.room().roomId();
            for (LocalDate day = from.atZone(LOCAL).toLocalDate(); !day.atStartOfDay(LOCAL).toInstant().isAfter(until); day = day.plusDays(1)) {
                if (!calendar.isSchoolDay(day)) {
                    continue;
                }
                for (ScenarioAction a : day(demo, day, random, line)) {
                    if (!a.at().toInstant().isBefore(from) && !a.at().toInstant().isAfter(until)) {
                        out.add(a);
                        line = a.line();
                    }
                }
            }
        }
        return out;
    }

    private static List<ScenarioAction> day(DemoRoom demo, LocalDate day, Random random, int lineBefore) {
        List<ScenarioAction> out = new ArrayList<>();
        int[] line = {lineBefore};
        String room = demo.room().roomId();
        String staff = "T" + (1 + random.nextInt(3));
        switch (demo.habit()) {
            case DILIGENT -> {
                session(out, room, day, LocalTime.of(12, 0), 80, staff, random, line, 3);
                session(out, room, day, LocalTime.of(16, 30), 70, staff, random, line, 2);
            }
            case LUNCH_ONLY -> session(out, room, day, LocalTime.of(12, 10), 65 + random.nextInt(20), staff, random, line, 2);
            case AFTER_SCHOOL -> session(out, room, day, LocalTime.of(16, 40), 50 + random.nextInt(60), staff, random, line, 2);
            case FORGETFUL -> {
                // Opened at lunch, used for a while, closed only next morning: the night is unattended.
                session(out, room, day, LocalTime.of(12, 5), 60, staff, random, line, 1);
                out.removeIf(a -> a.action() == Action.STAFF_CLOSE && a.at().toLocalDate().equals(day));
                out.add(action(at(day.plusDays(1), LocalTime.of(7, 40)), room, Action.STAFF_CLOSE, staff, null, null, null, ++line[0]));
            }
            case FLAKY_NETWORK -> {
                out.add(action(at(day, LocalTime.of(11, 0)), room, Action.NETWORK_DOWN, null, null, null, null, ++line[0]));
                session(out, room, day, LocalTime.of(12, 0), 75, staff, random, line, 3);
                out.add(action(at(day, LocalTime.of(14, 30)), room, Action.NETWORK_UP, null, null, null, null, ++line[0]));
                session(out, room, day, LocalTime.of(16, 30), 45, staff, random, line, 1);
            }
            case FLAKY_POWER -> {
                session(out, room, day, LocalTime.of(12, 0), 90, staff, random, line, 2);
                if (day.getDayOfWeek() == DayOfWeek.WEDNESDAY) {
                    // A power cut in the middle of the session: the room counts as closed from the last sign of life.
                    out.add(action(at(day, LocalTime.of(12, 40)), room, Action.POWER_OFF, null, null, null, null, ++line[0]));
                    out.add(action(at(day, LocalTime.of(13, 10)), room, Action.POWER_ON, null, null, null, null, ++line[0]));
                }
            }
        }
        return out;
    }

    /** One opening: open, people come and go (presence and check-ins), close after {@code minutes}. */
    private static void session(List<ScenarioAction> out, String room, LocalDate day, LocalTime start, int minutes,
                                String staff, Random random, int[] line, int checkins) {
        OffsetDateTime open = at(day, start.plusMinutes(random.nextInt(10)));
        OffsetDateTime close = open.plusMinutes(minutes);
        out.add(action(open, room, Action.STAFF_OPEN, staff, null, null, null, ++line[0]));
        out.add(action(open, room, Action.PRESENCE, null, true, null, null, ++line[0]));
        OffsetDateTime t = open;
        while (t.isBefore(close.minusMinutes(15))) {
            t = t.plusMinutes(8 + random.nextInt(20));
            if (t.isAfter(close)) {
                break;
            }
            boolean present = random.nextInt(4) != 0;
            out.add(action(t, room, Action.PRESENCE, null, present, null, null, ++line[0]));
        }
        Purpose[] purposes = Purpose.values();
        Stage[] stages = Stage.values();
        for (int i = 0; i < checkins; i++) {
            OffsetDateTime c = open.plusMinutes(5 + random.nextInt(Math.max(1, minutes - 10)));
            Purpose purpose = random.nextInt(5) == 0 ? null : purposes[random.nextInt(purposes.length)];
            Stage stage = random.nextInt(5) == 0 ? null : stages[random.nextInt(stages.length)];
            out.add(action(c, room, Action.CHECKIN, null, null, purpose, stage, ++line[0]));
        }
        out.add(action(close, room, Action.PRESENCE, null, false, null, null, ++line[0]));
        out.add(action(close, room, Action.STAFF_CLOSE, staff, null, null, null, ++line[0]));
    }

    private static OffsetDateTime at(LocalDate day, LocalTime time) {
        return day.atTime(time).atOffset(OFFSET);
    }

    private static ScenarioAction action(Instant at, String room, Action action, String staff, Boolean present,
                                         Purpose purpose, Stage stage, int line) {
        return action(at.atOffset(OFFSET), room, action, staff, present, purpose, stage, line);
    }

    private static ScenarioAction action(OffsetDateTime at, String room, Action action, String staff, Boolean present,
                                         Purpose purpose, Stage stage, int line) {
        return new ScenarioAction(at, room, action, staff, present, purpose, stage, line);
    }
}
