package cn.xinan.launcher;

import cn.xinan.collector.CollectorMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code xinan collector --config FILE}: the production collector (external Mosquitto and InfluxDB). */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = "Runs the collector from a YAML configuration (docs/collector.md) until stopped.")
final class CollectorCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "collector configuration (YAML)")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        CollectorMain.main(new String[] {"--config", config.toString()});
        return 0;
    }
}
