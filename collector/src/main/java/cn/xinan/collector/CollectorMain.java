package cn.xinan.collector;

import io.helidon.logging.common.LogConfig;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a collector from a YAML configuration until the process is stopped.
 *
 * <pre>
 * java -cp ... cn.xinan.collector.CollectorMain --config /etc/xinan/collector.yaml
 * xinan collector --config /etc/xinan/collector.yaml
 * </pre>
 */
public final class CollectorMain {
    private CollectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        Path file = parseArgs(args);
        if (file == null) {
            System.err.println("usage: collector --config FILE");
            System.exit(2);
            return;
        }
        CollectorConfig config;
        try {
            config = CollectorConfigFile.read(file);
        } catch (ConfigException e) {
            System.err.println("collector: " + e.getMessage());
            System.exit(2);
            return;
        }
        Collector collector = new Collector(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.stop();
            stopped.countDown();
        }, "xinan-collector-shutdown"));
        try {
            collector.start();
        } catch (RuntimeException e) {
            System.err.println("collector: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        stopped.await();
    }

    /** The file after {@code --config}, or {@code null} when the arguments are not exactly that. */
    static Path parseArgs(String[] args) {
        if (args.length == 2 && "--config".equals(args[0])) {
            return Path.of(args[1]);
        }
        if (args.length == 1 && args[0].startsWith("--config=")) {
            return Path.of(args[0].substring("--config=".length()));
        }
        return null;
    }
}
