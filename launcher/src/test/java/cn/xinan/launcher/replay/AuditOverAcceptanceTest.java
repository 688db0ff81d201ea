package cn.xinan.launcher.replay;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.audit.AuditJson;
import cn.xinan.collector.audit.AuditPdf;
import cn.xinan.rules.WeekResult;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import cn.xinan.collector.audit.AuditReport;
import cn.xinan.collector.audit.AuditRoom;
import cn.xinan.collector.audit.AuditScope;
import cn.xinan.collector.audit.AuditService;
import cn.xinan.collector.audit.CollectorKey;
import cn.xinan.collector.audit.EvidenceBundle;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.launcher.Xinan;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit over every acceptance scenario, replayed through the real firmware, broker and collector: its
 * figures are the rules engine's verdicts that give the scenario's {@code .expected.json}, and
 * {@code xinan verify} on its evidence bundle says everything matches (exit 0), on a copy with a changed
 * figure names it (exit 1), and on a file that is not a bundle exits 2.
 */
class AuditOverAcceptanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worked-day", "week-2025-W10", "may-day-2025"})
    void theAuditIsTheEnginesVerdictsAndItsBundleVerifies(String name) throws Exception {
        Path rooms = copy("rooms.csv");
        Path scenarioFile = copy(name + ".jsonl");
        Path calendar = copy(resource(name + ".calendar.json") != null ? name + ".calendar.json" : "default.calendar.json");
        List<RoomRecord> roomRecords = Registry.readRoomsCsv(rooms);
        Scenario scenario = Scenario.read(scenarioFile, roomRecords.stream().map(RoomRecord::roomId).collect(Collectors.toSet()));
        Path work = dir.resolve("work");
        ScenarioReplay.Result replay = new ScenarioReplay(new ScenarioReplay.Options(roomRecords, scenario,
                Optional.of(calendar), work, Optional.empty(), Optional.empty(), RuleSettings.defaults())).run();
        assertThat(ExpectedResult.differences(read(name + ".expected.json"), replay.json(),
                AcceptanceReplayTest.powerLossDays(scenario))).isEmpty();

        Registry registry = Registry.load(work.resolve("registry"));
        SchoolCalendars calendars = SchoolCalendars.load(CalendarSources.bureau(Optional.of(calendar)));
        Path bundle = dir.resolve(name + ".zip");
        try (EventStore store = SqliteEventStore.open(work.resolve("collector").resolve("events.db"))) {
            VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(), calendars);
            AuditService audits = new AuditService(store, registry, verdicts, calendars, Clock.systemUTC());
            AuditService.Evidence evidence = audits.evidence(AuditScope.allRooms(), scenario.firstDate(), scenario.lastDate());
            assertFiguresAreTheReplays(evidence.report(), JSON.readTree(replay.json()));
            CollectorKey key = CollectorKey.loadOrCreate(dir.resolve("collector.key"), new SecureRandom());
            AuditPdf pdf = AuditPdf.locate(Optional.empty());
            EvidenceBundle.write(evidence, key, Optional.of(pdf), bundle);
            assertThePdfShowsTheReportsFigures(evidence.report(),
                    pdf.render(evidence.report(), audits.schoolNames(), key.publicKey()), name);
        }

        Run genuine = verify(bundle);
        assertThat(genuine.exit).as(genuine.out).isZero();
        assertThat(genuine.out).contains("RESULT: everything matches");
        for (RoomRecord r : roomRecords) {
            assertThat(genuine.out).contains("room " + r.roomId() + " week ");
        }

        Path changed = changeFirstWeeksAttendedSeconds(bundle);
        Run tampered = verify(changed);
        assertThat(tampered.exit).as(tampered.out).isEqualTo(1);
        assertThat(tampered.out).contains("report.json: SHA-256 differs from the manifest")
                .containsPattern("MISMATCH room [^ ]+ week \\d{4}-W\\d{2}: week attendedSeconds: report \\d+, recomputed \\d+");

        Run unreadable = verify(scenarioFile);
        assertThat(unreadable.exit).isEqualTo(2);
        assertThat(unreadable.err).contains("not a readable ZIP archive");
    }

    private static void assertFiguresAreTheReplays(AuditReport audit, JsonNode result) throws Exception {
        Map<String, JsonNode> expected = new HashMap<>();
        for (JsonNode room : result.get("rooms")) {
            ObjectNode figures = room.deepCopy();
            figures.remove("room");
            expected.put(room.get("room").asText(), figures);
        }
        assertThat(audit.rooms()).hasSize(expected.size());
        for (AuditRoom room : audit.rooms()) {
            JsonNode figures = JSON.readTree(JSON.writeValueAsString(AuditJson.figures(room.report())));
            assertThat(figures).as("room %s", room.room().roomId()).isEqualTo(expected.get(room.room().roomId()));
        }
    }

    /**
     * The 台帐's text, extracted with PDFBox, has a row per room and week with the report's figures, and each room's
     * rates; page 1 is kept as {@code target/audit-pdf/acceptance-NAME.png}.
     */
    private static void assertThePdfShowsTheReportsFigures(AuditReport report, byte[] pdf, String name) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<String> lines = stripper.getText(doc).lines().toList();
            for (AuditRoom room : report.rooms()) {
                for (WeekResult w : room.report().weeks()) {
                    String row = String.join(" ", room.report().tier().chineseName(), w.week(), Integer.toString(w.schoolDays()),
                            hours(w.requiredSeconds()), hours(w.attendedSeconds()), AuditPdf.daysMet(room, w),
                            AuditPdf.verdictText(w.verdict()));
                    assertThat(lines).as("room %s week %s", room.room().roomId(), w.week()).anyMatch(l -> l.contains(row));
                }
                var c = room.report().compliance();
                String rates = c.metDays() + "/" + c.requiredDays() + " " + percent(c.dayRate()) + " " + c.metWeeks() + "/"
                        + c.requiredWeeks() + " " + percent(c.weekRate()) + " " + room.exceptions().size();
                assertThat(lines).as("rates of room %s", room.room().roomId()).anyMatch(l -> l.contains(rates));
            }
            var total = report.compliance();
            assertThat(lines).anyMatch(l -> l.startsWith("合计") && l.contains(total.metDays() + "/" + total.requiredDays()));
            java.nio.file.Files.createDirectories(Path.of("target", "audit-pdf"));
            javax.imageio.ImageIO.write(new PDFRenderer(doc).renderImageWithDPI(0, 110), "png",
                    Path.of("target", "audit-pdf", "acceptance-" + name + ".png").toFile());
        }
    }

    private static String percent(java.util.OptionalDouble rate) {
        return rate.isPresent() ? String.format(java.util.Locale.ROOT, "%.1f%%", rate.getAsDouble() * 100) : "—";
    }

    private static String hours(long seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds / 3600.0);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run verify(Path bundle) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Xinan.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("verify", bundle.toString());
        return new Run(exit, out.toString(), err.toString());
    }

    /** A copy of the bundle whose report says the first room's first week was attended one hour more. */
    private Path changeFirstWeeksAttendedSeconds(Path bundle) throws Exception {
        Path copy = dir.resolve("changed-" + bundle.getFileName());
        try (InputStream in = Files.newInputStream(bundle); ZipInputStream zin = new ZipInputStream(in, StandardCharsets.UTF_8);
             OutputStream out = Files.newOutputStream(copy); ZipOutputStream zout = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                byte[] content = zin.readAllBytes();
                if (e.getName().equals("report.json")) {
                    ObjectNode report = (ObjectNode) JSON.readTree(content);
                    ObjectNode week = (ObjectNode) report.get("rooms").get(0).get("weeks").get(0);
                    week.put("attendedSeconds", week.get("attendedSeconds").asLong() + 3_600);
                    content = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(content);
                zout.closeEntry();
            }
        }
        return copy;
    }

    private Path copy(String resource) throws Exception {
        Path target = dir.resolve(resource);
        Files.writeString(target, read(resource), StandardCharsets.UTF_8);
        return target;
    }

    private static java.net.URL resource(String name) {
        return AuditOverAcceptanceTest.class.getResource("/acceptance/" + name);
    }

    private static String read(String name) throws Exception {
        try (InputStream in = AuditOverAcceptanceTest.class.getResourceAsStream("/acceptance/" + name)) {
            assertThat(in).as("test resource /acceptance/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
