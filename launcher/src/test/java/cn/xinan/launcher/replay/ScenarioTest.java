package cn.xinan.launcher.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("s.jsonl");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void actionsAreSortedByInstantAndEqualInstantsKeepFileOrder() throws IOException {
        Scenario s = Scenario.read(file("""
                {"at":"2025-03-03T10:00:00+08:00","room":"r1","action":"presence","value":false}
                {"at":"2025-03-03T02:00:00Z","room":"r1","action":"staff_close","staff":"T01"}
                {"at":"2025-03-03T08:00:00+08:00","room":"r1","action":"staff_open","staff":"T01"}

                {"at":"2025-03-03T09:00:00+08:00","room":"r1","action":"checkin","purpose":"group","stage":"senior"}
                """), Set.of("r1"));
        assertThat(s.actions()).extracting(a -> a.action().wireName())
                .containsExactly("staff_open", "checkin", "presence", "staff_close");
        assertThat(s.start()).isEqualTo(Instant.parse("2025-03-03T00:00:00Z"));
        assertThat(s.end()).isEqualTo(Instant.parse("2025-03-03T02:10:00Z"));
        assertThat(s.firstDate()).isEqualTo(LocalDate.of(2025, 3, 3));
    }

    @Test
    void localDatesAreShanghaiDates() throws IOException {
        Scenario s = Scenario.read(file("""
                {"at":"2025-03-02T16:30:00Z","room":"r1","action":"power_on"}
                {"at":"2025-03-03T16:00:00Z","room":"r1","action":"power_off"}
                """), Set.of("r1"));
        assertThat(s.firstDate()).isEqualTo(LocalDate.of(2025, 3, 3));
        assertThat(s.lastDate()).isEqualTo(LocalDate.of(2025, 3, 4));
    }

    private void rejects(String line, String message) throws IOException {
        Path f = file("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\",\"action\":\"power_on\"}\n" + line + "\n");
        assertThatThrownBy(() -> Scenario.read(f, Set.of("r1")))
                .isInstanceOf(ScenarioException.class)
                .hasMessage(message);
    }

    @Test
    void badLinesAreRejectedWithFileLineAndReason() throws IOException {
        rejects("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r9\",\"action\":\"power_on\"}",
                "s.jsonl line 2: room 'r9' is not in the rooms file");
        rejects("{\"at\":\"8 o'clock\",\"room\":\"r1\",\"action\":\"power_on\"}",
                "s.jsonl line 2: 'at' is not an ISO-8601 instant with offset: \"8 o'clock\"");
        rejects("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\",\"action\":\"dance\"}",
                "s.jsonl line 2: unknown action 'dance', expected one of [power_on, power_off, network_down, network_up, staff_open, staff_close, presence, checkin]");
        rejects("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\",\"action\":\"staff_open\"}",
                "s.jsonl line 2: staff_open needs the field 'staff'");
        rejects("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\",\"action\":\"presence\",\"value\":\"yes\"}",
                "s.jsonl line 2: 'value' must be true or false");
        rejects("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\",\"action\":\"checkin\",\"student\":\"Li Lei\"}",
                "s.jsonl line 2: unknown field 'student' (a check-in carries only purpose and stage: no student identity, docs/rules.md §7)");
        Path truncated = file("{\"at\":\"2025-03-03T08:00:00+08:00\",\"room\":\"r1\"\n");
        assertThatThrownBy(() -> Scenario.read(truncated, Set.of("r1")))
                .hasMessageStartingWith("s.jsonl line 1: malformed JSON: Unexpected end-of-input");
        rejects("{\"room\":\"r1\",\"action\":\"power_on\"}", "s.jsonl line 2: missing field 'at'");
    }
}
