package cn.xinan.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real InfluxDB 1.x ({@code influxd} from Debian's {@code influxdb} package, v1 HTTP API) on
 * 127.0.0.1 and a free port, with its own meta, data and WAL directories, no authentication.
 *
 * <pre>
 * try (InfluxServer influx = InfluxServer.startServer()) {
 *     String url = influx.url(); // http://127.0.0.1:NNNNN
 * }
 * </pre>
 */
public final class InfluxServer extends ExternalServer {
    public static final String BINARY = "/usr/bin/influxd";

    private final int bindPort = freePort();
    private boolean authEnabled;

    private InfluxServer() {
        super("influxdb");
    }

    private InfluxServer(Path keptDir) {
        super(keptDir);
    }

    public static InfluxServer startServer() {
        InfluxServer server = new InfluxServer();
        server.start();
        server.awaitPing();
        return server;
    }

    /**
     * Starts over the caller's directory (created when missing; the data of an earlier start in it is kept), which
     * {@link #close()} stops gracefully and keeps: the city benchmark's kept data (docs/benchmarks.md, "City").
     */
    public static InfluxServer startServer(Path keptDir) {
        InfluxServer server = new InfluxServer(keptDir);
        server.start();
        server.awaitPing();
        return server;
    }

    /**
     * Starts with authentication on ({@code auth-enabled = true}) and no user yet: the first statement must create
     * an admin user. {@link #query} does not authenticate, so it only works before that.
     */
    public static InfluxServer startWithAuth() {
        InfluxServer server = new InfluxServer();
        server.authEnabled = true;
        server.start();
        server.awaitPing();
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Runs an InfluxQL statement through {@code /query} and returns the raw JSON answer (for test assertions). */
    public String query(String database, String influxQl) {
        String q = "db=" + enc(database) + "&q=" + enc(influxQl);
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(q)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException("InfluxDB answered " + res.statusCode() + ": " + res.body());
            }
            return res.body();
        } catch (IOException e) {
            throw new IllegalStateException("InfluxDB query failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (res.statusCode() == 204) {
                        return;
                    }
                } catch (IOException e) {
                    // not ready yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                pause(100);
            }
        }
        throw new IllegalStateException("InfluxDB did not answer /ping; log: " + readLog());
    }

    @Override
    protected List<String> command() throws IOException {
        Path conf = dir.resolve("influxdb.conf");
        Files.writeString(conf, """
                reporting-disabled = true
                bind-address = "127.0.0.1:%d"
                [meta]
                  dir = "%s/meta"
                [data]
                  dir = "%s/data"
                  wal-dir = "%s/wal"
                  query-log-enabled = false
                [http]
                  enabled = true
                  bind-address = "127.0.0.1:%d"
                  auth-enabled = %s
                  log-enabled = false
                  max-body-size = 0
                [monitor]
                  store-enabled = false
                [continuous_queries]
                  enabled = false
                """.formatted(bindPort, dir, dir, dir, port, authEnabled));
        return List.of(BINARY, "-config", conf.toString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
