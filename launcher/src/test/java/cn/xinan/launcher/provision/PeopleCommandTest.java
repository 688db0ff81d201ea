package cn.xinan.launcher.provision;

import cn.xinan.provisioning.people.PasswordHasher;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class PeopleCommandTest {
    @TempDir
    Path district;
    /** The district's registry folder, where the people files live. */
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void registryFolder() throws IOException {
        dir = Files.createDirectories(district.resolve("registry"));
    }

    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PeopleCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private String d() {
        return district.toString();
    }

    @Test
    void addingAPersonStoresAnArgon2idHashOfTheGivenPasswordAndRecordsTheChange() throws IOException {
        Path pw = Files.writeString(dir.resolve("pw.txt"), "dongbao-secret-1\n");

        Run r = run("add", "wang.li", "--role", "county-admin", "--scope", "county:东宝区", "--password-file", pw.toString(), "--district", d());

        assertThat(r.status()).as(r.err()).isZero();
        var person = People.load(dir).require("wang.li");
        assertThat(person.role()).isEqualTo(Role.COUNTY_ADMIN);
        assertThat(person.scope()).isEqualTo(Scope.county("东宝区"));
        assertThat(person.passwordHash()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHasher.verify("dongbao-secret-1".toCharArray(), person.passwordHash())).isTrue();
        assertThat(Files.readString(dir.resolve("people.csv"))).doesNotContain("dongbao-secret-1");
        assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).singleElement().asString()
                .contains("\"action\":\"person-add\"", "\"user\":\"wang.li\"", "\"role\":\"county-admin\"", "\"scope\":\"county:东宝区\"");
    }

    @Test
    void withoutAPasswordFileARandomPasswordIsPrintedOnceAndResetGivesANewOne() {
        Run added = run("add", "li.na", "--role", "inspector", "--scope", "city", "--district", d());
        String first = password(added.out());
        assertThat(PasswordHasher.verify(first.toCharArray(), People.load(dir).require("li.na").passwordHash())).isTrue();

        Run reset = run("reset-password", "li.na", "--district", d());
        String second = password(reset.out());
        String hash = People.load(dir).require("li.na").passwordHash();
        assertThat(PasswordHasher.verify(second.toCharArray(), hash)).isTrue();
        assertThat(PasswordHasher.verify(first.toCharArray(), hash)).isFalse();
    }

    @Test
    void disableEnableAndListShowTheStatus() {
        run("add", "zhao", "--role", "school-admin", "--scope", "school:jm-db-001", "--district", d());
        assertThat(run("disable", "zhao", "--district", d()).status()).isZero();
        assertThat(People.load(dir).require("zhao").disabled()).isTrue();
        assertThat(run("list", "--district", d()).out()).containsPattern("zhao\\s+school-admin\\s+school:jm-db-001\\s+disabled");
        assertThat(run("enable", "zhao", "--district", d()).status()).isZero();
        assertThat(run("list", "--district", d()).out()).containsPattern("zhao\\s+school-admin\\s+school:jm-db-001\\s+enabled");
    }

    @Test
    void aTokenIsPrintedOnceActsAsItsPersonAndCanBeRevoked() throws IOException {
        run("add", "ops", "--role", "it-operator", "--scope", "city", "--district", d());
        Run issued = run("token", "ops", "--label", "nightly check", "--district", d());
        String token = issued.out().lines().filter(l -> l.startsWith("xinan_")).findFirst().orElseThrow();

        assertThat(People.load(dir).byToken(token).orElseThrow().getKey().user()).isEqualTo("ops");
        assertThat(Files.readString(dir.resolve("tokens.csv"))).doesNotContain(token.substring(20));
        String id = People.load(dir).tokens().getFirst().id();
        assertThat(run("list", "--district", d()).out()).contains(id + " (nightly check)");

        assertThat(run("token", "--revoke", id, "--district", d()).status()).isZero();
        assertThat(People.load(dir).byToken(token)).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).anyMatch(l -> l.contains("token-issue"))
                .anyMatch(l -> l.contains("token-revoke") && l.contains(id));
    }

    @Test
    void mistakesAreOneClearMessageAndChangeNothing() {
        run("add", "wang", "--role", "city-admin", "--scope", "city", "--district", d());
        List<String> before = People.load(dir).people().stream().map(Object::toString).toList();

        Run badRole = run("add", "li", "--role", "mayor", "--scope", "city", "--district", d());
        assertThat(badRole.status()).isEqualTo(2);
        assertThat(badRole.err()).contains("xinan: role 'mayor' is not one of city-admin, county-admin");
        Run badScope = run("add", "li", "--role", "county-admin", "--scope", "city", "--district", d());
        assertThat(badScope.err()).contains("county-admin cannot have scope city");
        assertThat(run("add", "wang", "--role", "inspector", "--scope", "city", "--district", d()).err()).contains("wang exists already");
        assertThat(run("disable", "nobody", "--district", d()).err()).contains("no person nobody");
        assertThat(run("token", "--district", d()).err()).contains("give the USER");
        Path weak = dir.resolve("weak.txt");
        assertThat(run("reset-password", "wang", "--password-file", weak.toString(), "--district", d()).err()).contains("weak.txt");

        assertThat(People.load(dir).people().stream().map(Object::toString).toList()).isEqualTo(before);
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : List.of("add", "disable", "enable", "reset-password", "list", "token")) {
            Run help = run(sub, "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).contains("Usage:", "--district");
        }
        assertThat(run("--help").out()).contains("add", "disable", "enable", "reset-password", "list", "token");
    }

    private static String password(String out) {
        Matcher m = Pattern.compile("\\(shown once, hand it over in person\\): (\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }
}
