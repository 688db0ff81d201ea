package cn.xinan.device;

import cn.xinan.device.clock.ClockWatch;
import cn.xinan.device.clock.MonotonicClock;
import cn.xinan.device.clock.Reanchoring;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.gpio.Gpio;
import cn.xinan.device.gpio.LedPattern;
import cn.xinan.device.gpio.LevelFilter;
import cn.xinan.device.gpio.PresenceInput;
import cn.xinan.device.gpio.SignSwitch;
import cn.xinan.device.gpio.StatusLed;
import cn.xinan.device.kiosk.KioskBackend;
import cn.xinan.device.kiosk.KioskServer;
import cn.xinan.device.kiosk.RoomProgress;
import cn.xinan.device.mqtt.MqttPublisher;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.room.ClockSyncStatus;
import cn.xinan.device.room.EventRecorder;
import cn.xinan.device.room.RoomState;
import cn.xinan.device.room.RoomStateMachine;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.device.staff.StaffAccess;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.EventSigner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One room's device: the firmware wired together. Inputs go to the {@link RoomStateMachine}, which
 * records signed events into the durable {@link Outbox}; the {@link MqttPublisher} delivers them.
 *
 * <p>Lifecycle: a factory opens the outbox and the GPIO; {@link #boot} records the boot event and
 * starts delivery; {@link #powerOff()} is an abrupt power loss, {@link #close()} an orderly stop.
 * After either, a new {@code RoomDevice} may boot on the same outbox file: its sequence numbers
 * continue and its boot event carries the previous run's last event time.
 *
 * <p>With a {@link SimulatedClock} ({@link #simulated}) time moves only through {@link #advanceTo}
 * (heartbeats are recorded then, each at its own time); otherwise a timer records heartbeats as
 * the clock reaches them.
 */
public final class RoomDevice implements AutoCloseable, KioskBackend {
    public static final String FIRMWARE_VERSION = "0.1.0";
    private static final System.Logger LOG = System.getLogger(RoomDevice.class.getName());

    private enum Phase { READY, RUNNING, DELIVERING, OFF }

    private final DeviceConfig config;
    private final Clock clock;
    private final Gpio gpio;
    private final Outbox outbox;
    private final MqttPublisher publisher;
    private final EventRecorder recorder;
    private final RoomStateMachine machine;
    private final PresenceInput presence;
    private final SignSwitch signSwitch;
    private final StatusLed led;
    private final ClockWatch clockWatch;
    private final Reanchoring reanchoring;
    private final RoomProgress progress;
    private final StaffAccess staffAccess;
    private final boolean heartbeatTimer;
    private final Instant startedAt;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> nextTick;
    private KioskServer kiosk;
    private Instant openSince;
    private volatile long lastTickMonotonicMillis;
    private final MonotonicClock monotonic;
    private volatile Phase phase = Phase.READY;

    private RoomDevice(DeviceConfig config, Clock clock, MonotonicClock monotonic, ClockSyncStatus clockSync,
                       Gpio gpio, boolean heartbeatTimer) {
        this.config = config;
        this.clock = clock;
        this.gpio = gpio;
        this.heartbeatTimer = heartbeatTimer;
        this.startedAt = clock.instant();
        this.monotonic = monotonic;
        this.lastTickMonotonicMillis = monotonic.millis();
        this.outbox = Outbox.open(config.outboxPath(), config.deviceId(), config.outboxSynchronous());
        try {
            EventSigner signer = new EventSigner(config.privateKey());
            this.publisher = new MqttPublisher(config.deviceId(), config.mqttUrl(), config.mqttPassword(),
                    config.reconnectMinDelay(), config.reconnectMaxDelay(), config.delivery().ackTimeout(), outbox, signer,
                    clock, FIRMWARE_VERSION);
            this.clockWatch = new ClockWatch(clock, monotonic, clockSync, config.clockSettings().jumpThreshold());
            this.reanchoring = new Reanchoring(outbox, signer, clock, monotonic, UUID.randomUUID().toString(),
                    config.clockSettings().maxHold());
            this.progress = new RoomProgress(config.deviceId(), RuleSettings.defaults(),
                    SchoolCalendar.of(NationalCalendar.bundled()));
            this.recorder = new EventRecorder(config.deviceId(), signer, outbox, clockSync, reanchoring::holdFor,
                    event -> {
                        progress.recorded(event);
                        publisher.wake();
                    }, new EventRecorder.OutboxLimit(config.delivery().outboxMaxEvents(),
                            config.delivery().fullHeartbeatInterval()));
            this.machine = new RoomStateMachine(recorder, clock, config.heartbeatInterval());
            this.staffAccess = new StaffAccess(config.staff().pins(), config.staff().lockoutFailures(),
                    config.staff().lockoutDuration(), clock, new SecureRandom());
            this.presence = new PresenceInput(gpio, config.presenceSettings(), clock, this::onPresence);
            this.signSwitch = config.signSwitch().map(s -> new SignSwitch(gpio, s, clock, this::onSignTurn)).orElse(null);
            this.led = config.statusLed().map(l -> new StatusLed(gpio, l, clock.instant())).orElse(null);
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    /**
     * A device for the scenario replay and tests: mock GPIO (presence is driven through the Pi4J mock
     * pin), the given simulated clock (may be shared by many devices), clock always synchronised.
     */
    public static RoomDevice simulated(DeviceConfig config, SimulatedClock clock) {
        return create(config, clock, MonotonicClock.of(clock), ClockSyncStatus.SYNCED, Gpio.simulated(), false);
    }

    /**
     * A simulated device whose wall clock, monotonic clock and sync status the caller controls (tests of
     * time without a battery clock): mock GPIO, no timer (time moves through {@link #advanceTo}).
     */
    public static RoomDevice simulated(DeviceConfig config, Clock wall, MonotonicClock monotonic,
                                       ClockSyncStatus clockSync) {
        return create(config, wall, monotonic, clockSync, Gpio.simulated(), false);
    }

    /**
     * {@code --simulate} on the command line: mock GPIO, but a real-time clock with a heartbeat timer.
     */
    public static RoomDevice simulatedRealTime(DeviceConfig config, Clock clock) {
        return create(config, clock, MonotonicClock.SYSTEM, ClockSyncStatus.SYNCED, Gpio.simulated(), true);
    }

    /**
     * A device on a Raspberry Pi (gpiod).
     *
     * @param gpioDeviceDir where the {@code gpiochip*} devices are, {@link Gpio#DEFAULT_DEVICE_DIR} on a Pi
     * @throws cn.xinan.device.gpio.GpioUnavailableException when there is no GPIO hardware (pointing to --simulate)
     */
    public static RoomDevice onHardware(DeviceConfig config, Clock clock, ClockSyncStatus clockSync, Path gpioDeviceDir) {
        return create(config, clock, MonotonicClock.SYSTEM, clockSync, Gpio.hardware(gpioDeviceDir), true);
    }

    private static RoomDevice create(DeviceConfig config, Clock clock, MonotonicClock monotonic, ClockSyncStatus sync,
                                     Gpio gpio, boolean timer) {
        Objects.requireNonNull(config, "config is missing");
        Objects.requireNonNull(clock, "clock is missing");
        Objects.requireNonNull(sync, "clock sync status is missing");
        try {
            return new RoomDevice(config, clock, monotonic, sync, gpio, timer);
        } catch (RuntimeException e) {
            gpio.close();
            throw e;
        }
    }

    /**
     * Boots: records the boot event (room closed, presence vacant; {@code previousAliveAt} = the
     * last event time in the outbox), then starts delivering. If the sensor already reports
     * occupied, that is recorded right after.
     *
     * @param reason for example {@code power_on}
     */
    public synchronized DeviceEvent boot(String reason) {
        requirePhase(Phase.READY, "boot");
        int stale = reanchoring.releaseStale(); // an earlier run's unsynced events can no longer be re-timed
        if (stale > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} events of an earlier run were recorded before its clock "
                    + "was synchronised; sent as they are (flagged unsynchronised)", config.deviceId(), stale);
        }
        Instant now = clock.instant();
        outbox.pruneHistory(now.minus(RoomProgress.KEPT));
        progress.reload(outbox.history(now.minus(RoomProgress.KEPT)));
        DeviceEvent boot = machine.boot(reason, outbox.lastEventAt().orElse(null));
        phase = Phase.RUNNING;
        publisher.start();
        if (presence.occupied()) {
            machine.presence(true);
        }
        updateLed();
        if (heartbeatTimer) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("xinan-timer-" + config.deviceId()).unstarted(r));
            scheduleTick();
            if (led != null) {
                timer.scheduleAtFixedRate(this::ledTick, LedPattern.BLINK_HALF_PERIOD.toMillis(),
                        LedPattern.BLINK_HALF_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} booted ({1}), seq {2}", config.deviceId(), reason, boot.seq());
        return boot;
    }

    /**
     * Delivers what the outbox holds without booting (nothing is recorded): for a replay that ends
     * with this room powered off but must still hand over everything buffered.
     */
    public synchronized void deliverOnly() {
        requirePhase(Phase.READY, "deliver");
        recorder.stop();
        phase = Phase.DELIVERING;
        publisher.start();
    }

    @Override
    public synchronized DeviceEvent staffOpen(String staff) {
        requireRunning();
        Instant now = catchUp(clock.instant());
        return opened(machine.staffOpen(staff, now));
    }

    @Override
    public synchronized DeviceEvent staffClose(String staff) {
        requireRunning();
        Instant now = catchUp(clock.instant());
        return closed(machine.staffClose(staff, now));
    }

    private DeviceEvent opened(DeviceEvent e) {
        if (openSince == null) {
            openSince = e.at();
        }
        updateLed();
        return e;
    }

    private DeviceEvent closed(DeviceEvent e) {
        openSince = null;
        updateLed();
        return e;
    }

    /**
     * Simulated mode: turns the open/closed sign switch (through its Pi4J mock pin).
     *
     * @throws IllegalStateException when no sign switch is configured
     */
    public void signSwitch(boolean open) {
        synchronized (this) {
            requireRunning();
            if (signSwitch == null) {
                throw new IllegalStateException("no sign switch configured (" + DeviceConfig.SIGN_PIN + ")");
            }
        }
        signSwitch.simulate(open);
    }

    /**
     * The presence sensor reports {@code occupied}: in simulated mode this drives the Pi4J mock pin,
     * and the event comes through the real input path. A level already known records nothing.
     */
    public void presence(boolean occupied) {
        synchronized (this) {
            requireRunning();
        }
        presence.simulate(occupied);
    }

    /** An anonymous student check-in; purpose and stage are optional ({@code null}). */
    @Override
    public synchronized DeviceEvent checkIn(Purpose purpose, Stage stage) {
        requireRunning();
        catchUp(clock.instant());
        return machine.checkIn(purpose, stage);
    }

    /**
     * Moves a simulated clock to {@code instant} (a shared clock already there stays) and records
     * every heartbeat due at or before it, each at its own time.
     *
     * @return how many heartbeats were recorded
     */
    public synchronized int advanceTo(Instant instant) {
        requireRunning();
        if (clock instanceof SimulatedClock simulated && simulated.instant().isBefore(instant)) {
            simulated.advanceTo(instant);
        }
        long before = recorder.recordedThisRun();
        catchUp(instant);
        return (int) (recorder.recordedThisRun() - before);
    }

    /**
     * Brings everything up to {@code now}: first the clock (a jump moves the heartbeat schedule; the
     * first sync re-times held events), then, in time order, the sensor and switch changes whose debounce
     * or hold ended and the heartbeats due, each at its own time.
     *
     * @return {@code now}, or the clock's time after a jump was detected
     */
    private Instant catchUp(Instant now) {
        now = checkClock(now);
        while (true) {
            Optional<Instant> due = Stream.of(presence.nextDeadline(),
                            signSwitch == null ? Optional.<Instant>empty() : signSwitch.nextDeadline())
                    .flatMap(Optional::stream).min(Instant::compareTo);
            if (due.isEmpty() || due.get().isAfter(now)) {
                break;
            }
            machine.advanceTo(due.get());
            presence.advanceTo(due.get());
            if (signSwitch != null) {
                signSwitch.advanceTo(due.get());
            }
        }
        machine.advanceTo(now);
        updateLed();
        if (heartbeatTimer && timer != null) {
            scheduleTick();
        }
        return now;
    }

    private Instant checkClock(Instant now) {
        Optional<ClockWatch.Jump> jump = clockWatch.checkJump();
        if (jump.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the wall clock jumped by {1} (detected at {2}); heartbeats "
                    + "follow the new time", config.deviceId(), jump.get().size(), jump.get().detectedAt());
            machine.clockJumped(jump.get().size());
            now = clock.instant();
        }
        switch (clockWatch.checkSync()) {
            case BECAME_SYNCED -> {
                var retimed = reanchoring.reanchor();
                if (!retimed.isEmpty()) {
                    progress.reload(outbox.history(clock.instant().minus(RoomProgress.KEPT)));
                    LOG.log(System.Logger.Level.INFO, "{0}: clock synchronised; {1} events recorded before were "
                            + "re-timed (seq {2} to {3})", config.deviceId(), retimed.size(), retimed.get(0).seq(),
                            retimed.get(retimed.size() - 1).seq());
                }
                publisher.wake();
            }
            case UNSYNCED -> {
                if (reanchoring.releaseStale() > 0) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: the clock has not been synchronised for {1}; events "
                            + "recorded meanwhile are sent as they are", config.deviceId(),
                            config.clockSettings().maxHold());
                    publisher.wake();
                }
            }
            case SYNCED -> { }
        }
        return now;
    }

    /**
     * Abrupt power loss at the clock's current time: heartbeats due by then have happened; nothing
     * more is recorded or published; the outbox file stays as it is; resources are released so a
     * new device can boot on the same outbox.
     */
    public synchronized void powerOff() {
        if (phase == Phase.OFF) {
            return;
        }
        if (phase == Phase.RUNNING) {
            catchUp(clock.instant());
        }
        recorder.stop();
        phase = Phase.OFF;
        stopTimer();
        stopKiosk();
        publisher.halt();
        outbox.close();
        gpio.close();
        LOG.log(System.Logger.Level.INFO, "{0} powered off", config.deviceId());
    }

    /** Simulates the network going down: recording goes on, publishing stops. */
    public void networkDown() {
        publisher.networkDown();
    }

    /** The network is back: the backlog is delivered (in batches). */
    public void networkUp() {
        publisher.networkUp();
    }

    /** Events waiting in the outbox for a collector's acknowledgement. */
    public long outboxDepth() {
        if (outbox.isClosed()) {
            throw new IllegalStateException("device " + config.deviceId() + " is off: its outbox is closed");
        }
        return outbox.depth();
    }

    /**
     * The highest sequence number in a message the broker acknowledged (PUBACK) in this run: taken by the
     * broker, which says nothing of whether a collector stored it.
     */
    public long brokerTookThrough() {
        return publisher.brokerTookThrough();
    }

    /** The highest sequence number a collector acknowledged as stored (0 until one did). */
    public long acknowledgedThrough() {
        return publisher.acknowledgedThrough();
    }

    /** Events ever recorded on this device's outbox (its last sequence number), across restarts. */
    public long recordedCount() {
        return recorder.recordedTotal();
    }

    /** Events recorded since this device booted. */
    public long recordedThisRun() {
        return recorder.recordedThisRun();
    }

    /** The room as the device sees it; {@code null} before boot. */
    public RoomState state() {
        return machine.state();
    }

    public boolean isPoweredOn() {
        return phase == Phase.RUNNING;
    }

    public boolean isConnected() {
        return publisher.isConnected();
    }

    public String deviceId() {
        return config.deviceId();
    }

    /** Orderly stop: publishes the offline status, disconnects, closes the outbox and the GPIO. */
    @Override
    public synchronized void close() {
        if (phase == Phase.OFF) {
            return;
        }
        recorder.stop();
        phase = Phase.OFF;
        stopTimer();
        stopKiosk();
        publisher.close();
        outbox.close();
        gpio.close();
    }

    private synchronized void onPresence(LevelFilter.Change change) {
        if (phase != Phase.RUNNING) {
            return; // not booted or powered off: a sensor change records nothing
        }
        try {
            machine.presence(change.active(), change.at());
            if (heartbeatTimer && timer != null) {
                scheduleTick(); // a debounce or hold may now end before the next heartbeat
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "presence change of " + config.deviceId() + " not recorded", e);
            throw e;
        }
    }

    private synchronized void onSignTurn(LevelFilter.Change turn) {
        if (phase != Phase.RUNNING) {
            return;
        }
        String staff = config.signSwitch().orElseThrow().staffCode();
        try {
            if (turn.active()) {
                opened(machine.staffOpen(staff, turn.at()));
            } else {
                closed(machine.staffClose(staff, turn.at()));
            }
            if (heartbeatTimer && timer != null) {
                scheduleTick();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sign switch turn of " + config.deviceId() + " not recorded", e);
            throw e;
        }
    }

    /** The timer wakes at the next heartbeat or the end of a debounce or hold, whichever comes first. */
    private synchronized void scheduleTick() {
        Instant due = Stream.of(Optional.of(machine.nextHeartbeatDue()), presence.nextDeadline(),
                        signSwitch == null ? Optional.<Instant>empty() : signSwitch.nextDeadline())
                .flatMap(Optional::stream).min(Instant::compareTo).orElseThrow();
        long millis = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        nextTick = timer.schedule(this::tick, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            try {
                lastTickMonotonicMillis = monotonic.millis();
                catchUp(clock.instant());
                progress.prune(clock.instant());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "timer of " + config.deviceId() + " failed", e);
                scheduleTick();
            }
        }
    }

    private void ledTick() {
        if (phase == Phase.RUNNING) {
            updateLed();
        }
    }

    /** Shows the room state and the broker connection on the status LED (if there is one). */
    private void updateLed() {
        if (led != null) {
            RoomState s = machine.state();
            led.show(LedPattern.of(s != null && s.open(), publisher.isConnected()), clock.instant());
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void stopKiosk() {
        if (kiosk != null) {
            kiosk.close();
            kiosk = null;
        }
    }

    /**
     * Starts the kiosk screen's web server on 127.0.0.1 ({@code kiosk.port}).
     *
     * @return the screen's address
     */
    public synchronized URI startKiosk() {
        if (kiosk == null) {
            kiosk = new KioskServer(config.kiosk(), staffAccess, this, FIRMWARE_VERSION);
        }
        return kiosk.uri();
    }

    @Override
    public Status status() {
        RoomState s;
        synchronized (this) {
            s = machine.state();
        }
        return new Status(s != null && s.open(), publisher.isConnected(), progress.at(clock.instant()));
    }

    /**
     * For the systemd watchdog: running, outbox open, and (with a timer) the timer ticked within two
     * heartbeat intervals (it ticks at least once per interval).
     */
    public boolean isHealthy() {
        if (phase != Phase.RUNNING || outbox.isClosed()) {
            return false;
        }
        long limit = 2 * config.heartbeatInterval().toMillis() + 10_000;
        return !heartbeatTimer || monotonic.millis() - lastTickMonotonicMillis <= limit;
    }

    /** The status LED's pattern, empty when there is no LED. */
    public Optional<LedPattern> ledPattern() {
        return Optional.ofNullable(led).map(StatusLed::pattern);
    }

    /** Whether the status LED is lit now (read back from its pin), empty when there is no LED. */
    public synchronized Optional<Boolean> ledLit() {
        if (led == null) {
            return Optional.empty();
        }
        led.refresh(clock.instant());
        return Optional.of(led.isLit());
    }

    /**
     * Whether the presence sensor looks stuck: the room has been open for at least
     * {@code gpio.presence.stuckAfter} and the sensor's raw output has not changed for that long.
     */
    public synchronized boolean presenceSensorStuck() {
        if (openSince == null) {
            return false;
        }
        Instant lastRaw = presence.lastRawChange();
        Instant since = lastRaw.isAfter(openSince) ? lastRaw : openSince;
        return !clock.instant().isBefore(since.plus(config.presenceStuckAfter()));
    }

    @Override
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("network", publisher.isConnected());
        h.put("outboxDepth", outbox.isClosed() ? null : outbox.depth());
        h.put("clockSynced", clockWatch.isSynced());
        h.put("lastClockJump", clockWatch.lastJump().map(j -> j.detectedAt() + " (" + j.size() + ")").orElse(null));
        h.put("heldEvents", outbox.isClosed() ? null : (long) outbox.held().size());
        h.put("acknowledgedThrough", publisher.acknowledgedThrough());
        h.put("heartbeatsThinned", recorder.heartbeatsThinned());
        h.put("heartbeatsSkippedDiskFull", recorder.heartbeatsSkippedDiskFull());
        RoomState s = state();
        h.put("presence", s != null && s.occupied());
        h.put("lastPresenceChange", presence.lastRawChange());
        h.put("sensorStuck", presenceSensorStuck());
        h.put("diskFreeMB", diskFreeMegabytes());
        h.put("cpuTemperatureC", cpuTemperature());
        h.put("firmware", FIRMWARE_VERSION);
        h.put("uptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
        return h;
    }

    private Long diskFreeMegabytes() {
        try {
            Path dir = config.outboxPath().toAbsolutePath().getParent();
            FileStore store = Files.getFileStore(dir);
            return store.getUsableSpace() / (1024 * 1024);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The SoC temperature from the Linux thermal zone (millidegrees), {@code null} where there is none. */
    private static Double cpuTemperature() {
        Path zone = Path.of("/sys/class/thermal/thermal_zone0/temp");
        try {
            return Long.parseLong(Files.readString(zone).trim()) / 1000.0;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void requireRunning() {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException("device " + config.deviceId() + " is not running (" + phase.name().toLowerCase()
                    + "): nothing is recorded");
        }
    }

    private void requirePhase(Phase expected, String what) {
        if (phase != expected) {
            throw new IllegalStateException("device " + config.deviceId() + " cannot " + what + " when "
                    + phase.name().toLowerCase());
        }
    }

    /** For tests and diagnostics. */
    Optional<Instant> lastEventAt() {
        return outbox.lastEventAt();
    }
}
