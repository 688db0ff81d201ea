package cn.xinan.collector.warnings;

import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code warnings} section of the collector's YAML file: read in full, off by default, errors name the key. */
class WarningSettingsFileTest {
    private static final String BASE = "registry:\n  dir: r\nmqtt:\n  url: tcp://h:1883\n";

    @TempDir
    Path dir;

    private CollectorConfig read(String yaml) throws IOException {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, BASE + yaml);
        return CollectorConfigFile.read(file);
    }

    @Test
    void warningsAreOffUnlessEnabled() throws IOException {
        assertThat(read("").warnings()).isEmpty();
        assertThat(read("warnings:\n  enabled: false\n  link-base: http://x/\n").warnings()).isEmpty();
    }

    @Test
    void everyKeyIsRead() throws IOException {
        WarningSettings s = read("""
                warnings:
                  enabled: true
                  link-base: https://xinan.jingmen.example/app
                  evaluate-every-seconds: 120
                  opening-hours: "12:00-17:00"
                  school-opening-hours:
                    - school: jm-db-001
                      hours: "07:30-16:00"
                  day-checkpoint-lead-minutes: 90
                  device-silent-minutes: 20
                  usual-school-days: 5
                  quiet-hours: none
                  digest-at: "18:00"
                  retry:
                    initial-seconds: 30
                    max-seconds: 600
                    max-attempts: 5
                  sensor-stuck-hours: 3
                  clock-unsynced-minutes: 45
                  backlog-minutes: 20
                  backlog-reports: 4
                  device-health-max-age-minutes: 15
                  targets:
                    - name: db-001-wecom
                      scope: school:jm-db-001
                      type: wecom
                      url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc
                    - name: county-dingtalk
                      scope: county:东宝区
                      type: dingtalk
                      url: https://oapi.dingtalk.com/robot/send?access_token=t
                      secret: SECabc
                    - name: county-it
                      scope: county:东宝区
                      type: json
                      url: https://it.jingmen.example/hook
                      kinds: device_silent, sensor_stuck, clock_unsynced, outbox_backlog
                    - name: db-001-mail
                      scope: school:jm-db-001
                      type: email
                      url: smtps://xinan@smtp.jingmen.example:465
                      secret: mail-password
                      from: xinan@jingmen.example
                      to: zhang.wei@school.example, li.na@school.example
                """).warnings().orElseThrow();
        assertThat(s.linkBase()).isEqualTo("https://xinan.jingmen.example/app/");
        assertThat(s.evaluateEvery()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.openingHours()).isEqualTo(OpeningHours.parse("12:00-17:00"));
        assertThat(s.openingHoursOf("jm-db-001")).isEqualTo(OpeningHours.parse("07:30-16:00"));
        assertThat(s.dayCheckpointLead()).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.deviceSilentAfter()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.usualSchoolDays()).isEqualTo(5);
        assertThat(s.quietHours()).isEmpty();
        assertThat(s.digestAt()).contains(LocalTime.of(18, 0));
        assertThat(s.backoffAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.backoffAfter(10)).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.maxAttempts()).isEqualTo(5);
        assertThat(s.deviceHealth()).isEqualTo(new DeviceHealthLimits(Duration.ofHours(3), Duration.ofMinutes(45),
                Duration.ofMinutes(20), 4, Duration.ofMinutes(15)));
        assertThat(s.targets().subList(0, 3)).containsExactly(
                new WebhookTarget("db-001-wecom", WarningScope.parse("school:jm-db-001"), WebhookFormat.WECOM,
                        URI.create("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"), Optional.empty()),
                new WebhookTarget("county-dingtalk", WarningScope.parse("county:东宝区"), WebhookFormat.DINGTALK,
                        URI.create("https://oapi.dingtalk.com/robot/send?access_token=t"), Optional.of("SECabc")),
                new WebhookTarget("county-it", WarningScope.parse("county:东宝区"), WebhookFormat.JSON,
                        URI.create("https://it.jingmen.example/hook"), Optional.empty(), java.util.Set.of(
                        WarningKind.DEVICE_SILENT, WarningKind.SENSOR_STUCK, WarningKind.CLOCK_UNSYNCED,
                        WarningKind.OUTBOX_BACKLOG)));
        assertThat(s.targets().get(2).hears(WarningKind.WEEK_AT_RISK)).isFalse();
        assertThat(s.targets().get(2).getsDigest()).isFalse();
        assertThat(s.targets().get(3).mail()).contains(new MailRecipients("xinan@jingmen.example",
                List.of("zhang.wei@school.example", "li.na@school.example")));
        assertThat(s.targets().get(3).toString()).doesNotContain("mail-password").doesNotContain("xinan@smtp");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("warnings.link-base is missing");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  quiet-hour: none\n"))
                .hasMessageContaining("unknown key warnings.quiet-hour");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  opening-hours: noon\n"))
                .hasMessageContaining("warnings.opening-hours: opening hours 'noon' are not like 12:00-17:30");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  device-silent-minutes: -5\n"))
                .hasMessageContaining("warnings.device-silent-minutes must be positive");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  targets:\n"
                + "    - name: a\n      type: slack\n      url: http://x/\n"))
                .hasMessageContaining("warnings.targets.0. (a): webhook type 'slack' is not one of wecom, dingtalk, feishu, json");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  sensor-stuck-hours: 0\n"))
                .hasMessageContaining("warnings.sensor-stuck-hours must be 1 to 24 hours");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  backlog-reports: 1\n"))
                .hasMessageContaining("warnings.backlog-reports must be 2 to 16");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  clock-unsynced-minutes: soon\n"))
                .hasMessageContaining("warnings.clock-unsynced-minutes 'soon' must be a whole number");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  targets:\n"
                + "    - name: it\n      type: json\n      url: http://x/\n      kinds: clock, sensor_stuck\n"))
                .hasMessageContaining("warnings.targets.0. (it): kind 'clock' is not one of day_behind, week_at_risk");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  targets:\n"
                + "    - name: mail\n      type: email\n      url: smtp://h:25\n      from: x@y.example\n      to: nobody\n"))
                .hasMessageContaining("warnings.targets.0. (mail): to: 'nobody' is not an address");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  targets:\n"
                + "    - name: mail\n      type: email\n      url: http://h/\n      from: x@y.example\n      to: a@b.example\n"))
                .hasMessageContaining("an e-mail target's url must be smtp://host:port or smtps://host:port");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: ftp://x/\n"))
                .hasMessageContaining("warnings.link-base 'ftp://x/' must start with http:// or https://");
        assertThatThrownBy(() -> read("warnings:\n  enabled: true\n  link-base: http://x/\n  state-file: w.json\n"))
                .hasMessageContaining("warnings.state-file is no longer used: the warnings' state is kept in the store");
    }
}
