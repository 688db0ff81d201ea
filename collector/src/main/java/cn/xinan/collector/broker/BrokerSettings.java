package cn.xinan.collector.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded MQTT broker of the one-command start.
 *
 * @param host    the address it listens on ({@code 127.0.0.1} unless devices on the network must reach it)
 * @param port    its TCP port
 * @param dataDir where it keeps sessions, queued and retained messages across restarts
 * @param access  the password and ACL files it enforces; empty: anonymous clients may do anything (loopback only)
 */
public record BrokerSettings(String host, int port, Path dataDir, Optional<BrokerAccessFiles> access) {
    /** Without access control. */
    public BrokerSettings(String host, int port, Path dataDir) {
        this(host, port, dataDir, Optional.empty());
    }

    public BrokerSettings withAccess(BrokerAccessFiles files) {
        return new BrokerSettings(host, port, dataDir, Optional.of(files));
    }

    public BrokerSettings {
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
