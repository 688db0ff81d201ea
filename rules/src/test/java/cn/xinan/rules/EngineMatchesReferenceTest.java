package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.rules.calendar.Term;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine agrees with the second-by-second {@link ReferenceEngine} on random event sequences of a few
 * days that cross midnight, week ends, holidays and make-up workdays; shuffled input with duplicates gives
 * the same report as sorted, distinct input.
 */
class EngineMatchesReferenceTest {
    private static final int SPAN_MINUTES = 3 * 24 * 60;
    /** First days of the random windows: a week end, May Day 2025, Spring Festival 2025, a year end. */
    private static final List<LocalDate> STARTS = List.of(LocalDate.of(2025, 3, 7), LocalDate.of(2025, 4, 30),
            LocalDate.of(2025, 1, 25), LocalDate.of(2024, 12, 30), LocalDate.of(2025, 2, 15));
    private static final List<SchoolCalendar> CALENDARS = List.of(
            SchoolCalendar.of(NationalCalendar.bundled()),
            SchoolCalendar.of(NationalCalendar.bundled(),
                    CalendarLayer.ofTerms(List.of(new Term(LocalDate.of(2025, 2, 17), LocalDate.of(2025, 7, 4))))));

    enum Kind { BOOT, HEARTBEAT, OPEN, CLOSE, OCCUPIED, VACANT, CHECKIN }

    record Step(int minute, Kind kind, boolean secondDevice, boolean synced) {
    }

    record Scenario(LocalDate start, List<Step> steps, RuleSettings settings, SchoolCalendar calendar,
                    long shuffleSeed, int duplicates) {
        LocalDate end() {
            return start.plusDays(2);
        }

        /** The events as recorded: per device, seq in time order; event id {@code device-seq}. */
        List<DeviceEvent> events() {
            List<Step> ordered = new ArrayList<>(steps);
            ordered.sort(Comparator.comparingInt(Step::minute));
            Map<String, Long> seqs = new HashMap<>();
            Instant origin = start.atStartOfDay().toInstant(ZoneOffset.ofHours(8));
            List<DeviceEvent> events = new ArrayList<>();
            for (Step step : ordered) {
                String device = step.secondDevice() ? "dev-b" : "dev-a";
                long seq = seqs.merge(device, 1L, Long::sum);
                EventBody body = switch (step.kind()) {
                    case BOOT -> new EventBody.Boot("power_on", null);
                    case HEARTBEAT -> new EventBody.Heartbeat();
                    case OPEN -> new EventBody.StaffOpen("T01");
                    case CLOSE -> new EventBody.StaffClose("T01");
                    case OCCUPIED -> new EventBody.Presence(true);
                    case VACANT -> new EventBody.Presence(false);
                    case CHECKIN -> new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR);
                };
                events.add(new DeviceEvent(device + "-" + seq, device, seq,
                        origin.plusSeconds(step.minute() * 60L), step.synced(), body));
            }
            return events;
        }

        /** The same events shuffled, some delivered twice. */
        List<DeviceEvent> deliveredOutOfOrder() {
            List<DeviceEvent> events = events();
            List<DeviceEvent> delivered = new ArrayList<>(events);
            Random random = new Random(shuffleSeed);
            for (int i = 0; i < duplicates && !events.isEmpty(); i++) {
                delivered.add(events.get(random.nextInt(events.size())));
            }
            Collections.shuffle(delivered, random);
            return delivered;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, SPAN_MINUTES - 1),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.BOOT)),
                        net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.HEARTBEAT)),
                        net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.OPEN)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.CLOSE)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.OCCUPIED)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.VACANT)),
                        net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.CHECKIN))),
                Arbitraries.integers().between(0, 9).map(i -> i == 0),
                Arbitraries.integers().between(0, 9).map(i -> i != 0)
        ).as(Step::new);
        // Clustered minutes make short vacancies around the gap likely as well as long ones.
        Arbitrary<List<Step>> steps = step.list().ofMinSize(0).ofMaxSize(60);
        Arbitrary<RuleSettings> settings = Combinators.combine(
                Arbitraries.of(600L, 1_799L, 1_800L, 1_860L, 3_600L),
                Arbitraries.of(WeekPolicy.values()),
                Arbitraries.of(1_800L, 3_600L),
                Arbitraries.of(3_600L, 36_000L, 36_001L)
        ).as((gap, policy, daily, weekly) -> RuleSettings.defaults().withUnattendedGapSeconds(gap)
                .withWeekPolicy(policy).withThresholds(Tier.QUALIFIED, new Thresholds(daily, weekly)));
        return Combinators.combine(Arbitraries.of(STARTS), steps, settings, Arbitraries.of(CALENDARS),
                Arbitraries.longs(), Arbitraries.integers().between(0, 10)).as(Scenario::new);
    }

    @Property(tries = 250)
    void engineAgreesWithTheSecondBySecondReference(@ForAll("scenarios") Scenario s) {
        RulesEngine engine = new RulesEngine(s.settings());

        RoomReport actual = engine.evaluate("r1", Tier.QUALIFIED, s.deliveredOutOfOrder(), s.calendar(), s.start(),
                s.end());
        RoomReport expected = ReferenceEngine.evaluate(s.settings(), "r1", Tier.QUALIFIED, s.events(), s.calendar(),
                s.start(), s.end());

        assertThat(actual).isEqualTo(expected);
    }

    @Property(tries = 150)
    void anyDeliveryOrderWithDuplicatesGivesTheSameReportAsTheRecordedOrder(@ForAll("scenarios") Scenario s) {
        RulesEngine engine = new RulesEngine(s.settings());

        RoomReport delivered = engine.evaluate("r1", Tier.QUALIFIED, s.deliveredOutOfOrder(), s.calendar(),
                s.start(), s.end());
        RoomReport recorded = engine.evaluate("r1", Tier.QUALIFIED, s.events(), s.calendar(), s.start(), s.end());

        assertThat(delivered).isEqualTo(recorded);
    }
}
