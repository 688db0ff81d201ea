package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.gpio.Gpio;
import cn.xinan.device.gpio.PresenceInput;
import cn.xinan.device.mqtt.MqttPublisher;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.room.ClockSyncStatus;
import cn.xinan.device.room.EventRecorder;
import cn.xinan.device.room.RoomState;
import cn.xinan.device.room.RoomStateMachine;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.wire.EventSigner;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
public final class RoomDevice implements AutoCloseable {
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
    private final boolean heartbeatTimer;
    private ScheduledExecutorService timer;
    private volatile Phase phase = Phase.READY;

    private RoomDevice(DeviceConfig config, Clock clock, ClockSyncStatus clockSync, Gpio gpio, boolean heartbeatTimer) {
        this.config = config;
        this.clock = clock;
        this.gpio = gpio;
        this.heartbeatTimer = heartbeatTimer;
        this.outbox = Outbox.open(config.outboxPath(), config.deviceId(), config.outboxSynchronous());
        try {
            EventSigner signer = new EventSigner(config.privateKey());
            this.publisher = new MqttPublisher(config.deviceId(), config.mqttUrl(), config.mqttPassword(),
                    config.reconnectMinDelay(), config.reconnectMaxDelay(), outbox, signer, clock, FIRMWARE_VERSION);
            this.recorder = new EventRecorder(config.deviceId(), signer, outbox, clockSync, publisher::wake);
            this.machine = new RoomStateMachine(recorder, clock, config.heartbeatInterval());
            this.presence = new PresenceInput(gpio, config.presencePin(), config.presenceActiveHigh(), this::onPresence);
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
        return create(config, clock, ClockSyncStatus.SYNCED, Gpio.simulated(), false);
    }

    /**
     * {@code --simulate} on the command line: mock GPIO, but a real-time clock with a heartbeat timer.
     */
    public static RoomDevice simulatedRealTime(DeviceConfig config, Clock clock) {
        return create(config, clock, ClockSyncStatus.SYNCED, Gpio.simulated(), true);
    }

    /**
     * A device on a Raspberry Pi (gpiod).
     *
     * @param gpioDeviceDir where the {@code gpiochip*} devices are, {@link Gpio#DEFAULT_DEVICE_DIR} on a Pi
     * @throws cn.xinan.device.gpio.GpioUnavailableException when there is no GPIO hardware (pointing to --simulate)
     */
    public static RoomDevice onHardware(DeviceConfig config, Clock clock, ClockSyncStatus clockSync, Path gpioDeviceDir) {
        return create(config, clock, clockSync, Gpio.hardware(gpioDeviceDir), true);
    }

    private static RoomDevice create(DeviceConfig config, Clock clock, ClockSyncStatus sync, Gpio gpio, boolean timer) {
        Objects.requireNonNull(config, "config is missing");
        Objects.requireNonNull(clock, "clock is missing");
        Objects.requireNonNull(sync, "clock sync status is missing");
        try {
            return new RoomDevice(config, clock, sync, gpio, timer);
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
        DeviceEvent boot = machine.boot(reason, outbox.lastEventAt().orElse(null));
        phase = Phase.RUNNING;
        publisher.start();
        if (presence.occupied()) {
            machine.presence(true);
        }
        if (heartbeatTimer) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("xinan-heartbeat-" + config.deviceId()).unstarted(r));
            scheduleHeartbeat();
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

    public synchronized DeviceEvent staffOpen(String staff) {
        requireRunning();
        return machine.staffOpen(staff);
    }

    public synchronized DeviceEvent staffClose(String staff) {
        requireRunning();
        return machine.staffClose(staff);
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
    public synchronized DeviceEvent checkIn(Purpose purpose, Stage stage) {
        requireRunning();
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
        return machine.advanceTo(instant);
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
            machine.advanceTo(clock.instant());
        }
        recorder.stop();
        phase = Phase.OFF;
        stopTimer();
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

    /** Events waiting in the outbox for the broker's acknowledgement. */
    public long outboxDepth() {
        if (outbox.isClosed()) {
            throw new IllegalStateException("device " + config.deviceId() + " is off: its outbox is closed");
        }
        return outbox.depth();
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
        publisher.close();
        outbox.close();
        gpio.close();
    }

    private void onPresence(boolean occupied) {
        if (phase != Phase.RUNNING) {
            return; // not booted or powered off: a sensor change records nothing
        }
        try {
            machine.presence(occupied);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "presence change of " + config.deviceId() + " not recorded", e);
            throw e;
        }
    }

    private void scheduleHeartbeat() {
        Duration wait = Duration.between(clock.instant(), machine.nextHeartbeatDue());
        long millis = Math.max(0, wait.toMillis());
        timer.schedule(this::heartbeatTick, millis, TimeUnit.MILLISECONDS);
    }

    private void heartbeatTick() {
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            try {
                machine.advanceTo(clock.instant());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "heartbeat of " + config.deviceId() + " not recorded", e);
            }
            scheduleHeartbeat();
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.shutdownNow();
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
