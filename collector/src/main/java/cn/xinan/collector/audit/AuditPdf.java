package cn.xinan.collector.audit;

import cn.xinan.rules.DayResult;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;
import cn.xinan.wire.Ed25519Keys;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TimeZone;

/**
 * The audit as the printable A4 document of a Chinese inspection file (台帐), rendered server-side as PDF with
 * Apache PDFBox (docs/audit.md): landscape A4; the title, scope, period and thresholds; one row per room and ISO
 * week (school, room, tier, week, school days, required and attended hours, school days that met the daily
 * threshold, verdict) with the table header repeated on every page; each room's compliance rates and the overall
 * ones; every exception with its reason; the generation time and the collector key's fingerprint on every page;
 * and lines for the inspector's and each school's signature with dates.
 *
 * <p>Chinese needs a CJK TrueType font, embedded as a subset: {@code audit.pdf-font} names a {@code .ttf} or
 * {@code .ttc} file, else the first of {@link #DEFAULT_FONTS} that exists is used (Debian's
 * {@code fonts-wqy-microhei} is the first). A renderer is made once at start ({@link #locate}) and is thread-safe:
 * every document opens the font file anew.
 */
public final class AuditPdf {
    /** The configuration key naming the font file. */
    public static final String FONT_KEY = "audit.pdf-font";
    /** Where the collector looks when {@link #FONT_KEY} is not set: Debian's CJK TrueType fonts. */
    public static final List<Path> DEFAULT_FONTS = List.of(
            Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            Path.of("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
            Path.of("/usr/share/fonts/truetype/arphic/uming.ttc"),
            Path.of("/usr/share/fonts/truetype/arphic/ukai.ttc"),
            Path.of("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"));
    /** The title of the document. */
    public static final String TITLE = "心理辅导室开放情况台帐";

    private static final float MARGIN = 36f;
    private static final PDRectangle PAGE = new PDRectangle(PDRectangle.A4.getHeight(), PDRectangle.A4.getWidth());
    private static final float BODY = 8.5f;
    private static final float SMALL = 7f;
    private static final float LEADING = 1.3f;
    private static final float PAD = 3f;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final Path fontFile;

    private AuditPdf(Path fontFile) {
        this.fontFile = fontFile;
    }

    /** No font for the PDF: the message names {@link #FONT_KEY} and where the collector looked. */
    public static final class NoFontException extends RuntimeException {
        public NoFontException(String message) {
            super(message);
        }
    }

    /**
     * The renderer with the configured font, or the first default one that exists; the font is loaded once here,
     * so a file that is not a usable TrueType font fails now.
     *
     * @throws NoFontException naming {@link #FONT_KEY} when the configured file is missing or unusable, or when it is
     *                         not set and none of {@link #DEFAULT_FONTS} exists
     */
    public static AuditPdf locate(Optional<Path> configured) {
        Objects.requireNonNull(configured, "configured font is missing (use Optional.empty())");
        Path file;
        if (configured.isPresent()) {
            file = configured.get();
            if (!Files.isRegularFile(file)) {
                throw new NoFontException(FONT_KEY + ": " + file + " does not exist (a CJK TrueType font, .ttf or .ttc,"
                        + " for the PDF of the audit)");
            }
        } else {
            file = DEFAULT_FONTS.stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new NoFontException("no CJK TrueType font for the PDF of the audit: set " + FONT_KEY
                            + " to a .ttf or .ttc file, or install fonts-wqy-microhei (looked in " + DEFAULT_FONTS + ")"));
        }
        AuditPdf pdf = new AuditPdf(file);
        try (PDDocument probe = new PDDocument(); LoadedFont font = pdf.load(probe)) {
            font.font.encode(TITLE);
        } catch (IOException | IllegalArgumentException e) {
            throw new NoFontException(FONT_KEY + ": " + file + " is not a usable CJK TrueType font: " + e.getMessage());
        }
        return pdf;
    }

    /** The font file used. */
    public Path fontFile() {
        return fontFile;
    }

    /** A loaded font and the collection it came from, which must stay open until the document is saved. */
    private record LoadedFont(PDType0Font font, TrueTypeCollection collection) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (collection != null) {
                collection.close();
            }
        }
    }

    private LoadedFont load(PDDocument doc) throws IOException {
        if (fontFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ttc")) {
            TrueTypeCollection ttc = new TrueTypeCollection(fontFile.toFile());
            try {
                TrueTypeFont[] first = new TrueTypeFont[1];
                ttc.processAllFonts(f -> {
                    if (first[0] == null) {
                        first[0] = f;
                    }
                });
                if (first[0] == null) {
                    throw new IOException("the collection holds no font");
                }
                return new LoadedFont(PDType0Font.load(doc, first[0], true), ttc);
            } catch (IOException | RuntimeException e) {
                ttc.close();
                throw e;
            }
        }
        return new LoadedFont(PDType0Font.load(doc, fontFile.toFile()), null);
    }

    /**
     * The 台帐 as PDF bytes.
     *
     * @param report       the audit
     * @param schoolNames  school id → school name (a school missing here is shown by its id)
     * @param collectorKey the key that signs the audit's evidence bundle
     */
    public byte[] render(AuditReport report, Map<String, String> schoolNames, Ed25519Keys.PublicKey collectorKey) {
        Objects.requireNonNull(report, "report is missing");
        Objects.requireNonNull(schoolNames, "school names are missing");
        Objects.requireNonNull(collectorKey, "collector key is missing");
        try (PDDocument doc = new PDDocument(); LoadedFont loaded = load(doc)) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(TITLE + " " + report.from() + " – " + report.to());
            info.setCreator("Xin'an (心安) collector");
            GregorianCalendar created = new GregorianCalendar(TimeZone.getTimeZone(RulesEngine.ZONE));
            created.setTimeInMillis(report.generatedAt().toEpochMilli());
            info.setCreationDate(created);
            Writer w = new Writer(doc, loaded.font(), report, schoolNames, collectorKey);
            w.document();
            w.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the audit as PDF: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the raw public key, hex in groups of four: how the 台帐 names the collector key. */
    public static String fingerprint(Ed25519Keys.PublicKey key) {
        String hex = EvidenceBundle.sha256(key.bytes());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(hex, i, i + 4);
        }
        return out.toString();
    }

    /** The verdict as the 台帐 prints it. */
    public static String verdictText(Verdict v) {
        return switch (v) {
            case MET -> "达标";
            case NOT_MET -> "未达标";
            case NO_DATA -> "无数据";
            case NOT_REQUIRED -> "不考核";
        };
    }

    /** Hours with two decimals, as the 台帐 prints them. */
    public static String hours(long seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds / 3600.0);
    }

    /** A rate as a percentage with one decimal, or a dash when nothing was required. */
    static String percent(java.util.OptionalDouble rate) {
        return rate.isPresent() ? String.format(Locale.ROOT, "%.1f%%", rate.getAsDouble() * 100) : "—";
    }

    /** School days of {@code week} in the audited period that met the daily threshold, and school days. */
    public static String daysMet(AuditRoom room, WeekResult week) {
        int met = 0;
        int school = 0;
        for (DayResult d : room.report().days()) {
            if (WeekResult.isoWeekOf(d.date()).equals(week.week()) && d.schoolDay()) {
                school++;
                if (d.verdict() == Verdict.MET) {
                    met++;
                }
            }
        }
        return met + "/" + school;
    }

    /** A table column: heading, width in points, right-aligned or not. */
    private record Column(String heading, float width, boolean right) {
    }

    /** Lays out the pages: a cursor moving down, a new page (with the table heading again) when a row does not fit. */
    private static final class Writer {
        private final PDDocument doc;
        private final PDType0Font font;
        private final AuditReport report;
        private final Map<String, String> schoolNames;
        private final Ed25519Keys.PublicKey collectorKey;
        private final Map<Integer, Boolean> glyphs = new HashMap<>();
        private final Map<Integer, Float> advances = new HashMap<>();
        private PDPageContentStream out;
        private float fontSize = -1f;
        private float y;
        private List<Column> repeat;
        private String repeatTitle;

        Writer(PDDocument doc, PDType0Font font, AuditReport report, Map<String, String> schoolNames,
               Ed25519Keys.PublicKey collectorKey) {
            this.doc = doc;
            this.font = font;
            this.report = report;
            this.schoolNames = schoolNames;
            this.collectorKey = collectorKey;
        }

        void document() throws IOException {
            newPage();
            centered(TITLE, 18f);
            y -= 8f;
            String tiers = String.join("、", report.scope().tierList().stream().map(Tier::chineseName).toList());
            String scope = report.scope().county().map(c -> c).orElse("全市")
                    + report.scope().school().map(s -> " · " + schoolNames.getOrDefault(s, s)).orElse("")
                    + (report.scope().rooms().isEmpty() ? "" : " · 指定辅导室 " + report.scope().rooms().size() + " 间");
            long weeks = report.rooms().isEmpty() ? 0 : report.rooms().getFirst().report().weeks().size();
            paragraph("检查范围：" + scope + "　　辅导室等级：" + tiers + "　　辅导室数：" + report.rooms().size(), BODY + 1);
            paragraph("检查期间：" + report.from() + " 至 " + report.to() + "（共 " + weeks + " 周，按 ISO 周次）　　时区：北京时间",
                    BODY + 1);
            List<String> standards = new ArrayList<>();
            for (Tier tier : Tier.values()) {
                Thresholds t = report.settings().thresholdsFor(tier);
                standards.add(tier.chineseName() + "：每个学校日有效开放 ≥ " + hours1(t.dailySeconds()) + " 小时，每周 ≥ "
                        + hours1(t.weeklySeconds()) + " 小时");
            }
            paragraph("考核标准：" + String.join("；", standards) + "。周要求按当周学校日数折算（" + report.settings().weekPolicy().wireName()
                    + "）；开放期间连续 " + report.settings().unattendedGapSeconds() / 60 + " 分钟以上无人在场不计入有效开放；规则版本 "
                    + report.settings().ruleVersion() + "。", BODY);
            y -= 6f;

            section("一、各辅导室每周开放情况");
            List<Column> weekColumns = List.of(new Column("序号", 28, true), new Column("县（区）", 56, false),
                    new Column("学校", 112, false), new Column("辅导室", 148, false), new Column("等级", 34, false),
                    new Column("周次", 78, false), new Column("学校日", 36, true), new Column("要求\n（小时）", 50, true),
                    new Column("有效开放\n（小时）", 58, true), new Column("达标日数\n（学校日）", 54, true), new Column("结论", 46, false),
                    new Column("异常", 70, false));
            startTable(weekColumns, "一、各辅导室每周开放情况（续）");
            int n = 0;
            for (AuditRoom room : report.rooms()) {
                List<AuditException> exceptions = room.exceptions();
                for (WeekResult w : room.report().weeks()) {
                    n++;
                    LocalDate monday = WeekResult.mondayOf(LocalDate.parse(w.week() + "-1",
                            DateTimeFormatter.ISO_WEEK_DATE));
                    long inWeek = exceptions.stream().filter(e -> inWeek(e.unit(), w.week())).count();
                    row(weekColumns, List.of(Integer.toString(n), room.room().county(), school(room.room().school()),
                            room.room().name() + "\n" + room.room().roomId(), room.report().tier().chineseName(),
                            w.week() + "\n" + monday.format(MD) + "～" + monday.plusDays(6).format(MD),
                            Integer.toString(w.schoolDays()), hours(w.requiredSeconds()), hours(w.attendedSeconds()),
                            daysMet(room, w), verdictText(w.verdict()), inWeek == 0 ? "" : inWeek + " 项（见三）"));
                }
            }
            endTable();

            section("二、达标率");
            List<Column> rateColumns = List.of(new Column("序号", 28, true), new Column("学校", 140, false),
                    new Column("辅导室", 190, false), new Column("等级", 40, false), new Column("学校日达标", 70, true),
                    new Column("学校日达标率", 70, true), new Column("周达标", 60, true), new Column("周达标率", 62, true),
                    new Column("异常项", 50, true));
            startTable(rateColumns, "二、达标率（续）");
            n = 0;
            int allExceptions = 0;
            for (AuditRoom room : report.rooms()) {
                n++;
                var c = room.report().compliance();
                int x = room.exceptions().size();
                allExceptions += x;
                row(rateColumns, List.of(Integer.toString(n), school(room.room().school()),
                        room.room().name() + "\n" + room.room().roomId(), room.report().tier().chineseName(),
                        c.metDays() + "/" + c.requiredDays(), percent(c.dayRate()), c.metWeeks() + "/" + c.requiredWeeks(),
                        percent(c.weekRate()), Integer.toString(x)));
            }
            var total = report.compliance();
            row(rateColumns, List.of("", "合计", report.rooms().size() + " 间辅导室", "", total.metDays() + "/" + total.requiredDays(),
                    percent(total.dayRate()), total.metWeeks() + "/" + total.requiredWeeks(), percent(total.weekRate()),
                    Integer.toString(allExceptions)));
            endTable();
            paragraph("无数据（设备全天无信号）按未达标计；不考核的日和周（非学校日、无学校日的周）不计入达标率。", SMALL);

            section("三、异常情况");
            List<Column> exceptionColumns = List.of(new Column("序号", 28, true), new Column("辅导室", 150, false),
                    new Column("日期 / 周次", 90, false), new Column("类型", 92, false), new Column("说明", 410, false));
            if (allExceptions == 0) {
                paragraph("无。", BODY);
            } else {
                startTable(exceptionColumns, "三、异常情况（续）");
                n = 0;
                for (AuditRoom room : report.rooms()) {
                    for (AuditException e : room.exceptions()) {
                        n++;
                        row(exceptionColumns, List.of(Integer.toString(n), room.room().name() + "\n" + room.room().roomId(),
                                e.unit().replace("..", " 至\n"), e.kind().chineseName(), e.reasonZh()));
                    }
                }
                endTable();
            }

            section("四、签字");
            need(40f + 30f * (1 + schools().size()));
            paragraph("本台帐由心安系统根据各辅导室设备签名记录的事件自动生成，所附证据包可用 xinan verify 离线逐项核验。", BODY);
            y -= 14f;
            signature("检查人签字：");
            for (String school : schools()) {
                signature((schools().size() == 1 ? "" : school(school) + "　") + "学校负责人签字（盖章）：");
            }
        }

        private static final DateTimeFormatter MD = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT);

        private static boolean inWeek(String unit, String week) {
            if (unit.equals(week)) {
                return true;
            }
            try {
                return WeekResult.isoWeekOf(LocalDate.parse(unit)).equals(week);
            } catch (java.time.format.DateTimeParseException notADay) {
                return false;
            }
        }

        private List<String> schools() {
            List<String> out = new ArrayList<>();
            for (AuditRoom r : report.rooms()) {
                if (!out.contains(r.room().school())) {
                    out.add(r.room().school());
                }
            }
            return out;
        }

        private String school(String id) {
            return schoolNames.getOrDefault(id, id);
        }

        private static String hours1(long seconds) {
            return String.format(Locale.ROOT, "%.1f", seconds / 3600.0);
        }

        private void signature(String label) throws IOException {
            need(30f);
            float x = MARGIN;
            text(label, x, y, BODY + 2);
            float lineStart = x + width(label, BODY + 2) + 4;
            out.moveTo(lineStart, y - 2);
            out.lineTo(lineStart + 200, y - 2);
            out.stroke();
            String date = "日期：　　　　年　　月　　日";
            text(date, lineStart + 230, y, BODY + 2);
            y -= 30f;
        }

        private void newPage() throws IOException {
            if (out != null) {
                out.close();
            }
            PDPage page = new PDPage(PAGE);
            doc.addPage(page);
            out = new PDPageContentStream(doc, page);
            fontSize = -1f;
            out.setLineWidth(0.5f);
            y = PAGE.getHeight() - MARGIN;
        }

        /** Makes room for {@code height} points above the footer, on a new page if needed. */
        private boolean need(float height) throws IOException {
            if (y - height < MARGIN + 18f) {
                newPage();
                return true;
            }
            return false;
        }

        private void section(String title) throws IOException {
            need(60f);
            y -= 6f;
            text(title, MARGIN, y - 11f, 11f);
            y -= 18f;
        }

        private void centered(String s, float size) throws IOException {
            float w = width(s, size);
            text(s, (PAGE.getWidth() - w) / 2, y - size, size);
            y -= size * LEADING;
        }

        private void paragraph(String s, float size) throws IOException {
            for (String line : wrap(s, size, PAGE.getWidth() - 2 * MARGIN)) {
                need(size * LEADING);
                text(line, MARGIN, y - size, size);
                y -= size * LEADING;
            }
        }

        private void startTable(List<Column> columns, String continued) throws IOException {
            repeat = columns;
            repeatTitle = continued;
            heading(columns);
        }

        private void endTable() {
            repeat = null;
            y -= 4f;
        }

        private void heading(List<Column> columns) throws IOException {
            drawRow(columns, wrapped(columns, columns.stream().map(Column::heading).toList()), true);
        }

        private void row(List<Column> columns, List<String> cells) throws IOException {
            List<List<String>> lines = wrapped(columns, cells);
            if (need(height(lines))) {
                text(repeatTitle, MARGIN, y - 9f, 9f);
                y -= 14f;
                heading(repeat);
            }
            drawRow(columns, lines, false);
        }

        /** Each cell's lines within its column. */
        private List<List<String>> wrapped(List<Column> columns, List<String> cells) {
            List<List<String>> out = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                out.add(wrap(cells.get(i), BODY, columns.get(i).width() - 2 * PAD));
            }
            return out;
        }

        private static float height(List<List<String>> cells) {
            int lines = 1;
            for (List<String> c : cells) {
                lines = Math.max(lines, c.size());
            }
            return lines * BODY * LEADING + 2 * PAD;
        }

        private void drawRow(List<Column> columns, List<List<String>> cells, boolean heading) throws IOException {
            float height = height(cells);
            float x = MARGIN;
            if (heading) {
                out.setNonStrokingColor(0.9f, 0.9f, 0.9f);
                float total = columns.stream().map(Column::width).reduce(0f, Float::sum);
                out.addRect(MARGIN, y - height, total, height);
                out.fill();
                out.setNonStrokingColor(0f, 0f, 0f);
            }
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                out.addRect(x, y - height, c.width(), height);
                float lineY = y - PAD - BODY;
                for (String line : cells.get(i)) {
                    float tx = c.right() && !heading ? x + c.width() - PAD - width(line, BODY) : x + PAD;
                    text(line, tx, lineY, BODY);
                    lineY -= BODY * LEADING;
                }
                x += c.width();
            }
            out.stroke();
            y -= height;
        }

        private void text(String s, float x, float baseline, float size) throws IOException {
            out.beginText();
            if (size != fontSize) { // the text state outlives each text object in a content stream
                out.setFont(font, size);
                fontSize = size;
            }
            out.newLineAtOffset(x, baseline);
            out.showText(printable(s));
            out.endText();
        }

        private float width(String s, float size) {
            float units = 0;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                units += advance(cp);
                i += Character.charCount(cp);
            }
            return units / 1000f * size;
        }

        /** The advance of one character in glyph space (1/1000 of the font size); 0 for a line break. */
        private float advance(int cp) {
            Float known = advances.get(cp);
            if (known != null) {
                return known;
            }
            float w;
            try {
                w = cp == '\n' ? 0f : font.getStringWidth(printable(new String(Character.toChars(cp))));
            } catch (IOException | IllegalArgumentException e) {
                w = 0f;
            }
            advances.put(cp, w);
            return w;
        }

        /** The text with every character the font has no glyph for replaced by a question mark. */
        private String printable(String s) {
            StringBuilder b = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                boolean ok = glyphs.computeIfAbsent(cp, c -> {
                    try {
                        font.encode(new String(Character.toChars(c)));
                        return true;
                    } catch (IOException | IllegalArgumentException e) {
                        return false;
                    }
                });
                b.appendCodePoint(ok ? cp : '?');
            });
            return b.toString();
        }

        /** Lines of at most {@code width} points: at explicit line breaks, else at a space, else between characters. */
        private List<String> wrap(String s, float size, float width) {
            List<String> lines = new ArrayList<>();
            float limit = width * 1000f / size;
            for (String part : s.split("\n", -1)) {
                String rest = part;
                while (!rest.isEmpty()) {
                    int fit = fitting(rest, limit);
                    if (fit < rest.length()) {
                        int space = rest.lastIndexOf(' ', fit);
                        if (space > 0 && rest.substring(0, space).chars().allMatch(ch -> ch < 0x2E80)) {
                            fit = space;
                        }
                    }
                    lines.add(rest.substring(0, fit).strip());
                    rest = rest.substring(fit).stripLeading();
                }
                if (part.isEmpty()) {
                    lines.add("");
                }
            }
            return lines;
        }

        /** How many chars of {@code s} fit in {@code limit} glyph-space units (at least one character). */
        private int fitting(String s, float limit) {
            float used = 0;
            int end = 0;
            while (end < s.length()) {
                int cp = s.codePointAt(end);
                used += advance(cp);
                if (used > limit && end > 0) {
                    break;
                }
                end += Character.charCount(cp);
            }
            return end;
        }

        /** Closes the last page and writes every page's footer: generation time, key fingerprint, page n of m. */
        void finish() throws IOException {
            out.close();
            int pages = doc.getNumberOfPages();
            String generated = report.generatedAt().atZone(RulesEngine.ZONE).format(LOCAL);
            String left = TITLE + "　" + report.from() + " 至 " + report.to() + "　生成时间 " + generated
                    + "（北京时间）　采集端签名公钥 " + collectorKey.toBase64() + "（SHA-256 指纹 " + fingerprint(collectorKey) + "）";
            for (int i = 0; i < pages; i++) {
                PDPage page = doc.getPage(i);
                try (PDPageContentStream footer = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND,
                        true, true)) {
                    out = footer;
                    fontSize = -1f;
                    float pageWidth = PAGE.getWidth() - 2 * MARGIN - 70f;
                    List<String> lines = wrap(left, 6f, pageWidth);
                    float base = MARGIN - 4f;
                    for (int l = 0; l < lines.size(); l++) {
                        text(lines.get(l), MARGIN, base - l * 7.5f, 6f);
                    }
                    String number = "第 " + (i + 1) + " 页 / 共 " + pages + " 页";
                    text(number, PAGE.getWidth() - MARGIN - width(number, 8f), base, 8f);
                }
            }
        }
    }

    /** School id → name, for {@link #render}: from the registry's schools. */
    public static Map<String, String> names(Iterable<cn.xinan.provisioning.SchoolRecord> schools) {
        Map<String, String> out = new LinkedHashMap<>();
        for (cn.xinan.provisioning.SchoolRecord s : schools) {
            out.put(s.schoolId(), s.name());
        }
        return out;
    }
}
