package cn.xinan.launcher.replay;

import cn.xinan.collector.store.StoreSettings;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.testing.InfluxServer;
import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every acceptance scenario (copied from the product's acceptance examples into the test resources)
 * replayed through the real firmware, a real MQTT broker and the real collector gives its
 * {@code .expected.json}: once through the embedded defaults (HiveMQ CE, SQLite) and once through
 * the production pair (a real Mosquitto, a real InfluxDB).
 */
class AcceptanceReplayTest {
    private static MosquittoServer mosquitto;
    private static InfluxServer influx;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() {
        mosquitto = MosquittoServer.startAnonymous();
        influx = InfluxServer.startServer();
    }

    @AfterAll
    static void stopServers() {
        mosquitto.close();
        influx.close();
    }

    @ParameterizedTest(name = "{0} through the embedded broker and store")
    @ValueSource(strings = {"worked-day", "week-2025-W10", "may-day-2025"})
    void embeddedDefaultsGiveTheExpectedVerdicts(String name) throws Exception {
        assertReplayGivesExpected(name, Optional.empty(), Optional.empty());
    }

    @ParameterizedTest(name = "{0} through Mosquitto and InfluxDB")
    @ValueSource(strings = {"worked-day", "week-2025-W10", "may-day-2025"})
    void mosquittoAndInfluxGiveTheExpectedVerdicts(String name) throws Exception {
        StoreSettings.Influx store = new StoreSettings.Influx(influx.url(), "replay_" + name.replace('-', '_'),
                "xinan", "INF", null, null);
        assertReplayGivesExpected(name, Optional.of(mosquitto.url()), Optional.of(store));
    }

    private void assertReplayGivesExpected(String name, Optional<String> broker, Optional<StoreSettings.Influx> store)
            throws Exception {
        Path rooms = copy("rooms.csv");
        Path scenarioFile = copy(name + ".jsonl");
        Path calendar = copy(resourceExists(name + ".calendar.json") ? name + ".calendar.json" : "default.calendar.json");
        List<RoomRecord> roomRecords = Registry.readRoomsCsv(rooms);
        Scenario scenario = Scenario.read(scenarioFile, roomRecords.stream().map(RoomRecord::roomId).collect(Collectors.toSet()));

        ScenarioReplay.Result result = new ScenarioReplay(new ScenarioReplay.Options(roomRecords, scenario,
                Optional.of(calendar), dir.resolve("work"), broker, store, RuleSettings.defaults())).run();

        assertThat(result.eventsStored()).isEqualTo(result.eventsRecorded());
        assertThat(ExpectedResult.differences(read(name + ".expected.json"), result.json(), powerLossDays(scenario)))
                .as("differences from %s.expected.json", name)
                .isEmpty();
    }

    /** The local dates on which each room loses power: there the heartbeat phase decides the last sign of life. */
    static Map<String, Set<LocalDate>> powerLossDays(Scenario scenario) {
        Map<String, Set<LocalDate>> out = new HashMap<>();
        for (ScenarioAction a : scenario.actions()) {
            if (a.action() == ScenarioAction.Action.POWER_OFF) {
                out.computeIfAbsent(a.room(), r -> new HashSet<>())
                        .add(a.at().toInstant().atZone(ZoneId.of("Asia/Shanghai")).toLocalDate());
            }
        }
        return out;
    }

    private Path copy(String resource) throws IOException {
        Path target = dir.resolve(resource);
        Files.writeString(target, read(resource), StandardCharsets.UTF_8);
        return target;
    }

    private static boolean resourceExists(String resource) {
        return AcceptanceReplayTest.class.getResource("/acceptance/" + resource) != null;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = AcceptanceReplayTest.class.getResourceAsStream("/acceptance/" + resource)) {
            if (in == null) {
                throw new IOException("test resource /acceptance/" + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
