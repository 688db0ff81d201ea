package cn.xinan.collector.warnings;

import cn.xinan.collector.PeriodicTask;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.WeekResult;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evaluates every room's warning conditions on the live data and delivers what they raise (docs/warnings.md).
 *
 * <p>Each {@link #tick()} reads every registered room's report (this week and the three before it) and last sign of
 * life, finds the conditions with {@link WarningRules}, opens a warning for a condition not yet open (once per room,
 * kind and day; again only after it cleared), clears warnings whose condition no longer holds, sends due deliveries
 * outside the quiet hours with retries and backoff, and sends each school's daily digest. It runs on its own thread:
 * a slow or dead webhook never touches ingest, and events keep being stored while warnings wait.
 *
 * <p>Several collector replicas on one store may each run it: with a {@link Lease} in the store, only the replica
 * holding it evaluates and delivers, from the state the store keeps ({@link WarningBook#in}); the others read that
 * state again at each tick (for the API) and take over when the holder's lease lapses (docs/warnings.md, "Several
 * replicas").
 */
public final class WarningService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WarningService.class.getName());
    private static final ZoneId ZONE = RulesEngine.ZONE;
    /** How many weeks before the current one each room's report covers (usual hours, changed verdicts). */
    static final int WEEKS_BACK = 3;

    /** A room's report for a period (the collector's VerdictService). */
    @FunctionalInterface
    public interface Reports {
        RoomReport report(String roomId, LocalDate from, LocalDate to);
    }

    /** When a room's devices were last heard from, if known. */
    @FunctionalInterface
    public interface SignsOfLife {
        Optional<Instant> lastSeen(String roomId);
    }

    /** The latest health each of a room's devices reported (those that reported one). */
    @FunctionalInterface
    public interface DeviceHealths {
        List<DeviceReport> of(String roomId);
    }

    /** Delivers one message to one target. */
    @FunctionalInterface
    public interface Sender {
        void send(WebhookTarget target, Message message) throws DeliveryException;
    }

    private final WarningSettings settings;
    private final Registry registry;
    private final Reports reports;
    private final SignsOfLife signsOfLife;
    private final DeviceHealths deviceHealths;
    private final WarningBook book;
    private final Sender sender;
    private final Clock clock;
    private final WarningRules rules;
    private final Instant startedAt;
    private final AtomicLong failedEvaluations = new AtomicLong();
    /** Null: this service is the only one (the replay, a test). */
    private final Lease lease;
    private PeriodicTask task;

    /** Without device health reports (the replay: it has the events only). */
    public WarningService(WarningSettings settings, RulesEngine engine, Registry registry, Reports reports,
                          SignsOfLife signsOfLife, WarningBook book, Sender sender, Clock clock) {
        this(settings, engine, registry, reports, signsOfLife, room -> List.of(), book, sender, clock);
    }

    /** The only warning service on its store. */
    public WarningService(WarningSettings settings, RulesEngine engine, Registry registry, Reports reports,
                          SignsOfLife signsOfLife, DeviceHealths deviceHealths, WarningBook book, Sender sender,
                          Clock clock) {
        this(settings, engine, registry, reports, signsOfLife, deviceHealths, book, sender, clock, null);
    }

    /**
     * One of the replicas sharing {@code book}'s store: it evaluates and delivers only while it holds {@code lease}
     * (null: it is the only one).
     */
    public WarningService(WarningSettings settings, RulesEngine engine, Registry registry, Reports reports,
                          SignsOfLife signsOfLife, DeviceHealths deviceHealths, WarningBook book, Sender sender,
                          Clock clock, Lease lease) {
        this.lease = lease;
        this.deviceHealths = Objects.requireNonNull(deviceHealths, "deviceHealths is missing");
        this.settings = Objects.requireNonNull(settings, "settings are missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.reports = Objects.requireNonNull(reports, "reports are missing");
        this.signsOfLife = Objects.requireNonNull(signsOfLife, "signsOfLife is missing");
        this.book = Objects.requireNonNull(book, "book is missing");
        this.sender = Objects.requireNonNull(sender, "sender is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.rules = new WarningRules(settings, engine);
        this.startedAt = clock.instant();
    }

    /** Ticks every {@code warnings.evaluate-every-seconds} on a thread of its own. */
    public synchronized WarningService start() {
        if (task == null) {
            task = PeriodicTask.start("xinan-warnings", null, this::tickLogged, settings.evaluateEvery(),
                    settings.evaluateEvery());
        }
        return this;
    }

    public List<Warning> warnings() {
        return book.warnings();
    }

    public List<Digest> digests() {
        return book.digests();
    }

    /** Rooms whose conditions could not be evaluated (their reports failed), since start. */
    public long failedEvaluations() {
        return failedEvaluations.get();
    }

    private void tickLogged() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "warnings: a run failed and is retried at the next one: " + e.getMessage(), e);
        }
    }

    /**
     * One evaluation and delivery round, on the caller's thread; with a lease, only by its holder (the others read the
     * shared state again).
     */
    public void tick() {
        if (lease != null) {
            Lease.Standing standing = lease.hold();
            if (standing != Lease.Standing.KEPT) {
                book.reload(); // taken over: what the replica before did; elsewhere: for the API
            }
            if (standing == Lease.Standing.ELSEWHERE) {
                return;
            }
        }
        Instant now = clock.instant();
        LocalDateTime local = LocalDateTime.ofInstant(now, ZONE);
        LocalDate today = local.toLocalDate();
        LocalDate monday = WeekResult.mondayOf(today);
        Set<String> schoolsInSession = new HashSet<>();
        // the open warnings by room, read once a tick (a room's reconcile only clears its own)
        Map<String, List<Warning>> openByRoom = new java.util.HashMap<>();
        for (Warning w : book.warnings()) {
            if (w.state() == Warning.State.OPEN) {
                openByRoom.computeIfAbsent(w.roomId(), r -> new ArrayList<>()).add(w);
            }
        }
        for (RoomRecord room : registry.rooms()) {
            RoomReport report;
            try {
                report = reports.report(room.roomId(), monday.minusWeeks(WEEKS_BACK), monday.plusDays(6));
            } catch (RuntimeException e) {
                failedEvaluations.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "warnings: room " + room.roomId() + " not evaluated: " + e.getMessage());
                continue;
            }
            for (WeekResult week : WarningRules.finishedWeeks(new RoomSituation(room, report, now, Map.of()), today)) {
                book.reportOnce(room.roomId(), WarningRules.mondayOfWeek(week), week.verdict());
            }
            report.days().stream().filter(d -> d.date().equals(today)).findFirst()
                    .filter(DayResult::schoolDay).ifPresent(d -> schoolsInSession.add(room.school()));
            Instant lastSeen = signsOfLife.lastSeen(room.roomId()).orElse(startedAt);
            RoomSituation situation = new RoomSituation(room, report, lastSeen, book.reportedVerdicts(room.roomId()),
                    deviceHealths.of(room.roomId()));
            reconcile(room, rules.check(situation, now), openByRoom.getOrDefault(room.roomId(), List.of()), now, today,
                    monday);
        }
        digests(local, schoolsInSession);
        deliver(now, local);
        book.forgetBefore(monday.minusWeeks(WEEKS_BACK + 1));
    }

    private void reconcile(RoomRecord room, WarningRules.Evaluation evaluation, List<Warning> openBefore, Instant now,
                           LocalDate today, LocalDate monday) {
        Set<String> holding = new HashSet<>();
        for (Condition c : evaluation.holding()) {
            holding.add(c.id());
            Optional<Warning> latest = book.latest(c.id());
            if (latest.isPresent() && latest.get().state() == Warning.State.OPEN) {
                if (!latest.get().text().equals(c.text())) {
                    book.update(latest.get().id(), w -> w.withText(c.text()));
                }
                continue;
            }
            int occurrence = latest.map(w -> w.occurrence() + 1).orElse(1);
            List<Delivery> deliveries = new ArrayList<>();
            for (WebhookTarget t : settings.targets()) {
                if (t.scope().covers(room) && t.hears(c.kind())) {
                    deliveries.add(Delivery.pending(t.name(), now));
                }
            }
            book.put(new Warning(c.id() + "#" + occurrence, room.roomId(), room.school(), room.county(), c.kind(),
                    c.key(), c.text(), now, Warning.State.OPEN, null, "", deliveries));
            LOG.log(System.Logger.Level.INFO, "warning raised: " + c.id() + " (" + deliveries.size() + " targets)");
        }
        for (Warning w : openBefore) {
            if (!holding.contains(w.conditionId())) {
                boolean over = switch (w.kind()) {
                    case DAY_BEHIND, DEVICE_SILENT, SENSOR_STUCK, CLOCK_UNSYNCED, OUTBOX_BACKLOG -> w.key().isBefore(today);
                    case WEEK_AT_RISK -> w.key().isBefore(monday);
                    case VERDICT_CHANGED -> w.key().isBefore(monday.minusWeeks(WEEKS_BACK));
                };
                if (over || evaluation.checked().contains(w.conditionId())) {
                    book.update(w.id(), x -> x.cleared(now, over ? "period_over" : "resolved"));
                }
            }
        }
    }

    private void digests(LocalDateTime local, Set<String> schoolsInSession) {
        if (settings.digestAt().isEmpty() || local.toLocalTime().isBefore(settings.digestAt().get())) {
            return;
        }
        LocalDate today = local.toLocalDate();
        Map<String, List<Warning>> bySchool = new LinkedHashMap<>();
        for (Warning w : book.warnings()) {
            boolean today_ = LocalDateTime.ofInstant(w.raisedAt(), ZONE).toLocalDate().equals(today);
            if (today_ || w.state() == Warning.State.OPEN) {
                bySchool.computeIfAbsent(w.school(), s -> new ArrayList<>()).add(w);
            }
        }
        Instant now = clock.instant();
        for (String school : schoolsInSession) {
            if (book.hasDigest(school, today)) {
                continue;
            }
            List<Warning> listed = bySchool.getOrDefault(school, List.of());
            List<Delivery> deliveries = new ArrayList<>();
            if (!listed.isEmpty()) {
                Optional<RoomRecord> anyRoom = registry.rooms().stream().filter(r -> r.school().equals(school)).findFirst();
                for (WebhookTarget t : settings.targets()) {
                    if (anyRoom.isPresent() && t.scope().covers(anyRoom.get()) && t.getsDigest()) {
                        deliveries.add(Delivery.pending(t.name(), now));
                    }
                }
            }
            book.put(new Digest(school, today, digestText(school, today, listed), deliveries));
        }
    }

    private String digestText(String school, LocalDate today, List<Warning> listed) {
        if (listed.isEmpty()) {
            return school + " " + today + "：今日无提醒。";
        }
        StringBuilder sb = new StringBuilder(school + " " + today + " 共 " + listed.size() + " 条提醒：");
        for (Warning w : listed) {
            String name = registry.room(w.roomId()).map(RoomRecord::name).orElse(w.roomId());
            sb.append("\n- ").append(name).append("：").append(w.kind().chineseTitle())
                    .append(w.state() == Warning.State.OPEN ? "（未解除）" : "（已解除）");
        }
        return sb.toString();
    }

    private void deliver(Instant now, LocalDateTime local) {
        if (settings.quietHours().isPresent() && settings.quietHours().get().contains(local.toLocalTime())) {
            return;
        }
        Map<String, WebhookTarget> targets = new LinkedHashMap<>();
        settings.targets().forEach(t -> targets.put(t.name(), t));
        for (Warning w : book.warnings()) {
            for (Delivery d : w.deliveries()) {
                WebhookTarget t = targets.get(d.target());
                if (d.state() == Delivery.State.PENDING && !d.nextAttemptAt().isAfter(now) && t != null) {
                    if (!mayAct()) {
                        return;
                    }
                    Delivery after = attempt(t, warningMessage(w), d, now);
                    book.update(w.id(), x -> x.withDeliveries(replace(x.deliveries(), after)));
                }
            }
        }
        for (Digest g : book.digests()) {
            for (Delivery d : g.deliveries()) {
                WebhookTarget t = targets.get(d.target());
                if (d.state() == Delivery.State.PENDING && !d.nextAttemptAt().isAfter(now) && t != null) {
                    if (!mayAct()) {
                        return;
                    }
                    Delivery after = attempt(t, digestMessage(g), d, now);
                    book.updateDigest(g.id(), x -> x.withDeliveries(replace(x.deliveries(), after)));
                }
            }
        }
    }

    /** Whether this service may send now: it is the only one, or it holds the lease by a fresh reading of the clock. */
    private boolean mayAct() {
        return lease == null || lease.held();
    }

    private Delivery attempt(WebhookTarget target, Message message, Delivery d, Instant now) {
        try {
            sender.send(target, message);
            return d.delivered(now);
        } catch (DeliveryException e) {
            boolean giveUp = d.attempts() + 1 >= settings.maxAttempts();
            LOG.log(System.Logger.Level.WARNING, "warning " + message.id() + " to " + target.name() + ": attempt "
                    + (d.attempts() + 1) + (giveUp ? " failed, given up: " : " failed, retried: ") + e.getMessage());
            return d.failed(e.getMessage(), now.plus(settings.backoffAfter(d.attempts() + 1)), giveUp, now);
        }
    }

    private static List<Delivery> replace(List<Delivery> all, Delivery changed) {
        return all.stream().map(d -> d.target().equals(changed.target()) ? changed : d).toList();
    }

    private Message warningMessage(Warning w) {
        String roomName = registry.room(w.roomId()).map(RoomRecord::name).orElse(w.roomId());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", w.kind().wireName());
        fields.put("room", w.roomId());
        fields.put("school", w.school());
        fields.put("county", w.county());
        fields.put("key", w.key().toString());
        fields.put("raisedAt", w.raisedAt().toString());
        return new Message(w.id(), "【心安提醒】" + w.kind().chineseTitle() + "｜" + roomName, w.text(),
                roomLink(w.roomId()), fields);
    }

    private Message digestMessage(Digest g) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", "digest");
        fields.put("school", g.school());
        fields.put("date", g.date().toString());
        return new Message(g.id(), "【心安每日汇总】" + g.school() + " " + g.date(), g.text(),
                settings.linkBase() + "#school=" + g.school(), fields);
    }

    /** The web UI's address of a room, as every message links it. */
    public String roomLink(String roomId) {
        return settings.linkBase() + "#room=" + roomId;
    }

    /** Stops ticking and gives the lease up, so another replica takes the warnings over at its next tick. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.close();
            task = null;
        }
        if (lease != null) {
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "warnings: the lease was not released (another replica takes it"
                        + " over when it lapses): " + e.getMessage());
            }
        }
    }
}
