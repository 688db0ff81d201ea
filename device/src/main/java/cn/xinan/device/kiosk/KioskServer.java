package cn.xinan.device.kiosk;

import cn.xinan.device.clock.ClockWatch;
import cn.xinan.device.config.KioskSettings;
import cn.xinan.device.staff.StaffAccess;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The kiosk: the JDK's built-in HTTP server on 127.0.0.1 only (nothing on the network can reach it; when
 * {@code kiosk.port} is taken it listens on a free port and logs which),
 * serving the screen (plain HTML, CSS and JS from the class path, no framework, no CDN: it works with
 * the network down) and a small JSON API for it. Two worker threads: a PIN check (PBKDF2) never holds
 * up the start screen.
 *
 * <pre>
 * curl -s localhost:8090/api/status
 * curl -s -X POST -d 'purpose=relaxation&amp;stage=junior' localhost:8090/api/checkin
 * curl -s -X POST -d 'pin=1234' localhost:8090/api/staff/login           # → {"token":"…","staff":"T01"}
 * curl -s -X POST -H 'X-Staff-Token: …' localhost:8090/api/staff/open
 * curl -s -X POST -H 'X-Staff-Token: …' localhost:8090/api/staff/close
 * curl -s -H 'X-Staff-Token: …' localhost:8090/api/staff/health
 * curl -s -X POST -H 'X-Staff-Token: …' localhost:8090/api/staff/logout
 * </pre>
 * Errors are JSON {@code {"error": "…"}} with 400 (bad input), 401 (no or wrong PIN / session),
 * 423 (staff mode locked: {@code lockedSeconds}), 404, 405, 409 (the device is not running).
 *
 * <p>No request field can hold an identity: a check-in takes only a purpose and a stage from fixed
 * lists (docs/rules.md §7), and anything else in the body is refused.
 */
public final class KioskServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KioskServer.class.getName());
    private static final int MAX_BODY = 1024;
    private static final String TOKEN_HEADER = "X-Staff-Token";
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/kiosk.css", "kiosk.css",
            "/kiosk.js", "kiosk.js");

    private final KioskSettings settings;
    private final StaffAccess staff;
    private final KioskBackend backend;
    private final String firmwareVersion;
    private final Map<String, byte[]> resources = new HashMap<>();
    private final HttpServer server;
    private final ExecutorService workers;
    private final DateTimeFormatter localTime;

    /** Binds to 127.0.0.1 on the configured port and starts serving. */
    public KioskServer(KioskSettings settings, StaffAccess staff, KioskBackend backend, String firmwareVersion) {
        this.settings = Objects.requireNonNull(settings, "kiosk settings are missing");
        this.staff = Objects.requireNonNull(staff, "staff access is missing");
        this.backend = Objects.requireNonNull(backend, "backend is missing");
        this.firmwareVersion = Objects.requireNonNull(firmwareVersion, "firmware version is missing");
        this.localTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(settings.timeZone());
        for (String name : STATIC.values()) {
            resources.put(name, resource(name));
        }
        server = bind(settings.port());
        int bound = server.getAddress().getPort();
        if (settings.port() != 0 && bound != settings.port()) {
            LOG.log(System.Logger.Level.WARNING, "kiosk: port {0} (kiosk.port) is taken; listening on {1} instead",
                    Integer.toString(settings.port()), Integer.toString(bound));
        }
        workers = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("xinan-kiosk").unstarted(r));
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The configured port, or any free one when it is taken (another program, or a second simulated device). */
    private static HttpServer bind(int port) {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (java.net.BindException taken) {
            if (port == 0) {
                throw new UncheckedIOException("kiosk: cannot listen on any port of 127.0.0.1: " + taken.getMessage(), taken);
            }
            return bind(0);
        } catch (IOException e) {
            throw new UncheckedIOException("kiosk: cannot listen on 127.0.0.1:" + port
                    + " (kiosk.port): " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = KioskServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kiosk resource " + name + " is missing from the firmware");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the screen is, for example {@code http://127.0.0.1:8090/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            String file = STATIC.get(path);
            if (file != null) {
                if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    error(x, 405, "use GET");
                    return;
                }
                serve(x, file);
                return;
            }
            try {
                route(x, method, path);
            } catch (BadRequest e) {
                error(x, 400, e.getMessage());
            } catch (IllegalStateException e) {
                error(x, 409, e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "kiosk: " + method + " " + path + " failed", e);
                error(x, 500, "internal error: " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange x, String method, String path) throws IOException {
        switch (path) {
            case "/api/status" -> {
                requireMethod(method, "GET");
                json(x, 200, status());
            }
            case "/api/checkin" -> {
                requireMethod(method, "POST");
                Map<String, String> form = form(x, "purpose", "stage");
                Purpose purpose = optional(form.get("purpose")).map(p -> parse(() -> Purpose.ofWireName(p))).orElse(null);
                Stage stage = optional(form.get("stage")).map(s -> parse(() -> Stage.ofWireName(s))).orElse(null);
                DeviceEvent e = backend.checkIn(purpose, stage);
                Map<String, Object> m = event(e);
                m.put("open", backend.status().open()); // the thanks screen promises a teacher only then
                json(x, 200, m);
            }
            case "/api/staff/login" -> {
                requireMethod(method, "POST");
                String pin = form(x, "pin").getOrDefault("pin", "");
                switch (staff.login(pin)) {
                    case StaffAccess.Login.Granted g -> json(x, 200, Map.of("token", g.token(), "staff", g.staffCode()));
                    case StaffAccess.Login.Refused r -> json(x, 401,
                            Map.of("error", "wrong PIN", "attemptsLeft", r.attemptsLeft()));
                    case StaffAccess.Login.Locked l -> json(x, 423, Map.of("error", "staff mode is locked",
                            "lockedSeconds", Math.max(1, (l.remaining().toMillis() + 999) / 1000)));
                }
            }
            case "/api/staff/logout" -> {
                requireMethod(method, "POST");
                staff.logout(x.getRequestHeaders().getFirst(TOKEN_HEADER));
                json(x, 200, Map.of("ok", true));
            }
            case "/api/staff/open", "/api/staff/close" -> {
                requireMethod(method, "POST");
                Optional<String> code = staff.session(x.getRequestHeaders().getFirst(TOKEN_HEADER));
                if (code.isEmpty()) {
                    error(x, 401, "staff session expired: enter the PIN again");
                    return;
                }
                DeviceEvent e = path.endsWith("open") ? backend.staffOpen(code.get()) : backend.staffClose(code.get());
                json(x, 200, event(e));
            }
            case "/api/staff/health" -> {
                requireMethod(method, "GET");
                if (staff.session(x.getRequestHeaders().getFirst(TOKEN_HEADER)).isEmpty()) {
                    error(x, 401, "staff session expired: enter the PIN again");
                    return;
                }
                json(x, 200, health(backend.health()));
            }
            default -> error(x, 404, "no such page: " + path);
        }
    }

    private Map<String, Object> status() {
        KioskBackend.Status s = backend.status();
        RoomProgress.Figures f = s.figures();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room", settings.roomName());
        m.put("openingHours", settings.openingHours());
        m.put("open", s.open());
        m.put("online", s.online());
        m.put("date", f.date().toString());
        m.put("schoolDay", f.schoolDay());
        m.put("todayAttendedSeconds", f.todayAttendedSeconds());
        m.put("todayRequiredSeconds", f.todayRequiredSeconds());
        m.put("todayCheckins", f.todayCheckins());
        m.put("week", f.week());
        m.put("weekAttendedSeconds", f.weekAttendedSeconds());
        m.put("weekRequiredSeconds", f.weekRequiredSeconds());
        m.put("schoolDaysLeft", f.schoolDaysLeft());
        m.put("idleTimeoutMillis", settings.idleTimeout().toMillis());
        m.put("staffMode", staff.hasStaff());
        m.put("firmware", firmwareVersion);
        m.put("timeZone", settings.timeZone().getId());
        return m;
    }

    /**
     * Health for the staff table: instants as local date and time in {@code kiosk.timeZone}, durations as
     * {@code {"seconds": n}} (the screen words them in its language), a clock jump as both.
     */
    private Map<String, Object> health(Map<String, Object> raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        raw.forEach((key, value) -> m.put(key, display(value)));
        return m;
    }

    private Object display(Object value) {
        return switch (value) {
            case Instant i -> localTime.format(i);
            case Duration d -> Map.of("seconds", d.toSeconds());
            case ClockWatch.Jump j -> Map.of("at", localTime.format(j.detectedAt()), "seconds", j.size().toSeconds());
            case null -> null;
            default -> value;
        };
    }

    private static Map<String, Object> event(DeviceEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("kind", e.kind().toString());
        m.put("at", e.at());
        return m;
    }

    private static Optional<String> optional(String v) {
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw new BadRequest("use " + expected);
        }
    }

    /** An {@code application/x-www-form-urlencoded} body with only the {@code allowed} fields. */
    private static Map<String, String> form(HttpExchange x, String... allowed) throws IOException {
        byte[] body = x.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new BadRequest("request body longer than " + MAX_BODY + " bytes");
        }
        Map<String, String> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!java.util.Arrays.asList(allowed).contains(key)) {
                throw new BadRequest("unknown field '" + key + "'; allowed: " + String.join(", ", allowed));
            }
            fields.put(key, value);
        }
        return fields;
    }

    private void serve(HttpExchange x, String file) throws IOException {
        String type = file.endsWith(".html") ? "text/html; charset=utf-8"
                : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        byte[] body = resources.get(file);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-cache");
        if ("HEAD".equals(x.getRequestMethod())) {
            x.sendResponseHeaders(200, -1);
            return;
        }
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
    }

    private static void json(HttpExchange x, int status, Object value) throws IOException {
        byte[] body = Json.write(value).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    private static void error(HttpExchange x, int status, String message) throws IOException {
        json(x, status, Map.of("error", message));
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
