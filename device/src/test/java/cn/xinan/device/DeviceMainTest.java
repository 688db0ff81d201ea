package cn.xinan.device;

import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config FILE is required");
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
