package cn.xinan.dashboards;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana's InfluxDB (InfluxQL) data source does to a raw query before sending it, re-done for the tests:
 *
 * <ul>
 *   <li>{@code $timeFilter} becomes {@code time >= <from>ms and time <= <to>ms} (an absolute range; both ends
 *       inclusive, as Grafana sends them);</li>
 *   <li>{@code $__interval} and {@code $interval} become the interval Grafana picked (fixed by the test);</li>
 *   <li>a dashboard variable ({@code $name}, {@code ${name}}, {@code [[name]]}) becomes, in a panel query
 *       ({@code interpolateQueryExpr}), its raw value when the variable is neither multi-value nor "include All",
 *       else its regex-escaped value, several values as {@code (a|b)}; in a variable's own query (format
 *       {@code regex}), always regex-escaped, several as {@code (a|b)}. "All" without a custom all value stands
 *       for every option of the variable.</li>
 * </ul>
 * Variable options come from running the variable's query (SHOW TAG VALUES) and applying its regex: with a
 * capture group, the first group is the value; values are de-duplicated and sorted (sort 1: alphabetical).
 */
final class GrafanaTemplating {
    /** Grafana's variable syntax (templateSrv's regex). */
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?\\]\\]|\\$\\{(\\w+)(?:\\.([^:^\\}]+))?(?::([^\\}]+))?\\}");
    /** Grafana's kbn.regexEscape. */
    private static final Pattern REGEX_SPECIAL = Pattern.compile("[\\\\^$*+?.()|\\[\\]{}/]");
    static final List<String> MACROS = List.of("timeFilter", "__interval", "interval");

    private final Instant from;
    private final Instant to;
    private final String interval;
    /** Resolved variables in dashboard order: name → chosen values; null values mean "the raw constant". */
    private final Map<String, Resolved> resolved = new LinkedHashMap<>();

    private record Resolved(boolean multiOrAll, List<String> values) {
    }

    /**
     * Resolves the dashboard's variables in order, like Grafana on load.
     *
     * @param chosen      values picked per variable; a variable not named here is set to "All"
     * @param showTagValues runs an (interpolated) SHOW TAG VALUES query and returns the values column
     */
    GrafanaTemplating(JsonNode dashboard, Instant from, Instant to, String interval, Map<String, List<String>> chosen,
                      Function<String, List<String>> showTagValues) {
        this.from = from;
        this.to = to;
        this.interval = interval;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String name = v.path("name").asText();
            String type = v.path("type").asText();
            switch (type) {
                case "constant" -> resolved.put(name, new Resolved(false, List.of(v.path("query").asText())));
                case "query" -> {
                    List<String> options = options(v, showTagValues.apply(interpolate(v.path("query").asText(), true)));
                    List<String> pick = chosen.get(name);
                    if (pick != null && !options.containsAll(pick)) {
                        throw new AssertionError("variable " + name + " offers " + options + ", not " + pick);
                    }
                    boolean multiOrAll = v.path("multi").asBoolean() || v.path("includeAll").asBoolean();
                    resolved.put(name, new Resolved(multiOrAll, pick != null ? pick : options));
                }
                default -> throw new AssertionError("variable type " + type + " is not modelled by the tests");
            }
        }
    }

    /** The options a query variable offers for these raw values: its regex applied, de-duplicated, sorted. */
    static List<String> options(JsonNode variable, List<String> raw) {
        String regex = variable.path("regex").asText("");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        Pattern p = regex.isEmpty() ? null : jsRegex(regex);
        for (String value : raw) {
            if (p == null) {
                out.add(value);
                continue;
            }
            Matcher m = p.matcher(value);
            if (m.find()) {
                out.add(m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : value);
            }
        }
        List<String> list = new ArrayList<>(out);
        int sort = variable.path("sort").asInt(0);
        if (sort == 1) {
            list.sort(null);
        } else if (sort != 0) {
            throw new AssertionError("variable sort " + sort + " is not modelled by the tests");
        }
        return list;
    }

    /** A JavaScript regex literal {@code /.../flags} as a Java pattern (the dashboards use the common subset). */
    static Pattern jsRegex(String literal) {
        if (!literal.startsWith("/") || literal.lastIndexOf('/') == 0) {
            throw new AssertionError("not a /regex/: " + literal);
        }
        int end = literal.lastIndexOf('/');
        String flags = literal.substring(end + 1);
        return Pattern.compile(literal.substring(1, end), flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0);
    }

    List<String> values(String variable) {
        return Objects.requireNonNull(resolved.get(variable), variable).values();
    }

    /** A panel target's query as Grafana sends it. */
    String panelQuery(String query) {
        return interpolate(query, false);
    }

    private String interpolate(String query, boolean regexFormat) {
        Matcher m = VARIABLE.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4);
            String replacement = switch (name) {
                case "timeFilter" -> "time >= " + from.toEpochMilli() + "ms and time <= " + to.toEpochMilli() + "ms";
                case "__interval", "interval" -> interval;
                default -> {
                    Resolved r = resolved.get(name);
                    if (r == null) {
                        throw new AssertionError("query uses $" + name + ", which is no variable defined before it: " + query);
                    }
                    yield format(r, regexFormat);
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String format(Resolved r, boolean regexFormat) {
        if (!regexFormat && !r.multiOrAll()) {
            return r.values().getFirst();
        }
        List<String> escaped = r.values().stream().map(GrafanaTemplating::regexEscape).toList();
        return escaped.size() == 1 ? escaped.getFirst() : "(" + String.join("|", escaped) + ")";
    }

    static String regexEscape(String value) {
        return REGEX_SPECIAL.matcher(value).replaceAll(mr -> Matcher.quoteReplacement("\\" + mr.group()));
    }

    /** Names used with {@code $} in a query, macros included. */
    static List<String> referencedNames(String query) {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(query);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4));
        }
        return out;
    }
}
