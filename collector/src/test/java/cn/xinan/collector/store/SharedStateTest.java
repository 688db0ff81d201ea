package cn.xinan.collector.store;

import cn.xinan.collector.store.SharedState.LeaseClaim;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxSharedState;
import cn.xinan.collector.store.sqlite.SqliteSharedState;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What collector replicas share besides the events, the same on both stores: records replaced by kind and id, and a
 * lease's claims replaced by term and replica, each write seen by a reader on another connection.
 */
class SharedStateTest {
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();
    private static int databases;

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    /** Two connections to one store: a writer and a reader. */
    private SharedState[] twoOn(String kind) {
        SharedState[] out = new SharedState[2];
        if (kind.equals("sqlite")) {
            Path file = dir.resolve("events.db");
            opened.add(new StoreSettings.Sqlite(file).open());
            for (int i = 0; i < 2; i++) {
                out[i] = SqliteSharedState.open(file);
                opened.add(out[i]);
            }
        } else {
            StoreSettings.Influx settings = new StoreSettings.Influx(INFLUX.server().url(), "shared_" + ++databases, "xinan",
                    "INF", null, null);
            for (int i = 0; i < 2; i++) {
                InfluxEventStore store = (InfluxEventStore) settings.open();
                opened.add(store);
                out[i] = new InfluxSharedState(store);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void recordsAreReplacedByKindAndIdAndRemoved(String kind) {
        SharedState[] s = twoOn(kind);
        s[0].put("warning", "jm-db-001-r1/day_behind/2025-03-12#1", "{\"state\":\"OPEN\"}");
        s[0].put("warning", "jm-db-001-r1/day_behind/2025-03-12#1", "{\"state\":\"CLEARED\"}");
        s[0].put("warning", "it's/\"quoted\"#2", "两");
        s[0].put("digest", "digest/jm-db-001/2025-03-12", "d");

        assertThat(s[1].records("warning")).isEqualTo(Map.of(
                "jm-db-001-r1/day_behind/2025-03-12#1", "{\"state\":\"CLEARED\"}", "it's/\"quoted\"#2", "两"));
        s[0].remove("warning", List.of("it's/\"quoted\"#2", "never-stored"));
        assertThat(s[1].records("warning")).containsOnlyKeys("jm-db-001-r1/day_behind/2025-03-12#1");
        assertThat(s[1].records("digest")).containsOnlyKeys("digest/jm-db-001/2025-03-12");
        assertThat(s[1].records("reported")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void claimsAreReplacedByTermAndReplicaAndOldTermsForgotten(String kind) {
        SharedState[] s = twoOn(kind);
        Instant t = Instant.parse("2025-03-12T08:00:00Z");
        s[0].writeClaim("warnings", new LeaseClaim(1, "a", t, false));
        s[0].writeClaim("warnings", new LeaseClaim(1, "a", t.plusSeconds(180), false));
        s[0].writeClaim("warnings", new LeaseClaim(2, "b", t.plusSeconds(200), true));
        s[0].writeClaim("warnings", new LeaseClaim(3, "a", t.plusSeconds(400), false));
        s[0].writeClaim("other", new LeaseClaim(1, "a", t, false));

        assertThat(s[1].claims("warnings")).containsExactlyInAnyOrder(
                new LeaseClaim(1, "a", t.plusSeconds(180), false), new LeaseClaim(2, "b", t.plusSeconds(200), true),
                new LeaseClaim(3, "a", t.plusSeconds(400), false));
        s[0].forgetClaimsBelow("warnings", 2);
        assertThat(s[1].claims("warnings")).extracting(LeaseClaim::term).containsExactlyInAnyOrder(2L, 3L);
        assertThat(s[1].claims("other")).hasSize(1);
    }
}
