package cn.xinan.collector.ingest;

import cn.xinan.collector.store.AppendResult;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.provisioning.Registry;

import java.time.Duration;
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

    private void store(List<InboundMessage> batch, List<MessageVerifier.Outcome> outcomes) throws InterruptedException {
        List<StoredEvent> events = new ArrayList<>();
        List<QuarantinedMessage> rejected = new ArrayList<>();
        for (MessageVerifier.Outcome o : outcomes) {
            switch (o) {
                case MessageVerifier.Accepted a -> events.addAll(a.events());
                case MessageVerifier.Rejected r -> rejected.add(r.message());
            }
        }
        AppendResult result = storeDurably(events, rejected);
        if (result == null) {
            return; // closing: leave the batch unacknowledged, the broker delivers it again
        }
        counters.eventsReceived.add(events.size());
        counters.eventsStored.add(result.added());
        counters.duplicates.add(result.duplicates());
        for (QuarantinedMessage q : rejected) {
            counters.countQuarantined(q.reason());
            LOG.log(System.Logger.Level.WARNING, "quarantined message on " + q.topic() + " (" + q.reason().code() + "): "
                    + q.detail());
        }
        List<StoredEvent> bySeq = new ArrayList<>(events);
        bySeq.sort(Comparator.comparing((StoredEvent e) -> e.event().deviceId()).thenComparingLong(e -> e.event().seq()));
        for (StoredEvent e : bySeq) {
            counters.sequenceGaps.add(sequences.observe(e.event().deviceId(), e.event().seq()));
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes.get(i) instanceof MessageVerifier.Accepted a) {
                board.eventReceived(a.deviceId(), batch.get(i).receivedAt());
            }
        }
        if (acks != null && !events.isEmpty()) {
            try {
                acks.stored(events); // durable now: tell the devices
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

    /** Appends, then quarantines, retrying with back-off until both succeed; {@code null} when closed meanwhile. */
    private AppendResult storeDurably(List<StoredEvent> events, List<QuarantinedMessage> rejected) throws InterruptedException {
        long backoffMs = 100;
        while (running) {
            try {
                // events first: a retry after a failed quarantine write appends again, which is harmless
                AppendResult result = store.append(events);
                store.quarantine(rejected);
                return result;
            } catch (StoreException e) {
                counters.storeFailures.increment();
                LOG.log(System.Logger.Level.WARNING, "store failed, retrying in " + backoffMs + " ms (" + events.size()
                        + " events and " + rejected.size() + " rejects unacknowledged): " + e.getMessage());
                lock.lock();
                try {
                    progress.await(backoffMs, TimeUnit.MILLISECONDS);
                } finally {
                    lock.unlock();
                }
                backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
            }
        }
        return null;
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
    }
}
