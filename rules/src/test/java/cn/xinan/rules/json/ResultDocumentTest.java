package cn.xinan.rules.json;

import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekPolicy;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.testkit.JsonTree;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static cn.xinan.rules.testkit.JsonTree.array;
import static cn.xinan.rules.testkit.JsonTree.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The RESULT.json shape of testing/src/main/resources/acceptance/README.md, stating the rule version and settings. */
class ResultDocumentTest {
    private static final RuleSettings SETTINGS = RuleSettings.defaults().withWeekPolicy(WeekPolicy.FULL)
            .withThresholds(Tier.DEMONSTRATION, new Thresholds(7_200, 72_000));
    private static final RoomReport ROOM = new RoomReport("jm-db-001-r1", Tier.DEMONSTRATION,
            List.of(new DayResult(LocalDate.of(2025, 3, 3), true, 9_600, 6_600, 1, Verdict.NOT_MET),
                    new DayResult(LocalDate.of(2025, 3, 8), false, 0, 0, 0, Verdict.NOT_REQUIRED)),
            List.of(new WeekResult("2025-W10", 5, 72_000, 6_600, Verdict.NOT_MET)), 2, SETTINGS);

    @Test
    void writesTheRuleAndEveryRoomInTheContractShape() {
        Map<String, Object> doc = object(JsonTree.parse(ResultDocument.toJson(SETTINGS, List.of(ROOM))));

        assertThat(object(doc.get("rule"))).contains(entry("version", "1.0"), entry("dailySeconds", 3_600L),
                entry("weeklySeconds", 36_000L), entry("weekPolicy", "full"), entry("unattendedGapSeconds", 1_800L),
                entry("timeZone", "Asia/Shanghai"));
        assertThat(object(object(object(doc.get("rule")).get("tiers")).get("示范")))
                .containsExactly(entry("dailySeconds", 7_200L), entry("weeklySeconds", 72_000L));
        Map<String, Object> room = object(array(doc.get("rooms")).getFirst());
        assertThat(room).contains(entry("room", "jm-db-001-r1"), entry("tier", "示范"),
                entry("dailySeconds", 7_200L), entry("excludedUnsyncedEvents", 2L));
        assertThat(object(array(room.get("days")).getFirst())).containsExactly(entry("date", "2025-03-03"),
                entry("schoolDay", true), entry("openSeconds", 9_600L), entry("attendedSeconds", 6_600L),
                entry("unattendedSeconds", 3_000L), entry("checkins", 1L), entry("verdict", "NOT_MET"));
        assertThat(object(array(room.get("weeks")).getFirst())).containsExactly(entry("week", "2025-W10"),
                entry("schoolDays", 5L), entry("requiredSeconds", 72_000L), entry("attendedSeconds", 6_600L),
                entry("verdict", "NOT_MET"));
        assertThat(object(room.get("compliance"))).containsExactly(entry("metDays", 0L), entry("requiredDays", 1L),
                entry("dayRate", 0.0), entry("metWeeks", 0L), entry("requiredWeeks", 1L), entry("weekRate", 0.0));
    }

    @Test
    void theSingleRoomVariantCarriesItsRule() {
        Map<String, Object> doc = object(JsonTree.parse(ResultDocument.roomToJson(ROOM)));

        assertThat(doc).containsOnlyKeys("rule", "room");
        assertThat(object(doc.get("rule"))).containsEntry("weekPolicy", "full");
        assertThat(object(doc.get("room"))).containsEntry("room", "jm-db-001-r1");
    }

    @Test
    void prettyAndCompactOutputsHoldTheSameDocument() {
        StringWriter pretty = new StringWriter();
        ResultDocument.write(SETTINGS, List.of(ROOM), pretty, true);

        assertThat(pretty.toString()).contains("\n");
        assertThat(JsonTree.parse(pretty.toString()))
                .isEqualTo(JsonTree.parse(ResultDocument.toJson(SETTINGS, List.of(ROOM))));
    }

    @Test
    void anEmptyDocumentStillStatesTheRule() {
        Map<String, Object> doc = object(JsonTree.parse(ResultDocument.toJson(SETTINGS, List.of())));

        assertThat(array(doc.get("rooms"))).isEmpty();
        assertThat(object(doc.get("rule"))).containsEntry("version", "1.0");
    }

    @Test
    void aRoomComputedWithOtherSettingsIsRejected() {
        assertThatThrownBy(() -> ResultDocument.toJson(RuleSettings.defaults(), List.of(ROOM)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("room jm-db-001-r1 was evaluated with other settings");
    }
}
