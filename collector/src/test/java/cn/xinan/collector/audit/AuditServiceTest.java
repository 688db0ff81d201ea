package cn.xinan.collector.audit;

import cn.xinan.collector.verdict.UnknownRoomException;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The term audit over the worked example of docs/rules.md §8: the rules engine's verdicts, scoped, with exceptions and CSV. */
class AuditServiceTest {
    @TempDir
    Path dir;
    private AuditFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new AuditFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void everyRoomsFiguresAreTheVerdictServicesForTheSamePeriod() {
        AuditReport report = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO);

        List<RoomReport> expected = fixture.verdicts.rooms(List.of(), AuditFixture.FROM, AuditFixture.TO);
        assertThat(report.rooms()).extracting(AuditRoom::report).containsExactlyElementsOf(expected);
        assertThat(report.settings()).isEqualTo(AuditFixture.SETTINGS);
        assertThat(report.generatedAt()).isEqualTo(AuditFixture.NOW);
        assertThat(report.compliance()).isEqualTo(cn.xinan.rules.ComplianceRate.over(expected));
    }

    @Test
    void byDefaultOnlyDemonstrationRoomsAreAuditedAgainstTheirTiersThresholds() {
        AuditReport report = fixture.audits.audit(AuditScope.demonstrationRooms(), AuditFixture.FROM, AuditFixture.TO);

        assertThat(report.rooms()).extracting(r -> r.room().roomId()).containsExactly("r1", "r3");
        assertThat(report.rooms().getFirst().report().thresholds().dailySeconds()).isEqualTo(7_200);
        WeekResult week = report.rooms().getFirst().report().weeks().getFirst();
        assertThat(week.week()).isEqualTo("2025-W10");
        assertThat(week.requiredSeconds()).isEqualTo(43_200);
    }

    @Test
    void aCountyASchoolOrNamedRoomsNarrowTheScope() {
        EnumSet<Tier> all = EnumSet.allOf(Tier.class);
        assertThat(rooms(new AuditScope(Optional.of("东宝区"), Optional.empty(), List.of(), all))).containsExactly("r1", "r2");
        assertThat(rooms(new AuditScope(Optional.empty(), Optional.of("jm-dd-001"), List.of(), all))).containsExactly("r3");
        assertThat(rooms(new AuditScope(Optional.empty(), Optional.empty(), List.of("r3", "r2"), all))).containsExactly("r3", "r2");
        assertThat(rooms(new AuditScope(Optional.empty(), Optional.empty(), List.of(), EnumSet.of(Tier.QUALIFIED)))).containsExactly("r2");
        assertThatThrownBy(() -> rooms(new AuditScope(Optional.empty(), Optional.empty(), List.of("r9"), all)))
                .isInstanceOf(UnknownRoomException.class).hasMessageContaining("r9");
    }

    private List<String> rooms(AuditScope scope) {
        return fixture.audits.audit(scope, AuditFixture.FROM, AuditFixture.TO).rooms().stream()
                .map(r -> r.room().roomId()).toList();
    }

    @Test
    void exceptionsNameEveryDayAndWeekNotMetWithItsReason() {
        AuditRoom r1 = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO).rooms().getFirst();
        // the English reasons (reasonZh says the same for the printed 台帐)
        List<AuditException> exceptions = r1.exceptions().stream()
                .map(e -> new AuditException(e.unit(), e.kind(), e.reason(), "")).toList();

        // Monday: the worked example has an unattended stretch and stays below the 示范 room's 2 h
        DayResult monday = r1.report().days().getFirst();
        assertThat(monday.unattendedSeconds()).isPositive();
        assertThat(exceptions).contains(new AuditException("2025-03-03", AuditException.Kind.UNATTENDED,
                "open " + AuditRoom.hours(monday.openSeconds()) + ", of which " + AuditRoom.hours(monday.unattendedSeconds())
                        + " with nobody present", ""));
        assertThat(exceptions).contains(new AuditException("2025-03-03", AuditException.Kind.NOT_MET_DAY,
                "attended " + AuditRoom.hours(monday.attendedSeconds()) + " of the 2.00 h required", ""));
        // Tuesday to Friday: no sign of life (the Tuesday's events were recorded before clock sync and are left out)
        for (String day : List.of("2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07")) {
            assertThat(exceptions).contains(new AuditException(day, AuditException.Kind.NO_DATA_DAY,
                    "school day without any sign of life from the room's devices (counts as not met)", ""));
        }
        assertThat(exceptions).contains(new AuditException("2025-03-03..2025-03-09", AuditException.Kind.UNSYNCED_EXCLUDED,
                "2 events recorded before the device clock was synchronised were left out", ""));
        assertThat(exceptions).anySatisfy(e -> {
            assertThat(e.unit()).isEqualTo("2025-W10");
            assertThat(e.kind()).isEqualTo(AuditException.Kind.NOT_MET_WEEK);
            assertThat(e.reason()).contains("of the 12.00 h required (5 school days)");
        });
        assertThat(exceptions).noneMatch(e -> e.unit().equals("2025-03-08") || e.unit().equals("2025-03-09"));

        AuditRoom r2 = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO).rooms().get(1);
        assertThat(r2.exceptions()).extracting(AuditException::kind).containsOnly(
                AuditException.Kind.NO_DATA_DAY, AuditException.Kind.NO_DATA_WEEK);
        assertThat(r2.evidence()).isEmpty();
    }

    @Test
    void theEvidenceListsEveryDevicesSequenceNumbers() {
        AuditRoom r1 = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO).rooms().getFirst();
        DeviceEvidence d1 = r1.evidence().getFirst();
        assertThat(d1.device()).isEqualTo("dev-1");
        assertThat(d1.runs()).hasSize(1);
        assertThat(d1.runs().getFirst()).containsExactly(1, d1.events());
        assertThat(DeviceEvidence.of("x", new long[]{5, 1, 2, 3, 7, 5}).runs())
                .satisfiesExactly(r -> assertThat(r).containsExactly(1, 3), r -> assertThat(r).containsExactly(5, 5),
                        r -> assertThat(r).containsExactly(7, 7));
    }

    @Test
    void csvStartsWithABomAndParsesBackToTheReportsFigures() {
        AuditReport report = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO);
        byte[] bytes = AuditCsv.bytes(report);

        assertThat(bytes).startsWith(0xEF, 0xBB, 0xBF);
        List<List<String>> rows = parseCsv(new String(bytes, StandardCharsets.UTF_8).substring(1));
        assertThat(rows.getFirst()).isEqualTo(AuditCsv.COLUMNS);
        int row = 1;
        for (AuditRoom room : report.rooms()) {
            for (DayResult d : room.report().days()) {
                List<String> r = rows.get(row++);
                assertThat(r.subList(0, 8)).containsExactly(room.room().county(), room.room().school(), room.room().roomId(),
                        room.room().name(), room.report().tier().chineseName(), "day", d.date().toString(),
                        Boolean.toString(d.schoolDay()));
                assertThat(Long.parseLong(r.get(11))).isEqualTo(d.attendedSeconds());
                assertThat(Long.parseLong(r.get(12))).isEqualTo(d.unattendedSeconds());
                assertThat(r.get(14)).isEqualTo(d.verdict().name());
            }
            for (WeekResult w : room.report().weeks()) {
                List<String> r = rows.get(row++);
                assertThat(r.get(5)).isEqualTo("week");
                assertThat(r.get(6)).isEqualTo(w.week());
                assertThat(Long.parseLong(r.get(9))).isEqualTo(w.requiredSeconds());
                assertThat(Long.parseLong(r.get(11))).isEqualTo(w.attendedSeconds());
                assertThat(r.get(14)).isEqualTo(w.verdict().name());
            }
        }
        assertThat(rows).hasSize(row);
        assertThat(rows.get(9).get(3)).isEqualTo("东宝区第二中学心理辅导室, 二楼");
        assertThat(rows.get(1).get(15)).contains("UNATTENDED: open").contains("NOT_MET_DAY: attended");
    }

    /** RFC 4180 with CRLF line ends, written here independently of the code under test. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertThat(field).isEmpty();
        assertThat(row).isEmpty();
        return rows;
    }

    @Test
    void aPeriodEndingBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> fixture.audits.audit(AuditScope.allRooms(), LocalDate.of(2025, 3, 9), LocalDate.of(2025, 3, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
    }
}
