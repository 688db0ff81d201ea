package cn.xinan.collector.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The embedded MQTT broker of the one-command start.
 *
 * @param host    the address it listens on ({@code 127.0.0.1} unless devices on the network must reach it)
 * @param port    its TCP port
 * @param dataDir where it keeps sessions, queued and retained messages across restarts
 */
public record BrokerSettings(String host, int port, Path dataDir) {
    public BrokerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("broker.host is missing");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("broker.port must be between 1 and 65535, was " + port);
        }
        Objects.requireNonNull(dataDir, "broker.data-dir is missing");
    }

    /** The URL clients use to reach it. */
    public String url() {
        return "tcp://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }
}
