package cn.xinan.collector.store;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventKind;
import cn.xinan.rules.RulesEngine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One room's heartbeats of one local day, summarised (docs/scale.md, "Alive spans"): how many there were, how many
 * of them were recorded with an unsynchronised clock, and the synchronised ones as spans of heartbeats at most
 * {@link #SPAN_GAP_MS} apart. Stored beside the raw heartbeats, which stay the evidence; a function of them alone
 * (the same heartbeats give the same day, whatever their order, duplicates or the replica that computed it).
 *
 * <p>What the rules engine takes from heartbeats is a sign of life (the day's {@code alive} flag) and the time of the
 * latest one before a boot, a midnight and the end of the events (docs/rules.md §2): the first and last heartbeat of
 * each span give both, except for a boot inside a span, for which the span's raw heartbeats are read.
 *
 * @param day        the local date (Asia/Shanghai)
 * @param heartbeats distinct heartbeats with a time on that date
 * @param unsynced   of those, the ones recorded with an unsynchronised clock (never accounted, docs/rules.md §6)
 * @param spans      the synchronised ones, in time order, none empty
 */
public record AliveDay(LocalDate day, int heartbeats, int unsynced, List<Span> spans) {
    /** Heartbeats further apart than this start a new span: one missed heartbeat (60 s apart) keeps a span. */
    public static final long SPAN_GAP_MS = 180_000L;

    /**
     * Synchronised heartbeats from {@code firstMs} to {@code lastMs} (epoch ms), none more than {@link #SPAN_GAP_MS}
     * after the one before.
     */
    public record Span(long firstMs, long lastMs, int count) {
        public Span {
            if (lastMs < firstMs) {
                throw new IllegalArgumentException("span ends at " + lastMs + ", before its start " + firstMs);
            }
            if (count < 1 || (count == 1 && lastMs != firstMs)) {
                throw new IllegalArgumentException("span from " + firstMs + " to " + lastMs + " cannot hold " + count
                        + " heartbeats");
            }
        }

        /** Whether {@code atMs} lies within the span, its ends included. */
        public boolean covers(long atMs) {
            return atMs >= firstMs && atMs <= lastMs;
        }
    }

    public AliveDay {
        Objects.requireNonNull(day, "day is missing");
        spans = List.copyOf(Objects.requireNonNull(spans, "spans are missing"));
        int inSpans = 0;
        for (Span s : spans) {
            inSpans += s.count();
        }
        if (unsynced < 0 || heartbeats != unsynced + inSpans) {
            throw new IllegalArgumentException("day " + day + ": " + heartbeats + " heartbeats do not add up to "
                    + unsynced + " unsynchronised and " + inSpans + " in spans");
        }
    }

    /** A day without heartbeats. */
    public static AliveDay none(LocalDate day) {
        return new AliveDay(day, 0, 0, List.of());
    }

    /**
     * The day of these heartbeats (in any order, duplicates by event id counted once); events of other kinds or
     * other dates are refused.
     */
    public static AliveDay of(LocalDate day, List<DeviceEvent> heartbeats) {
        List<DeviceEvent> sorted = new ArrayList<>(heartbeats);
        sorted.sort(Comparator.comparing(DeviceEvent::at).thenComparing(DeviceEvent::eventId));
        Set<String> seen = new HashSet<>(sorted.size() * 2);
        int total = 0;
        int unsynced = 0;
        List<Span> spans = new ArrayList<>();
        long first = 0;
        long last = 0;
        int count = 0;
        for (DeviceEvent e : sorted) {
            if (e.kind() != EventKind.HEARTBEAT) {
                throw new IllegalArgumentException("event " + e.eventId() + " is a " + e.kind().wireName() + ", not a heartbeat");
            }
            if (!LocalDate.ofInstant(e.at(), RulesEngine.ZONE).equals(day)) {
                throw new IllegalArgumentException("heartbeat " + e.eventId() + " at " + e.at() + " is not on " + day);
            }
            if (!seen.add(e.eventId())) {
                continue;
            }
            total++;
            if (!e.clockSynced()) {
                unsynced++;
                continue;
            }
            long at = e.at().toEpochMilli();
            if (count > 0 && at - last > SPAN_GAP_MS) {
                spans.add(new Span(first, last, count));
                count = 0;
            }
            if (count == 0) {
                first = at;
            }
            last = at;
            count++;
        }
        if (count > 0) {
            spans.add(new Span(first, last, count));
        }
        return new AliveDay(day, total, unsynced, spans);
    }

    /** The spans as text for a store column: {@code first+length*count} per span, comma-separated (empty for none). */
    public String encodedSpans() {
        StringBuilder out = new StringBuilder();
        for (Span s : spans) {
            out.append(out.isEmpty() ? "" : ",").append(s.firstMs()).append('+').append(s.lastMs() - s.firstMs())
                    .append('*').append(s.count());
        }
        return out.toString();
    }

    /** Reads a stored day back: the inverse of {@link #encodedSpans()}. */
    public static AliveDay decode(LocalDate day, int heartbeats, int unsynced, String encodedSpans) {
        List<Span> spans = new ArrayList<>();
        if (encodedSpans != null && !encodedSpans.isEmpty()) {
            for (String s : encodedSpans.split(",")) {
                int plus = s.indexOf('+');
                int star = s.indexOf('*');
                if (plus < 1 || star < plus) {
                    throw new IllegalArgumentException("alive span '" + s + "' of " + day + " is not first+length*count");
                }
                long first = Long.parseLong(s.substring(0, plus));
                spans.add(new Span(first, first + Long.parseLong(s.substring(plus + 1, star)),
                        Integer.parseInt(s.substring(star + 1))));
            }
        }
        return new AliveDay(day, heartbeats, unsynced, spans);
    }
}
