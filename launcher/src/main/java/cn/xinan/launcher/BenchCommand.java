package cn.xinan.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xinan bench rules|ingest|device|city|audit|faults}: listed here so that {@code ./xinan --help} and
 * {@code ./xinan bench --help} show it like every other subcommand, and a wrong benchmark name is a usage
 * error in the same format. The {@code xinan} shell script runs the benchmark scripts themselves; started any
 * other way this says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs a benchmark and prints its figures (docs/benchmarks.md).",
                "  rules   the rules engine: one room's 20-week term, 1,000 rooms' week (rules/bench.sh [-o])",
                "  ingest  MQTT to verified and stored, SQLite and InfluxDB, through a real Mosquitto "
                        + "(collector/bench.sh [liveMessages] [backlogMessages])",
                "  device  the firmware in --simulate mode: start-up, steady memory, idle CPU (device/bench.sh)",
                "  city    a city (1,000 rooms) loaded into SQLite and InfluxDB: a week, a room's term, a term roll-up, "
                        + "a figures pass through the API (collector/bench-city.sh)",
                "  audit   the term audit of a city's 示范 rooms: engine alone, JSON, CSV and PDF of the audit, and the "
                        + "evidence bundle from SQLite (collector/bench-audit.sh)",
                "  faults  a randomised fault schedule over real Mosquitto, InfluxDB, collector and device processes: "
                        + "faults, recovery times, events recorded, stored, lost, duplicated (launcher/bench.sh, docs/reliability.md)"})
final class BenchCommand implements Callable<Integer> {
    enum Benchmark { rules, ingest, device, city, audit, faults }

    @Parameters(index = "0", paramLabel = "BENCHMARK", description = "one of: ${COMPLETION-CANDIDATES}")
    Benchmark benchmark;

    @Parameters(index = "1..*", paramLabel = "ARGUMENT", arity = "0..*", description = "passed on to the benchmark's script")
    List<String> arguments;

    @Override
    public Integer call() {
        System.err.println("xinan bench: run it through the ./xinan script at the top of the repository (it builds the benchmark from the sources)");
        return 2;
    }
}
