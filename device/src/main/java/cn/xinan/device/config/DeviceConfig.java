package cn.xinan.device.config;

import cn.xinan.device.gpio.PresenceInput;
import cn.xinan.device.gpio.SignSwitch;
import cn.xinan.device.gpio.StatusLed;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.staff.PinHash;
import cn.xinan.device.staff.StaffAccess.StaffPin;
import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekPolicy;
import cn.xinan.rules.calendar.CalendarFileException;
import cn.xinan.rules.calendar.CalendarFiles;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device's configuration, parsed once at start from a Java properties file (UTF-8) and
 * validated here: every error is a {@link ConfigException} naming the key. {@link #toString()}
 * masks the private key and the broker password, so the effective configuration can be logged.
 * Keys and defaults: docs/device.md.
 *
 * @param deviceId            {@code device.id}: the device's id, also its MQTT user name and client id
 * @param privateKey          {@code device.privateKey}: Base64 of the 32-byte Ed25519 private key (secret)
 * @param mqttUrl             {@code mqtt.url}: {@code tcp://host:port} or {@code ssl://host:port}
 * @param mqttPassword        {@code mqtt.password}: the broker password (secret); empty for an anonymous broker
 * @param outboxPath          {@code outbox.path}: the SQLite outbox file
 * @param outboxSynchronous   {@code outbox.synchronous}: FULL (default), NORMAL or EXTRA
 * @param heartbeatInterval   {@code heartbeat.interval}: default 60s, at least 1s
 * @param reconnectMinDelay   {@code mqtt.reconnect.minDelay}: first retry delay after a failed connection, default 1s
 * @param reconnectMaxDelay   {@code mqtt.reconnect.maxDelay}: the retry delay doubles up to this, default 60s
 * @param presencePin         {@code gpio.presence.pin}: BCM number of the presence input, default 17
 * @param presenceActiveHigh  {@code gpio.presence.activeLevel}: {@code high} (default) or {@code low} means occupied
 * @param presenceDebounce    {@code gpio.presence.debounce}: a raw change counts once it held this long (default 0)
 * @param presenceHold        {@code gpio.presence.hold}: occupied lasts this long after the sensor last
 *                            went inactive (a PIR's hold time; default 0, right for mmWave modules)
 * @param presenceStuckAfter  {@code gpio.presence.stuckAfter}: no raw change for this long while the room is
 *                            open is reported as a stuck sensor (default 4h)
 * @param signSwitch          {@code gpio.sign.*}: the optional open/closed sign switch
 * @param statusLed           {@code gpio.led.*}: the optional status LED
 * @param kiosk               {@code room.name}, {@code room.openingHours}, {@code kiosk.*}, and what the kiosk's
 *                            progress figures are computed with: {@code rules.*}, {@code calendar.*}
 * @param staff               {@code staff.*}: PIN hashes and lockout
 * @param clockSettings       {@code clock.*}: sync detection, jump threshold, how long unsynced events wait
 * @param delivery            {@code mqtt.ackTimeout}, {@code outbox.maxEvents}, {@code outbox.fullHeartbeatInterval}
 */
public record DeviceConfig(String deviceId, Ed25519Keys.PrivateKey privateKey, String mqttUrl, String mqttPassword,
                           Path outboxPath, SynchronousMode outboxSynchronous, Duration heartbeatInterval,
                           Duration reconnectMinDelay, Duration reconnectMaxDelay,
                           int presencePin, boolean presenceActiveHigh,
                           Duration presenceDebounce, Duration presenceHold, Duration presenceStuckAfter,
                           Optional<SignSwitch.Settings> signSwitch, Optional<StatusLed.Settings> statusLed,
                           KioskSettings kiosk, StaffSettings staff, ClockSettings clockSettings,
                           DeliverySettings delivery) {

    public static final String DEVICE_ID = "device.id";
    public static final String PRIVATE_KEY = "device.privateKey";
    public static final String MQTT_URL = "mqtt.url";
    public static final String MQTT_PASSWORD = "mqtt.password";
    public static final String MQTT_RECONNECT_MIN_DELAY = "mqtt.reconnect.minDelay";
    public static final String MQTT_RECONNECT_MAX_DELAY = "mqtt.reconnect.maxDelay";
    public static final String OUTBOX_PATH = "outbox.path";
    public static final String OUTBOX_SYNCHRONOUS = "outbox.synchronous";
    public static final String HEARTBEAT_INTERVAL = "heartbeat.interval";
    public static final String PRESENCE_PIN = "gpio.presence.pin";
    public static final String PRESENCE_ACTIVE_LEVEL = "gpio.presence.activeLevel";
    public static final String PRESENCE_DEBOUNCE = "gpio.presence.debounce";
    public static final String PRESENCE_HOLD = "gpio.presence.hold";
    public static final String PRESENCE_STUCK_AFTER = "gpio.presence.stuckAfter";
    public static final String SIGN_PIN = "gpio.sign.pin";
    public static final String SIGN_OPEN_LEVEL = "gpio.sign.openLevel";
    public static final String SIGN_DEBOUNCE = "gpio.sign.debounce";
    public static final String SIGN_STAFF = "gpio.sign.staff";
    public static final String LED_PIN = "gpio.led.pin";
    public static final String LED_ACTIVE_LEVEL = "gpio.led.activeLevel";
    public static final String ROOM_NAME = "room.name";
    public static final String ROOM_OPENING_HOURS = "room.openingHours";
    public static final String KIOSK_PORT = "kiosk.port";
    public static final String KIOSK_IDLE_TIMEOUT = "kiosk.idleTimeout";
    public static final String KIOSK_TIME_ZONE = "kiosk.timeZone";
    public static final String RULES_DAILY_SECONDS = "rules.dailySeconds";
    public static final String RULES_WEEKLY_SECONDS = "rules.weeklySeconds";
    public static final String RULES_WEEK_POLICY = "rules.weekPolicy";
    public static final String RULES_UNATTENDED_GAP_SECONDS = "rules.unattendedGapSeconds";
    public static final String CALENDAR_FILE = "calendar.file";
    public static final String CALENDAR_SCHOOL_FILE = "calendar.schoolFile";
    public static final String CALENDAR_NATIONAL_DIR = "calendar.nationalDir";
    public static final String STAFF_PINS = "staff.pins";
    public static final String STAFF_LOCKOUT_FAILURES = "staff.lockout.failures";
    public static final String STAFF_LOCKOUT_DURATION = "staff.lockout.duration";
    public static final String CLOCK_SYNC_MARKER = "clock.syncMarker";
    public static final String CLOCK_JUMP_THRESHOLD = "clock.jumpThreshold";
    public static final String CLOCK_MAX_HOLD = "clock.maxHold";
    public static final String MQTT_ACK_TIMEOUT = "mqtt.ackTimeout";
    public static final String OUTBOX_MAX_EVENTS = "outbox.maxEvents";
    public static final String OUTBOX_FULL_HEARTBEAT_INTERVAL = "outbox.fullHeartbeatInterval";
    public static final String STATUS_INTERVAL = "status.interval";

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(60);
    public static final int DEFAULT_PRESENCE_PIN = 17;
    public static final Duration DEFAULT_PRESENCE_STUCK_AFTER = Duration.ofHours(4);
    public static final Duration DEFAULT_SIGN_DEBOUNCE = Duration.ofMillis(50);
    public static final String DEFAULT_SIGN_STAFF = "SIGN";
    /** BCM GPIO numbers on the 40-pin header of every supported Pi. */
    public static final int MAX_BCM_PIN = 27;

    private static final Set<String> KEYS = Set.of(DEVICE_ID, PRIVATE_KEY, MQTT_URL, MQTT_PASSWORD,
            MQTT_RECONNECT_MIN_DELAY, MQTT_RECONNECT_MAX_DELAY, OUTBOX_PATH, OUTBOX_SYNCHRONOUS, HEARTBEAT_INTERVAL,
            PRESENCE_PIN, PRESENCE_ACTIVE_LEVEL, PRESENCE_DEBOUNCE, PRESENCE_HOLD, PRESENCE_STUCK_AFTER, SIGN_PIN,
            SIGN_OPEN_LEVEL, SIGN_DEBOUNCE, SIGN_STAFF, LED_PIN, LED_ACTIVE_LEVEL, ROOM_NAME, ROOM_OPENING_HOURS,
            KIOSK_PORT, KIOSK_IDLE_TIMEOUT, STAFF_PINS, STAFF_LOCKOUT_FAILURES, STAFF_LOCKOUT_DURATION,
            CLOCK_SYNC_MARKER, CLOCK_JUMP_THRESHOLD, CLOCK_MAX_HOLD, KIOSK_TIME_ZONE, RULES_DAILY_SECONDS,
            RULES_WEEKLY_SECONDS, RULES_WEEK_POLICY, RULES_UNATTENDED_GAP_SECONDS, CALENDAR_FILE, CALENDAR_SCHOOL_FILE,
            CALENDAR_NATIONAL_DIR, MQTT_ACK_TIMEOUT, OUTBOX_MAX_EVENTS, OUTBOX_FULL_HEARTBEAT_INTERVAL,
            STATUS_INTERVAL);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    public DeviceConfig {
        try {
            DeviceEvent.checkDeviceId(deviceId);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(DEVICE_ID, e.getMessage());
        }
        if (privateKey == null) {
            throw new ConfigException(PRIVATE_KEY, "is missing");
        }
        checkMqttUrl(mqttUrl);
        mqttPassword = mqttPassword == null ? "" : mqttPassword;
        if (outboxPath == null) {
            throw new ConfigException(OUTBOX_PATH, "is missing");
        }
        if (outboxSynchronous == null) {
            throw new ConfigException(OUTBOX_SYNCHRONOUS, "is missing");
        }
        atLeast(HEARTBEAT_INTERVAL, heartbeatInterval, Duration.ofSeconds(1));
        atLeast(MQTT_RECONNECT_MIN_DELAY, reconnectMinDelay, Duration.ofMillis(10));
        atLeast(MQTT_RECONNECT_MAX_DELAY, reconnectMaxDelay, reconnectMinDelay);
        if (presencePin < 0 || presencePin > MAX_BCM_PIN) {
            throw new ConfigException(PRESENCE_PIN, "BCM pin must be 0 to " + MAX_BCM_PIN + ", was " + presencePin);
        }
        notNegative(PRESENCE_DEBOUNCE, presenceDebounce);
        notNegative(PRESENCE_HOLD, presenceHold);
        atLeast(PRESENCE_STUCK_AFTER, presenceStuckAfter, Duration.ofMinutes(1));
        signSwitch = Objects.requireNonNullElse(signSwitch, Optional.empty());
        statusLed = Objects.requireNonNullElse(statusLed, Optional.empty());
        if (signSwitch.isPresent()) {
            SignSwitch.Settings sign = signSwitch.get();
            checkPin(SIGN_PIN, sign.bcmPin());
            if (sign.bcmPin() == presencePin) {
                throw new ConfigException(SIGN_PIN, "BCM " + sign.bcmPin() + " is already " + PRESENCE_PIN);
            }
            notNegative(SIGN_DEBOUNCE, sign.debounce());
            try {
                DeviceEvent.checkDeviceId(sign.staffCode()); // a staff code is a token, like a device id
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SIGN_STAFF, "'" + sign.staffCode() + "' is not a staff code (1-64 of A-Z a-z 0-9 . _ : -)");
            }
        }
        if (statusLed.isPresent()) {
            int led = statusLed.get().bcmPin();
            checkPin(LED_PIN, led);
            if (led == presencePin) {
                throw new ConfigException(LED_PIN, "BCM " + led + " is already " + PRESENCE_PIN);
            }
            if (signSwitch.isPresent() && signSwitch.get().bcmPin() == led) {
                throw new ConfigException(LED_PIN, "BCM " + led + " is already " + SIGN_PIN);
            }
        }
        if (kiosk == null) {
            kiosk = KioskSettings.defaults(deviceId);
        }
        if (staff == null) {
            staff = StaffSettings.NONE;
        }
        if (clockSettings == null) {
            clockSettings = ClockSettings.DEFAULTS;
        }
        if (delivery == null) {
            delivery = DeliverySettings.DEFAULTS;
        }
    }

    /** The first issue's constructor: every later setting at its default. */
    public DeviceConfig(String deviceId, Ed25519Keys.PrivateKey privateKey, String mqttUrl, String mqttPassword,
                        Path outboxPath, SynchronousMode outboxSynchronous, Duration heartbeatInterval,
                        Duration reconnectMinDelay, Duration reconnectMaxDelay,
                        int presencePin, boolean presenceActiveHigh) {
        this(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous, heartbeatInterval,
                reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh, Duration.ZERO, Duration.ZERO,
                DEFAULT_PRESENCE_STUCK_AFTER, Optional.empty(), Optional.empty(), null, null, null, null);
    }

    /** The presence input's wiring and filter. */
    public PresenceInput.Settings presenceSettings() {
        return new PresenceInput.Settings(presencePin, presenceActiveHigh, presenceDebounce, presenceHold);
    }

    /**
     * A configuration with every default (what the scenario replay needs): FULL synchronous outbox,
     * 60 s heartbeats, reconnect 1 s to 60 s, presence on BCM 17 active high.
     */
    public static DeviceConfig of(String deviceId, Ed25519Keys.PrivateKey privateKey, String mqttUrl,
                                  String mqttPassword, Path outboxPath) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, SynchronousMode.FULL,
                DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_RECONNECT_MIN_DELAY, DEFAULT_RECONNECT_MAX_DELAY,
                DEFAULT_PRESENCE_PIN, true);
    }

    public DeviceConfig withOutboxSynchronous(SynchronousMode mode) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, mode, heartbeatInterval,
                reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh, presenceDebounce, presenceHold,
                presenceStuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings, delivery);
    }

    public DeviceConfig withHeartbeatInterval(Duration interval) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous, interval,
                reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh, presenceDebounce, presenceHold,
                presenceStuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings, delivery);
    }

    public DeviceConfig withReconnectDelays(Duration min, Duration max) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, min, max, presencePin, presenceActiveHigh, presenceDebounce, presenceHold,
                presenceStuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings, delivery);
    }

    public DeviceConfig withMqttUrl(String url) {
        return new DeviceConfig(deviceId, privateKey, url, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings, delivery);
    }

    /** The presence input's debounce, hold and stuck-sensor time. */
    public DeviceConfig withPresenceFilter(Duration debounce, Duration hold, Duration stuckAfter) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                debounce, hold, stuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings, delivery);
    }

    public DeviceConfig withSignSwitch(SignSwitch.Settings sign) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, Optional.ofNullable(sign), statusLed, kiosk, staff,
                clockSettings, delivery);
    }

    public DeviceConfig withStatusLed(StatusLed.Settings led) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, Optional.ofNullable(led), kiosk, staff,
                clockSettings, delivery);
    }

    public DeviceConfig withKiosk(KioskSettings newKiosk) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, statusLed, newKiosk, staff, clockSettings, delivery);
    }

    public DeviceConfig withStaff(StaffSettings newStaff) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, statusLed, kiosk, newStaff, clockSettings, delivery);
    }

    public DeviceConfig withDelivery(DeliverySettings newDelivery) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, statusLed, kiosk, staff, clockSettings,
                newDelivery);
    }

    public DeviceConfig withClockSettings(ClockSettings newClock) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh,
                presenceDebounce, presenceHold, presenceStuckAfter, signSwitch, statusLed, kiosk, staff, newClock, delivery);
    }

    /** Reads and validates a properties file (UTF-8). */
    public static DeviceConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(p);
    }

    /** Validates properties; unknown keys are errors too (a misspelt key must not silently fall back). */
    public static DeviceConfig parse(Properties p) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new ConfigException(key, "unknown key; known keys are " + new TreeSet<>(KEYS));
        }
        String deviceId = required(p, DEVICE_ID);
        Ed25519Keys.PrivateKey key;
        try {
            key = Ed25519Keys.privateKeyFromBase64(required(p, PRIVATE_KEY));
        } catch (IllegalArgumentException e) {
            // never echo the value: it is a secret
            throw new ConfigException(PRIVATE_KEY, "not a Base64 Ed25519 private key of 32 bytes (" + e.getMessage() + ")");
        }
        String url = required(p, MQTT_URL);
        String password = p.getProperty(MQTT_PASSWORD, "");
        Path outbox = Path.of(required(p, OUTBOX_PATH));
        SynchronousMode sync = SynchronousMode.FULL;
        if (p.getProperty(OUTBOX_SYNCHRONOUS) != null) {
            try {
                sync = SynchronousMode.parse(p.getProperty(OUTBOX_SYNCHRONOUS));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(OUTBOX_SYNCHRONOUS, e.getMessage());
            }
        }
        Duration heartbeat = duration(p, HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL);
        Duration minDelay = duration(p, MQTT_RECONNECT_MIN_DELAY, DEFAULT_RECONNECT_MIN_DELAY);
        Duration maxDelay = duration(p, MQTT_RECONNECT_MAX_DELAY, DEFAULT_RECONNECT_MAX_DELAY);
        int pin = DEFAULT_PRESENCE_PIN;
        String pinText = p.getProperty(PRESENCE_PIN);
        if (pinText != null) {
            try {
                pin = Integer.parseInt(pinText.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(PRESENCE_PIN, "'" + pinText + "' is not a BCM pin number");
            }
        }
        boolean activeHigh = level(p, PRESENCE_ACTIVE_LEVEL, true);
        Duration debounce = duration(p, PRESENCE_DEBOUNCE, Duration.ZERO);
        Duration hold = duration(p, PRESENCE_HOLD, Duration.ZERO);
        Duration stuckAfter = duration(p, PRESENCE_STUCK_AFTER, DEFAULT_PRESENCE_STUCK_AFTER);
        Optional<SignSwitch.Settings> sign = optionalPin(p, SIGN_PIN).map(signPin -> new SignSwitch.Settings(signPin,
                level(p, SIGN_OPEN_LEVEL, false), duration(p, SIGN_DEBOUNCE, DEFAULT_SIGN_DEBOUNCE),
                p.getProperty(SIGN_STAFF, DEFAULT_SIGN_STAFF).trim()));
        Optional<StatusLed.Settings> led = optionalPin(p, LED_PIN)
                .map(ledPin -> new StatusLed.Settings(ledPin, level(p, LED_ACTIVE_LEVEL, true)));
        KioskSettings kiosk = new KioskSettings(p.getProperty(ROOM_NAME, deviceId).trim(),
                p.getProperty(ROOM_OPENING_HOURS, "").trim(),
                integer(p, KIOSK_PORT, KioskSettings.DEFAULT_PORT),
                duration(p, KIOSK_IDLE_TIMEOUT, KioskSettings.DEFAULT_IDLE_TIMEOUT), timeZone(p), progress(p));
        StaffSettings staff = new StaffSettings(staffPins(p.getProperty(STAFF_PINS, "")),
                integer(p, STAFF_LOCKOUT_FAILURES, StaffSettings.DEFAULT_LOCKOUT_FAILURES),
                duration(p, STAFF_LOCKOUT_DURATION, StaffSettings.DEFAULT_LOCKOUT_DURATION));
        ClockSettings clockSettings = new ClockSettings(
                Path.of(p.getProperty(CLOCK_SYNC_MARKER, ClockSettings.DEFAULT_SYNC_MARKER.toString()).trim()),
                duration(p, CLOCK_JUMP_THRESHOLD, ClockSettings.DEFAULTS.jumpThreshold()),
                duration(p, CLOCK_MAX_HOLD, ClockSettings.DEFAULTS.maxHold()));
        return new DeviceConfig(deviceId, key, url, password, outbox, sync, heartbeat, minDelay, maxDelay, pin,
                activeHigh, debounce, hold, stuckAfter, sign, led, kiosk, staff, clockSettings, new DeliverySettings(
                duration(p, MQTT_ACK_TIMEOUT, DeliverySettings.DEFAULT_ACK_TIMEOUT),
                longValue(p, OUTBOX_MAX_EVENTS, DeliverySettings.DEFAULT_OUTBOX_MAX_EVENTS),
                duration(p, OUTBOX_FULL_HEARTBEAT_INTERVAL, DeliverySettings.DEFAULT_FULL_HEARTBEAT_INTERVAL),
                duration(p, STATUS_INTERVAL, DeliverySettings.DEFAULT_STATUS_INTERVAL)));
    }

    /** {@code kiosk.timeZone}: a zone id such as {@code Asia/Shanghai}, or {@code system} for the device's own. */
    private static ZoneId timeZone(Properties p) {
        String text = p.getProperty(KIOSK_TIME_ZONE);
        if (text == null || text.isBlank()) {
            return KioskSettings.DEFAULT_TIME_ZONE;
        }
        if (text.trim().equalsIgnoreCase("system")) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw new ConfigException(KIOSK_TIME_ZONE, "'" + text + "' is not a time zone such as Asia/Shanghai or system");
        }
    }

    /** {@code rules.*} and {@code calendar.*}: what the kiosk's progress figures are computed with. */
    private static ProgressSettings progress(Properties p) {
        RuleSettings rules = RuleSettings.defaults();
        Thresholds thresholds;
        try {
            thresholds = new Thresholds(integer(p, RULES_DAILY_SECONDS, (int) Thresholds.DEFAULT.dailySeconds()),
                    Thresholds.DEFAULT.weeklySeconds());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RULES_DAILY_SECONDS, e.getMessage());
        }
        try {
            thresholds = new Thresholds(thresholds.dailySeconds(),
                    integer(p, RULES_WEEKLY_SECONDS, (int) Thresholds.DEFAULT.weeklySeconds()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RULES_WEEKLY_SECONDS, e.getMessage());
        }
        rules = rules.withThresholdsForAllTiers(thresholds);
        String policy = p.getProperty(RULES_WEEK_POLICY);
        if (policy != null) {
            try {
                rules = rules.withWeekPolicy(WeekPolicy.parse(policy));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(RULES_WEEK_POLICY, e.getMessage());
            }
        }
        try {
            rules = rules.withUnattendedGapSeconds(integer(p, RULES_UNATTENDED_GAP_SECONDS, (int) rules.unattendedGapSeconds()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RULES_UNATTENDED_GAP_SECONDS, e.getMessage());
        }
        List<String> sources = new ArrayList<>();
        NationalCalendar national = NationalCalendar.bundled();
        sources.add("bundled national schedule");
        Optional<Path> nationalDir = optionalPath(p, CALENDAR_NATIONAL_DIR);
        if (nationalDir.isPresent()) {
            national = calendarFile(CALENDAR_NATIONAL_DIR, () -> NationalCalendar.load(nationalDir.get()));
            sources.set(0, "national schedule (bundled + " + nationalDir.get() + ")");
        }
        List<CalendarLayer> layers = new ArrayList<>();
        for (String key : List.of(CALENDAR_FILE, CALENDAR_SCHOOL_FILE)) {
            Optional<Path> file = optionalPath(p, key);
            if (file.isPresent()) {
                layers.add(calendarFile(key, () -> CalendarFiles.readLayer(file.get())));
                sources.add(file.get().toString());
            }
        }
        return new ProgressSettings(rules, SchoolCalendar.of(national, layers), String.join(" + ", sources));
    }

    private static <T> T calendarFile(String key, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (CalendarFileException e) {
            throw new ConfigException(key, e.getMessage(), e);
        }
    }

    private static Optional<Path> optionalPath(Properties p, String key) {
        String text = p.getProperty(key);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(Path.of(text.trim()));
    }

    /** {@code CODE:HASH[,CODE:HASH…]}; the message never repeats a hash (secret). */
    static List<StaffPin> staffPins(String text) {
        List<StaffPin> pins = new ArrayList<>();
        if (text.isBlank()) {
            return pins;
        }
        String[] entries = text.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new ConfigException(STAFF_PINS, "entry " + (i + 1) + " is not CODE:HASH");
            }
            String code = entry.substring(0, colon).trim();
            try {
                DeviceEvent.checkDeviceId(code);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(STAFF_PINS, "entry " + (i + 1) + ": '" + code
                        + "' is not a staff code (1-64 of A-Z a-z 0-9 . _ : -)");
            }
            try {
                pins.add(new StaffPin(code, PinHash.parse(entry.substring(colon + 1))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(STAFF_PINS, "entry " + (i + 1) + " (" + code + "): " + e.getMessage());
            }
        }
        return pins;
    }

    private static boolean level(Properties p, String key, boolean fallbackHigh) {
        String level = p.getProperty(key);
        if (level == null) {
            return fallbackHigh;
        }
        return switch (level.trim().toLowerCase(Locale.ROOT)) {
            case "high" -> true;
            case "low" -> false;
            default -> throw new ConfigException(key, "'" + level + "' is not high or low");
        };
    }

    private static int integer(Properties p, String key, int fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + text + "' is not a whole number");
        }
    }

    private static long longValue(Properties p, String key, long fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + text + "' is not a whole number");
        }
    }

    private static Optional<Integer> optionalPin(Properties p, String key) {
        String text = p.getProperty(key);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + text + "' is not a BCM pin number");
        }
    }

    private static void checkPin(String key, int pin) {
        if (pin < 0 || pin > MAX_BCM_PIN) {
            throw new ConfigException(key, "BCM pin must be 0 to " + MAX_BCM_PIN + ", was " + pin);
        }
    }

    private static void notNegative(String key, Duration value) {
        if (value == null) {
            throw new ConfigException(key, "is missing");
        }
        if (value.isNegative()) {
            throw new ConfigException(key, "must not be negative, was " + value);
        }
    }

    /** The effective configuration, secrets masked, one key per entry (for the start-up log). */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DEVICE_ID, deviceId);
        m.put(PRIVATE_KEY, "****** (public " + privateKey.publicKey().toBase64() + ")");
        m.put(MQTT_URL, mqttUrl);
        m.put(MQTT_PASSWORD, mqttPassword.isEmpty() ? "(none)" : "******");
        m.put(MQTT_RECONNECT_MIN_DELAY, reconnectMinDelay.toString());
        m.put(MQTT_RECONNECT_MAX_DELAY, reconnectMaxDelay.toString());
        m.put(OUTBOX_PATH, outboxPath.toString());
        m.put(OUTBOX_SYNCHRONOUS, outboxSynchronous.name());
        m.put(HEARTBEAT_INTERVAL, heartbeatInterval.toString());
        m.put(PRESENCE_PIN, Integer.toString(presencePin));
        m.put(PRESENCE_ACTIVE_LEVEL, presenceActiveHigh ? "high" : "low");
        m.put(PRESENCE_DEBOUNCE, presenceDebounce.toString());
        m.put(PRESENCE_HOLD, presenceHold.toString());
        m.put(PRESENCE_STUCK_AFTER, presenceStuckAfter.toString());
        m.put(SIGN_PIN, signSwitch.map(s -> Integer.toString(s.bcmPin())).orElse("(none)"));
        signSwitch.ifPresent(s -> {
            m.put(SIGN_OPEN_LEVEL, s.openHigh() ? "high" : "low");
            m.put(SIGN_DEBOUNCE, s.debounce().toString());
            m.put(SIGN_STAFF, s.staffCode());
        });
        m.put(LED_PIN, statusLed.map(l -> Integer.toString(l.bcmPin())).orElse("(none)"));
        statusLed.ifPresent(l -> m.put(LED_ACTIVE_LEVEL, l.activeHigh() ? "high" : "low"));
        m.put(ROOM_NAME, kiosk.roomName());
        m.put(ROOM_OPENING_HOURS, kiosk.openingHours());
        m.put(KIOSK_PORT, Integer.toString(kiosk.port()));
        m.put(KIOSK_IDLE_TIMEOUT, kiosk.idleTimeout().toString());
        m.put(KIOSK_TIME_ZONE, kiosk.timeZone().getId());
        RuleSettings rules = kiosk.progress().rules();
        m.put(RULES_DAILY_SECONDS, Long.toString(rules.thresholdsFor(Tier.UNRATED).dailySeconds()));
        m.put(RULES_WEEKLY_SECONDS, Long.toString(rules.thresholdsFor(Tier.UNRATED).weeklySeconds()));
        m.put(RULES_WEEK_POLICY, rules.weekPolicy().wireName());
        m.put(RULES_UNATTENDED_GAP_SECONDS, Long.toString(rules.unattendedGapSeconds()));
        m.put("calendar.*", kiosk.progress().calendarSource());
        m.put(STAFF_PINS, staff.pins().isEmpty() ? "(none: staff mode unavailable)"
                : staff.pins().stream().map(s -> s.code() + ":******").toList().toString());
        m.put(STAFF_LOCKOUT_FAILURES, Integer.toString(staff.lockoutFailures()));
        m.put(STAFF_LOCKOUT_DURATION, staff.lockoutDuration().toString());
        m.put(CLOCK_SYNC_MARKER, clockSettings.syncMarker().toString());
        m.put(CLOCK_JUMP_THRESHOLD, clockSettings.jumpThreshold().toString());
        m.put(CLOCK_MAX_HOLD, clockSettings.maxHold().toString());
        m.put(MQTT_ACK_TIMEOUT, delivery.ackTimeout().toString());
        m.put(OUTBOX_MAX_EVENTS, Long.toString(delivery.outboxMaxEvents()));
        m.put(OUTBOX_FULL_HEARTBEAT_INTERVAL, delivery.fullHeartbeatInterval().toString());
        m.put(STATUS_INTERVAL, delivery.statusInterval().toString());
        return m;
    }

    /** Masks the secrets. */
    @Override
    public String toString() {
        return "DeviceConfig" + describe();
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key, "is missing");
        }
        return v.trim();
    }

    /** {@code 60s}, {@code 500ms}, {@code 5m}, {@code 1h} or ISO-8601 such as {@code PT60S}. */
    static Duration duration(Properties p, String key, Duration fallback) {
        String text = p.getProperty(key);
        if (text == null) {
            return fallback;
        }
        String t = text.trim();
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, "'" + text + "' is not a duration such as 60s, 500ms, 5m or PT60S");
        }
    }

    private static void atLeast(String key, Duration value, Duration min) {
        if (value == null) {
            throw new ConfigException(key, "is missing");
        }
        if (value.compareTo(min) < 0) {
            throw new ConfigException(key, "must be at least " + min + ", was " + value);
        }
    }

    private static void checkMqttUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new ConfigException(MQTT_URL, "is missing");
        }
        try {
            URI uri = new URI(url);
            String scheme = Objects.requireNonNullElse(uri.getScheme(), "");
            if (!Set.of("tcp", "ssl").contains(scheme) || uri.getHost() == null || uri.getPort() < 1) {
                throw new ConfigException(MQTT_URL, "'" + url + "' is not tcp://host:port or ssl://host:port");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(MQTT_URL, "'" + url + "' is not a URL: " + e.getReason());
        }
    }
}
