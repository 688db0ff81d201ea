package cn.xinan.collector.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded MQTT broker of the one-command start.
 *
 * @param host        the address it listens on ({@code 127.0.0.1} unless devices on the network must reach it)
 * @param port        its TCP port
 * @param dataDir     where it keeps its configuration and (with {@link Persistence#FILE}) sessions, queued and
 *                    retained messages across restarts
 * @param persistence where sessions and messages live: on disk, or only in memory (a demo or replay that
 *                    starts afresh every time and must not fill the disk while it runs for days)
 * @param access      the password and ACL files it enforces; empty: anonymous clients may do anything (loopback only)
 */
public record BrokerSettings(String host, int port, Path dataDir, Persistence persistence,
                             Optional<BrokerAccessFiles> access) {
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
        this(host, port, dataDir, Persistence.FILE, Optional.empty());
    }

    /** No access control. */
    public BrokerSettings(String host, int port, Path dataDir, Persistence persistence) {
        this(host, port, dataDir, persistence, Optional.empty());
    }

    public BrokerSettings withAccess(BrokerAccessFiles files) {
        return new BrokerSettings(host, port, dataDir, persistence, Optional.of(files));
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
    }

    /** The URL clients use to reach it. */
    public String url() {
        return "tcp://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }
}
