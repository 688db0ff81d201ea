package cn.xinan.device;

import cn.xinan.device.clock.ClockKeeper;
import cn.xinan.device.clock.MonotonicClock;
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
import cn.xinan.wire.DeviceHealth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>This class only drives its parts: {@link RoomDeviceWiring} builds them, {@link ClockKeeper} keeps events
 * right in time, {@link DeviceTimer} wakes the device at its deadlines, {@link HealthProbe} reads the machine.
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
    private final SignSwitch signSwitch; // null without one
    private final StatusLed led; // null without one
    private final ClockKeeper clockKeeper;
    private final RoomProgress progress;
    private final StaffAccess staffAccess;
    private final MonotonicClock monotonic;
    private final boolean heartbeatTimer;
    private final HealthProbe health;
    private DeviceTimer timer;
    private KioskServer kiosk;
    private final StuckSensorWatch sensorWatch;
    /** When the status with the device's health was last handed to the publisher (device clock); null before boot. */
    private Instant lastStatusAt;
    private volatile Phase phase = Phase.READY;

    private RoomDevice(DeviceConfig config, Clock clock, MonotonicClock monotonic, ClockSyncStatus clockSync,
                       Gpio gpio, boolean heartbeatTimer) {
        this.config = config;
        this.clock = clock;
        this.gpio = gpio;
        this.heartbeatTimer = heartbeatTimer;
        this.monotonic = monotonic;
        RoomDeviceWiring.Parts parts = RoomDeviceWiring.wire(config, clock, monotonic, clockSync, gpio, FIRMWARE_VERSION,
                this::onPresence, this::onSignTurn);
        this.outbox = parts.outbox();
        this.publisher = parts.publisher();
        this.recorder = parts.recorder();
        this.machine = parts.machine();
        this.clockKeeper = parts.clockKeeper();
        this.progress = parts.progress();
        this.staffAccess = parts.staffAccess();
        this.presence = parts.presence();
        this.signSwitch = parts.signSwitch().orElse(null);
        this.led = parts.led().orElse(null);
        this.health = new HealthProbe(config.outboxPath(), clock, parts, FIRMWARE_VERSION);
        this.sensorWatch = new StuckSensorWatch(presence.lastRawChange());
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
        clockKeeper.releaseEarlierRuns();
        Instant now = clock.instant();
        outbox.pruneHistory(now.minus(RoomProgress.KEPT));
        progress.reload(outbox.history(now.minus(RoomProgress.KEPT)));
        DeviceEvent boot = machine.boot(reason, outbox.lastEventAt().orElse(null));
        phase = Phase.RUNNING;
        lastStatusAt = clock.instant();
        publisher.reportHealth(deviceHealth());
        publisher.start();
        if (presence.occupied()) {
            machine.presence(true);
        }
        updateLed();
        if (heartbeatTimer) {
            timer = new DeviceTimer(config.deviceId(), clock, monotonic, this::nextDeadline, this::tick);
            timer.reschedule();
            if (led != null) {
                timer.every(LedPattern.BLINK_HALF_PERIOD, this::ledTick);
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
        sensorWatch.opened(e.at(), presence.lastRawChange());
        updateLed();
        return e;
    }

    private DeviceEvent closed(DeviceEvent e) {
        sensorWatch.closed(e.at(), presence.lastRawChange());
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
        statusIfDue(now);
        if (timer != null) {
            timer.reschedule();
        }
        return now;
    }

    /**
     * Every {@code status.interval} on the device clock (at the first input or tick after it passed; a jump over
     * several intervals sends one): the health goes to the publisher, which publishes the status when connected.
     */
    private void statusIfDue(Instant now) {
        if (lastStatusAt != null && !now.isBefore(lastStatusAt.plus(config.delivery().statusInterval()))) {
            lastStatusAt = now;
            publisher.reportHealth(deviceHealth());
            publisher.publishStatus();
        }
    }

    /**
     * The device's health as the status message carries it (docs/mqtt-contract.md, "Status schema 2"): the presence
     * sensor (open time without a change of its reading, read error), the clock (synchronised, for how long not),
     * the outbox (events waiting for a collector's acknowledgement, age of the oldest by the device clock).
     */
    public synchronized DeviceHealth deviceHealth() {
        Instant now = clock.instant();
        long depth = outbox.depth();
        long oldest = depth == 0 ? 0 : outbox.oldestPendingAt()
                .map(at -> DeviceHealth.clampSeconds(Duration.between(at, now).toSeconds())).orElse(0L);
        boolean synced = clockKeeper.isSynced();
        return new DeviceHealth(
                DeviceHealth.clampSeconds(sensorWatch.openUnchanged(now, presence.lastRawChange()).toSeconds()),
                presence.readError(), synced, synced ? 0 : DeviceHealth.clampSeconds(clockKeeper.unsyncedFor().toSeconds()),
                depth, oldest);
    }

    private Instant checkClock(Instant now) {
        return clockKeeper.check(now, machine);
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

    /**
     * Publishes the retained online status again at the clock's time now (a simulated device whose
     * clock caught up with real time); false when not connected.
     */
    public boolean announceOnline() {
        return publisher.announceOnline();
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
            if (timer != null) {
                timer.reschedule(); // a debounce or hold may now end before the next heartbeat
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
            if (timer != null) {
                timer.reschedule();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sign switch turn of " + config.deviceId() + " not recorded", e);
            throw e;
        }
    }

    /** The next heartbeat or end of a debounce or hold, whichever comes first: when the timer wakes. */
    private synchronized Instant nextDeadline() {
        return Stream.of(Optional.of(machine.nextHeartbeatDue()), presence.nextDeadline(),
                        signSwitch == null ? Optional.<Instant>empty() : signSwitch.nextDeadline())
                .flatMap(Optional::stream).min(Instant::compareTo).orElseThrow();
    }

    private void tick() {
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            try {
                catchUp(clock.instant());
                progress.prune(clock.instant());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "timer of " + config.deviceId() + " failed", e);
                timer.reschedule();
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
            timer.stop();
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
        return timer == null || timer.millisSinceLastTick() <= limit;
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
     * Whether the presence sensor looks stuck: the room is open and has been open for at least
     * {@code gpio.presence.stuckAfter} since the sensor's raw output last changed (open periods summed: a close
     * pauses the count, a change of the reading resets it; the same figure the status carries to the collector).
     */
    public synchronized boolean presenceSensorStuck() {
        return sensorWatch.open() && sensorWatch.openUnchanged(clock.instant(), presence.lastRawChange())
                .compareTo(config.presenceStuckAfter()) >= 0;
    }

    @Override
    public Map<String, Object> health() {
        return health.report(state(), presenceSensorStuck());
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
