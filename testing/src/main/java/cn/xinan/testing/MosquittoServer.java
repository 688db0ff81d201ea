package cn.xinan.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Mosquitto 2 broker on 127.0.0.1 and a free port. Anonymous by default; with
 * {@link #withAuth(Path, Path)} it uses a password file and an ACL file (as provisioning generates).
 * Queues and in-flight windows are raised from Mosquitto's defaults (1000 queued, 20 in flight),
 * which drop QoS 1 messages for a slow subscriber: production configuration does the same.
 *
 * <pre>
 * try (MosquittoServer broker = MosquittoServer.startAnonymous()) {
 *     String url = broker.url(); // tcp://127.0.0.1:NNNNN
 * }
 * </pre>
 */
public final class MosquittoServer extends ExternalServer {
    public static final String BINARY = "/usr/sbin/mosquitto";

    private Path passwordFile;
    private Path aclFile;
    private java.util.function.IntFunction<String> listenerConfig;

    private MosquittoServer() {
        super("mosquitto");
    }

    public static MosquittoServer startAnonymous() {
        MosquittoServer server = new MosquittoServer();
        server.start();
        return server;
    }

    /** Starts with a password file and an ACL file (Mosquitto formats), no anonymous access, client id = user name. */
    public static MosquittoServer startWithAuth(Path passwordFile, Path aclFile) {
        MosquittoServer server = new MosquittoServer();
        server.passwordFile = passwordFile;
        server.aclFile = aclFile;
        server.start();
        return server;
    }

    /**
     * Starts with a configuration of its own (listeners, authentication, TLS, as provisioning generates it):
     * {@code listenerConfig} gets the free port and returns the lines to add to the persistence and log settings.
     */
    public static MosquittoServer startWithConfig(java.util.function.IntFunction<String> listenerConfig) {
        MosquittoServer server = new MosquittoServer();
        server.listenerConfig = listenerConfig;
        server.start();
        return server;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    protected List<String> command() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        StringBuilder c = new StringBuilder();
        if (listenerConfig == null) {
            c.append("listener ").append(port).append(" 127.0.0.1\n");
        }
        // Started as root (a CI machine), Mosquitto runs as user "mosquitto" unless told otherwise, and that user can
        // neither write this test's private data folder (every save failed, "Permission denied", so a restart "with
        // persistence" came back with nothing) nor read the files a test generates. It keeps the user it was started as
        // (installed, the files are root:mosquitto 640, docs/provisioning.md).
        c.append("user ").append(System.getProperty("user.name")).append('\n');
        c.append("persistence true\n")
                .append("persistence_location ").append(dir).append("/\n")
                .append("autosave_interval 1\n")
                .append("max_inflight_messages 1000\n")
                .append("max_queued_messages 1000000\n")
                .append("max_queued_bytes 0\n")
                .append("max_packet_size 1048576\n")
                .append("log_dest stdout\n")
                .append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n")
                // connections, subscriptions and their ends: what a post-mortem of a fault test needs
                .append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n")
                .append("log_type subscribe\nlog_type unsubscribe\n");
        if (listenerConfig != null) {
            c.append(listenerConfig.apply(port)).append('\n');
        } else if (passwordFile != null) {
            // the client id is forced to the user name: nobody can take over another account's session (the collector's)
            c.append("allow_anonymous false\n")
                    .append("use_username_as_clientid true\n")
                    .append("password_file ").append(passwordFile).append('\n')
                    .append("acl_file ").append(aclFile).append('\n');
        } else {
            c.append("allow_anonymous true\n");
        }
        Files.writeString(conf, c);
        return List.of(BINARY, "-c", conf.toString());
    }
}
