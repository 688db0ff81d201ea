package cn.xinan.collector.access;

import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.audit.AuditLog;
import cn.xinan.provisioning.people.PasswordHasher;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.PeopleException;
import cn.xinan.provisioning.people.Person;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may call what (docs/security.md): one {@link io.helidon.webserver.http.Filter} in front of every route of the
 * collector (REST API, web UI, metrics) that
 * <ul>
 *   <li>finds the caller: an API token ({@code Authorization: Bearer xinan_…}), a session cookie, or nobody;</li>
 *   <li>lets nobody through only to the sign-in page, the UI's static files and {@code /observe/health};
 *       the API answers 401, pages redirect to {@code /signin};</li>
 *   <li>for a state-changing request (anything but GET/HEAD) on a session, demands the session's CSRF token in
 *       {@code X-CSRF-Token} and, when the browser sends one, a same-origin {@code Origin};</li>
 *   <li>checks the permission of the route ({@link #required}, the one table of routes, default deny for the API) against the caller's role;</li>
 *   <li>registers the {@link Caller} in the request context, from which handlers take the {@link ScopedRegistry}
 *       ({@link #scope}) that hides everything outside the caller's scope.</li>
 * </ul>
 * Also the sign-in page and form ({@code GET/POST /signin}), sign-out ({@code POST /signout}) and
 * {@code GET /api/v1/session}; sign-ins (success and failure), lock-outs and sign-outs go to the audit log.
 *
 * <pre>
 * curl -H 'Authorization: Bearer xinan_3f9a…' http://localhost:8080/api/v1/rooms
 * curl -c jar -b jar http://localhost:8080/signin   # then POST user, password, csrf (from the form) to /signin
 * </pre>
 */
public final class Access {
    private static final System.Logger LOG = System.getLogger(Access.class.getName());
    static final String SESSION_COOKIE = "xinan_session";
    static final String SIGN_IN_COOKIE = "xinan_signin";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAFE_NEXT = Pattern.compile("/(?![/\\\\])[A-Za-z0-9/_.\\-?=&%]*");
    private static final Pattern ROOM_VIEWS = Pattern.compile("/api/v1/rooms/[^/]+/(verdicts|detail)");

    private final AccessSettings settings;
    private final Registry registry;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Sessions sessions;
    private final SignInGuard guard;
    private final AuditLog audit;
    private final String internalToken;
    private final Map<PasswordHasher.Cost, String> dummyHashes = new java.util.concurrent.ConcurrentHashMap<>();
    private final SignInPage page = new SignInPage();
    private volatile People people = People.empty();
    private volatile List<FileTime> peopleStamps = List.of();

    /** @throws PeopleException when {@code people.csv} or {@code tokens.csv} cannot be read */
    public Access(AccessSettings settings, Registry registry, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "access settings are missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.sessions = new Sessions(settings.sessionIdle(), settings.sessionMax(), clock, random);
        this.guard = new SignInGuard(settings.signInsPerMinute(), settings.maxFailures(), settings.lockout(), clock);
        this.audit = new AuditLog(settings.auditLog(), clock);
        this.internalToken = "xinan-internal_" + Sessions.randomToken(random);
        People loaded = People.load(settings.dir());
        this.people = loaded;
        this.peopleStamps = stamps();
        LOG.log(System.Logger.Level.INFO, "access: " + loaded.people().size() + " people, " + loaded.tokens().size()
                + " API tokens from " + settings.dir() + "; audit log " + settings.auditLog());
    }

    /**
     * A token for the launcher in the same JVM ({@code xinan replay}, {@code xinan demo}): a city-wide inspector,
     * read-only. Random per start, never written anywhere.
     */
    public String internalToken() {
        return internalToken;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Registers the filter, the sign-in and sign-out routes, {@code /api/v1/session} and the 403 mapping. */
    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(this::filter)
                .get("/signin", this::signInPage)
                .post("/signin", this::signIn)
                .post("/signout", this::signOut)
                .get("/api/v1/session", this::session)
                .error(ForbiddenException.class, (req, res, e) -> json(res, Status.FORBIDDEN_403, Map.of("error", e.getMessage())));
    }

    /** The caller of a request that passed the filter. */
    public static Caller caller(ServerRequest req) {
        return req.context().get(Caller.class)
                .orElseThrow(() -> new IllegalStateException("no caller for " + req.path().path() + ": is the access filter registered?"));
    }

    /** The registry as the request's caller may see it: the one scope filter every endpoint reads through. */
    public ScopedRegistry scope(ServerRequest req) {
        return new ScopedRegistry(registry, caller(req).scope());
    }

    /** @throws ForbiddenException when the request's caller lacks {@code permission} */
    public static Caller require(ServerRequest req, Permission permission) {
        Caller caller = caller(req);
        if (!caller.may(permission)) {
            throw new ForbiddenException(caller, permission);
        }
        return caller;
    }

    /**
     * What a route needs: nothing ({@code OPEN}), a permission, or nothing known ({@code UNLISTED}: not a route of
     * ours; an {@code /api/} or {@code /observe/} path that is unlisted is refused, so a new endpoint stays closed
     * until it is added here).
     */
    record Route(Permission permission, boolean open) {
        static final Route OPEN = new Route(null, true);
        static final Route UNLISTED = new Route(null, false);

        boolean listed() {
            return open || permission != null;
        }
    }

    /** The one table of routes and the permission each needs (docs/security.md has it as a matrix). */
    static Route required(String path) {
        if (path.equals("/signin") || path.startsWith("/ui/") || path.equals("/observe/health") || path.startsWith("/observe/health/")) {
            return Route.OPEN;
        }
        Permission p = switch (path) {
            case "/", "/signout", "/api/v1/session", "/api/v1/rooms", "/api/v1/devices" -> Permission.VIEW_ROOMS;
            case "/api/v1/verdicts", "/api/v1/warnings", "/api/v1/rollup" -> Permission.VIEW_VERDICTS;
            case "/api/v1/quarantine" -> Permission.VIEW_QUARANTINE;
            case "/api/v1/audit", "/api/v1/audit/bundle" -> Permission.EXPORT;
            case "/api/v1/ingest", "/observe/metrics" -> Permission.VIEW_FLEET_COUNTERS;
            default -> ROOM_VIEWS.matcher(path).matches() ? Permission.VIEW_VERDICTS
                    : path.startsWith("/observe/metrics/") ? Permission.VIEW_FLEET_COUNTERS : null;
        };
        return p == null ? Route.UNLISTED : new Route(p, false);
    }

    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        Optional<Caller> caller = authenticate(req, res);
        caller.ifPresent(c -> req.context().register(c));
        Route route = required(path);
        if (route.open()) {
            chain.proceed();
            return;
        }
        boolean api = path.startsWith("/api/") || path.startsWith("/observe");
        if (caller.isEmpty()) {
            if (api) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"xinan\"");
                json(res, Status.UNAUTHORIZED_401, Map.of("error", "sign in first: a session cookie from /signin or "
                        + "an API token (Authorization: Bearer …)"));
            } else if (!route.listed()) {
                // not a page of ours (a browser's /favicon.ico): no redirect, which would renew the sign-in form's token
                res.status(Status.NOT_FOUND_404).send();
            } else if (req.prologue().method() == Method.GET) {
                String target = path + req.query().rawValue().transform(q -> q.isEmpty() ? "" : "?" + q);
                res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, "/signin?next=" + java.net.URLEncoder.encode(
                        target, StandardCharsets.UTF_8)).send();
            } else {
                json(res, Status.UNAUTHORIZED_401, Map.of("error", "sign in first"));
            }
            return;
        }
        Caller c = caller.get();
        Method method = req.prologue().method();
        if (method != Method.GET && method != Method.HEAD && c.via().equals("session") && !sameOriginWithCsrf(req, c)) {
            json(res, Status.FORBIDDEN_403, Map.of("error", "missing or wrong CSRF token (header " + CSRF_HEADER
                    + ", from GET /api/v1/session) or a foreign Origin"));
            return;
        }
        if (!route.listed()) {
            if (api) {
                json(res, Status.NOT_FOUND_404, Map.of("error", "no such endpoint: " + path));
            } else {
                chain.proceed();
            }
            return;
        }
        Permission permission = route.permission();
        if (!c.may(permission)) {
            if (api) {
                json(res, Status.FORBIDDEN_403, Map.of("error", new ForbiddenException(c, permission).getMessage()));
            } else {
                res.status(Status.FORBIDDEN_403).send("forbidden");
            }
            return;
        }
        chain.proceed();
    }

    private static boolean sameOriginWithCsrf(ServerRequest req, Caller c) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        Optional<String> host = req.headers().first(HeaderNames.HOST);
        if (origin.isPresent() && (host.isEmpty() || !(origin.get().equals("http://" + host.get())
                || origin.get().equals("https://" + host.get())))) {
            return false;
        }
        String presented = req.headers().first(io.helidon.http.HeaderNames.create(CSRF_HEADER)).orElse("");
        return constantTimeEquals(presented, c.csrf());
    }

    /** The caller of a request: a valid bearer token wins; an invalid one is nobody, whatever the cookie says. */
    private Optional<Caller> authenticate(ServerRequest req, ServerResponse res) {
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        if (authorization.isPresent()) {
            String value = authorization.get();
            if (!value.startsWith("Bearer ")) {
                return Optional.empty();
            }
            String token = value.substring("Bearer ".length()).strip();
            if (constantTimeEquals(token, internalToken)) {
                return Optional.of(new Caller("(internal)", Role.INSPECTOR, Scope.CITY, "internal", ""));
            }
            return currentPeople().byToken(token).map(e -> new Caller(e.getKey().user(), e.getKey().role(), e.getKey().scope(),
                    "token", ""));
        }
        Optional<String> id = cookie(req, SESSION_COOKIE);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Sessions.Session> session = sessions.touch(id.get());
        Optional<Person> person = session.flatMap(s -> currentPeople().person(s.user())).filter(p -> !p.disabled());
        if (person.isEmpty()) {
            // stale, forged, or its person disabled or removed: forget it and clear the cookie
            sessions.remove(id.get());
            res.headers().add(HeaderNames.SET_COOKIE, cookieValue(SESSION_COOKIE, "", "/", true));
            return Optional.empty();
        }
        Person p = person.get();
        return Optional.of(new Caller(p.user(), p.role(), p.scope(), "session", session.get().csrf()));
    }

    /** The people files as they are now: re-read when either changed (a person disabled takes effect at once). */
    private People currentPeople() {
        List<FileTime> now = stamps();
        if (!now.equals(peopleStamps)) {
            synchronized (this) {
                if (!now.equals(peopleStamps)) {
                    try {
                        people = People.load(settings.dir());
                        LOG.log(System.Logger.Level.INFO, "access: people files changed, " + people.people().size() + " people");
                    } catch (PeopleException e) {
                        // keep the last good accounts; the district fixes the file (the message names the line)
                        LOG.log(System.Logger.Level.WARNING, "access: cannot re-read the people files, keeping the previous ones: "
                                + e.getMessage());
                    }
                    peopleStamps = now;
                }
            }
        }
        return people;
    }

    private List<FileTime> stamps() {
        return List.of(stamp(settings.dir().resolve(People.PEOPLE_FILE)), stamp(settings.dir().resolve(People.TOKENS_FILE)));
    }

    private static FileTime stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** {@code GET /signin[?next=/…][&lang=en]}: the sign-in form, with a fresh pre-session CSRF token in a cookie. */
    private void signInPage(ServerRequest req, ServerResponse res) {
        // the same token for every form of this browser (two tabs, a reload), a new one once it signs in
        String csrf = cookie(req, SIGN_IN_COOKIE).filter(c -> c.matches("[A-Za-z0-9_-]{43}")).orElseGet(() -> Sessions.randomToken(random));
        res.headers().add(HeaderNames.SET_COOKIE, cookieValue(SIGN_IN_COOKIE, csrf, "/signin", false));
        page.send(res, Status.OK_200, lang(req.query().first("lang").orElse("zh")), csrf,
                safeNext(req.query().first("next").orElse("/")), null);
    }

    /** {@code POST /signin} (form: user, password, csrf, next, lang): a session cookie and 303 to {@code next}. */
    private void signIn(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req);
        String lang = lang(form.getOrDefault("lang", "zh"));
        String next = safeNext(form.getOrDefault("next", "/"));
        String user = form.getOrDefault("user", "").strip();
        String from = address(req);
        String newCsrf = Sessions.randomToken(random);
        res.headers().add(HeaderNames.SET_COOKIE, cookieValue(SIGN_IN_COOKIE, newCsrf, "/signin", false));
        Optional<String> expected = cookie(req, SIGN_IN_COOKIE);
        if (expected.isEmpty() || !constantTimeEquals(form.getOrDefault("csrf", ""), expected.get())) {
            page.send(res, Status.FORBIDDEN_403, lang, newCsrf, next, "expired");
            return;
        }
        if (!guard.allowAttempt(from)) {
            record("sign-in", "rate-limited", user, from);
            res.header(HeaderNames.RETRY_AFTER, "60");
            page.send(res, Status.TOO_MANY_REQUESTS_429, lang, newCsrf, next, "rate");
            return;
        }
        Optional<Instant> locked = guard.lockedUntil(user);
        if (locked.isPresent()) {
            record("sign-in", "locked", user, from);
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, Duration.between(clock.instant(), locked.get()).toSeconds())));
            page.send(res, Status.TOO_MANY_REQUESTS_429, lang, newCsrf, next, "locked");
            return;
        }
        Optional<Person> person = currentPeople().person(user);
        char[] password = form.getOrDefault("password", "").toCharArray();
        boolean matches = PasswordHasher.verify(password, person.map(Person::passwordHash).orElseGet(this::dummyHash));
        java.util.Arrays.fill(password, '\0');
        if (!matches || person.isEmpty() || person.get().disabled()) {
            boolean nowLocked = guard.failed(user);
            record("sign-in", "failure", user, from);
            if (nowLocked) {
                record("lockout", "locked", user, from);
            }
            page.send(res, Status.UNAUTHORIZED_401, lang, newCsrf, next, "wrong");
            return;
        }
        guard.succeeded(user);
        Sessions.Session session = sessions.create(user);
        record("sign-in", "success", user, from);
        res.headers().add(HeaderNames.SET_COOKIE, cookieValue(SESSION_COOKIE, session.id(), "/", false));
        res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, next).send();
    }

    /** {@code POST /signout} with {@code X-CSRF-Token}: ends the session and clears its cookie. */
    private void signOut(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        cookie(req, SESSION_COOKIE).ifPresent(sessions::remove);
        res.headers().add(HeaderNames.SET_COOKIE, cookieValue(SESSION_COOKIE, "", "/", true));
        record("sign-out", "success", caller.user(), address(req));
        json(res, Status.OK_200, Map.of("signedOut", caller.via().equals("session")));
    }

    /** {@code GET /api/v1/session}: who is calling, their role, scope, permissions and (for a session) the CSRF token. */
    private void session(ServerRequest req, ServerResponse res) {
        Caller c = caller(req);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", c.user());
        out.put("role", c.role().id());
        out.put("scope", c.scope().toString());
        out.put("via", c.via());
        out.put("permissions", c.permissions());
        if (c.via().equals("session")) {
            out.put("csrf", c.csrf());
        }
        json(res, Status.OK_200, out);
    }

    /**
     * A hash of a random password at the cost the district's hashes have: an unknown user name costs as much work
     * as a known one, so the answer's timing does not tell who exists.
     */
    private String dummyHash() {
        PasswordHasher.Cost cost = currentPeople().people().stream().findFirst()
                .flatMap(p -> PasswordHasher.costOf(p.passwordHash())).orElse(PasswordHasher.DEFAULT);
        return dummyHashes.computeIfAbsent(cost, c -> new PasswordHasher(c, random).hash(Sessions.randomToken(random).toCharArray()));
    }

    private void record(String action, String outcome, String user, String from) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("user", user.length() > 64 ? user.substring(0, 64) : user);
        details.put("from", from);
        audit.record(action, outcome, details);
    }

    private String cookieValue(String name, String value, String path, boolean clear) {
        return name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict" + (settings.secureCookie() ? "; Secure" : "")
                + (clear ? "; Max-Age=0" : "");
    }

    private static Optional<String> cookie(ServerRequest req, String name) {
        var cookies = req.headers().cookies();
        return cookies.contains(name) ? Optional.of(cookies.first(name).get()).filter(s -> !s.isEmpty()) : Optional.empty();
    }

    private static String address(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(req.remotePeer().address());
    }

    private static Map<String, String> form(ServerRequest req) {
        Map<String, String> out = new HashMap<>();
        String body = req.content().as(String.class);
        if (body.length() > 8192) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed %-escape: the field is left out, and the sign-in fails as wrong
                }
            }
        }
        return out;
    }

    /** A redirect target after sign-in: a path on this server only (no {@code //host}, no scheme), else {@code /}. */
    static String safeNext(String next) {
        return next != null && next.length() < 512 && SAFE_NEXT.matcher(next).matches() && !next.startsWith("/signin") ? next : "/";
    }

    private static String lang(String text) {
        return "en".equals(text) ? "en" : "zh";
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static void json(ServerResponse res, Status status, Object value) {
        try {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
