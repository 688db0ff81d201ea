package cn.xinan.device;

import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceMainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final String key = Ed25519Keys.generate(new SecureRandom()).toBase64();

    private Path configFile(String extra) throws Exception {
        Path f = dir.resolve("device.properties");
        Files.writeString(f, "device.id=room-1\ndevice.privateKey=" + key + "\nmqtt.url=" + Fixtures.deadBrokerUrl()
                + "\nmqtt.password=pw-secret\noutbox.path=" + dir.resolve("outbox.db") + "\noutbox.synchronous=NORMAL\n"
                + extra);
        return f;
    }

    private int run(String stdin, String... args) {
        return DeviceMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir.resolve("dev-without-gpio"));
    }

    @Test
    void withoutGpioHardwareAndWithoutSimulateItFailsPointingToSimulate() throws Exception {
        int code = run("", "--config", configFile("").toString());

        assertThat(code).isEqualTo(DeviceMain.EXIT_NO_GPIO);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no GPIO hardware").contains("--simulate");
    }

    @Test
    void aBadConfigurationFailsNamingTheKey() throws Exception {
        int code = run("", "--config", configFile("heartbeat.interval=often\n").toString(), "--simulate");

        assertThat(code).isEqualTo(DeviceMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("heartbeat.interval: 'often' is not a duration");
    }

    @Test
    void aMissingConfigOptionIsAUsageError() {
        assertThat(run("", "--simulate")).isEqualTo(DeviceMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--config=FILE'")
                .contains("Usage: xinan-device");
    }

    @Test
    void helpAndUsageErrorsFollowTheConventionOfEveryXinanCommand() {
        assertThat(run("", "--help")).isEqualTo(DeviceMain.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: xinan-device")
                .contains("--config=FILE").contains("--simulate").contains("--hash-pin").contains("Exit codes:");
        assertThat(run("", "--frobnicate")).isEqualTo(DeviceMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--frobnicate'");
        assertThat(run("2468\n", "--hash-pin", "--simulate")).isEqualTo(DeviceMain.EXIT_USAGE);
        assertThat(run("2468\n", "--hash-pin")).isEqualTo(DeviceMain.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pbkdf2-sha256$");
    }

    @Test
    void aTakenKioskPortIsReplacedByAFreeOneAndSaidSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("quit\n", "--config", configFile("kiosk.port=" + taken.getLocalPort() + "\n").toString(),
                    "--simulate");
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(code).isEqualTo(DeviceMain.EXIT_OK);
            assertThat(printed).contains("kiosk: port " + taken.getLocalPort() + " (kiosk.port) is taken; using ")
                    .containsPattern("kiosk ready at http://127\\.0\\.0\\.1:\\d+/")
                    .doesNotContain("kiosk ready at http://127.0.0.1:" + taken.getLocalPort() + "/");
        }
    }

    /**
     * Started as a service or with {@code < /dev/null}, the simulated firmware runs until it is stopped, and
     * under systemd ({@code RUNTIME_DIRECTORY}) writes the kiosk's address where the Chromium autostart reads it.
     */
    @Test
    void withoutATerminalTheSimulatedDeviceRunsUntilStopped() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DeviceMain.class.getName(),
                "--config", configFile("kiosk.port=0\n").toString(), "--simulate")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().put("RUNTIME_DIRECTORY", runtime.toString());
        Process p = pb.start();
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String kiosk = null;
            while ((line = lines.readLine()) != null && !line.startsWith("standard input ended")) {
                if (line.startsWith("kiosk ready at ")) {
                    kiosk = line.substring("kiosk ready at ".length());
                }
            }
            assertThat(line).as("what it says when its input ends").isNotNull();
            assertThat(kiosk).isNotNull();
            assertThat(p.isAlive()).isTrue();
            assertThat(Files.readString(runtime.resolve("kiosk-url")).trim()).isEqualTo(kiosk);
            java.net.http.HttpResponse<String> status = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(kiosk + "api/status")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroy(); // SIGTERM, as systemd stops it
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void simulatedModeRunsTheFirmwareFromConsoleCommandsAndMasksSecrets() throws Exception {
        int code = run("open T01\npresence on\ncheckin relaxation junior\nstatus\nquit\n",
                "--config", configFile("").toString(), "--simulate");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(DeviceMain.EXIT_OK);
        assertThat(printed).contains("RoomState[open=true, occupied=true] recorded=4 outbox=4")
                .doesNotContain(key).doesNotContain("pw-secret");
    }
}
