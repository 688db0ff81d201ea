package cn.xinan.launcher.docs;

import cn.xinan.testing.ExternalServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a newcomer does first, as README.md says: run {@code ./xinan demo}, open what it prints. The demo runs as
 * its own process (the launcher's main class, on this module's classpath: the script would only build and start
 * the same), with free ports instead of the defaults and its own temporary directory; it must print its URLs,
 * every one of them must answer, each room's kiosk must serve its start screen, the devices' status times must be
 * of now, and when stopped (SIGTERM, as Ctrl-C) it must leave nothing in the temporary directory.
 */
class NewcomerFollowsTheReadmeTest {
    // surefire runs in launcher/: the README is one folder up
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:\\d+[^\\s]*");
    private static final Pattern KIOSK = Pattern.compile("^\\s+kiosk\\s+(http://\\S+)");

    @TempDir
    Path tmp;

    @Test
    void theDemoTheReadmeStartsPrintsUrlsThatAnswerAndKiosksThatServeTheirStartScreen() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(readme.substring(0, readme.indexOf("## "))).as("the README's first commands").contains("./xinan demo");

        Path javaTmp = Files.createDirectories(tmp.resolve("java.io.tmpdir"));
        Path log = tmp.resolve("demo.out");
        Process demo = start(javaTmp, log, "demo", "--http-port", "0", "--broker-port", String.valueOf(ExternalServer.freePort()));
        Supplier<List<String>> output = () -> lines(log);
        try {
            // the replay of last week and this week takes seconds on an idle machine, minutes on a busy one
            await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> output.get().stream().anyMatch(l -> l.startsWith("Running live")) || !demo.isAlive());
            List<String> out = output.get();
            assertThat(demo.isAlive()).as("the demo runs live; it printed:%n%s", String.join("\n", out)).isTrue();

            Set<String> urls = new LinkedHashSet<>();
            List<String> kiosks = new ArrayList<>();
            for (String line : out) {
                Matcher k = KIOSK.matcher(line);
                if (k.find()) {
                    kiosks.add(k.group(1));
                }
                Matcher u = URL.matcher(line);
                while (u.find()) {
                    urls.add(u.group());
                }
            }
            assertThat(kiosks).as("one kiosk per room").hasSize(6).doesNotHaveDuplicates();
            assertThat(out).as("a line per room on what it simulates").filteredOn(l -> l.contains("docs/rules.md §")).hasSizeGreaterThanOrEqualTo(4);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            // signed out, the web UI sends a newcomer to its sign-in page, which answers
            String webUi = urls.stream().filter(u -> u.contains("/?week=")).findFirst().orElseThrow();
            HttpResponse<String> signedOut = get(http, webUi, "");
            assertThat(signedOut.statusCode()).as("GET " + webUi + " signed out").isEqualTo(303);
            assertThat(signedOut.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).startsWith("/signin"));
            String base = webUi.substring(0, webUi.indexOf("/?week="));
            assertThat(get(http, base + "/signin", "").statusCode()).isEqualTo(200);
            // then signs in with the city admin's sample account the demo printed
            Matcher account = Pattern.compile("^\\s+city-admin\\s+(\\S+)\\s+\\S+\\s+password (\\S+)").matcher("");
            String cookie = out.stream().map(l -> account.reset(l)).filter(Matcher::find).findFirst()
                    .map(m -> signIn(http, base, m.group(1), m.group(2)))
                    .orElseThrow(() -> new AssertionError("no city admin among the accounts the demo printed: " + out));
            for (String url : urls) {
                HttpResponse<String> res = get(http, url, cookie);
                // health answers UP as 204 without details (docs/security.md); everything else 200
                assertThat(res.statusCode()).as("GET " + url).isIn(200, 204);
            }
            for (String kiosk : kiosks) {
                assertThat(get(http, kiosk, "").body()).as("start screen of " + kiosk).contains("id=\"start\"");
                assertThat(get(http, kiosk + "api/status", "").body()).as("status of " + kiosk).contains("\"room\"");
            }

            String api = urls.stream().filter(u -> u.endsWith("/api/v1/rooms")).findFirst().orElseThrow();
            Instant since = Instant.now().minus(Duration.ofMinutes(20));
            Matcher at = Pattern.compile("\"statusAt\":\"([^\"]+)\"").matcher(get(http, api, cookie).body());
            int statuses = 0;
            while (at.find()) {
                statuses++;
                assertThat(Instant.parse(at.group(1))).as("a device's status time is of now").isAfter(since);
            }
            assertThat(statuses).as("status times shown").isGreaterThanOrEqualTo(5);
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C
            if (!demo.waitFor(2, TimeUnit.MINUTES)) {
                demo.destroyForcibly();
            }
        }
        assertThat(output.get()).contains("Stopping.");
        try (Stream<Path> left = Files.list(javaTmp)) {
            assertThat(left.toList()).as("left behind in the temporary directory").isEmpty();
        }
    }

    private static Process start(Path javaTmp, Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Djava.io.tmpdir=" + javaTmp,
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "cn.xinan.launcher.Xinan"));
        command.addAll(List.of(args));
        // into a file: Process.destroy() closes the pipes, and what the demo prints on its way out counts too
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> lines(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (!cookie.isEmpty()) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The sign-in form as a browser posts it (docs/security.md); returns the session cookie. */
    private static String signIn(HttpClient http, String base, String user, String password) {
        try {
            HttpResponse<String> form = get(http, base + "/signin", "");
            Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
            assertThat(csrf.find()).as("the sign-in form's CSRF field").isTrue();
            String signinCookie = cookie(form, "xinan_signin");
            String body = "user=" + enc(user) + "&password=" + enc(password) + "&csrf=" + enc(csrf.group(1)) + "&next=%2F";
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/signin"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "xinan_signin=" + signinCookie)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as("sign-in of " + user + ": " + res.body()).isEqualTo(303);
            return "xinan_session=" + cookie(res, "xinan_session");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String cookie(HttpResponse<?> res, String name) {
        return res.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + res.headers()));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
