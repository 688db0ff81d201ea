package cn.xinan.launcher.provision;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.launcher.Xinan;
import cn.xinan.provisioning.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code xinan provision} from the command line: the district's files, and usage errors named with status 2. */
class ProvisionCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {
    }

    private Run run(String... args) {
        CommandLine cli = Xinan.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, err.toString());
    }

    @Test
    void fromCsvToABundleTheFirmwareAccepts() throws IOException {
        Path district = dir.resolve("district");
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\njm-db-001,东宝实验小学,东宝区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\njm-db-001,jm-db-001-r1,示范,心理辅导室\n");
        assertThat(run("provision", "import", "-d", district.toString(), "--schools", dir.resolve("schools.csv").toString(),
                "--rooms", dir.resolve("rooms.csv").toString()).status()).isZero();
        assertThat(run("provision", "broker", "-d", district.toString(), "--host", "mqtt.example.cn,10.0.0.5").status()).isZero();
        assertThat(run("provision", "device", "add", "-d", district.toString(), "--room", "jm-db-001-r1").status()).isZero();
        assertThat(run("provision", "collector-account", "-d", district.toString(), "--name", "collector-1").status()).isZero();
        assertThat(run("provision", "influxdb", "-d", district.toString()).status()).isZero();

        // the bundle's device.properties is a configuration the firmware loads as it is
        Path bundle = district.resolve("bundles/jm-db-001-r1-d1");
        DeviceConfig config = DeviceConfig.load(bundle.resolve("device.properties"));
        assertThat(config.deviceId()).isEqualTo("jm-db-001-r1-d1");
        assertThat(config.mqttUrl()).isEqualTo("ssl://mqtt.example.cn:8883");
        assertThat(config.privateKey().publicKey())
                .isEqualTo(Registry.load(district.resolve("registry")).device("jm-db-001-r1-d1").orElseThrow().publicKey());
        assertThat(bundle.resolve("ca.crt")).hasSameTextualContentAs(district.resolve("broker/ca.crt"));
        assertThat(Files.readString(district.resolve("broker/mosquitto.passwd"))).contains("collector-1:$7$", "jm-db-001-r1-d1:$7$");
        assertThat(Files.readString(district.resolve("secrets/influxdb-setup.influxql"))).contains("GRANT READ ON \"xinan\" TO \"xinan-grafana\"");
    }

    @Test
    void usageErrorsNameWhatWasWrongWithStatus2() throws IOException {
        Path district = dir.resolve("district");
        assertThat(run("provision", "import", "-d", district.toString())).isEqualTo(
                new Run(2, "xinan: give --schools FILE, --rooms FILE or both\n"));
        Run missing = run("provision", "device", "add", "--room", "r1");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--district=DIR'");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\njm-db-001,r1,示范,辅导室\n");
        assertThat(run("provision", "import", "-d", district.toString(), "--rooms", dir.resolve("rooms.csv").toString()))
                .isEqualTo(new Run(2, "xinan: rooms.csv line 2, column 1 (school): unknown school 'jm-db-001'; "
                        + "add it to the schools file first\n"));
        assertThat(run("provision", "device", "move", "-d", district.toString(), "--device", "x", "--room", "r1",
                "--from", "yesterday").err()).startsWith("xinan: --from 'yesterday' is not a date");
        assertThat(run("provision", "device", "add", "-d", district.toString(), "--room", "r1").err())
                .isEqualTo("xinan: no broker URL: run `xinan provision broker` first, or give --broker-url ssl://HOST:8883\n");
        assertThat(run("provision", "device", "retire", "-d", district.toString(), "--device", "ghost"))
                .isEqualTo(new Run(2, "xinan: unknown device 'ghost'\n"));
    }
}
