package cn.xinan.collector.audit;

import cn.xinan.rules.DayResult;
import cn.xinan.rules.WeekResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The audit as CSV for Excel (docs/audit.md): UTF-8 with a byte order mark, CRLF line ends, fields quoted
 * when they hold a comma, a quote or a line break. One row per room and day, then one per room and week.
 */
public final class AuditCsv {
    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("county", "school", "room", "name", "tier", "unit", "period",
            "schoolDay", "schoolDays", "requiredSeconds", "openSeconds", "attendedSeconds", "unattendedSeconds",
            "checkins", "verdict", "exceptions");
    /** The UTF-8 byte order mark that makes Excel read the file as UTF-8. */
    public static final String BOM = "\uFEFF";

    private AuditCsv() {
    }

    public static byte[] bytes(AuditReport report) {
        return text(report).getBytes(StandardCharsets.UTF_8);
    }

    /** The CSV text, starting with the byte order mark. */
    public static String text(AuditReport report) {
        StringBuilder out = new StringBuilder(BOM);
        line(out, COLUMNS);
        for (AuditRoom room : report.rooms()) {
            List<AuditException> exceptions = room.exceptions();
            long daily = room.report().thresholds().dailySeconds();
            for (DayResult d : room.report().days()) {
                String unit = d.date().toString();
                line(out, List.of(room.room().county(), room.room().school(), room.room().roomId(), room.room().name(),
                        room.report().tier().chineseName(), "day", unit, Boolean.toString(d.schoolDay()), "",
                        Long.toString(d.schoolDay() ? daily : 0), Long.toString(d.openSeconds()),
                        Long.toString(d.attendedSeconds()), Long.toString(d.unattendedSeconds()),
                        Integer.toString(d.checkins()), d.verdict().name(), reasons(exceptions, unit)));
            }
            for (WeekResult w : room.report().weeks()) {
                line(out, List.of(room.room().county(), room.room().school(), room.room().roomId(), room.room().name(),
                        room.report().tier().chineseName(), "week", w.week(), "", Integer.toString(w.schoolDays()),
                        Long.toString(w.requiredSeconds()), "", Long.toString(w.attendedSeconds()), "", "",
                        w.verdict().name(), reasons(exceptions, w.week())));
            }
        }
        return out.toString();
    }

    private static String reasons(List<AuditException> exceptions, String unit) {
        return exceptions.stream().filter(e -> e.unit().equals(unit))
                .map(e -> e.kind().name() + ": " + e.reason()).collect(Collectors.joining("; "));
    }

    private static void line(StringBuilder out, List<String> fields) {
        List<String> quoted = new ArrayList<>(fields.size());
        for (String f : fields) {
            quoted.add(f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")
                    ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
        }
        out.append(String.join(",", quoted)).append("\r\n");
    }
}
