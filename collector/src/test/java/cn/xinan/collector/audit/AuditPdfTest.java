package cn.xinan.collector.audit;

import cn.xinan.rules.DayResult;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;
import cn.xinan.wire.Ed25519Keys;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The printable 台帐: its text, extracted with PDFBox, holds every figure of the report; the Chinese font is embedded;
 * a long audit runs over several pages with the table heading repeated. Page 1 of each is kept as a PNG in
 * {@code collector/target/audit-pdf/} to be looked at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditPdfTest {
    private static final Path ARTEFACTS = Path.of("target", "audit-pdf");

    private AuditFixture fixture;
    private AuditPdf pdf;
    private Ed25519Keys.PublicKey collectorKey;

    @BeforeAll
    void setUp(@TempDir Path dir) {
        fixture = new AuditFixture(dir);
        pdf = AuditPdf.locate(Optional.empty());
        collectorKey = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom()).publicKey();
    }

    @AfterAll
    void tearDown() {
        fixture.close();
    }

    @Test
    void theTextHoldsEveryWeekRowTheRatesTheExceptionsTheKeyAndTheSignatureLines() throws Exception {
        AuditReport report = fixture.audits.audit(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO);
        byte[] bytes = pdf.render(report, fixture.audits.schoolNames(), collectorKey);
        String text = text(bytes);

        assertThat(text).contains(AuditPdf.TITLE, "检查期间：2025-03-03 至 2025-03-09", "检查人签字：",
                "学校负责人签字（盖章）：", "日期：", AuditPdf.fingerprint(collectorKey).substring(0, 19));
        assertFiguresMatch(report, text);
        assertThat(text).contains("东宝实验小学心理辅导室", "开放但无人值守", "学校日未达标", "时钟未同步事件已排除");

        try (PDDocument doc = Loader.loadPDF(bytes)) {
            for (PDPage page : doc.getPages()) {
                for (var name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    assertThat(font).isInstanceOf(PDType0Font.class);
                    assertThat(font.isEmbedded()).as("font %s embedded", font.getName()).isTrue();
                }
            }
            keepPage(doc, 0, "audit-one-week.png");
        }
    }

    @Test
    void aLongAuditRunsOverSeveralPagesWithTheHeadingOnEach() throws Exception {
        AuditReport report = fixture.audits.audit(AuditScope.allRooms(), LocalDate.of(2025, 2, 17), LocalDate.of(2025, 7, 4));
        byte[] bytes = pdf.render(report, fixture.audits.schoolNames(), collectorKey);
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            assertThat(doc.getNumberOfPages()).isGreaterThan(2);
            for (int page = 1; page <= doc.getNumberOfPages(); page++) {
                PDFTextStripper stripper = new PDFTextStripper();
                stripper.setSortByPosition(true);
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(doc);
                assertThat(text).as("page %d", page).contains("第 " + page + " 页 / 共 " + doc.getNumberOfPages() + " 页");
                if (page == 2) {
                    assertThat(text).contains("（续）", "周次", "有效开放", "结论");
                }
            }
            keepPage(doc, 0, "audit-term.png");
            keepPage(doc, 1, "audit-term-page2.png");
            keepPage(doc, doc.getNumberOfPages() - 1, "audit-term-last-page.png");
            assertFiguresMatch(report, text(bytes));
        }
    }

    @Test
    void aMissingFontIsNamedWithItsSetting(@TempDir Path dir) {
        assertThatThrownBy(() -> AuditPdf.locate(Optional.of(dir.resolve("nothing.ttc"))))
                .isInstanceOf(AuditPdf.NoFontException.class)
                .hasMessageContaining("audit.pdf-font").hasMessageContaining("nothing.ttc");
        Path notAFont = dir.resolve("fake.ttf");
        assertThatThrownBy(() -> AuditPdf.locate(Optional.of(Files.writeString(notAFont, "not a font"))))
                .isInstanceOf(AuditPdf.NoFontException.class)
                .hasMessageContaining("audit.pdf-font").hasMessageContaining("not a usable CJK TrueType font");
    }

    /** Every room's every week has its row: week, school days, required and attended hours, days met, verdict. */
    static void assertFiguresMatch(AuditReport report, String text) {
        List<String> lines = text.lines().toList();
        for (AuditRoom room : report.rooms()) {
            for (WeekResult w : room.report().weeks()) {
                int met = 0;
                int school = 0;
                for (DayResult d : room.report().days()) {
                    if (d.schoolDay() && WeekResult.isoWeekOf(d.date()).equals(w.week())) {
                        school++;
                        met += d.verdict() == Verdict.MET ? 1 : 0;
                    }
                }
                String row = String.join(" ", room.report().tier().chineseName(), w.week(), Integer.toString(w.schoolDays()),
                        hours(w.requiredSeconds()), hours(w.attendedSeconds()), met + "/" + school, verdict(w.verdict()));
                assertThat(lines).as("room %s week %s", room.room().roomId(), w.week())
                        .anyMatch(l -> l.contains(row) && l.contains(room.room().county()));
            }
            var c = room.report().compliance();
            assertThat(lines).as("rates of room %s", room.room().roomId()).anyMatch(l -> l.contains(
                    c.metDays() + "/" + c.requiredDays() + " " + percent(c.dayRate()) + " " + c.metWeeks() + "/"
                            + c.requiredWeeks() + " " + percent(c.weekRate()) + " " + room.exceptions().size()));
        }
        var total = report.compliance();
        assertThat(lines).anyMatch(l -> l.startsWith("合计") && l.contains(total.metDays() + "/" + total.requiredDays() + " "
                + percent(total.dayRate())));
    }

    private static String hours(long seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds / 3600.0);
    }

    private static String percent(java.util.OptionalDouble rate) {
        return rate.isPresent() ? String.format(Locale.ROOT, "%.1f%%", rate.getAsDouble() * 100) : "—";
    }

    private static String verdict(Verdict v) {
        return switch (v) {
            case MET -> "达标";
            case NOT_MET -> "未达标";
            case NO_DATA -> "无数据";
            case NOT_REQUIRED -> "不考核";
        };
    }

    static String text(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            return stripper.getText(doc);
        }
    }

    private static void keepPage(PDDocument doc, int page, String name) throws Exception {
        BufferedImage image = new PDFRenderer(doc).renderImageWithDPI(page, 110);
        Files.createDirectories(ARTEFACTS);
        assertThat(ImageIO.write(image, "png", ARTEFACTS.resolve(name).toFile())).isTrue();
    }
}
