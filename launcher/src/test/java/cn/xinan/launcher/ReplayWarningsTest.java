package cn.xinan.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xinan replay --warnings FILE} on the acceptance week: every school day a room did not meet is warned about
 * at its checkpoint, every line is a complete JSON warning sent outside the quiet hours, and a room that met every
 * day is never told it is behind.
 */
class ReplayWarningsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    @Test
    void theWarningsOfTheAcceptanceWeekFollowItsVerdicts() throws Exception {
        Path out = dir.resolve("result.json");
        Path warnings = dir.resolve("warnings.jsonl");
        StringWriter err = new StringWriter();
        int exit = Xinan.commandLine().setErr(new PrintWriter(err)).execute("replay",
                "--rooms", copy("rooms.csv").toString(), "--scenario", copy("week-2025-W10.jsonl").toString(),
                "--calendar", copy("default.calendar.json").toString(), "--out", out.toString(),
                "--warnings", warnings.toString());
        assertThat(exit).as(err.toString()).isZero();

        JsonNode result = JSON.readTree(out.toFile());
        Set<String> notMetDays = new HashSet<>();
        Set<String> metDays = new HashSet<>();
        for (JsonNode room : result.get("rooms")) {
            for (JsonNode day : room.get("days")) {
                String key = room.get("room").asText() + "/" + day.get("date").asText();
                if (day.get("verdict").asText().equals("NOT_MET")) {
                    notMetDays.add(key);
                } else if (day.get("verdict").asText().equals("MET")) {
                    metDays.add(key);
                }
            }
        }
        assertThat(notMetDays).as("the acceptance week has days not met").isNotEmpty();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(warnings, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        Set<String> dayBehind = new HashSet<>();
        for (JsonNode w : lines) {
            assertThat(w.fieldNames()).toIterable().contains("sentAt", "target", "id", "title", "text", "link", "kind");
            assertThat(w.has(w.get("kind").asText().equals("digest") ? "school" : "room")).as(w.toString()).isTrue();
            LocalTime sentAt = Instant.parse(w.get("sentAt").asText()).atZone(ZONE).toLocalTime();
            assertThat(sentAt).as("quiet hours 21:00-07:30").isBetween(LocalTime.of(7, 30), LocalTime.of(21, 0));
            if (w.get("kind").asText().equals("day_behind")) {
                dayBehind.add(w.get("room").asText() + "/" + w.get("key").asText());
            }
        }
        // attended time at the checkpoint is at most the day's total: a day not met was behind at its checkpoint
        assertThat(dayBehind).containsAll(notMetDays);
    }

    private Path copy(String resource) throws IOException {
        try (InputStream in = ReplayWarningsTest.class.getResourceAsStream("/acceptance/" + resource)) {
            if (in == null) {
                throw new IOException("test resource /acceptance/" + resource + " is missing");
            }
            Path target = dir.resolve(resource);
            Files.write(target, in.readAllBytes());
            return target;
        }
    }
}
