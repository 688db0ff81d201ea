package cn.xinan.collector.bench;

import cn.xinan.testing.ExternalServer;
import cn.xinan.testing.InfluxServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peer of the ingest benchmark (docs/benchmarks.md): the Node-RED flow people build for this job, run headless from
 * {@code collector/bench/node-red/} (installed there from the npm registry by {@code collector/bench.sh}):
 * {@code mqtt in} (QoS 1, MQTT 5, persistent session) → {@code json} → a function making one
 * {@code [fields, tags]} point per event → {@code influxdb out} (node-red-contrib-influxdb, v1 API). It
 * verifies nothing.
 *
 * <p>Same method as for the collector: Node-RED is started once so its session and subscription exist, and
 * stopped; the workload is published while it is away; then it is started again and the clock runs from its
 * "Connected to broker" log line until InfluxDB holds every event (counted with {@code count()}, polled every
 * 250 ms). Node-RED's start-up (loading its runtime and nodes) is not counted; the collector's connection is.
 */
final class NodeRedPeer {
    private static final Pattern COUNT = Pattern.compile("\"values\":\\[\\[\"[^\"]*\",(\\d+)]]");
    private static final Duration STALL = Duration.ofSeconds(60);

    private final Path dir;
    private final Path tmp;

    NodeRedPeer(Path dir, Path tmp) {
        this.dir = dir.toAbsolutePath();
        this.tmp = tmp;
    }

    /** Why the peer cannot run here, or {@code null} when it can. */
    String unavailable() {
        if (!Files.isRegularFile(redJs())) {
            return "Node-RED is not installed in " + dir + " (collector/bench.sh runs npm install there; see its output)";
        }
        return null;
    }

    private Path redJs() {
        return dir.resolve("node_modules/node-red/red.js");
    }

    /** Outcome of one run: events/s over the events stored, and how many of the events sent were stored. */
    record Result(double seconds, long stored, long sent, String logTail) {
        boolean complete() {
            return stored == sent;
        }

        double eventsPerSecond() {
            return stored / seconds;
        }
    }

    /** A running Node-RED, its output kept (the last lines) and the instant it connected to the broker. */
    private static final class Running implements AutoCloseable {
        final Process process;
        final Deque<String> tail = new ArrayDeque<>();
        volatile long connectedAt;

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (connectedAt == 0 && line.contains("Connected to broker")) {
                            connectedAt = System.nanoTime();
                        }
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 40) {
                                tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "node-red-output");
            reader.setDaemon(true);
            reader.start();
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }

        long awaitConnected(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (connectedAt == 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Node-RED exited with " + process.exitValue() + ":\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Node-RED did not connect to the broker within " + timeout + ":\n" + tail());
                }
                Thread.sleep(20);
            }
            return connectedAt;
        }

        /** SIGTERM: Node-RED stops its flows and disconnects cleanly (the session stays: clean start off, expiry 1 h). */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Runs the flow against {@code mqttPort} and database {@code database} of {@code influx}: creates the session,
     * lets {@code publish} fill it, then measures until {@code events} points are stored or nothing moved for a minute.
     */
    Result run(int mqttPort, InfluxServer influx, String database, long events, Publisher publish) throws Exception {
        influx.query(database, "CREATE DATABASE \"" + database + "\"");
        Path userDir = Files.createDirectories(tmp.resolve("node-red-" + database));
        Files.copy(dir.resolve("flows.json"), userDir.resolve("flows.json"), StandardCopyOption.REPLACE_EXISTING);
        try (Running first = start(userDir, mqttPort, influx, database)) {
            first.awaitConnected(Duration.ofMinutes(2));
            Thread.sleep(500); // the subscription follows the connection
        }
        publish.run();
        try (Running second = start(userDir, mqttPort, influx, database)) {
            long start = second.awaitConnected(Duration.ofMinutes(2));
            long stored = 0;
            long lastChange = System.nanoTime();
            long end = start;
            while (stored < events) {
                Thread.sleep(250);
                long now = count(influx, database);
                long t = System.nanoTime();
                if (now != stored) {
                    stored = now;
                    lastChange = t;
                    end = t;
                }
                if (t - lastChange > STALL.toNanos() || !second.process.isAlive()) {
                    break;
                }
            }
            return new Result((end - start) / 1e9, stored, events, second.tail());
        }
    }

    @FunctionalInterface
    interface Publisher {
        void run() throws Exception;
    }

    private Running start(Path userDir, int mqttPort, InfluxServer influx, String database) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("node", redJs().toString(), "--userDir", userDir.toString(),
                "--settings", dir.resolve("settings.js").toString());
        pb.environment().put("XINAN_NODE_RED_PORT", Integer.toString(ExternalServer.freePort()));
        pb.environment().put("XINAN_MQTT_PORT", Integer.toString(mqttPort));
        pb.environment().put("XINAN_INFLUX_PORT", Integer.toString(influx.port()));
        pb.environment().put("XINAN_INFLUX_DB", database);
        pb.redirectErrorStream(true);
        return new Running(pb.start());
    }

    private static long count(InfluxServer influx, String database) {
        String json = influx.query(database, "SELECT count(\"seq\") FROM \"events\"");
        Matcher m = COUNT.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

}
