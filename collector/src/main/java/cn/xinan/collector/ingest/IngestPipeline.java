package cn.xinan.collector.ingest;

import cn.xinan.collector.store.AppendResult;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.QuarantinedSeq;
import cn.xinan.collector.store.StoreRefusedException;
import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.provisioning.Registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Verify → store → acknowledge, independent of the transport. The transport {@link #submit submits}
 * messages and returns at once; a verifying stage drains up to {@code maxBatchMessages} of them, decodes and
 * verifies them on a small pool (Ed25519 verification is the hot cost) and hands the batch to a storing
 * stage, which stores every accepted event in ONE append and every rejected message in one quarantine
 * write, and only then acknowledges them, in arrival order. The stages overlap: batch N+1 is verified while
 * batch N is written and fsynced (at most two batches wait between them). When the store fails, nothing is acknowledged and the same batch is retried with back-off: the
 * broker keeps the messages meanwhile (and stops sending more once its in-flight window is full).
 *
 * <p>Poison never stalls it: a message whose checking throws, or whose events the store refuses as data it
 * cannot hold ({@link StoreRefusedException}), is quarantined with its reason and the rest of the batch goes on. A
 * <b>verified</b> event quarantined (an implausible time, a store refusal, a failure appending it) is quarantined on its
 * own and recorded as handled ({@link EventStore#quarantineSeqs}) before the acknowledgement, so the device's
 * {@code through} passes it and the device stops sending it; an unverified message is never handled.
 * The quarantine is bounded by {@link QuarantineSettings}: a rate per source, a size, a retention, and a log
 * summary per reason instead of a line per message.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final EventStore store;
    private final MessageVerifier verifier;
    private final IngestSettings settings;
    private final IngestCounters counters;
    private final DeviceStatusBoard board;
    private final SequenceTracker sequences = new SequenceTracker();
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private final QuarantineGate gate;
    private Instant lastPrune;
    private final AckTracker acks; // null: no end-to-end acknowledgements (tests of the pipeline alone)
    private final java.util.concurrent.ScheduledExecutorService gapChecks;
    private final BlockingQueue<InboundMessage> queue = new LinkedBlockingQueue<>();
    private final ExecutorService verifiers;
    private final Thread verifyStage;
    private final Thread storeStage;
    private final BlockingQueue<VerifiedBatch> verified = new java.util.concurrent.ArrayBlockingQueue<>(2);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private volatile boolean running = true;

    public IngestPipeline(EventStore store, Registry registry, IngestSettings settings, IngestCounters counters,
                          DeviceStatusBoard board) {
        this(store, registry, settings, counters, board, null, null);
    }

    /**
     * @param acks         publishes each device's end-to-end acknowledgement after every durable append
     * @param gapCheck     how often {@link AckTracker#checkGaps} runs
     */
    public IngestPipeline(EventStore store, Registry registry, IngestSettings settings, IngestCounters counters,
                          DeviceStatusBoard board, AckTracker acks, Duration gapCheck) {
        this.acks = acks;
        if (acks != null) {
            this.gapChecks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "xinan-gap-check");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(50, Objects.requireNonNull(gapCheck, "gap check interval is missing").toMillis());
            gapChecks.scheduleWithFixedDelay(() -> {
                try {
                    acks.checkGaps();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "gap check failed", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        } else {
            this.gapChecks = null;
        }
        this.store = Objects.requireNonNull(store, "store is missing");
        this.verifier = new MessageVerifier(registry, settings);
        this.settings = settings;
        this.gate = new QuarantineGate(settings.quarantine());
        this.counters = Objects.requireNonNull(counters, "counters are missing");
        this.board = Objects.requireNonNull(board, "status board is missing");
        AtomicInteger n = new AtomicInteger();
        this.verifiers = Executors.newFixedThreadPool(settings.verifyThreads(), r -> {
            Thread t = new Thread(r, "xinan-verify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.verifyStage = new Thread(this::verifyLoop, "xinan-ingest-verify");
        this.verifyStage.setDaemon(true);
        this.storeStage = new Thread(this::storeLoop, "xinan-ingest-store");
        this.storeStage.setDaemon(true);
        this.verifyStage.start();
        this.storeStage.start();
    }

    /** Hands a message over; returns at once. The message is acknowledged once it is safe. */
    public void submit(InboundMessage message) {
        counters.messagesReceived.increment();
        queue.add(message);
    }

    public IngestCounters counters() {
        return counters;
    }

    /**
     * Waits until {@code condition} holds, re-checking it after every stored batch (and at least every
     * 200 ms, so a condition on something else, such as the store's count, is seen as well).
     *
     * @return whether the condition held before the timeout
     */
    public boolean awaitProgress(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A batch of messages with the outcome of each, in arrival order. */
    private record VerifiedBatch(List<InboundMessage> messages, List<MessageVerifier.Outcome> outcomes) {
    }

    private void verifyLoop() {
        while (running) {
            List<InboundMessage> batch = new ArrayList<>(settings.maxBatchMessages());
            try {
                InboundMessage first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxBatchMessages() - 1);
                VerifiedBatch v = new VerifiedBatch(batch, verifyAll(batch));
                while (running && !verified.offer(v, 100, TimeUnit.MILLISECONDS)) {
                    // the storing stage is behind: wait for it (the broker's in-flight window bounds the queue)
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                // a bug, not bad input (bad input is quarantined): the batch stays unacknowledged and the broker
                // delivers it again after a reconnect
                LOG.log(System.Logger.Level.ERROR, "verifying a batch of " + batch.size() + " messages failed", e);
            }
        }
    }

    private void storeLoop() {
        while (running) {
            VerifiedBatch batch = null;
            try {
                batch = verified.poll(100, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    store(batch.messages(), batch.outcomes());
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "storing a batch of " + batch.messages().size() + " messages failed", e);
            }
        }
    }

    private void store(List<InboundMessage> batch, List<MessageVerifier.Outcome> verifiedOutcomes) throws InterruptedException {
        List<MessageVerifier.Outcome> outcomes = new ArrayList<>(verifiedOutcomes);
        Instant now = batch.get(batch.size() - 1).receivedAt();
        AppendResult result = appendIsolating(batch, outcomes);
        if (result == null) {
            return; // closing: leave the batch unacknowledged, the broker delivers it again
        }
        List<StoredEvent> events = new ArrayList<>();
        List<QuarantinedMessage> rejected = new ArrayList<>();
        List<QuarantinedSeq> handled = new ArrayList<>();
        for (MessageVerifier.Outcome o : outcomes) {
            switch (o) {
                case MessageVerifier.Accepted a -> {
                    events.addAll(a.events());
                    for (MessageVerifier.QuarantinedEvent q : a.quarantined()) {
                        rejected.add(q.message());
                        handled.add(q.seq());
                    }
                }
                case MessageVerifier.Rejected r -> rejected.add(r.message());
            }
        }
        List<QuarantinedMessage> kept = gate.admit(rejected);
        if (!quarantineDurably(() -> store.quarantine(kept)) || !quarantineDurably(() -> store.quarantineSeqs(handled))) {
            return;
        }
        counters.eventsReceived.add(events.size());
        counters.eventsStored.add(result.added());
        counters.duplicates.add(result.duplicates());
        for (QuarantinedMessage q : rejected) {
            counters.countQuarantined(q.reason());
        }
        counters.quarantineNotKept.add(rejected.size() - kept.size());
        gate.logSummary(now, false);
        pruneQuarantine(now);
        List<StoredEvent> bySeq = new ArrayList<>(events);
        bySeq.sort(Comparator.comparing((StoredEvent e) -> e.event().deviceId()).thenComparingLong(e -> e.event().seq()));
        List<QuarantinedSeq> handledBySeq = new ArrayList<>(handled);
        handledBySeq.sort(Comparator.comparing(QuarantinedSeq::deviceId).thenComparingLong(QuarantinedSeq::seq));
        for (StoredEvent e : bySeq) {
            counters.sequenceGaps.add(sequences.observe(e.event().deviceId(), e.event().seq()));
        }
        for (QuarantinedSeq q : handledBySeq) {
            counters.sequenceGaps.add(sequences.observe(q.deviceId(), q.seq()));
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes.get(i) instanceof MessageVerifier.Accepted a) {
                board.eventReceived(a.deviceId(), batch.get(i).receivedAt());
            }
        }
        if (acks != null && (!events.isEmpty() || !handled.isEmpty())) {
            try {
                acks.stored(events, handled); // durable now: tell the devices
            } catch (StoreException e) {
                // the events are stored; the acknowledgement follows with the next append or gap check
                LOG.log(System.Logger.Level.WARNING, "cannot compute acknowledgements: " + e.getMessage());
            }
        }
        for (InboundMessage m : batch) {
            try {
                m.acknowledgement().ack();
            } catch (RuntimeException e) {
                // the connection went away: the broker re-delivers, the store ignores the duplicate
                LOG.log(System.Logger.Level.DEBUG, "acknowledgement failed: " + e.getMessage());
            }
            counters.acknowledged.increment();
        }
        signalProgress();
    }

    /**
     * Appends every accepted event in ONE append. When the store refuses that data (not an outage: a value it
     * cannot hold, or a failure no check foresaw), appends message by message instead and turns each message
     * whose events are refused into a {@link QuarantineReason#STORE_REFUSED} reject in {@code outcomes}, so one
     * poison message never holds up the others. An outage is retried with back-off as before.
     *
     * @return the sum of the appends, or {@code null} when closed meanwhile
     */
    private AppendResult appendIsolating(List<InboundMessage> batch, List<MessageVerifier.Outcome> outcomes)
            throws InterruptedException {
        List<StoredEvent> all = new ArrayList<>();
        for (MessageVerifier.Outcome o : outcomes) {
            if (o instanceof MessageVerifier.Accepted a) {
                all.addAll(a.events());
            }
        }
        long backoffMs = 100;
        while (running) {
            try {
                try {
                    return store.append(all);
                } catch (StoreException e) {
                    throw e; // an outage: retried below
                } catch (StoreRefusedException e) {
                    LOG.log(System.Logger.Level.WARNING, "store refused a batch of " + all.size() + " events ("
                            + e.getMessage() + "): appending message by message");
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "appending a batch of " + all.size() + " events failed unexpectedly ("
                            + e + "): appending message by message");
                }
                long added = 0;
                long duplicates = 0;
                for (int i = 0; i < outcomes.size(); i++) {
                    if (!(outcomes.get(i) instanceof MessageVerifier.Accepted a)) {
                        continue;
                    }
                    try {
                        AppendResult r = store.append(a.events());
                        added += r.added();
                        duplicates += r.duplicates();
                    } catch (StoreException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // event by event: only the events refused are quarantined (each alone, handled), the rest stored
                        InboundMessage m = batch.get(i);
                        List<StoredEvent> kept = new ArrayList<>();
                        List<MessageVerifier.QuarantinedEvent> quarantined = new ArrayList<>(a.quarantined());
                        int inMessage = a.events().size() + a.quarantined().size();
                        for (StoredEvent event : a.events()) {
                            RuntimeException refused = e; // a single event: its refusal is known
                            if (a.events().size() > 1) {
                                try {
                                    AppendResult r = store.append(List.of(event));
                                    added += r.added();
                                    duplicates += r.duplicates();
                                    kept.add(event);
                                    continue;
                                } catch (StoreException outage) {
                                    throw outage;
                                } catch (RuntimeException one) {
                                    refused = one;
                                }
                            }
                            QuarantineReason reason = refused instanceof StoreRefusedException
                                    ? QuarantineReason.STORE_REFUSED : QuarantineReason.INTERNAL_ERROR;
                            quarantined.add(MessageVerifier.QuarantinedEvent.of(m.topic(), event.signed(), inMessage,
                                    m.payload(), reason, "the store refused event " + event.eventId() + " (seq "
                                            + event.event().seq() + "): " + refused.getMessage(), m.receivedAt()));
                        }
                        outcomes.set(i, new MessageVerifier.Accepted(a.deviceId(), kept, quarantined));
                    }
                }
                return new AppendResult(Math.toIntExact(added), Math.toIntExact(duplicates));
            } catch (StoreException e) {
                backoffMs = backOff(e, backoffMs, all.size());
            }
        }
        return null;
    }

    /** Quarantines (a quarantine write), retrying an outage with back-off; {@code false} when closed meanwhile. */
    private boolean quarantineDurably(Runnable write) throws InterruptedException {
        long backoffMs = 100;
        while (running) {
            try {
                write.run();
                return true;
            } catch (StoreException e) {
                backoffMs = backOff(e, backoffMs, 0);
            }
        }
        return false;
    }

    private long backOff(StoreException e, long backoffMs, int events) throws InterruptedException {
        counters.storeFailures.increment();
        LOG.log(System.Logger.Level.WARNING, "store failed, retrying in " + backoffMs + " ms (" + events
                + " events unacknowledged): " + e.getMessage());
        lock.lock();
        try {
            progress.await(backoffMs, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
        return Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
    }

    /** Deletes quarantined messages past their retention or beyond the size bound, at most every ten minutes. */
    private void pruneQuarantine(Instant now) {
        if (lastPrune != null && now.isBefore(lastPrune.plus(PRUNE_EVERY))) {
            return;
        }
        lastPrune = now;
        QuarantineSettings q = settings.quarantine();
        try {
            long removed = store.pruneQuarantine(now.minus(q.retention()), q.maxMessages());
            if (removed > 0) {
                LOG.log(System.Logger.Level.INFO, "quarantine: deleted " + removed + " message(s) older than "
                        + q.retention().toDays() + " days or beyond the newest " + q.maxMessages());
            }
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "quarantine: pruning failed (retried later): " + e.getMessage());
        }
    }

    private List<MessageVerifier.Outcome> verifyAll(List<InboundMessage> batch) throws InterruptedException {
        int threads = settings.verifyThreads();
        if (threads == 1 || batch.size() < 8) {
            List<MessageVerifier.Outcome> out = new ArrayList<>(batch.size());
            for (InboundMessage m : batch) {
                out.add(verifier.check(m.topic(), m.payload(), m.receivedAt()));
            }
            return out;
        }
        int chunk = (batch.size() + threads - 1) / threads;
        List<Future<List<MessageVerifier.Outcome>>> parts = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += chunk) {
            List<InboundMessage> part = batch.subList(from, Math.min(batch.size(), from + chunk));
            parts.add(verifiers.submit(() -> {
                List<MessageVerifier.Outcome> out = new ArrayList<>(part.size());
                for (InboundMessage m : part) {
                    out.add(verifier.check(m.topic(), m.payload(), m.receivedAt()));
                }
                return out;
            }));
        }
        List<MessageVerifier.Outcome> all = new ArrayList<>(batch.size());
        for (Future<List<MessageVerifier.Outcome>> f : parts) {
            try {
                all.addAll(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("verification failed unexpectedly", e.getCause());
            }
        }
        return all;
    }

    private void signalProgress() {
        lock.lock();
        try {
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking work. A batch being stored finishes and is acknowledged; messages still queued are left
     * unacknowledged, so the broker delivers them again to whoever subscribes next.
     */
    @Override
    public void close() {
        running = false;
        if (gapChecks != null) {
            gapChecks.shutdownNow();
        }
        signalProgress();
        for (Thread t : List.of(verifyStage, storeStage)) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        verifiers.shutdownNow();
        queue.clear();
        if (!storeStage.isAlive()) {
            gate.logSummary(Instant.MAX, true); // the store stage is done with the gate: the last summary
        }
    }
}
