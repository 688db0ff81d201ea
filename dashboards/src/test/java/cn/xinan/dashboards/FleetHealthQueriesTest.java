package cn.xinan.dashboards;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static cn.xinan.dashboards.KnownData.D1;
import static cn.xinan.dashboards.KnownData.D2;
import static cn.xinan.dashboards.KnownData.D3;
import static cn.xinan.dashboards.KnownData.LOCAL;
import static cn.xinan.dashboards.KnownData.MON;
import static cn.xinan.dashboards.KnownData.R1;
import static cn.xinan.dashboards.KnownData.TUE;
import static cn.xinan.dashboards.KnownData.WED;
import static cn.xinan.dashboards.KnownData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The device fleet health dashboard on the known data (see {@link KnownData}). */
class FleetHealthQueriesTest extends DashboardQueriesContract {
    @Override
    String uid() {
        return "xinan-fleet-health";
    }

    private static Instant day(LocalDate d) {
        return d.atStartOfDay(LOCAL).toInstant();
    }

    private static Instant utc(String text) {
        return Instant.parse(text);
    }

    @Override
    Map<String, Consumer<InfluxAnswer>> weekWithAllRooms() {
        return Map.of(
                "1A", a -> {
                    assertThat(a.tagValues("device")).containsExactlyInAnyOrder(D1, D2, D3);
                    lastSignOfLife(a.tagged("device", D1), at(TUE, 0, 30), data.lastSeqD1);
                    lastSignOfLife(a.tagged("device", D2), at(WED, 10, 0), data.lastSeqD2);
                    lastSignOfLife(a.tagged("device", D3), at(MON, 8, 30), data.lastSeqD3);
                    assertThat(a.tagged("device", D1).tags()).containsEntry("room", R1);
                },
                "2A", a -> {
                    var d1 = a.tagged("device", D1).byTime("count");
                    assertThat(d1).as("one bucket per hour of the week").hasSize(7 * 24);
                    assertThat(d1.get(at(MON, 7, 0)).asLong()).isEqualTo(9);
                    assertThat(d1.get(at(MON, 8, 0)).asLong()).isEqualTo(60);
                    assertThat(d1.get(at(MON, 10, 0)).asLong()).isEqualTo(60);
                    assertThat(d1.get(at(MON, 11, 0)).asLong()).as("the outage").isZero();
                    assertThat(d1.get(at(MON, 12, 0)).asLong()).isEqualTo(29);
                    assertThat(d1.get(at(MON, 13, 0)).asLong()).isEqualTo(60);
                    assertThat(d1.get(at(TUE, 0, 0)).asLong()).isEqualTo(31);
                    var d2 = a.tagged("device", D2).nonZero("count");
                    assertThat(d2).containsEntry(at(MON, 8, 0), 59L).containsEntry(at(MON, 12, 0), 59L)
                            .containsEntry(at(MON, 13, 0), 10L).hasSize(6);
                    assertThat(a.tagged("device", D3).nonZero("count"))
                            .containsExactly(entry(at(MON, 7, 0), 3L), entry(at(MON, 8, 0), 31L));
                },
                "3A", a -> {
                    assertThat(a.tagged("device", D1).nonZero("count")).containsExactly(entry(day(MON), 2L));
                    assertThat(a.tagged("device", D2).nonZero("count")).containsExactly(entry(day(MON), 2L));
                    assertThat(a.tagged("device", D3).nonZero("count")).containsExactly(entry(day(MON), 1L));
                    assertThat(a.tagged("device", D1).byTime("count")).hasSize(7);
                },
                "4A", a -> {
                    var s = a.single();
                    assertThat(s.columns()).containsExactly("time", "reason", "prevAliveAt", "device", "room");
                    assertThat(s.rows()).hasSize(5);
                    boot(s, 0, at(MON, 13, 0), "watchdog", at(MON, 12, 58), D2);
                    boot(s, 1, at(MON, 12, 30), "power_on", at(MON, 10, 59), D1);
                    boot(s, 2, at(MON, 8, 0), "power_on", null, D2);
                    boot(s, 3, at(MON, 7, 55), "power_on", null, D3);
                    boot(s, 4, at(MON, 7, 50), "power_on", at(MON.minusDays(1), 18, 0), D1);
                },
                "5A", a -> {
                    assertThat(a.tagValues("device")).as("only the device that booted without network time")
                            .containsExactly(D3);
                    assertThat(a.single().nonZero("count")).containsExactly(entry(day(MON), 4L));
                },
                "6A", a -> {
                    assertThat(a.tagValues("reason")).containsExactlyInAnyOrder("bad_signature", "malformed", "unknown_device");
                    assertThat(a.tagged("reason", "bad_signature").nonZero("count"))
                            .containsExactly(entry(utc("2025-03-03T01:00:00Z"), 2L));
                    assertThat(a.tagged("reason", "malformed").nonZero("count"))
                            .containsExactly(entry(utc("2025-03-03T02:00:00Z"), 1L));
                    assertThat(a.tagged("reason", "unknown_device").nonZero("count"))
                            .containsExactly(entry(utc("2025-03-04T03:00:00Z"), 1L));
                },
                "7A", a -> {
                    assertThat(a.tagged("reason", "bad_signature").cell(0, "count").asLong()).isEqualTo(2);
                    assertThat(a.tagged("reason", "malformed").cell(0, "count").asLong()).isEqualTo(1);
                    assertThat(a.tagged("reason", "unknown_device").cell(0, "count").asLong()).isEqualTo(1);
                    assertThat(a.series()).hasSize(3);
                },
                "8A", a -> {
                    var s = a.single();
                    assertThat(s.columns()).containsExactly("time", "reason", "device", "topic", "payloadBytes");
                    assertThat(s.rows()).hasSize(4);
                    assertThat(List.of(s.cell(0, "reason").asText(), s.cell(1, "reason").asText(),
                            s.cell(2, "reason").asText(), s.cell(3, "reason").asText()))
                            .containsExactly("unknown_device", "malformed", "bad_signature", "bad_signature");
                    assertThat(s.cell(0, "device").asText()).isEqualTo("dev-zz-999");
                    assertThat(s.cell(1, "device").isNull()).as("a malformed message names no device").isTrue();
                    assertThat(s.cell(1, "topic").asText()).isEqualTo("x/events");
                    assertThat(s.cell(0, "payloadBytes").asLong()).isEqualTo(18);
                });
    }

    private static void lastSignOfLife(InfluxAnswer.Series s, Instant expected, long seq) {
        assertThat(s.rows()).hasSize(1);
        assertThat(Instant.ofEpochMilli(s.cell(0, "time").asLong())).isEqualTo(expected);
        assertThat(s.cell(0, "last seq").asLong()).isEqualTo(seq);
    }

    private static void boot(InfluxAnswer.Series s, int row, Instant at, String reason, Instant prevAliveAt, String device) {
        assertThat(Instant.ofEpochMilli(s.cell(row, "time").asLong())).as("boot time, row " + row).isEqualTo(at);
        assertThat(s.cell(row, "reason").asText()).isEqualTo(reason);
        if (prevAliveAt == null) {
            assertThat(s.cell(row, "prevAliveAt").isNull()).as("first boot: no previous sign of life").isTrue();
        } else {
            assertThat(Instant.ofEpochMilli(s.cell(row, "prevAliveAt").asLong())).isEqualTo(prevAliveAt);
        }
        assertThat(s.cell(row, "device").asText()).isEqualTo(device);
    }

    @Test
    void theDeviceVariableFollowsTheChosenRoom() {
        assertThat(templating(Map.of()).values("device")).containsExactly(D1, D2, D3);
        assertThat(templating(Map.of("room", List.of(R1))).values("device")).containsExactly(D1);
        assertThat(templating(Map.of("county", List.of("掇刀区"))).values("device")).containsExactly(D3);
    }

    @Test
    void choosingADeviceNarrowsThePanelsToIt() {
        InfluxAnswer boots = answer(3, "A", Map.of("device", List.of(D2)));

        assertThat(boots.tagValues("device")).containsExactly(D2);
        assertThat(answer(1, "A", Map.of("county", List.of("掇刀区"))).tagValues("device")).containsExactly(D3);
    }
}
