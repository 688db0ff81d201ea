package cn.xinan.launcher.faults;

import cn.xinan.testing.ExternalServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The production collector as its own JVM: {@code xinan collector --config FILE}, its own client id, on the
 * shared subscription, with the SQLite store (its file) or the InfluxDB store; figures off.
 */
final class CollectorProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    private final String name;
    private final Path config;
    private final Path log;
    private final int httpPort = ExternalServer.freePort();
    private Process process;

    CollectorProcess(String name, Path dir, Path registryDir, String mqttUrl, String storeYaml) {
        this.name = name;
        this.config = dir.resolve("collector-" + name + ".yaml");
        this.log = dir.resolve("collector-" + name + ".log");
        try {
            Files.writeString(config, """
                    http:
                      host: 127.0.0.1
                      port: %d
                    registry:
                      dir: %s
                    mqtt:
                      url: %s
                      client-id: xinan-collector-%s
                      shared-group: xinan-collectors
                      connect-timeout-seconds: 30
                    %s
                    figures:
                      interval-seconds: 0
                    """.formatted(httpPort, registryDir, mqttUrl, name, storeYaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts (again, same client id and store) and waits until its health is UP (subscribed, store reachable). */
    synchronized void start() {
        if (isAlive()) {
            return;
        }
        process = Jvm.start("cn.xinan.launcher.Xinan", List.of("collector", "--config", config.toString()), log, "384m");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("collector " + name + " exited with " + process.exitValue() + "; log " + log);
                }
                try {
                    // UP is 200, or 204 when health shows no details (an open endpoint); DOWN is 503
                    int status = http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200 || status == 204) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        throw new IllegalStateException("collector " + name + " not healthy within " + READY_TIMEOUT + "; log " + log);
    }

    /** SIGKILL: no DISCONNECT, nothing more acknowledged. */
    synchronized void kill() {
        Jvm.kill(process);
    }

    /** SIGTERM: the orderly stop. */
    synchronized void terminate() {
        Jvm.terminate(process);
    }
}
