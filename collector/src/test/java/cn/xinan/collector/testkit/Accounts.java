package cn.xinan.collector.testkit;

import cn.xinan.provisioning.people.ApiToken;
import cn.xinan.provisioning.people.PasswordHasher;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.Person;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test accounts in a registry folder (cheap Argon2id cost, so signing in stays fast) and a small client that signs
 * in through the real sign-in form: GET /signin for the form's CSRF token and cookie, POST the form, keep the
 * session cookie, read the session's CSRF token from /api/v1/session.
 */
public final class Accounts {
    public static final String PASSWORD = "test-password-1";
    private static final PasswordHasher CHEAP = new PasswordHasher(PasswordHasher.CHEAP_FOR_TESTS, new SecureRandom());
    private static final Pattern FORM_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final Map<String, String> tokens = new LinkedHashMap<>();
    private People people = People.empty();

    /** Adds a person with {@link #PASSWORD} and an API token. */
    public Accounts add(String user, Role role, Scope scope) {
        people = people.add(new Person(user, role, scope, false, CHEAP.hash(PASSWORD.toCharArray())));
        ApiToken.Issued issued = ApiToken.issue(user, "test", Instant.parse("2025-03-01T00:00:00Z"), new SecureRandom());
        people = people.addToken(issued.record());
        tokens.put(user, issued.token());
        return this;
    }

    public Accounts disable(String user) {
        people = people.replace(people.require(user).withDisabled(true));
        return this;
    }

    /** One city admin ({@code city}), as most tests need. */
    public static Accounts cityAdmin() {
        return new Accounts().add("city", Role.CITY_ADMIN, Scope.CITY);
    }

    public Accounts save(Path dir) {
        people.save(dir);
        return this;
    }

    public String token(String user) {
        return tokens.get(user);
    }

    /** A signed-in browser-like session: its cookie and CSRF token. */
    public record Session(String cookie, String csrf) {
    }

    /** The outcome of one sign-in form post. */
    public record SignIn(int status, Optional<String> sessionCookie, String body) {
    }

    /** Posts the sign-in form as a browser would; {@code base} is {@code http://127.0.0.1:PORT}. */
    public static SignIn postSignIn(String base, String user, String password) {
        HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(base + "/signin")).GET().build());
        Matcher m = FORM_CSRF.matcher(form.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the sign-in form: " + form.body());
        }
        String signinCookie = cookie(form, "xinan_signin").orElseThrow(() -> new AssertionError("no xinan_signin cookie"));
        String body = "user=" + enc(user) + "&password=" + enc(password) + "&csrf=" + enc(m.group(1)) + "&next=%2F";
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base + "/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "xinan_signin=" + signinCookie)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        return new SignIn(res.statusCode(), cookie(res, "xinan_session").filter(v -> !v.isEmpty()), res.body());
    }

    /** Signs in and reads the CSRF token; fails the test when the sign-in does not succeed. */
    public static Session signIn(String base, String user, String password) {
        SignIn s = postSignIn(base, user, password);
        if (s.status() != 303 || s.sessionCookie().isEmpty()) {
            throw new AssertionError("sign-in of " + user + " answered " + s.status() + ": " + s.body());
        }
        String cookie = "xinan_session=" + s.sessionCookie().get();
        HttpResponse<String> who = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session")).header("Cookie", cookie).build());
        Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(who.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF token in /api/v1/session: " + who.body());
        }
        return new Session(cookie, m.group(1));
    }

    public static Optional<String> cookie(HttpResponse<?> res, String name) {
        return res.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
