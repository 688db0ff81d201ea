package cn.xinan.provisioning.influx;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The InfluxDB 1.x set-up of a district (docs/provisioning.md, "InfluxDB and Grafana"): the database, two retention
 * policies, a user for the collector (read and write on that database, no admin right) and a read-only user for
 * Grafana. As an InfluxQL script for an administrator, or applied through the v1 HTTP API.
 *
 * <p>Two policies because the data has two lives. The raw policy holds the signed events (and the quarantine): the
 * evidence an audit's bundle is made of, kept for the audit period ({@value #DEFAULT_RAW_DURATION} by default: the
 * current school year and the two before it stay auditable with their signatures). The derived policy holds what the
 * collector computes from them, the day summaries and the dashboards' figures ({@code room_day}, {@code room_week},
 * {@code rooms}): a few points per room and day, kept longer ({@code INF} by default), so the dashboards and the
 * verdicts of old terms outlive the events they came from.
 *
 * @param database          {@code xinan}: the collector's {@code store.influxdb.database}
 * @param rawPolicy         {@code xinan}: the collector's {@code store.influxdb.retention-policy}; events, quarantine
 * @param rawDuration       an InfluxQL duration ({@code 1095d}, {@code INF}): how long InfluxDB keeps them; at least
 *                          {@value #MIN_RAW_DAYS} days
 * @param derivedPolicy     {@code xinan_derived}: the collector's {@code store.influxdb.derived-retention-policy}; day
 *                          summaries and the dashboards' figures
 * @param derivedDuration   {@code INF}, or at least {@code rawDuration}
 * @param collectorUser     the collector's user
 * @param collectorPassword its password
 * @param grafanaUser       Grafana's read-only user
 * @param grafanaPassword   its password
 */
public record InfluxSetup(String database, String rawPolicy, String rawDuration, String derivedPolicy,
                          String derivedDuration, String collectorUser, String collectorPassword, String grafanaUser,
                          String grafanaPassword) {
    public static final String DEFAULT_DATABASE = "xinan";
    public static final String DEFAULT_RAW_POLICY = "xinan";
    /** Three years of 365 days: the audit period (docs/provisioning.md, "InfluxDB and Grafana"). */
    public static final String DEFAULT_RAW_DURATION = "1095d";
    public static final String DEFAULT_DERIVED_POLICY = "xinan_derived";
    public static final String DEFAULT_DERIVED_DURATION = "INF";
    /**
     * The shortest raw policy: at each start the collector re-derives the day summaries of the figures' weeks from
     * the events (up to 53 weeks back), and a day whose events had expired would become NO_DATA; 400 days also hold
     * the longest audit (at most 400 days) with its evidence.
     */
    public static final int MIN_RAW_DAYS = 400;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("INF|([1-9][0-9]*)(h|d|w)");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern USER_ROW = Pattern.compile("\\[\"((?:[^\"\\\\]|\\\\.)*)\",(true|false)\\]");

    public InfluxSetup {
        name(database, "database");
        name(rawPolicy, "raw retention policy");
        name(derivedPolicy, "derived retention policy");
        if (rawPolicy.equals(derivedPolicy)) {
            throw new IllegalArgumentException("the raw and the derived retention policy need two different names, both were '"
                    + rawPolicy + "'");
        }
        long rawHours = hours(rawDuration, "raw retention duration");
        long derivedHours = hours(derivedDuration, "derived retention duration");
        if (rawHours < MIN_RAW_DAYS * 24L) {
            throw new IllegalArgumentException("raw retention duration '" + rawDuration + "' is shorter than "
                    + MIN_RAW_DAYS + " days: the collector re-derives up to 53 weeks of figures from the events, and an "
                    + "audit covers up to 400 days");
        }
        if (derivedHours < rawHours) {
            throw new IllegalArgumentException("derived retention duration '" + derivedDuration
                    + "' is shorter than the raw one '" + rawDuration + "': the figures would go before their events");
        }
        name(collectorUser, "collector user");
        name(grafanaUser, "Grafana user");
        if (collectorUser.equals(grafanaUser)) {
            throw new IllegalArgumentException("the collector and Grafana need two different users");
        }
        Objects.requireNonNull(collectorPassword, "collector password is missing");
        Objects.requireNonNull(grafanaPassword, "Grafana password is missing");
    }

    private static void name(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' must be 1-64 of A-Z a-z 0-9 _ . -");
        }
    }

    /** The duration in hours; {@code INF} as the largest. */
    private static long hours(String duration, String what) {
        Matcher m = duration == null ? null : DURATION.matcher(duration);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(what + " '" + duration + "' is not INF or a whole number of h, d or w (1095d)");
        }
        if (duration.equals("INF")) {
            return Long.MAX_VALUE;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "h" -> n;
            case "d" -> Math.multiplyExact(n, 24L);
            default -> Math.multiplyExact(n, 24L * 7);
        };
    }

    /** The statements, in order, for a server where none of it exists yet. */
    public List<String> statements() {
        return List.of(
                "CREATE DATABASE " + ident(database),
                createPolicy(rawPolicy, rawDuration),
                createPolicy(derivedPolicy, derivedDuration),
                "CREATE USER " + ident(collectorUser) + " WITH PASSWORD " + literal(collectorPassword),
                "GRANT ALL ON " + ident(database) + " TO " + ident(collectorUser),
                "CREATE USER " + ident(grafanaUser) + " WITH PASSWORD " + literal(grafanaPassword),
                "GRANT READ ON " + ident(database) + " TO " + ident(grafanaUser));
    }

    private String createPolicy(String policy, String duration) {
        return "CREATE RETENTION POLICY " + ident(policy) + " ON " + ident(database) + " DURATION " + duration
                + " REPLICATION 1";
    }

    /** The script an administrator runs once ({@code influx -username ADMIN -password … -execute} per line). */
    public String script() {
        StringBuilder b = new StringBuilder()
                .append("-- Xin'an InfluxDB set-up, made by `xinan provision influxdb` (docs/provisioning.md).\n")
                .append("-- Secret: holds the collector's and Grafana's passwords. Run as an InfluxDB admin.\n");
        for (String s : statements()) {
            b.append(s).append('\n');
        }
        return b.toString();
    }

    /** What {@link #apply} did, one line per step. */
    public record Applied(List<String> steps) {
    }

    /**
     * Applies the set-up to a running InfluxDB 1.x through its HTTP API as {@code adminUser}: idempotent (existing
     * database, policy and users are kept, the users' passwords set to these, the grants made again). When the
     * server has authentication on and no user yet, {@code adminUser} is created first as its administrator.
     *
     * @throws IllegalStateException naming the statement and InfluxDB's answer when a step fails
     */
    public Applied apply(String url, String adminUser, String adminPassword) {
        Objects.requireNonNull(adminUser, "admin user is missing");
        Objects.requireNonNull(adminPassword, "admin password is missing");
        List<String> steps = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            Http h = new Http(http, url.endsWith("/") ? url.substring(0, url.length() - 1) : url, adminUser, adminPassword);
            String users = h.send("SHOW USERS", true);
            if (users.contains("create admin user first")) {
                h.send("CREATE USER " + ident(adminUser) + " WITH PASSWORD " + literal(adminPassword)
                        + " WITH ALL PRIVILEGES", false);
                steps.add("created the admin user " + adminUser + " (the server had no user)");
                users = h.send("SHOW USERS", false);
            } else {
                h.check("SHOW USERS", users);
            }
            List<String> existing = new ArrayList<>();
            Matcher m = USER_ROW.matcher(users);
            while (m.find()) {
                existing.add(m.group(1));
            }
            h.send("CREATE DATABASE " + ident(database), false);
            steps.add("database " + database);
            String policies = h.send("SHOW RETENTION POLICIES ON " + ident(database), false);
            policy(h, policies, rawPolicy, rawDuration, "raw", steps);
            policy(h, policies, derivedPolicy, derivedDuration, "derived", steps);
            user(h, existing, collectorUser, collectorPassword, "ALL", steps);
            user(h, existing, grafanaUser, grafanaPassword, "READ", steps);
        }
        return new Applied(steps);
    }

    private void policy(Http h, String existing, String policy, String duration, String what, List<String> steps) {
        if (existing.contains("[\"" + policy + "\",")) {
            h.send("ALTER RETENTION POLICY " + ident(policy) + " ON " + ident(database) + " DURATION " + duration, false);
            steps.add(what + " retention policy " + policy + " kept, duration set to " + duration);
        } else {
            h.send(createPolicy(policy, duration), false);
            steps.add(what + " retention policy " + policy + " created, duration " + duration);
        }
    }

    private void user(Http h, List<String> existing, String user, String password, String privilege, List<String> steps) {
        if (existing.contains(user)) {
            h.send("SET PASSWORD FOR " + ident(user) + " = " + literal(password), false);
        } else {
            h.send("CREATE USER " + ident(user) + " WITH PASSWORD " + literal(password), false);
        }
        if (privilege.equals("READ")) {
            // a user that could write before must not keep it
            h.send("REVOKE ALL ON " + ident(database) + " FROM " + ident(user), false);
        }
        h.send("GRANT " + privilege + " ON " + ident(database) + " TO " + ident(user), false);
        steps.add("user " + user + (existing.contains(user) ? " (password set)" : " created") + ", " + privilege
                + " on " + database);
    }

    private record Http(HttpClient http, String url, String user, String password) {
        /** Sends one statement; returns the body, or throws when it failed (unless {@code lenient}). */
        String send(String statement, boolean lenient) {
            String body = "q=" + URLEncoder.encode(statement, StandardCharsets.UTF_8);
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/query"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException("InfluxDB " + url + " unreachable: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (lenient) {
                return res.body();
            }
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException(redact(statement) + ": InfluxDB answered " + res.statusCode() + " "
                        + res.body().strip());
            }
            check(statement, res.body());
            return res.body();
        }

        void check(String statement, String body) {
            Matcher e = ERROR.matcher(body);
            if (e.find()) {
                throw new IllegalStateException(redact(statement) + ": InfluxDB answered: " + e.group(1));
            }
        }
    }

    /** A statement for an error message, without the password it may carry. */
    private static String redact(String statement) {
        return statement.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "'******'");
    }

    static String ident(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
