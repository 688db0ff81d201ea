package cn.xinan.provisioning.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Mosquitto's ACL file, read and evaluated as Mosquitto 2.0.11's default ACL check does it
 * ({@code src/security_default.c}):
 * <pre>
 * # comment
 * topic read public/#            (before any user line: anonymous clients)
 * user xinan-collector
 * topic read +/events            (access read, write, readwrite or deny; none given = readwrite)
 * pattern write %u/events        (every user; %u = user name, %c = client id)
 * </pre>
 * A user's own lines are tried first, then the patterns; within each, {@code deny} lines first, then the others in
 * file order; the first line whose topic matches decides: {@code deny} refuses, a line granting the access allows,
 * a line not granting it is passed over. Nothing matching refuses. A topic starting with {@code $} matches only a
 * line starting with {@code $}. With patterns present, a user name or client id holding {@code +} or {@code #} is
 * refused everything; a pattern with {@code %u} does not apply to a client without a user name.
 *
 * <p>Subscriptions: Mosquitto 2.0.11 does not check them at all (it checks read access per message when it delivers
 * one, and for a shared subscription drops a message whose chosen member may not read it: docs/collector.md).
 * {@link #canSubscribe} is the stricter rule the embedded broker enforces instead: the filter (without a
 * {@code $share/group/} prefix) must be covered by read access, that is every topic it can match must be readable,
 * and no {@code deny} line may overlap it. Immutable and thread-safe.
 */
public final class MosquittoAcl {
    /** What a line grants. */
    public enum Access {
        READ, WRITE, READWRITE, DENY;

        boolean grants(Access wanted) {
            return this == wanted || this == READWRITE && wanted != DENY;
        }
    }

    /**
     * One {@code topic} or {@code pattern} line.
     *
     * @param pattern whether it is a {@code pattern} line (every user, %u and %c substituted)
     * @param user    for a {@code topic} line, the user of the section it is in ({@code null}: anonymous)
     * @param line    its line number in the file
     */
    public record Rule(boolean pattern, String user, Access access, String topic, int line) {
        public Rule {
            Objects.requireNonNull(access, "access is missing");
            Objects.requireNonNull(topic, "topic is missing");
            if (pattern && user != null) {
                throw new IllegalArgumentException("a pattern line belongs to no user");
            }
        }
    }

    private final List<Rule> rules;

    public MosquittoAcl(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Reads an ACL file (UTF-8). @throws BrokerFileException naming the file and line */
    public static MosquittoAcl read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new BrokerFileException(file + ": cannot read the ACL file: " + e.getMessage(), e);
        }
    }

    /** Parses the lines of an ACL file; {@code source} names it in errors. */
    public static MosquittoAcl parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        String user = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            String where = source + " line " + (i + 1);
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] words = line.strip().split(" +", 3);
            switch (words[0]) {
                case "user" -> {
                    if (words.length < 2) {
                        throw new BrokerFileException(where + ": missing user name");
                    }
                    user = line.strip().substring(4).strip();
                }
                case "topic", "pattern" -> {
                    if (words.length < 2) {
                        throw new BrokerFileException(where + ": empty topic");
                    }
                    Access access;
                    String topic;
                    if (words.length == 2) {
                        access = Access.READWRITE;
                        topic = words[1];
                    } else {
                        access = switch (words[1]) {
                            case "read" -> Access.READ;
                            case "write" -> Access.WRITE;
                            case "readwrite" -> Access.READWRITE;
                            case "deny" -> Access.DENY;
                            default -> throw new BrokerFileException(where + ": invalid access type '" + words[1]
                                    + "' (read, write, readwrite or deny)");
                        };
                        topic = words[2].strip();
                    }
                    if (!validFilter(topic)) {
                        throw new BrokerFileException(where + ": invalid ACL topic '" + topic + "'");
                    }
                    boolean pattern = words[0].equals("pattern");
                    rules.add(new Rule(pattern, pattern ? null : user, access, topic, i + 1));
                }
                default -> throw new BrokerFileException(where + ": invalid line '" + line.strip()
                        + "' (expected user, topic or pattern)");
            }
        }
        return new MosquittoAcl(rules);
    }

    /** Whether {@code user} (or anonymous, {@code null}) connected as {@code clientId} may publish to {@code topic}. */
    public boolean canPublish(String user, String clientId, String topic) {
        return check(user, clientId, topic, Access.WRITE);
    }

    /** Whether a message on {@code topic} may be delivered to {@code user} connected as {@code clientId}. */
    public boolean canRead(String user, String clientId, String topic) {
        return check(user, clientId, topic, Access.READ);
    }

    /**
     * Whether {@code user} connected as {@code clientId} may subscribe to {@code filter} (a {@code $share/group/}
     * prefix is taken off): every topic the filter can match must be readable and no {@code deny} line overlaps it.
     */
    public boolean canSubscribe(String user, String clientId, String filter) {
        String f = withoutSharePrefix(filter);
        if (f == null || !validFilter(f) || dangerous(user, clientId)) {
            return false;
        }
        List<String> applicable = new ArrayList<>();
        List<Access> access = new ArrayList<>();
        for (Rule r : ordered(user)) {
            String topic = r.pattern() ? substitute(r.topic(), user, clientId) : r.topic();
            if (topic == null) {
                continue;
            }
            applicable.add(topic);
            access.add(r.access());
        }
        for (int i = 0; i < applicable.size(); i++) {
            if (access.get(i) == Access.DENY && overlaps(applicable.get(i), f)) {
                return false;
            }
        }
        for (int i = 0; i < applicable.size(); i++) {
            if (access.get(i).grants(Access.READ) && dollarCompatible(applicable.get(i), f) && covers(applicable.get(i), f)) {
                return true;
            }
        }
        return false;
    }

    /** The filter of a subscription without its {@code $share/group/} prefix; {@code null} when that prefix is malformed. */
    public static String withoutSharePrefix(String filter) {
        if (!filter.startsWith("$share/")) {
            return filter;
        }
        int slash = filter.indexOf('/', "$share/".length());
        if (slash < 0 || slash == "$share/".length() || slash == filter.length() - 1) {
            return null;
        }
        String group = filter.substring("$share/".length(), slash);
        return group.contains("+") || group.contains("#") ? null : filter.substring(slash + 1);
    }

    private boolean check(String user, String clientId, String topic, Access wanted) {
        if (topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
            return false;
        }
        boolean patterns = rules.stream().anyMatch(Rule::pattern);
        for (Rule r : ordered(user)) {
            if (r.pattern() && (patterns && dangerous(user, clientId))) {
                return false;
            }
            String acl = r.pattern() ? substitute(r.topic(), user, clientId) : r.topic();
            if (acl == null || !dollarCompatible(acl, topic) || !matches(acl, topic)) {
                continue;
            }
            if (r.access() == Access.DENY) {
                return false;
            }
            if (r.access().grants(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The user's own lines (deny first), then the patterns (deny first), in file order otherwise. */
    private List<Rule> ordered(String user) {
        List<Rule> out = new ArrayList<>();
        for (boolean pattern : new boolean[]{false, true}) {
            for (boolean deny : new boolean[]{true, false}) {
                for (Rule r : rules) {
                    if (r.pattern() == pattern && (r.access() == Access.DENY) == deny
                            && (pattern || Objects.equals(r.user(), user))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static boolean dangerous(String user, String clientId) {
        return user != null && (user.contains("+") || user.contains("#"))
                || clientId == null || clientId.contains("+") || clientId.contains("#");
    }

    /** %c and %u replaced; {@code null} when the line uses %u and there is no user name. */
    private static String substitute(String topic, String user, String clientId) {
        if (topic.contains("%u") && user == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '%' && i < topic.length() - 1 && topic.charAt(i + 1) == 'c') {
                b.append(clientId);
                i++;
            } else if (c == '%' && i < topic.length() - 1 && topic.charAt(i + 1) == 'u') {
                b.append(user);
                i++;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean dollarCompatible(String acl, String topic) {
        return !topic.startsWith("$") || acl.startsWith("$");
    }

    /** MQTT topic matching: {@code +} one level, {@code #} the rest (also the parent level itself). */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Whether every topic {@code filter} can match is matched by {@code acl}. */
    static boolean covers(String acl, String filter) {
        String[] a = acl.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals("#")) {
                return true;
            }
            if (i >= f.length) {
                return false;
            }
            if (f[i].equals("#")) {
                return false;
            }
            if (a[i].equals("+")) {
                continue;
            }
            if (f[i].equals("+") || !a[i].equals(f[i])) {
                return false;
            }
        }
        return a.length == f.length;
    }

    /** Whether some topic matches both filters. */
    static boolean overlaps(String x, String y) {
        String[] a = x.split("/", -1);
        String[] b = y.split("/", -1);
        for (int i = 0; ; i++) {
            if (i < a.length && a[i].equals("#") || i < b.length && b[i].equals("#")) {
                return true;
            }
            if (i >= a.length || i >= b.length) {
                return a.length == b.length;
            }
            if (!a[i].equals("+") && !b[i].equals("+") && !a[i].equals(b[i])) {
                return false;
            }
        }
    }

    /** A valid subscription filter: {@code #} only as the last level, wildcards only as whole levels. */
    static boolean validFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (l.contains("+") && !l.equals("+")) {
                return false;
            }
        }
        return true;
    }
}
