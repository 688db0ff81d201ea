package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantinedSeq;
import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.ResendRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per device, how far its events are durably handled without a hole ({@code through}) and which ranges above
 * that are missing (gaps); a seq is handled when its event is stored, or when it was verified and quarantined
 * ({@link EventStore#quarantineSeqs}: an implausible time, a store refusal), so such an event never holds the
 * acknowledgement back; publishes the end-to-end acknowledgement and asks for resends
 * (docs/mqtt-contract.md, "Acknowledgement and resend").
 *
 * <p>Exact with several collector replicas: a device's state is computed <b>from the store</b> when this
 * collector first meets the device, whenever a batch does not simply continue the known contiguous run
 * (a gap, or a redelivery), and at every gap check. Extending {@code through} by a batch that continues it
 * is safe without a query: those events were just stored. Another replica may know a higher {@code through}
 * meanwhile; the device keeps the highest acknowledgement it got, so a lower one costs at most a resend.
 *
 * <p>A gap that has not filled for {@link AckSettings#gapTimeout} is asked for on {@code {id}/resend}, again
 * every time-out while it stays. Gaps are visible in {@link #progress()} (the API and the web UI) and in
 * health: {@link #stalled} says when acknowledgements stopped advancing while events arrive.
 *
 * <p>Thread-safe: the storing stage calls {@link #stored}, a timer {@link #checkGaps}, the API {@link #progress}.
 */
public final class AckTracker {
    private static final System.Logger LOG = System.getLogger(AckTracker.class.getName());
    /** Seqs read from the store per query while walking a device's stored run. */
    private static final int PAGE = 10_000;
    /** Gaps reported (and asked for) per device at most: the lowest ones. */
    static final int MAX_GAPS = 20;

    /** Where acknowledgements and resend requests go (the MQTT side); must not block for long. */
    public interface Sink {
        void acknowledge(Acknowledgement ack);

        void requestResend(ResendRequest request);
    }

    /** An inclusive range of missing sequence numbers. */
    public record SeqRange(long from, long to) {
        public SeqRange {
            if (from < 1 || to < from) {
                throw new IllegalArgumentException("gap range must be 1 ≤ from ≤ to, was " + from + " to " + to);
            }
        }
    }

    /**
     * One device as acknowledged.
     *
     * @param through      every seq up to this is stored
     * @param highestSeen  the highest seq stored (as last computed)
     * @param gaps         the lowest missing ranges between {@code through} and {@code highestSeen} (at most {@value #MAX_GAPS})
     * @param gapSince     since when the lowest gap is open, or {@code null} when there is none
     * @param lastAdvance  when {@code through} last grew (or tracking started)
     */
    public record DeviceProgress(String deviceId, long through, long highestSeen, List<SeqRange> gaps, Instant gapSince,
                                 Instant lastAdvance) {
        public DeviceProgress {
            gaps = List.copyOf(gaps);
        }
    }

    private static final class State {
        long through;
        String throughId; // the stored event id under through (null until known)
        long highest;
        List<SeqRange> gaps = List.of();
        Instant gapSince;
        Instant lastAdvance;
        Instant lastResend;
        Instant lastAboveGap; // when an event above an open gap was last stored
    }

    private final EventStore store;
    private final Sink sink;
    private final AckSettings settings;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private volatile long resendRequests;
    private volatile long acksPublished;

    public AckTracker(EventStore store, Sink sink, AckSettings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store is missing");
        this.sink = Objects.requireNonNull(sink, "ack sink is missing");
        this.settings = Objects.requireNonNull(settings, "ack settings are missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    /**
     * After a durable append: updates the devices of {@code events} (stored now, or already: duplicates) and
     * publishes their acknowledgements.
     *
     * @throws StoreException when the store cannot be read (the caller logs it; the next append or check retries)
     */
    public void stored(List<StoredEvent> events) {
        stored(events, List.of());
    }

    /**
     * After a durable append and quarantine: updates the devices of {@code events} (stored now, or already: duplicates)
     * and of {@code handled} (verified events quarantined instead, recorded in the store as handled: their seqs count as
     * acknowledged exactly as stored ones) and publishes their acknowledgements.
     *
     * @throws StoreException when the store cannot be read (the caller logs it; the next append or check retries)
     */
    public void stored(List<StoredEvent> events, List<QuarantinedSeq> handled) {
        Map<String, TreeSet<Long>> byDevice = new TreeMap<>();
        Map<String, String> ids = new java.util.HashMap<>(); // device/seq → event id in this batch
        for (QuarantinedSeq q : handled) {
            byDevice.computeIfAbsent(q.deviceId(), d -> new TreeSet<>()).add(q.seq());
            ids.put(q.deviceId() + "/" + q.seq(), q.eventId());
        }
        for (StoredEvent e : events) {
            byDevice.computeIfAbsent(e.event().deviceId(), d -> new TreeSet<>()).add(e.event().seq());
            ids.put(e.event().deviceId() + "/" + e.event().seq(), e.eventId());
        }
        Instant now = clock.instant();
        for (Map.Entry<String, TreeSet<Long>> entry : byDevice.entrySet()) {
            String device = entry.getKey();
            TreeSet<Long> seqs = entry.getValue();
            boolean[] created = {false};
            State state = states.computeIfAbsent(device, d -> {
                created[0] = true;
                State s = new State();
                s.lastAdvance = now;
                return s;
            });
            synchronized (state) {
                boolean redelivered = !created[0] && seqs.first() <= state.through;
                long before = state.through;
                if (!created[0] && continues(state, seqs)) {
                    state.throughId = ids.get(device + "/" + state.through);
                } else {
                    refresh(device, state, now);
                }
                if (state.through > before) {
                    state.lastAdvance = now;
                }
                if (!state.gaps.isEmpty() && seqs.last() > state.through) {
                    state.lastAboveGap = now;
                }
                if (state.through > 0 && (state.through > before || redelivered || created[0])) {
                    publishAck(device, state);
                }
            }
        }
    }

    /** Whether {@code seqs} just extend the known contiguous run (then {@code through} moves without a query). */
    private static boolean continues(State state, TreeSet<Long> seqs) {
        if (!state.gaps.isEmpty() || seqs.last() <= state.through) {
            return false;
        }
        long next = state.through + 1;
        for (long s : seqs.tailSet(next, true)) {
            if (s != next) {
                return false;
            }
            next++;
        }
        state.through = next - 1;
        state.highest = Math.max(state.highest, state.through);
        return true;
    }

    /** Recomputes a device's state from the store. Called holding the state's lock. */
    private void refresh(String device, State state, Instant now) {
        long through = state.through;
        long highest = through;
        List<SeqRange> gaps = new ArrayList<>();
        boolean contiguous = true;
        long cursor = through;
        while (true) {
            List<Long> page = store.sequenceNumbersAbove(device, cursor, PAGE);
            for (long seq : page) {
                if (contiguous && seq == through + 1) {
                    through = seq;
                } else {
                    contiguous = false;
                    if (seq > highest + 1 && gaps.size() < MAX_GAPS) {
                        gaps.add(new SeqRange(highest + 1, seq - 1));
                    }
                }
                highest = Math.max(highest, seq);
            }
            if (page.size() < PAGE || gaps.size() >= MAX_GAPS) {
                if (page.size() == PAGE) {
                    highest = Math.max(highest, store.sequenceNumbersAbove(device, highest, Integer.MAX_VALUE).stream()
                            .max(Comparator.naturalOrder()).orElse(highest));
                }
                break;
            }
            cursor = page.get(page.size() - 1);
        }
        if (gaps.isEmpty()) {
            state.gapSince = null;
        } else if (state.gaps.isEmpty() || state.gaps.get(0).from() != gaps.get(0).from()) {
            state.gapSince = now; // a new lowest gap
            state.lastResend = null;
        }
        if (through != state.through || state.throughId == null) {
            state.throughId = through == 0 ? null : store.eventIdAt(device, through).orElse(null);
        }
        state.through = through;
        state.highest = highest;
        state.gaps = List.copyOf(gaps);
    }

    /**
     * Re-reads every device with an open gap from the store (another replica may have filled it), publishes an
     * acknowledgement that advanced, and asks for the gaps older than the time-out (again every time-out).
     */
    public void checkGaps() {
        Instant now = clock.instant();
        for (Map.Entry<String, State> entry : states.entrySet()) {
            State state = entry.getValue();
            synchronized (state) {
                if (state.gaps.isEmpty()) {
                    continue;
                }
                long before = state.through;
                try {
                    refresh(entry.getKey(), state, now);
                } catch (StoreException e) {
                    LOG.log(System.Logger.Level.WARNING, "gap check of " + entry.getKey() + " failed: " + e.getMessage());
                    continue;
                }
                if (state.through > before) {
                    state.lastAdvance = now;
                    publishAck(entry.getKey(), state);
                }
                if (state.gaps.isEmpty()) {
                    continue;
                }
                Duration timeout = settings.gapTimeout();
                boolean due = !now.isBefore(state.gapSince.plus(timeout))
                        && (state.lastResend == null || !now.isBefore(state.lastResend.plus(timeout)));
                if (due) {
                    state.lastResend = now;
                    for (SeqRange gap : state.gaps) {
                        resendRequests++;
                        sink.requestResend(new ResendRequest(entry.getKey(), gap.from(), gap.to()));
                    }
                    LOG.log(System.Logger.Level.WARNING, entry.getKey() + ": seq " + state.gaps.get(0).from() + " to "
                            + state.gaps.get(0).to() + " missing since " + state.gapSince + " (" + state.gaps.size()
                            + " gaps); asked the device to send them again");
                }
            }
        }
    }

    private void publishAck(String device, State state) {
        acksPublished++;
        sink.acknowledge(new Acknowledgement(device, state.through, state.throughId));
    }

    /** Every tracked device, by id. */
    public List<DeviceProgress> progress() {
        List<DeviceProgress> out = new ArrayList<>();
        new TreeMap<>(states).forEach((device, s) -> {
            synchronized (s) {
                out.add(new DeviceProgress(device, s.through, s.highest, s.gaps, s.gapSince, s.lastAdvance));
            }
        });
        return out;
    }

    /**
     * The devices whose acknowledgement has not advanced for {@link AckSettings#stallAfter} although events above
     * its gap keep arriving: what is missing does not come, and the device keeps everything after it.
     */
    public List<String> stalled() {
        Instant limit = clock.instant().minus(settings.stallAfter());
        List<String> out = new ArrayList<>();
        new TreeMap<>(states).forEach((device, s) -> {
            synchronized (s) {
                if (!s.gaps.isEmpty() && s.lastAdvance.isBefore(limit) && s.lastAboveGap != null
                        && s.lastAboveGap.isAfter(s.lastAdvance)) {
                    out.add(device);
                }
            }
        });
        return out;
    }

    public long resendRequests() {
        return resendRequests;
    }

    public long acksPublished() {
        return acksPublished;
    }
}
