package cn.xinan.provisioning.people;

import cn.xinan.provisioning.audit.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeopleTest {
    private static final PasswordHasher CHEAP = new PasswordHasher(PasswordHasher.CHEAP_FOR_TESTS, new SecureRandom());
    @TempDir
    Path dir;

    @Test
    void argon2idHashesVerifyOnlyTheirOwnPasswordAndCarryTheirCost() {
        String hash = new PasswordHasher().hash("correct horse 1".toCharArray());

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHasher.verify("correct horse 1".toCharArray(), hash)).isTrue();
        assertThat(PasswordHasher.verify("correct horse 2".toCharArray(), hash)).isFalse();
        assertThat(PasswordHasher.verify("correct horse 1".toCharArray(), hash.replace("t=2", "t=3"))).isFalse();
        assertThat(PasswordHasher.verify("x".toCharArray(), "$argon2id$garbage")).isFalse();
        assertThat(new PasswordHasher().hash("correct horse 1".toCharArray())).as("salted").isNotEqualTo(hash);
        assertThat(PasswordHasher.costOf(hash)).contains(PasswordHasher.DEFAULT);
        assertThat(PasswordHasher.costOf("plain text")).isEmpty();
    }

    @Test
    void weakPasswordsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> CHEAP.hash("short1".toCharArray())).hasMessageContaining("at least 10 characters");
        assertThatThrownBy(() -> CHEAP.hash("1234567890".toCharArray())).hasMessageContaining("letters");
        assertThat(PasswordHasher.randomPassword(new SecureRandom())).hasSize(16);
    }

    @Test
    void roleAndScopeMustSuitEachOther() {
        String hash = CHEAP.hash("password-1".toCharArray());
        assertThatThrownBy(() -> new Person("wang", Role.COUNTY_ADMIN, Scope.CITY, false, hash))
                .hasMessageContaining("county-admin cannot have scope city");
        assertThatThrownBy(() -> new Person("wang", Role.SCHOOL_ADMIN, Scope.county("东宝区"), false, hash))
                .hasMessageContaining("school:ID");
        assertThat(new Person("li", Role.INSPECTOR, Scope.county("东宝区"), false, hash).scope().covers("东宝区", "x")).isTrue();
        assertThat(Scope.parse("school:jm-db-001").covers("东宝区", "jm-db-002")).isFalse();
        assertThatThrownBy(() -> Scope.parse("province")).hasMessageContaining("city, county:NAME or school:ID");
        assertThatThrownBy(() -> new Person("王", Role.CITY_ADMIN, Scope.CITY, false, hash)).hasMessageContaining("user name");
    }

    @Test
    void peopleAndTokensRoundTripThroughTheirFilesReadableByTheOwnerOnly() throws IOException {
        ApiToken.Issued issued = ApiToken.issue("zhang", "nightly export", Instant.parse("2025-03-03T08:00:00Z"), new SecureRandom());
        People people = People.empty()
                .add(new Person("zhang", Role.COUNTY_ADMIN, Scope.county("东宝区"), false, CHEAP.hash("password-1".toCharArray())))
                .add(new Person("li", Role.SCHOOL_ADMIN, Scope.school("jm-db-001"), true, CHEAP.hash("password-2".toCharArray())))
                .addToken(issued.record());
        people.save(dir);

        People read = People.load(dir);
        assertThat(read.people()).isEqualTo(people.people());
        assertThat(read.tokens()).isEqualTo(people.tokens());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("people.csv")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("tokens.csv"))).doesNotContain(issued.token().substring(20));
        assertThat(read.byToken(issued.token()).orElseThrow().getKey().user()).isEqualTo("zhang");
        String token = issued.token();
        char last = token.charAt(token.length() - 1);
        // one character changed (its last one ends a random secret: it may have been "A" itself, so never the same)
        assertThat(read.byToken(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A'))).isEmpty();
        assertThat(read.replace(read.require("zhang").withDisabled(true)).byToken(issued.token()))
                .as("a disabled person's token stops working").isEmpty();
        assertThat(read.revokeToken(issued.record().id()).byToken(issued.token())).isEmpty();
        assertThatThrownBy(() -> read.add(read.require("li"))).hasMessageContaining("li exists already");
    }

    @Test
    void aBadLineIsNamedWithFileLineAndColumn() throws IOException {
        Files.writeString(dir.resolve("people.csv"), """
                user,role,scope,disabled,password
                zhang,mayor,city,false,"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
                """);
        assertThatThrownBy(() -> People.load(dir)).isInstanceOf(PeopleException.class)
                .hasMessageContaining("people.csv line 2, column role: role 'mayor' is not one of city-admin");
        Files.writeString(dir.resolve("people.csv"), "user;role\n");
        assertThatThrownBy(() -> People.load(dir)).hasMessageContaining("people.csv line 1: the header must be");
        assertThat(People.load(dir.resolve("nowhere")).people()).isEmpty();
    }

    @Test
    void theAuditLogAppendsOneJsonLinePerEntry() throws IOException {
        AuditLog log = new AuditLog(dir.resolve("logs/audit.jsonl"), Clock.fixed(Instant.parse("2025-03-03T08:00:00Z"), ZoneOffset.UTC));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("user", "zhang \"quoted\"");
        details.put("from", null);
        log.record("sign-in", "failure", details);
        log.record("sign-out", "success", Map.of("user", "li"));

        assertThat(Files.readAllLines(dir.resolve("logs/audit.jsonl"))).containsExactly(
                "{\"at\":\"2025-03-03T08:00:00Z\",\"action\":\"sign-in\",\"outcome\":\"failure\",\"user\":\"zhang \\\"quoted\\\"\"}",
                "{\"at\":\"2025-03-03T08:00:00Z\",\"action\":\"sign-out\",\"outcome\":\"success\",\"user\":\"li\"}");
    }
}
