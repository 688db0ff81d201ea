package cn.xinan.collector.ingest;

import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.provisioning.Registry;
import cn.xinan.testing.ExternalServer;
import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The collector's MQTT client over TLS ({@code mqtt.ca-file}) against a real Mosquitto with a TLS listener and
 * certificates made here with {@code openssl}: it connects when the broker's certificate chains to the given CA,
 * and does not when it does not.
 */
class MqttTlsTest {
    @TempDir
    Path dir;

    @Test
    void theCollectorConnectsOverTlsTrustingOnlyItsCaFile() throws Exception {
        Path ca = certificates(dir.resolve("good"), true);
        Path otherCa = certificates(dir.resolve("other"), false);
        try (TlsMosquitto broker = new TlsMosquitto(dir.resolve("good"));
             SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"));
             IngestPipeline pipeline = new IngestPipeline(store, new Registry(List.of(), List.of()), IngestSettings.defaults(),
                     new IngestCounters(), new DeviceStatusBoard(new Registry(List.of(), List.of())))) {
            broker.start();
            String url = "ssl://127.0.0.1:" + broker.port();
            MqttSettings settings = new MqttSettings(url, null, null, "xinan-collector", null, Duration.ofMinutes(1), 100,
                    Duration.ofSeconds(10), ca);
            try (MqttIngest trusted = new MqttIngest(settings, pipeline, new DeviceStatusBoard(new Registry(List.of(), List.of())), Clock.systemUTC())) {
                assertThat(trusted.start()).isTrue();
                assertThat(trusted.isConnected()).isTrue();
            }
            MqttSettings wrongCa = new MqttSettings(url, null, null, "xinan-collector-2", null, Duration.ofMinutes(1), 100,
                    Duration.ofSeconds(5), otherCa);
            try (MqttIngest untrusted = new MqttIngest(wrongCa, pipeline, new DeviceStatusBoard(new Registry(List.of(), List.of())), Clock.systemUTC())) {
                assertThat(untrusted.start()).isFalse();
                assertThat(untrusted.isConnected()).isFalse();
            }
        }
    }

    @Test
    void aCaFileNeedsAnSslUrlAndACertificate() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> new MqttSettings("tcp://127.0.0.1:1883", null, null, "c", null, Duration.ofMinutes(1), 100,
                Duration.ofSeconds(1), notPem)).hasMessageContaining("mqtt.ca-file").hasMessageContaining("ssl://");
        assertThatThrownBy(() -> TrustedCa.socketFactory(notPem)).hasMessageContaining("mqtt.ca-file " + notPem);
    }

    /** A CA and (when {@code server}) a server certificate for 127.0.0.1 signed by it; returns the CA's PEM. */
    private static Path certificates(Path folder, boolean server) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=xinan test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        if (server) {
            openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                    "-out", "server.csr");
            Files.writeString(folder.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
            openssl(folder, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
        }
        // Mosquitto started as root reads them as the user mosquitto
        Files.setPosixFilePermissions(folder.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return folder.resolve("ca.pem");
    }

    private static void openssl(Path folder, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** Mosquitto 2.0.11 with one TLS listener on loopback (anonymous: TLS is what is tested here). */
    private static final class TlsMosquitto extends ExternalServer {
        private final Path certificates;

        TlsMosquitto(Path certificates) {
            super("mosquitto-tls");
            this.certificates = certificates;
        }

        @Override
        protected List<String> command() throws IOException {
            Path conf = dir.resolve("mosquitto.conf");
            Files.writeString(conf, "listener " + port + " 127.0.0.1\n"
                    + "cafile " + certificates.resolve("ca.pem") + "\n"
                    + "certfile " + certificates.resolve("server.pem") + "\n"
                    + "keyfile " + certificates.resolve("server.key") + "\n"
                    + "allow_anonymous true\n"
                    + "log_dest stdout\n");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            return List.of(MosquittoServer.BINARY, "-c", conf.toString());
        }
    }
}
