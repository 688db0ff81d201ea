package cn.xinan.rules.bench;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.rules.calendar.Term;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Warm-up-then-measure benchmark of the engine, without storage I/O (run by {@code rules/bench.sh}):
 * <ol>
 *   <li>one room's 20-week term (~205,000 events: a heartbeat every 60 s all day, every day, plus a few opens,
 *       closes, presence changes and check-ins on every school day);</li>
 *   <li>1,000 rooms' week (~10,200 events each, ~10.2 million in all), one thread and then all cores.</li>
 * </ol>
 * Events are built once, as the collector would hand them over (in time order, fresh UUID event ids);
 * the term is also measured shuffled. Prints the minimum and the median of the measured runs.
 */
public final class RulesBenchmark {
    private static final LocalDate TERM_START = LocalDate.of(2025, 2, 17);
    private static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled(),
            CalendarLayer.ofTerms(List.of(new Term(TERM_START, TERM_START.plusWeeks(20).minusDays(1)))));
    private static final RulesEngine ENGINE = new RulesEngine(RuleSettings.defaults());
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final java.util.concurrent.atomic.LongAdder SINK = new java.util.concurrent.atomic.LongAdder();

    private RulesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("java %s, %d cores, max heap %d MB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        List<DeviceEvent> term = roomEvents("room-0000", TERM_START, 140, new Random(1));
        LocalDate termEnd = TERM_START.plusDays(139);
        System.out.printf("(a) one room, 20-week term: %,d events%n", term.size());
        long cold = System.nanoTime();
        evaluate("room-0000", term, TERM_START, termEnd);
        System.out.printf("    first call (cold JIT)   %8.2f ms%n", (System.nanoTime() - cold) / 1e6);
        report("    in time order", measure(WARMUP, 300, 50, () -> evaluate("room-0000", term, TERM_START, termEnd)));
        List<DeviceEvent> shuffled = new ArrayList<>(term);
        Collections.shuffle(shuffled, new Random(2));
        report("    shuffled     ", measure(WARMUP, 100, 30, () -> evaluate("room-0000", shuffled, TERM_START, termEnd)));

        LocalDate monday = TERM_START.plusWeeks(3);
        List<List<DeviceEvent>> rooms = new ArrayList<>();
        long total = 0;
        for (int r = 0; r < 1_000; r++) {
            List<DeviceEvent> week = roomEvents(String.format("room-%04d", r), monday, 7, new Random(100 + r));
            rooms.add(week);
            total += week.size();
        }
        LocalDate sunday = monday.plusDays(6);
        System.out.printf("(b) 1,000 rooms, one week: %,d events%n", total);
        report("    one thread   ", measure(WARMUP, 5, 7, () -> {
            for (int r = 0; r < rooms.size(); r++) {
                evaluate("room-" + r, rooms.get(r), monday, sunday);
            }
        }));
        report("    all cores    ", measure(WARMUP, 5, 7, () -> rooms.parallelStream()
                .forEach(week -> evaluate("room", week, monday, sunday))));
        System.out.println("checksum " + SINK.sum());
    }

    private static void evaluate(String room, List<DeviceEvent> events, LocalDate from, LocalDate to) {
        RoomReport report = ENGINE.evaluate(room, Tier.QUALIFIED, events, CALENDAR, from, to);
        SINK.add(report.days().getLast().attendedSeconds() + report.weeks().size());
    }

    /**
     * Steady state, as in a running collector that evaluates room after room: warm up for at least
     * {@code warmup} and {@code minWarmups} runs (C2 needs a few hundred calls of the engine's big loops
     * before it stops running them as on-stack-replacement code), then time {@code runs} runs.
     */
    private static long[] measure(Duration warmup, int minWarmups, int runs, Runnable work) {
        long warmEnd = System.nanoTime() + warmup.toNanos();
        for (int i = 0; i < minWarmups || System.nanoTime() < warmEnd; i++) {
            work.run();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String label, long[] sortedNanos) {
        System.out.printf("%s min %8.2f ms   median %8.2f ms   (%d runs)%n", label, sortedNanos[0] / 1e6,
                sortedNanos[sortedNanos.length / 2] / 1e6, sortedNanos.length);
    }

    /**
     * A realistic device log: boot at 07:00 on the first day, then a heartbeat every 60 s, day and night; on
     * school days two open/close sessions with presence changes and a few check-ins.
     */
    static List<DeviceEvent> roomEvents(String room, LocalDate first, int days, Random random) {
        String device = "dev-" + room;
        List<DeviceEvent> events = new ArrayList<>(days * 1_460);
        long[] seq = {0};
        Instant boot = first.atTime(7, 0).atZone(RulesEngine.ZONE).toInstant();
        add(events, device, seq, boot, new EventBody.Boot("power_on", null));
        Instant end = first.plusDays(days).atStartOfDay(RulesEngine.ZONE).toInstant();
        List<DeviceEvent> actions = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate date = first.plusDays(d);
            if (!CALENDAR.isSchoolDay(date)) {
                continue;
            }
            for (int session = 0; session < 2; session++) {
                Instant open = date.atTime(session == 0 ? 12 : 16, random.nextInt(20), 0)
                        .atZone(RulesEngine.ZONE).toInstant();
                int minutes = 40 + random.nextInt(80);
                actions.add(event(device, open, new EventBody.StaffOpen("T0" + (session + 1))));
                for (int p = 0; p < 4; p++) {
                    int at = random.nextInt(minutes);
                    actions.add(event(device, open.plusSeconds(at * 60L), new EventBody.Presence(p % 2 == 0)));
                }
                for (int c = random.nextInt(3); c > 0; c--) {
                    actions.add(event(device, open.plusSeconds(random.nextInt(minutes) * 60L + 30),
                            new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.JUNIOR)));
                }
                actions.add(event(device, open.plusSeconds(minutes * 60L), new EventBody.StaffClose("T01")));
            }
        }
        actions.sort((a, b) -> a.at().compareTo(b.at()));
        int next = 0;
        EventBody.Heartbeat heartbeat = new EventBody.Heartbeat();
        for (Instant t = boot.plusSeconds(60); t.isBefore(end); t = t.plusSeconds(60)) {
            while (next < actions.size() && !actions.get(next).at().isAfter(t)) {
                add(events, device, seq, actions.get(next++).at(), actions.get(next - 1).body());
            }
            add(events, device, seq, t, heartbeat);
        }
        while (next < actions.size()) {
            add(events, device, seq, actions.get(next++).at(), actions.get(next - 1).body());
        }
        return events;
    }

    private static DeviceEvent event(String device, Instant at, EventBody body) {
        return new DeviceEvent("placeholder", device, 1, at, true, body);
    }

    private static void add(List<DeviceEvent> events, String device, long[] seq, Instant at, EventBody body) {
        events.add(new DeviceEvent(UUID.randomUUID().toString(), device, ++seq[0], at, true, body));
    }
}
