package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.rules.EngineMatchesReferenceTest.Scenario;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Day summaries ({@link RulesEngine#summarize}, {@link RulesEngine#evaluateSummaries}) give the reports of
 * {@link RulesEngine#evaluate} on all events, and a summary computed from a closed midnight with the state carried
 * there equals the one computed from the first day: the basis of the collector's derived results.
 */
class DaySummariesTest {
    private static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());

    @Provide
    Arbitrary<Scenario> scenarios() {
        return new EngineMatchesReferenceTest().scenarios();
    }

    @Property(tries = 250)
    void reportsFromSummariesEqualTheEngineOnAllEvents(@ForAll("scenarios") Scenario s) {
        RulesEngine engine = new RulesEngine(s.settings());
        LocalDate first = WeekResult.mondayOf(s.start());
        LocalDate last = WeekResult.mondayOf(s.end()).plusDays(6);

        List<DaySummary> days = engine.summarize(CarriedState.INITIAL, s.deliveredOutOfOrder(), first, last);
        RoomReport fromSummaries = engine.evaluateSummaries("r1", Tier.QUALIFIED, days, s.calendar(), s.start(), s.end());
        RoomReport fromEvents = engine.evaluate("r1", Tier.QUALIFIED, s.events(), s.calendar(), s.start(), s.end());

        assertThat(fromSummaries.days()).isEqualTo(fromEvents.days());
        assertThat(fromSummaries.weeks()).isEqualTo(fromEvents.weeks());
        assertThat(fromSummaries.excludedUnsyncedEvents()).isEqualTo(fromEvents.excludedUnsyncedEvents());
    }

    @Property(tries = 250)
    void aSummaryFromAClosedMidnightWithItsCarriedStateEqualsTheOneFromTheStart(@ForAll("scenarios") Scenario s) {
        RulesEngine engine = new RulesEngine(s.settings());
        LocalDate first = s.start().minusDays(1);
        LocalDate last = s.end().plusDays(1);
        List<DaySummary> whole = engine.summarize(CarriedState.INITIAL, s.events(), first, last);

        for (int k = 1; k < whole.size(); k++) {
            CarriedState carried = whole.get(k - 1).end();
            if (carried.open()) {
                continue;
            }
            List<DaySummary> tail = engine.summarize(carried, s.deliveredOutOfOrder(), first.plusDays(k), last);
            assertThat(tail).as("from %s", first.plusDays(k)).isEqualTo(whole.subList(k, whole.size()));
            for (int j = k; j < whole.size(); j++) {
                if (!whole.get(j).end().open()) {
                    // a piece between two closed midnights needs no event after it
                    assertThat(engine.summarize(carried, s.events(), first.plusDays(k), first.plusDays(j)))
                            .isEqualTo(whole.subList(k, j + 1));
                }
            }
        }
    }

    @Test
    void anUnattendedStretchAcrossMidnightIsCountedOnBothDaysOnlyOnceItsEndIsKnown() {
        RulesEngine engine = new RulesEngine(RuleSettings.defaults());
        LocalDate day1 = LocalDate.of(2025, 3, 4);
        List<DeviceEvent> events = new ArrayList<>();
        events.add(event(1, day1.atTime(22, 0), new EventBody.StaffOpen("T01")));
        events.add(event(2, day1.atTime(22, 0), new EventBody.Presence(true)));
        events.add(event(3, day1.atTime(23, 45), new EventBody.Presence(false)));
        events.add(event(4, day1.atTime(23, 59), new EventBody.Heartbeat()));

        // Only the first day is known: the interval ends at its last event, 14 min without evidence is no stretch.
        DaySummary known = engine.summarize(CarriedState.INITIAL, events, day1, day1).get(0);
        assertThat(known.openMillis()).isEqualTo(119 * 60_000L);
        assertThat(known.unattendedMillis()).isZero();
        assertThat(known.end().open()).isTrue();

        // Evidence at 00:20 the next day ends a 35-min vacancy: 15 min of it belong to the first day.
        events.add(event(5, day1.plusDays(1).atTime(0, 20), new EventBody.Presence(true)));
        events.add(event(6, day1.plusDays(1).atTime(1, 0), new EventBody.StaffClose("T01")));
        List<DaySummary> both = engine.summarize(CarriedState.INITIAL, events, day1, day1.plusDays(1));
        assertThat(both.get(0).openMillis()).isEqualTo(120 * 60_000L);
        assertThat(both.get(0).unattendedMillis()).isEqualTo(15 * 60_000L);
        assertThat(both.get(1).openMillis()).isEqualTo(60 * 60_000L);
        assertThat(both.get(1).unattendedMillis()).isEqualTo(20 * 60_000L);
        assertThat(both.get(1).end()).isEqualTo(CarriedState.closed(true));
        RoomReport report = engine.evaluateSummaries("r1", Tier.QUALIFIED, both, CALENDAR, day1, day1.plusDays(1));
        assertThat(report).isEqualTo(engine.evaluate("r1", Tier.QUALIFIED, events, CALENDAR, day1, day1.plusDays(1)));
    }

    @Test
    void summariesMustStartClosedAndMatchTheEnginesGap() {
        RulesEngine engine = new RulesEngine(RuleSettings.defaults());
        LocalDate day = LocalDate.of(2025, 3, 4);
        CarriedState open = new CarriedState(true, 1, false, 1, 1);
        assertThatThrownBy(() -> engine.summarize(open, List.of(), day, day))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closed state");
        List<DaySummary> other = new RulesEngine(RuleSettings.defaults().withUnattendedGapSeconds(600))
                .summarize(CarriedState.INITIAL, List.of(), day, day);
        assertThatThrownBy(() -> engine.evaluateSummaries("r1", Tier.QUALIFIED, other, CALENDAR, day, day))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unattended gap of 600 s");
    }

    private static DeviceEvent event(long seq, LocalDateTime local, EventBody body) {
        Instant at = local.atZone(RulesEngine.ZONE).toInstant();
        return new DeviceEvent("d-" + seq, "d", seq, at, true, body);
    }
}
