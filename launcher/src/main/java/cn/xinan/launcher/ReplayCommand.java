package cn.xinan.launcher;

import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.warnings.WarningSettings;
import cn.xinan.collector.warnings.WarningsReplay;
import cn.xinan.launcher.replay.Scenario;
import cn.xinan.launcher.replay.ScenarioReplay;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.calendar.CalendarFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code xinan replay}: the acceptance contract (docs/replay.md). Prints RESULT.json, or writes it to
 * {@code --out}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a scripted stretch of school life through the real firmware, MQTT and collector, and prints the verdicts.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--rooms", required = true, paramLabel = "ROOMS.csv", description = "county,school,room,tier,name")
    Path rooms;

    @Option(names = "--scenario", required = true, paramLabel = "SCENARIO.jsonl", description = "one action per line")
    Path scenario;

    @Option(names = "--calendar", paramLabel = "CALENDAR.json", description = "terms, closures, extra holidays and workdays (default: the bundled calendar)")
    Path calendar;

    @Option(names = "--out", paramLabel = "RESULT.json", description = "where to write the result (default: standard output)")
    Path out;

    @Option(names = "--broker", paramLabel = "URL", description = "an external MQTT 5 broker, e.g. tcp://127.0.0.1:1883 (default: an embedded one)")
    String broker;

    @Option(names = "--influxdb", paramLabel = "URL", description = "store events in this InfluxDB (v1 API), e.g. http://127.0.0.1:8086 (default: the embedded store)")
    String influxdb;

    @Option(names = "--influxdb-database", paramLabel = "NAME", defaultValue = "xinan_replay", description = "InfluxDB database (default: ${DEFAULT-VALUE})")
    String influxDatabase;

    @Option(names = "--warnings", paramLabel = "WARNINGS.jsonl", description = "also write the warnings the collector would have sent during the scenario, one JSON object a line (docs/warnings.md)")
    Path warnings;

    @Option(names = "--warnings-config", paramLabel = "COLLECTOR.yaml", description = "with --warnings: take the warnings settings of this collector configuration (default: the built-in defaults)")
    Path warningsConfig;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "keep the registry, outboxes and store here (default: a temporary folder, removed afterwards)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        List<RoomRecord> roomRecords = Registry.readRoomsCsv(rooms);
        Set<String> roomIds = roomRecords.stream().map(RoomRecord::roomId).collect(Collectors.toSet());
        Scenario actions = Scenario.read(scenario, roomIds);
        Optional<Path> calendarFile = Optional.ofNullable(calendar);
        calendarFile.ifPresent(CalendarFiles::readLayer); // a bad calendar fails here, naming the file and line
        Optional<StoreSettings.Influx> influx = Optional.ofNullable(influxdb)
                // retention policy "xinan", as the collector's default and the dashboards (docs/dashboards.md)
                .map(url -> new StoreSettings.Influx(url, influxDatabase, "xinan", "INF", null, null));
        try (WorkDir work = WorkDir.open(workDir, "replay")) {
            Path dir = work.path();
            WarningSettings warningSettings = warningsConfig == null ? WarningSettings.defaults()
                    : CollectorConfigFile.read(warningsConfig).warnings().orElseThrow(() -> new UserInputException(
                    warningsConfig + ": warnings.enabled is not true, so it has no warnings settings to try"));
            if (warningsConfig != null && warnings == null) {
                throw new UserInputException("--warnings-config needs --warnings FILE: where to write the warnings");
            }
            int[] warningCount = {-1};
            ScenarioReplay.Result result = new ScenarioReplay(new ScenarioReplay.Options(roomRecords, actions, calendarFile,
                    dir, Optional.ofNullable(broker), influx, RuleSettings.defaults())).run((collector, s) -> {
                if (warnings != null) {
                    try (Writer w = Files.newBufferedWriter(warnings, StandardCharsets.UTF_8)) {
                        warningCount[0] = new WarningsReplay(collector.store(), collector.registry(), RuleSettings.defaults(),
                                SchoolCalendars.load(collector.config().calendar()), warningSettings)
                                .run(s.start(), s.end(), Duration.ofMinutes(15), w);
                    }
                }
            });
            if (out != null) {
                Files.writeString(out, result.json(), StandardCharsets.UTF_8);
            } else {
                System.out.println(result.json());
            }
            System.err.printf("xinan replay: %d rooms, %d actions, %d events recorded and stored, %.1f s%n",
                    roomRecords.size(), actions.actions().size(), result.eventsStored(), result.elapsed().toMillis() / 1000.0);
            if (warningCount[0] >= 0) {
                System.err.printf("xinan replay: %d warnings written to %s%n", warningCount[0], warnings);
            }
            return 0;
        }
    }
}
