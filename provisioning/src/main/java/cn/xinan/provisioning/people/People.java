package cn.xinan.provisioning.people;

import cn.xinan.provisioning.Csv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The district's accounts, kept in the registry folder next to {@code rooms.csv} as two UTF-8 CSV files
 * (docs/security.md):
 *
 * <pre>
 * people.csv  user,role,scope,disabled,password     e.g. wang.li,county-admin,county:东宝区,false,"$argon2id$v=19$m=19456,t=2,p=1$…$…"
 * tokens.csv  id,user,sha256,created,label           e.g. 3f9a…,wang.li,5e88…,2025-03-03T08:00:00Z,nightly export
 * </pre>
 *
 * Immutable: every change returns a new {@code People}; {@link #save} writes both files atomically (a reader never
 * sees half a file) and readable by their owner only.
 */
public final class People {
    public static final String PEOPLE_FILE = "people.csv";
    public static final String TOKENS_FILE = "tokens.csv";
    static final List<String> PEOPLE_COLUMNS = List.of("user", "role", "scope", "disabled", "password");
    static final List<String> TOKEN_COLUMNS = List.of("id", "user", "sha256", "created", "label");

    private final Map<String, Person> people;
    private final Map<String, ApiToken> tokens;

    public People(List<Person> people, List<ApiToken> tokens) {
        this.people = new LinkedHashMap<>();
        for (Person p : people) {
            if (this.people.putIfAbsent(p.user(), p) != null) {
                throw new PeopleException("person " + p.user() + " is listed twice");
            }
        }
        this.tokens = new LinkedHashMap<>();
        for (ApiToken t : tokens) {
            if (!this.people.containsKey(t.user())) {
                throw new PeopleException("token " + t.id() + " belongs to unknown person " + t.user());
            }
            if (this.tokens.putIfAbsent(t.id(), t) != null) {
                throw new PeopleException("token " + t.id() + " is listed twice");
            }
        }
    }

    public static People empty() {
        return new People(List.of(), List.of());
    }

    public List<Person> people() {
        return List.copyOf(people.values());
    }

    public List<ApiToken> tokens() {
        return List.copyOf(tokens.values());
    }

    public Optional<Person> person(String user) {
        return Optional.ofNullable(people.get(user));
    }

    /** @throws PeopleException when the user name is taken */
    public People add(Person person) {
        if (people.containsKey(person.user())) {
            throw new PeopleException("person " + person.user() + " exists already");
        }
        List<Person> all = new ArrayList<>(people.values());
        all.add(person);
        return new People(all, tokens());
    }

    /** @throws PeopleException when there is no such person */
    public People replace(Person person) {
        require(person.user());
        List<Person> all = people.values().stream().map(p -> p.user().equals(person.user()) ? person : p).toList();
        return new People(all, tokens());
    }

    /** @throws PeopleException when there is no such person */
    public Person require(String user) {
        return person(user).orElseThrow(() -> new PeopleException("no person " + user + " in " + PEOPLE_FILE));
    }

    public People addToken(ApiToken token) {
        List<ApiToken> all = new ArrayList<>(tokens.values());
        all.add(token);
        return new People(people(), all);
    }

    /** @throws PeopleException when there is no such token */
    public People revokeToken(String id) {
        if (!tokens.containsKey(id)) {
            throw new PeopleException("no token " + id + " in " + TOKENS_FILE);
        }
        return new People(people(), tokens.values().stream().filter(t -> !t.id().equals(id)).toList());
    }

    /**
     * The person a presented API token acts for: the token must exist, its secret match, and its person be enabled.
     *
     * @return the person and the token's id
     */
    public Optional<Map.Entry<Person, String>> byToken(String presented) {
        Optional<String[]> parts = ApiToken.split(presented);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        ApiToken token = tokens.get(parts.get()[0]);
        if (token == null || !token.matchesSecret(parts.get()[1])) {
            return Optional.empty();
        }
        return person(token.user()).filter(p -> !p.disabled()).map(p -> Map.entry(p, token.id()));
    }

    /** Reads {@code dir/people.csv} and {@code dir/tokens.csv}; a missing file is empty (nobody can sign in). */
    public static People load(Path dir) {
        Path peopleFile = dir.resolve(PEOPLE_FILE);
        Path tokensFile = dir.resolve(TOKENS_FILE);
        List<Person> people = Files.exists(peopleFile) ? read(peopleFile, PEOPLE_COLUMNS, row -> new Person(
                row.get("user"), row.parse("role", Role::parse), row.parse("scope", Scope::parse),
                row.parse("disabled", People::bool), row.get("password"))) : List.of();
        List<ApiToken> tokens = Files.exists(tokensFile) ? read(tokensFile, TOKEN_COLUMNS, row -> new ApiToken(
                row.get("id"), row.get("user"), row.get("sha256"), row.parse("created", People::instant), row.get("label")))
                : List.of();
        try {
            return new People(people, tokens);
        } catch (PeopleException e) {
            throw new PeopleException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes both files into {@code dir} (created if needed), each atomically, owner read/write only. */
    public void save(Path dir) {
        List<String> peopleLines = new ArrayList<>();
        peopleLines.add(String.join(",", PEOPLE_COLUMNS));
        for (Person p : people.values()) {
            peopleLines.add(Csv.formatLine(List.of(p.user(), p.role().id(), p.scope().toString(),
                    Boolean.toString(p.disabled()), p.passwordHash())));
        }
        List<String> tokenLines = new ArrayList<>();
        tokenLines.add(String.join(",", TOKEN_COLUMNS));
        for (ApiToken t : tokens.values()) {
            tokenLines.add(Csv.formatLine(List.of(t.id(), t.user(), t.sha256(), t.created().toString(), t.label())));
        }
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve(PEOPLE_FILE), peopleLines);
            writeAtomically(dir.resolve(TOKENS_FILE), tokenLines);
        } catch (IOException e) {
            throw new PeopleException("cannot write the people files to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the folder's permissions apply
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' must be true or false");
        };
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' must be an ISO-8601 UTC instant");
        }
    }

    /** One data line, with the file name and line number for error messages. */
    private record Row(Map<String, String> values, String where) {
        String get(String column) {
            return values.get(column);
        }

        <T> T parse(String column, java.util.function.Function<String, T> parser) {
            try {
                return parser.apply(values.get(column));
            } catch (IllegalArgumentException e) {
                throw new PeopleException(where + ", column " + column + ": " + e.getMessage(), e);
            }
        }
    }

    private static <T> List<T> read(Path file, List<String> columns, java.util.function.Function<Row, T> mapper) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PeopleException(file + ": file not found");
        } catch (IOException e) {
            throw new PeopleException(file + ": cannot read as UTF-8 text: " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        if (lines.isEmpty() || !Csv.parseLine(lines.get(0).replace("\uFEFF", "")).stream().map(String::strip).toList()
                .equals(columns)) {
            throw new PeopleException(name + " line 1: the header must be " + String.join(",", columns));
        }
        List<T> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = name + " line " + (i + 1);
            try {
                List<String> fields = Csv.parseLine(lines.get(i));
                if (fields.size() != columns.size()) {
                    throw new IllegalArgumentException(fields.size() + " fields, the header has " + columns.size());
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) {
                    values.put(columns.get(c), fields.get(c).strip());
                }
                out.add(mapper.apply(new Row(values, where)));
            } catch (PeopleException e) {
                throw e;
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new PeopleException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
