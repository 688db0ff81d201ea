package cn.xinan.collector.ingest;

import cn.xinan.wire.Topics;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the collector connects to the broker.
 *
 * @param url            {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param username       may be {@code null} (anonymous)
 * @param password       may be {@code null}; never logged
 * @param clientId       must be stable across restarts (the broker keeps the session under it) and different
 *                       for every replica
 * @param sharedGroup    the shared-subscription group all replicas join ({@value Topics#SHARED_GROUP}), or
 *                       {@code null} for a plain subscription: only for a collector that is alone by
 *                       construction, as with the embedded broker (see {@link #alone()})
 * @param sessionExpiry  how long the broker keeps this collector's session, and queues its messages, while it
 *                       is down
 * @param receiveMaximum QoS 1 messages the broker may have in flight to us unacknowledged; our batches must
 *                       fit in it several times over, or the pipeline idles waiting for the broker
 * @param connectTimeout how long {@code start} waits for the first connection before going on retrying in
 *                       the background
 * @param caFile         for {@code ssl://}: a PEM file of the CA certificate(s) the broker's certificate must chain to
 *                       ({@code mqtt.ca-file}); {@code null}: the JVM's trusted CAs
 */
public record MqttSettings(String url, String username, String password, String clientId, String sharedGroup,
                           Duration sessionExpiry, int receiveMaximum, Duration connectTimeout, java.nio.file.Path caFile) {
    /** Without a CA file of its own. */
    public MqttSettings(String url, String username, String password, String clientId, String sharedGroup,
                        Duration sessionExpiry, int receiveMaximum, Duration connectTimeout) {
        this(url, username, password, clientId, sharedGroup, sessionExpiry, receiveMaximum, connectTimeout, null);
    }

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public MqttSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("mqtt.url is missing");
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mqtt.url '" + url + "' is not a URL");
        }
        if (!"tcp".equals(u.getScheme()) && !"ssl".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
            throw new IllegalArgumentException("mqtt.url '" + url + "' must look like tcp://host:1883 or ssl://host:8883");
        }
        if (username != null && username.isBlank()) {
            username = null;
        }
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("mqtt.client-id '" + clientId
                    + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
        if (sharedGroup != null && !GROUP.matcher(sharedGroup).matches()) {
            throw new IllegalArgumentException("mqtt.shared-group '" + sharedGroup
                    + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
        Objects.requireNonNull(sessionExpiry, "mqtt.session-expiry is missing");
        if (sessionExpiry.isNegative() || sessionExpiry.toSeconds() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("mqtt.session-expiry must be between 0 and 4294967295 seconds, was "
                    + sessionExpiry);
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535) {
            throw new IllegalArgumentException("mqtt.receive-maximum must be between 1 and 65535, was " + receiveMaximum);
        }
        Objects.requireNonNull(connectTimeout, "mqtt.connect-timeout is missing");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("mqtt.connect-timeout must be positive, was " + connectTimeout);
        }
        if (caFile != null && !"ssl".equals(u.getScheme())) {
            throw new IllegalArgumentException("mqtt.ca-file is set but mqtt.url '" + url + "' is not ssl://");
        }
    }

    /** Anonymous, client id {@code xinan-collector}, group {@value Topics#SHARED_GROUP}, 7-day session. */
    public static MqttSettings anonymous(String url) {
        return new MqttSettings(url, null, null, "xinan-collector", Topics.SHARED_GROUP, Duration.ofDays(7), 2_000,
                Duration.ofSeconds(10));
    }

    public MqttSettings withClientId(String id) {
        return new MqttSettings(url, username, password, id, sharedGroup, sessionExpiry, receiveMaximum, connectTimeout, caFile);
    }

    /**
     * This collector's own account: user name, password, and the client id = the user name (a broker with
     * {@code use_username_as_clientid}, and the embedded one, require it).
     */
    public MqttSettings withCredentials(String user, String secret) {
        return new MqttSettings(url, user, secret, user, sharedGroup, sessionExpiry, receiveMaximum, connectTimeout, caFile);
    }

    /**
     * The same connection with a plain subscription instead of a shared one, for a collector that is the only
     * one by construction (the embedded broker of the one-command start). HiveMQ CE, the embedded broker, can
     * stop delivering QoS 1 messages of a shared subscription to a connected subscriber under load
     * (hivemq-community-edition issue 558, open); a plain subscription does not depend on that code path.
     */
    public MqttSettings alone() {
        return new MqttSettings(url, username, password, clientId, null, sessionExpiry, receiveMaximum, connectTimeout, caFile);
    }

    /** The subscription to every device's events: shared by the replicas' group, or plain when alone. */
    public String eventsFilter() {
        return sharedGroup == null ? Topics.EVENTS_FILTER : "$share/" + sharedGroup + "/" + Topics.EVENTS_FILTER;
    }

    @Override
    public String toString() {
        return "MqttSettings[url=" + url + ", username=" + username + ", password=" + (password == null ? "(none)" : "****")
                + ", clientId=" + clientId + ", sharedGroup=" + (sharedGroup == null ? "(none: plain subscription)" : sharedGroup) + ", sessionExpiry=" + sessionExpiry
                + ", receiveMaximum=" + receiveMaximum + ", connectTimeout=" + connectTimeout
                + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
