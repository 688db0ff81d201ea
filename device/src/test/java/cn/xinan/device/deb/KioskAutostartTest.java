package cn.xinan.device.deb;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop autostart {@code src/deb/files/xinan-kiosk}, run by {@code /bin/sh} (dash on Debian) against a
 * Chromium profile left behind by a power cut, with stand-ins for Chromium and xset that record what they
 * were given, and a real HTTP server as the firmware's kiosk.
 */
class KioskAutostartTest {
    private static final Path SCRIPT = Path.of("src", "deb", "files", "xinan-kiosk");

    @TempDir
    Path dir;
    private HttpServer kiosk;
    private Path bin;
    private Path profile;

    @BeforeEach
    void setUp() throws IOException {
        kiosk = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        kiosk.createContext("/", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        kiosk.start();
        bin = Files.createDirectories(dir.resolve("bin"));
        // Chromium's stand-in: records its arguments and the profile as it finds it at start
        executable("chromium", """
                #!/bin/sh
                printf '%s\\n' "$@" > "$RECORD/chromium-args"
                cat "$XINAN_KIOSK_PROFILE/Default/Preferences" > "$RECORD/preferences-at-start"
                cat "$XINAN_KIOSK_PROFILE/Local State" > "$RECORD/local-state-at-start"
                """);
        executable("xset", """
                #!/bin/sh
                echo "$*" >> "$RECORD/xset"
                """);
        // what a power cut leaves: the last session marked as crashed
        profile = Files.createDirectories(dir.resolve("profile").resolve("Default")).getParent();
        Files.writeString(profile.resolve("Default").resolve("Preferences"),
                "{\"browser\":{\"window_placement\":{}},\"profile\":{\"exit_type\":\"Crashed\",\"exited_cleanly\":false,"
                        + "\"name\":\"Person 1\"}}");
        Files.writeString(profile.resolve("Local State"),
                "{\"user_experience_metrics\":{\"stability\":{\"exited_cleanly\": false}}}");
    }

    @AfterEach
    void tearDown() {
        kiosk.stop(0);
    }

    private void executable(String name, String text) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process start(Map<String, String> extra) throws IOException {
        Path urlFile = dir.resolve("kiosk-url");
        Files.writeString(urlFile, "http://127.0.0.1:" + kiosk.getAddress().getPort() + "/\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", SCRIPT.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeAll(List.of("DISPLAY", "WAYLAND_DISPLAY"));
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put("RECORD", dir.toString());
        env.put("XINAN_KIOSK_URL_FILE", urlFile.toString());
        env.put("XINAN_KIOSK_PROFILE", profile.toString());
        env.put("XINAN_KIOSK_ONCE", "1");
        env.putAll(extra);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the autostart ran the browser once and stopped").isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void afterAPowerCutChromiumStartsOnTheKioskWithNoRestorePromptAndTheScreenNeverBlanks() throws Exception {
        finish(start(Map.of("DISPLAY", ":0")));

        List<String> args = Files.readAllLines(dir.resolve("chromium-args"));
        assertThat(args).contains("--kiosk", "--user-data-dir=" + profile, "--disable-session-crashed-bubble",
                "--hide-crash-restore-bubble", "--disable-pinch", "--overscroll-history-navigation=0", "--no-first-run",
                "--noerrdialogs");
        assertThat(args.get(args.size() - 1)).isEqualTo("http://127.0.0.1:" + kiosk.getAddress().getPort() + "/");

        // the session Chromium finds ended normally, and nothing else in its files changed
        assertThat(Files.readString(dir.resolve("preferences-at-start"))).isEqualTo(
                "{\"browser\":{\"window_placement\":{}},\"profile\":{\"exit_type\":\"Normal\",\"exited_cleanly\":true,"
                        + "\"name\":\"Person 1\"}}");
        assertThat(Files.readString(dir.resolve("local-state-at-start"))).isEqualTo(
                "{\"user_experience_metrics\":{\"stability\":{\"exited_cleanly\":true}}}");

        assertThat(Files.readAllLines(dir.resolve("xset"))).containsExactly("s off", "s noblank", "-dpms");
    }

    @Test
    void underWaylandItWarnsWhenTheCompositorWouldBlankTheScreen() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve(".config")).resolve("wayfire.ini"), "[idle]\ndpms_timeout=600\n");
        String output = finish(start(Map.of("WAYLAND_DISPLAY", "wayland-1")));

        assertThat(output).contains("wayfire.ini sets dpms_timeout").contains("raspi-config nonint do_blanking 1");
        assertThat(dir.resolve("xset")).doesNotExist();
        assertThat(Files.readAllLines(dir.resolve("chromium-args"))).contains("--kiosk");
    }
}
