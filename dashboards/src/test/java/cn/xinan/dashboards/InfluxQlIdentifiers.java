package cn.xinan.dashboards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the identifiers out of a dashboard's InfluxQL (raw, before Grafana's interpolation) so a test can hold
 * every query to the fields it may show. Deliberately strict: every tag and field must be double-quoted, a bare
 * word must be an InfluxQL keyword or function the dashboards use, and {@code SELECT *} is refused (it would
 * bring every field, the staff code and the signature included).
 */
final class InfluxQlIdentifiers {
    /** What the collector writes (docs/collector.md, InfluxDB schema): tags and fields per measurement. */
    static final Map<String, Set<String>> TAGS = Map.of(
            "events", Set.of("room", "device", "kind"),
            "quarantine", Set.of("reason"),
            "room_day", Set.of("county", "school", "room", "tier"),
            "room_week", Set.of("county", "school", "room", "tier"),
            "rooms", Set.of("county", "school", "room", "tier"));
    static final Map<String, Set<String>> FIELDS_WRITTEN = Map.of(
            "events", Set.of("id", "seq", "synced", "sig", "receivedAt", "reason", "prevAliveAt", "staff", "occupied",
                    "purpose", "stage"),
            "quarantine", Set.of("topic", "device", "detail", "payload", "payloadBytes"),
            "room_day", Set.of("schoolDay", "openSeconds", "attendedSeconds", "checkins", "verdict", "met", "required",
                    "complete"),
            "room_week", Set.of("week", "schoolDays", "requiredSeconds", "attendedSeconds", "verdict", "met", "required",
                    "complete"),
            "rooms", Set.of("one", "qualified", "demonstration"));
    /**
     * The fields dashboards may query. Left out on purpose: the event id and signature (meaningless to a reader,
     * and an id next to a check-in time invites joining), the staff code (employee data, not needed for usage),
     * the receive time, and the quarantine's detail and payload (attacker-controlled content). None of the
     * written fields identifies a student (docs/rules.md §7): there is none to leave out.
     */
    static final Map<String, Set<String>> FIELDS_SHOWN = Map.of(
            "events", Set.of("seq", "synced", "reason", "prevAliveAt", "occupied", "purpose", "stage"),
            "quarantine", Set.of("topic", "device", "payloadBytes"),
            // the derived figures (docs/collector.md) are per-room counts and verdicts: nothing about any person
            "room_day", Set.of("verdict", "met", "required", "complete"),
            "room_week", Set.of("met", "required", "complete"),
            "rooms", Set.of("one", "qualified", "demonstration"));

    private static final Set<String> KEYWORDS = Set.of("select", "from", "where", "and", "or", "group", "by", "time",
            "fill", "tz", "order", "desc", "asc", "limit", "as", "count", "last", "true", "false", "show", "tag",
            "values", "with", "key", "previous", "none", "null", "sum");

    /** The measurement and the tags/fields a query refers to. */
    record Reference(String retentionPolicy, String measurement, List<String> identifiers) {
    }

    private InfluxQlIdentifiers() {
    }

    static Reference read(String query) {
        List<String> quoted = new ArrayList<>();
        List<Integer> quotedAfterKeyword = new ArrayList<>();
        String lastWord = "";
        int i = 0;
        while (i < query.length()) {
            char c = query.charAt(i);
            if (c == '"') {
                int end = closing(query, i, '"');
                quoted.add(query.substring(i + 1, end).replace("\\\"", "\""));
                quotedAfterKeyword.add(lastWord.equals("as") ? -1 : lastWord.equals("from") ? 1 : 0);
                lastWord = lastWord.equals("from") ? "from-rp" : lastWord.equals("from-rp") ? "" : "";
                i = end + 1;
            } else if (c == '\'') {
                i = closing(query, i, '\'') + 1;
                lastWord = "";
            } else if (c == '/' && previousNonBlank(query, i) == '~') {
                i = closing(query, i, '/') + 1;
                lastWord = "";
            } else if (c == '$') {
                int end = i + 1;
                while (end < query.length() && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
                    end++;
                }
                i = end;
            } else if (Character.isDigit(c)) {
                while (i < query.length() && Character.isLetterOrDigit(query.charAt(i))) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < query.length() && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
                    end++;
                }
                String word = query.substring(i, end).toLowerCase(Locale.ROOT);
                if (!KEYWORDS.contains(word)) {
                    throw new IllegalArgumentException("bare word '" + query.substring(i, end)
                            + "': quote every tag and field, and use only the keywords the checker knows: " + query);
                }
                lastWord = word;
                i = end;
            } else if (c == '*') {
                throw new IllegalArgumentException("SELECT * would show every field (staff codes, signatures): " + query);
            } else {
                if (c == '.' && lastWord.equals("from-rp")) {
                    i++;
                    continue;
                }
                if (!Character.isWhitespace(c)) {
                    lastWord = "";
                }
                i++;
            }
        }
        String rp = null;
        String measurement = null;
        List<String> identifiers = new ArrayList<>();
        for (int k = 0; k < quoted.size(); k++) {
            int role = quotedAfterKeyword.get(k);
            if (role == 1) {
                if (k + 1 >= quoted.size()) {
                    throw new IllegalArgumentException("FROM must name \"retention policy\".\"measurement\": " + query);
                }
                rp = quoted.get(k);
                measurement = quoted.get(k + 1);
                if (!query.contains("FROM \"" + rp + "\".\"" + measurement + "\"")) {
                    throw new IllegalArgumentException("FROM must name \"retention policy\".\"measurement\": " + query);
                }
                k++;
            } else if (role == 0) {
                identifiers.add(quoted.get(k));
            }
        }
        if (measurement == null) {
            throw new IllegalArgumentException("no FROM \"retention policy\".\"measurement\": " + query);
        }
        return new Reference(rp, measurement, identifiers);
    }

    /** The character before {@code i} that is not white space; a '/' after '=~' or '!~' opens a regex, else it divides. */
    private static char previousNonBlank(String s, int i) {
        for (int j = i - 1; j >= 0; j--) {
            if (!Character.isWhitespace(s.charAt(j))) {
                return s.charAt(j);
            }
        }
        return ' ';
    }

    private static int closing(String s, int open, char quote) {
        for (int j = open + 1; j < s.length(); j++) {
            if (s.charAt(j) == '\\') {
                j++;
            } else if (s.charAt(j) == quote) {
                return j;
            }
        }
        throw new IllegalArgumentException("unclosed " + quote + " in " + s);
    }
}
