package cn.xinan.collector.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded MQTT broker of the one-command start.
 *
 * <p>On a loopback {@code host} it listens there in plain TCP (and over TLS too, with {@code tls}). On any other
 * address (devices on the network must reach it) it needs both the access files and TLS: the TLS listener is
 * then the only one on {@code host}, and the plain listener stays on {@code 127.0.0.1} for the collector in the same
 * process, so no password crosses the network in clear text (docs/security.md).
 *
 * @param host        the address devices reach it on ({@code 127.0.0.1} unless devices on the network must reach it)
 * @param port        its plain TCP port
 * @param dataDir     where it keeps its configuration and (with {@link Persistence#FILE}) sessions, queued and
 *                    retained messages across restarts
 * @param persistence where sessions and messages live: on disk, or only in memory (a demo or replay that
 *                    starts afresh every time and must not fill the disk while it runs for days)
 * @param access      the password and ACL files it enforces; empty: anonymous clients may do anything (loopback only)
 * @param tls         its TLS listener, or empty for none (loopback only)
 */
public record BrokerSettings(String host, int port, Path dataDir, Persistence persistence,
                             Optional<BrokerAccessFiles> access, Optional<BrokerTls> tls) {
    /** HiveMQ CE's {@code <persistence><mode>}. */
    public enum Persistence {
        FILE("file"), IN_MEMORY("in-memory");

        private final String mode;

        Persistence(String mode) {
            this.mode = mode;
        }

        /** The value of HiveMQ's {@code <persistence><mode>} element. */
        public String mode() {
            return mode;
        }
    }

    /** Sessions and messages on disk in {@code dataDir}: what a collector that restarts needs; no access control. */
    public BrokerSettings(String host, int port, Path dataDir) {
        this(host, port, dataDir, Persistence.FILE, Optional.empty(), Optional.empty());
    }

    /** No access control. */
    public BrokerSettings(String host, int port, Path dataDir, Persistence persistence) {
        this(host, port, dataDir, persistence, Optional.empty(), Optional.empty());
    }

    public BrokerSettings withAccess(BrokerAccessFiles files) {
        return new BrokerSettings(host, port, dataDir, persistence, Optional.of(files), tls);
    }

    public BrokerSettings withTls(BrokerTls listener) {
        return new BrokerSettings(host, port, dataDir, persistence, access, Optional.of(listener));
    }

    public BrokerSettings {
        Objects.requireNonNull(persistence, "broker persistence is missing");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("broker.host is missing");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("broker.port must be between 1 and 65535, was " + port);
        }
        Objects.requireNonNull(dataDir, "broker.data-dir is missing");
        Objects.requireNonNull(access, "broker access is missing (use Optional.empty())");
        Objects.requireNonNull(tls, "broker TLS is missing (use Optional.empty())");
        if (tls.isPresent() && tls.get().port() == port) {
            throw new IllegalArgumentException("broker.tls-port and broker.port must differ, both were " + port);
        }
        if (!isLoopback(host) && (access.isEmpty() || tls.isEmpty())) {
            throw new IllegalArgumentException("broker.host " + host + " is not a loopback address: devices on the network "
                    + "reach the embedded broker only with " + (access.isEmpty() ? "broker.password-file and broker.acl-file"
                    + (tls.isEmpty() ? ", and " : "") : "") + (tls.isEmpty() ? "broker.tls-port, broker.tls-cert and broker.tls-key" : "")
                    + " set (docs/security.md)");
        }
    }

    /** Whether {@code host} is a loopback address ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}). */
    static boolean isLoopback(String host) {
        String h = host.strip();
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** The address of the plain listener: {@code host} when it is a loopback address, {@code 127.0.0.1} otherwise. */
    public String plainHost() {
        return isLoopback(host) ? host : "127.0.0.1";
    }

    /** The URL clients on this machine use to reach the plain listener (the collector's own connection). */
    public String url() {
        return "tcp://" + plainHost() + ":" + port;
    }

    /** The URL of the TLS listener ({@code 127.0.0.1} for a broker on every address), if there is one. */
    public Optional<String> tlsUrl() {
        return tls.map(t -> "ssl://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host) + ":" + t.port());
    }
}
