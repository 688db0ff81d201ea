package cn.xinan.device.config;

import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
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
 */
public record DeviceConfig(String deviceId, Ed25519Keys.PrivateKey privateKey, String mqttUrl, String mqttPassword,
                           Path outboxPath, SynchronousMode outboxSynchronous, Duration heartbeatInterval,
                           Duration reconnectMinDelay, Duration reconnectMaxDelay,
                           int presencePin, boolean presenceActiveHigh) {

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

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(60);
    public static final int DEFAULT_PRESENCE_PIN = 17;
    /** BCM GPIO numbers on the 40-pin header of every supported Pi. */
    public static final int MAX_BCM_PIN = 27;

    private static final Set<String> KEYS = Set.of(DEVICE_ID, PRIVATE_KEY, MQTT_URL, MQTT_PASSWORD,
            MQTT_RECONNECT_MIN_DELAY, MQTT_RECONNECT_MAX_DELAY, OUTBOX_PATH, OUTBOX_SYNCHRONOUS, HEARTBEAT_INTERVAL,
            PRESENCE_PIN, PRESENCE_ACTIVE_LEVEL);
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
                reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh);
    }

    public DeviceConfig withHeartbeatInterval(Duration interval) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous, interval,
                reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh);
    }

    public DeviceConfig withReconnectDelays(Duration min, Duration max) {
        return new DeviceConfig(deviceId, privateKey, mqttUrl, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, min, max, presencePin, presenceActiveHigh);
    }

    public DeviceConfig withMqttUrl(String url) {
        return new DeviceConfig(deviceId, privateKey, url, mqttPassword, outboxPath, outboxSynchronous,
                heartbeatInterval, reconnectMinDelay, reconnectMaxDelay, presencePin, presenceActiveHigh);
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
        boolean activeHigh = true;
        String level = p.getProperty(PRESENCE_ACTIVE_LEVEL);
        if (level != null) {
            activeHigh = switch (level.trim().toLowerCase(Locale.ROOT)) {
                case "high" -> true;
                case "low" -> false;
                default -> throw new ConfigException(PRESENCE_ACTIVE_LEVEL, "'" + level + "' is not high or low");
            };
        }
        return new DeviceConfig(deviceId, key, url, password, outbox, sync, heartbeat, minDelay, maxDelay, pin, activeHigh);
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
