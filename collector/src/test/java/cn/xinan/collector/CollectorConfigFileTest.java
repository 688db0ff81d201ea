package cn.xinan.collector;

import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.broker.BrokerTls;
import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.ingest.AckSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekPolicy;
import cn.xinan.provisioning.broker.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectorConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theExampleProductionConfigurationReadsAndMasksItsPasswords() {
        CollectorConfig c = CollectorConfigFile.read(Path.of("src/main/config/collector.yaml"));

        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.mqtt().url()).isEqualTo("tcp://mqtt.xinan.jingmen.local:1883");
        assertThat(c.mqtt().sessionExpiry()).isEqualTo(Duration.ofDays(7));
        assertThat(c.store()).isInstanceOf(StoreSettings.Influx.class);
        assertThat(((StoreSettings.Influx) c.store()).retentionDuration()).isEqualTo("1095d");
        assertThat(((StoreSettings.Influx) c.store()).derivedRetentionPolicy()).isEqualTo("xinan_derived");
        assertThat(((StoreSettings.Influx) c.store()).derivedRetentionDuration()).isEqualTo("INF");
        assertThat(c.rules().weekPolicy()).isEqualTo(WeekPolicy.PRORATE);
        assertThat(c.broker()).isEmpty();
        assertThat(c.figures()).isEqualTo(new FiguresSettings(300, 2));
        assertThat(c.warnings()).hasValueSatisfying(w -> assertThat(w.targets()).hasSize(1));
        assertThat(c.toString()).doesNotContain("change-me").contains("****");
        assertThat(c.access().dir()).isEqualTo(Path.of("/etc/xinan/registry"));
        assertThat(c.access().auditLog()).isEqualTo(Path.of("/var/log/xinan/audit.jsonl"));
        assertThat(c.access().secureCookie()).isTrue();
        assertThat(c.access().sessionIdle()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void accessDefaultsToTheRegistryFolderAndBadLimitsNameTheirKey() throws IOException {
        CollectorConfig c = CollectorConfigFile.read(write("""
                registry:
                  dir: registry
                mqtt:
                  url: tcp://127.0.0.1:1883
                """));
        assertThat(c.access().dir()).isEqualTo(dir.resolve("registry"));
        assertThat(c.access().auditLog()).isEqualTo(dir.resolve("registry/audit.jsonl"));
        assertThat(c.access().secureCookie()).isFalse();
        assertThat(c.access().maxFailures()).isEqualTo(5);

        assertThatThrownBy(() -> CollectorConfigFile.read(write("""
                registry:
                  dir: registry
                mqtt:
                  url: tcp://127.0.0.1:1883
                access:
                  max-failures: 0
                """))).isInstanceOf(ConfigException.class).hasMessageContaining("access.max-failures");
    }

    @Test
    void aMinimalEmbeddedConfigurationTakesDefaultsAndResolvesPathsAgainstTheFile() throws IOException {
        CollectorConfig c = CollectorConfigFile.read(write("""
                registry:
                  dir: registry
                broker:
                  enabled: true
                  port: 18830
                  data-dir: broker
                rules:
                  tiers:
                    demonstration:
                      weekly-seconds: 54000
                """));

        assertThat(c.registryDir()).isEqualTo(dir.resolve("registry"));
        assertThat(c.mqtt().url()).isEqualTo("tcp://127.0.0.1:18830");
        assertThat(c.store()).isEqualTo(new StoreSettings.Sqlite(dir.resolve("events.db")));
        assertThat(c.broker().orElseThrow().dataDir()).isEqualTo(dir.resolve("broker"));
        assertThat(c.rules().thresholdsFor(Tier.DEMONSTRATION).weeklySeconds()).isEqualTo(54000);
        assertThat(c.rules().thresholdsFor(Tier.QUALIFIED).weeklySeconds()).isEqualTo(36000);
        assertThat(c.calendar()).isEqualTo(CalendarSources.bureau(Optional.empty()));
        assertThat(c.figures()).isEqualTo(FiguresSettings.defaults());
        assertThat(c.figures().intervalSeconds()).isEqualTo(300);
        assertThat(c.figures().weeksBack()).isEqualTo(2);
        assertThat(c.mqtt().eventsFilter()).as("alone with the embedded broker: a plain subscription").isEqualTo("+/events");
    }

    @Test
    void anExternalBrokerIsSharedByTheReplicasAndAnEmbeddedOneKeepsAnExplicitGroup() throws IOException {
        CollectorConfig external = CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\n"));
        assertThat(external.mqtt().eventsFilter()).isEqualTo("$share/xinan-collectors/+/events");

        CollectorConfig embeddedShared = CollectorConfigFile.read(write("""
                registry:
                  dir: r
                broker:
                  enabled: true
                  data-dir: broker
                mqtt:
                  shared-group: g1
                """));
        assertThat(embeddedShared.mqtt().eventsFilter()).isEqualTo("$share/g1/+/events");
        assertThat(CollectorConfig.embedded(dir, dir, Optional.empty(), 18830, 0).mqtt().eventsFilter()).isEqualTo("+/events");
    }

    private static final String TLS_BROKER = """
            registry:
              dir: r
            broker:
              enabled: true
              data-dir: broker
              host: %s
              password-file: passwd
              acl-file: acl
            %s""";

    @Test
    void theEmbeddedBrokersTlsListenerReadsTheGeneratedCertificateAndKey() throws IOException {
        TestCertificates.write(dir.resolve("pki"), List.of("127.0.0.1"), Clock.systemUTC(), new SecureRandom());
        CollectorConfig c = CollectorConfigFile.read(write(TLS_BROKER.formatted("0.0.0.0", """
                  tls-port: 18883
                  tls-cert: pki/server.crt
                  tls-key: pki/server.key
                """)));

        BrokerSettings broker = c.broker().orElseThrow();
        BrokerTls tls = broker.tls().orElseThrow();
        assertThat(tls.port()).isEqualTo(18883);
        assertThat(tls.chain()).singleElement().satisfies(cert ->
                assertThat(cert.getSubjectX500Principal().getName()).contains("127.0.0.1"));
        assertThat(broker.tlsUrl()).contains("ssl://127.0.0.1:18883");
        assertThat(c.mqtt().url()).as("the collector's own connection: the plain listener, on loopback")
                .isEqualTo("tcp://127.0.0.1:1883");
    }

    @Test
    void tlsKeysGoTogetherAndABadFileNamesItsKey() throws IOException {
        TestCertificates.write(dir.resolve("pki"), List.of("127.0.0.1"), Clock.systemUTC(), new SecureRandom());
        TestCertificates.write(dir.resolve("other"), List.of("127.0.0.1"), Clock.systemUTC(), new SecureRandom());
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 18883
                  tls-cert: pki/server.crt
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-key missing");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 18883
                  tls-cert: pki/nothing.crt
                  tls-key: pki/server.key
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-cert")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 18883
                  tls-cert: pki/server.key
                  tls-key: pki/server.key
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-cert")
                .hasMessageContaining("not a PEM certificate");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 18883
                  tls-cert: pki/server.crt
                  tls-key: pki/server.crt
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-key")
                .hasMessageContaining("not a PEM private key");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 18883
                  tls-cert: pki/server.crt
                  tls-key: other/server.key
                """)))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("broker.tls-key is not the private key of the certificate in broker.tls-cert");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  port: 18883
                  tls-port: 18883
                  tls-cert: pki/server.crt
                  tls-key: pki/server.key
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-port and broker.port must differ");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("127.0.0.1", """
                  tls-port: 70000
                  tls-cert: pki/server.crt
                  tls-key: pki/server.key
                """)))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.tls-port must be between 1 and 65535");
    }

    @Test
    void anEmbeddedBrokerOnTheNetworkNeedsAccessFilesAndTls() throws IOException {
        assertThatThrownBy(() -> CollectorConfigFile.read(write("""
                registry:
                  dir: r
                broker:
                  enabled: true
                  data-dir: broker
                  host: 0.0.0.0
                """))).isInstanceOf(ConfigException.class).hasMessageContaining("broker.host 0.0.0.0 is not a loopback address")
                .hasMessageContaining("broker.password-file and broker.acl-file")
                .hasMessageContaining("broker.tls-port, broker.tls-cert and broker.tls-key");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(TLS_BROKER.formatted("192.168.1.10", ""))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broker.host 192.168.1.10 is not a loopback address")
                .hasMessageNotContaining("broker.password-file").hasMessageContaining("broker.tls-port, broker.tls-cert and broker.tls-key");
        assertThat(CollectorConfigFile.read(write(TLS_BROKER.formatted("localhost", ""))).broker().orElseThrow().tls())
                .as("on loopback, plain TCP alone is allowed").isEmpty();
    }

    @Test
    void ackKeysAreReadAndABadOneNamesItsKey() throws IOException {
        String base = "registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\n";
        assertThat(CollectorConfigFile.read(write(base)).ingest().ack()).isEqualTo(AckSettings.DEFAULTS);
        assertThat(CollectorConfigFile.read(write(base + "ack:\n  gap-timeout-seconds: 5\n  stall-seconds: 60\n")).ingest().ack())
                .isEqualTo(new AckSettings(Duration.ofSeconds(5), Duration.ofSeconds(60)));
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "ack:\n  gap-timeout-seconds: 60\n  stall-seconds: 5\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ack.stall-seconds");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "ack:\n  gap-timeout-seconds: soon\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ack.gap-timeout-seconds");
    }

    @Test
    void figuresKeysAreReadAndValidated() throws IOException {
        String base = "registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\nfigures:\n";
        CollectorConfig c = CollectorConfigFile.read(write(base + "  interval-seconds: 0\n  weeks-back: 5\n"));
        assertThat(c.figures().enabled()).isFalse();
        assertThat(c.figures().weeksBack()).isEqualTo(5);

        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "  interval-seconds: -1\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("figures.interval-seconds");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "  interval-seconds: often\n")))
                .hasMessageContaining("figures.interval-seconds 'often' must be a whole number");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "  weeks-back: 53\n")))
                .hasMessageContaining("figures.weeks-back must be between 0 and 52, was 53");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "  weeks-bak: 1\n")))
                .hasMessageContaining("unknown key figures.weeks-bak");
    }

    @Test
    void theRollUpTargetsAreSettingsWithThePlanAsDefaultAndBadValuesNameTheirKey() throws IOException {
        String base = "registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\n";
        assertThat(CollectorConfigFile.read(write(base)).targets())
                .isEqualTo(new cn.xinan.collector.rollup.Targets(100, 20, 2025));
        assertThat(CollectorConfigFile.read(write(base + "targets:\n  qualified-percent: 90\n  demonstration-percent: 30\n"
                + "  by-year: 2027\n")).targets()).isEqualTo(new cn.xinan.collector.rollup.Targets(90, 30, 2027));

        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "targets:\n  demonstration-percent: 120\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets.demonstration-percent must be between 0 and 100, was 120");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "targets:\n  qualified-percent: most\n")))
                .hasMessageContaining("targets.qualified-percent 'most' must be a whole number");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "targets:\n  qualified-percent: 10\n")))
                .hasMessageContaining("targets.demonstration-percent (20) must not exceed targets.qualified-percent (10)");
        assertThatThrownBy(() -> CollectorConfigFile.read(write(base + "targets:\n  demonstration: 20\n")))
                .hasMessageContaining("unknown key targets.demonstration");
    }

    @Test
    void errorsNameTheKey() throws IOException {
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.url is missing");
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\n  usrname: x\n")))
                .hasMessageContaining("unknown key mqtt.usrname");
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\nhttp:\n  port: eighty\n")))
                .hasMessageContaining("http.port 'eighty' must be a whole number");
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: http://h\n")))
                .hasMessageContaining("mqtt.url");
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\nstore:\n  type: mongo\n")))
                .hasMessageContaining("store.type 'mongo'");
        assertThatThrownBy(() -> CollectorConfigFile.read(write("registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\nstore:\n  type: influxdb\n")))
                .hasMessageContaining("store.influxdb.url is missing");
        assertThatThrownBy(() -> CollectorConfigFile.read(dir.resolve("absent.yaml")))
                .hasMessageContaining("no such configuration file");
    }

    @Test
    void theMainTakesExactlyAConfigFile() {
        assertThat(CollectorMain.parseArgs(new String[]{"--config", "a.yaml"})).isEqualTo(Path.of("a.yaml"));
        assertThat(CollectorMain.parseArgs(new String[]{"--config=a.yaml"})).isEqualTo(Path.of("a.yaml"));
        assertThat(CollectorMain.parseArgs(new String[]{})).isNull();
        assertThat(CollectorMain.parseArgs(new String[]{"a.yaml"})).isNull();
    }
}
