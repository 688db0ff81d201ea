package cn.xinan.device;

import cn.xinan.device.clock.ClockKeeper;
import cn.xinan.device.clock.ClockWatch;
import cn.xinan.device.clock.MonotonicClock;
import cn.xinan.device.clock.Reanchoring;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.gpio.Gpio;
import cn.xinan.device.gpio.LevelFilter;
import cn.xinan.device.gpio.PresenceInput;
import cn.xinan.device.gpio.SignSwitch;
import cn.xinan.device.gpio.StatusLed;
import cn.xinan.device.kiosk.RoomProgress;
import cn.xinan.device.mqtt.MqttPublisher;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.room.ClockSyncStatus;
import cn.xinan.device.room.EventRecorder;
import cn.xinan.device.room.RoomStateMachine;
import cn.xinan.device.staff.StaffAccess;
import cn.xinan.wire.EventSigner;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Builds one room's firmware from its configuration: the outbox, the signer, the publisher, the recorder and
 * state machine, the clock keeper, the GPIO drivers, staff access and the kiosk's progress. {@link RoomDevice}
 * only drives them. If anything fails while building, what was opened is closed again.
 */
final class RoomDeviceWiring {
    /** Every collaborator of a {@link RoomDevice}; {@code signSwitch} and {@code led} are empty when not configured. */
    record Parts(Outbox outbox, MqttPublisher publisher, EventRecorder recorder, RoomStateMachine machine,
                 ClockKeeper clockKeeper, RoomProgress progress, StaffAccess staffAccess, PresenceInput presence,
                 Optional<SignSwitch> signSwitch, Optional<StatusLed> led) {
    }

    private RoomDeviceWiring() {
    }

    /**
     * @param onPresence told each presence change once its debounce and hold are over
     * @param onSignTurn told each turn of the sign switch once debounced
     */
    static Parts wire(DeviceConfig config, Clock clock, MonotonicClock monotonic, ClockSyncStatus clockSync, Gpio gpio,
                      String firmware, Consumer<LevelFilter.Change> onPresence, Consumer<LevelFilter.Change> onSignTurn) {
        Outbox outbox = Outbox.open(config.outboxPath(), config.deviceId(), config.outboxSynchronous());
        try {
            EventSigner signer = new EventSigner(config.privateKey());
            MqttPublisher publisher = new MqttPublisher(config.deviceId(), config.mqttUrl(), config.mqttPassword(),
                    config.reconnectMinDelay(), config.reconnectMaxDelay(), config.delivery().ackTimeout(), outbox, signer,
                    clock, firmware);
            RoomProgress progress = new RoomProgress(config.deviceId(), config.kiosk().progress());
            Reanchoring reanchoring = new Reanchoring(outbox, signer, clock, monotonic, UUID.randomUUID().toString(),
                    config.clockSettings().maxHold());
            ClockKeeper clockKeeper = new ClockKeeper(config.deviceId(), clock,
                    new ClockWatch(clock, monotonic, clockSync, config.clockSettings().jumpThreshold()), reanchoring,
                    config.clockSettings().maxHold(), retimed -> {
                        if (retimed) {
                            progress.reload(outbox.history(clock.instant().minus(RoomProgress.KEPT)));
                        }
                        publisher.wake();
                    });
            EventRecorder recorder = new EventRecorder(config.deviceId(), signer, outbox, clockSync, reanchoring::holdFor,
                    event -> {
                        progress.recorded(event);
                        publisher.wake();
                    }, new EventRecorder.OutboxLimit(config.delivery().outboxMaxEvents(),
                            config.delivery().fullHeartbeatInterval()));
            RoomStateMachine machine = new RoomStateMachine(recorder, clock, config.heartbeatInterval());
            StaffAccess staffAccess = new StaffAccess(config.staff().pins(), config.staff().lockoutFailures(),
                    config.staff().lockoutDuration(), clock, new SecureRandom());
            PresenceInput presence = new PresenceInput(gpio, config.presenceSettings(), clock, onPresence::accept);
            Optional<SignSwitch> signSwitch = config.signSwitch().map(s -> new SignSwitch(gpio, s, clock, onSignTurn::accept));
            Optional<StatusLed> led = config.statusLed().map(l -> new StatusLed(gpio, l, clock.instant()));
            return new Parts(outbox, publisher, recorder, machine, clockKeeper, progress, staffAccess, presence,
                    signSwitch, led);
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }
}
