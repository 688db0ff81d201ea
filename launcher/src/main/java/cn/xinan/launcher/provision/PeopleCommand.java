package cn.xinan.launcher.provision;

import cn.xinan.provisioning.audit.AuditLog;
import cn.xinan.provisioning.people.ApiToken;
import cn.xinan.provisioning.people.PasswordHasher;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.PeopleException;
import cn.xinan.provisioning.people.Person;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code xinan provision people …}: the district's accounts in {@code DIR/people.csv} and {@code DIR/tokens.csv}
 * (docs/security.md), every change appended to {@code DIR/audit.jsonl}. The collector re-reads the files when they
 * change: a disabled person is signed out at their next request.
 *
 * <pre>
 * xinan provision people add wang.li --role county-admin --scope county:东宝区 --district /etc/xinan/district
 * xinan provision people reset-password wang.li --district …
 * xinan provision people token wang.li --label "nightly export" --district …
 * </pre>
 */
@Command(name = "people", mixinStandardHelpOptions = true,
        description = "Accounts of the district: who signs in to the collector, with which role and scope.",
        subcommands = {PeopleCommand.Add.class, PeopleCommand.Disable.class, PeopleCommand.Enable.class,
                PeopleCommand.ResetPassword.class, PeopleCommand.ListPeople.class, PeopleCommand.Token.class})
public final class PeopleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The district folder option every subcommand takes. */
    static final class DistrictDir {
        @Option(names = {"-d", "--district"}, required = true, paramLabel = "DIR",
                description = "the district folder, as for every provision command: people.csv, tokens.csv and audit.jsonl "
                        + "are kept in its registry folder, where the collector reads them")
        Path dir;

        /** The district's registry folder (the collector's registry.dir and, by default, access.dir). */
        Path registry() {
            return dir.resolve(cn.xinan.provisioning.District.REGISTRY);
        }
    }

    /** Runs a change with the errors a user must fix printed as {@code xinan: …} and exit status 2. */
    abstract static class Change implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        DistrictDir district;

        @Override
        public Integer call() {
            try {
                run(People.load(district.registry()));
                return 0;
            } catch (PeopleException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("xinan: " + e.getMessage());
                return 2;
            }
        }

        abstract void run(People people);

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Saves, then records the change (the audit entry names the operating-system account that made it). */
        void save(People people, String action, Map<String, String> details) {
            people.save(district.registry());
            Map<String, String> all = new LinkedHashMap<>(details);
            all.put("by", System.getProperty("user.name"));
            all.put("via", "xinan provision people");
            new AuditLog(district.registry().resolve("audit.jsonl"), Clock.systemUTC()).record(action, "success", all);
        }

        static String password(Path file, SecureRandom random, PrintWriter out, String user) {
            if (file == null) {
                String generated = PasswordHasher.randomPassword(random);
                out.println("password of " + user + " (shown once, hand it over in person): " + generated);
                return generated;
            }
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new IllegalArgumentException(file + ": the first line must hold the password");
                }
                return lines.get(0);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read the password: " + e.getMessage());
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a person; prints a random password once unless --password-file gives one.")
    static final class Add extends Change {
        @Parameters(index = "0", paramLabel = "USER", description = "sign-in name: 2 to 64 letters, digits, '.', '_' or '-'")
        String user;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "city-admin, county-admin, school-admin, inspector or it-operator")
        String role;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "city, county:NAME (as in rooms.csv) or school:ID; a county admin needs a county, a school admin a school")
        String scope;

        @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from the first line of FILE")
        Path passwordFile;

        @Override
        void run(People people) {
            Role r = Role.parse(role);
            Scope s = Scope.parse(scope);
            Person.checkUser(user);
            if (people.person(user).isPresent()) {
                throw new PeopleException("person " + user + " exists already (reset-password or enable it)");
            }
            SecureRandom random = new SecureRandom();
            String hash = new PasswordHasher().hash(password(passwordFile, random, out(), user).toCharArray());
            save(people.add(new Person(user, r, s, false, hash)), "person-add",
                    Map.of("user", user, "role", r.id(), "scope", s.toString()));
            out().println("added " + user + ": " + r.id() + ", " + s);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disables a person: no sign-in; their sessions and API tokens stop at the next request.")
    static final class Disable extends Change {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        void run(People people) {
            save(people.replace(people.require(user).withDisabled(true)), "person-disable", Map.of("user", user));
            out().println("disabled " + user);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enables a disabled person again.")
    static final class Enable extends Change {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Override
        void run(People people) {
            save(people.replace(people.require(user).withDisabled(false)), "person-enable", Map.of("user", user));
            out().println("enabled " + user);
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            description = "Gives a person a new password (random, printed once, unless --password-file gives one).")
    static final class ResetPassword extends Change {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from the first line of FILE")
        Path passwordFile;

        @Override
        void run(People people) {
            Person person = people.require(user);
            String hash = new PasswordHasher().hash(password(passwordFile, new SecureRandom(), out(), user).toCharArray());
            save(people.replace(person.withPasswordHash(hash)), "password-reset", Map.of("user", user));
            out().println("new password set for " + user);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the people, their roles, scopes and tokens.")
    static final class ListPeople extends Change {
        @Override
        void run(People people) {
            out().printf("%-24s %-13s %-24s %-9s %s%n", "USER", "ROLE", "SCOPE", "STATUS", "TOKENS");
            for (Person p : people.people()) {
                List<String> tokens = people.tokens().stream().filter(t -> t.user().equals(p.user()))
                        .map(t -> t.id() + (t.label().isEmpty() ? "" : " (" + t.label() + ")")).toList();
                out().printf("%-24s %-13s %-24s %-9s %s%n", p.user(), p.role().id(), p.scope(),
                        p.disabled() ? "disabled" : "enabled", String.join(", ", tokens));
            }
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Makes an API token for USER's scripts (printed once), or revokes one with --revoke ID.")
    static final class Token extends Change {
        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "the person the token acts as")
        String user;

        @Option(names = "--label", paramLabel = "TEXT", defaultValue = "", description = "what the token is for")
        String label;

        @Option(names = "--revoke", paramLabel = "ID", description = "revoke the token with this id (see list)")
        String revoke;

        @Override
        void run(People people) {
            if (revoke != null) {
                if (user != null) {
                    throw new IllegalArgumentException("give either USER (a new token) or --revoke ID, not both");
                }
                save(people.revokeToken(revoke), "token-revoke", Map.of("token", revoke));
                out().println("revoked token " + revoke);
                return;
            }
            if (user == null) {
                throw new IllegalArgumentException("give the USER the token acts as, or --revoke ID");
            }
            people.require(user);
            ApiToken.Issued issued = ApiToken.issue(user, label, Clock.systemUTC().instant(), new SecureRandom());
            save(people.addToken(issued.record()), "token-issue", Map.of("user", user, "token", issued.record().id()));
            out().println("token " + issued.record().id() + " for " + user + " (shown once; send it as 'Authorization: Bearer …'):");
            out().println(issued.token());
        }
    }
}
