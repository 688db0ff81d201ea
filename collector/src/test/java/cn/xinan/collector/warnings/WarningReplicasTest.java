package cn.xinan.collector.warnings;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.SharedState;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxSharedState;
import cn.xinan.collector.store.sqlite.SqliteSharedState;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two collector replicas, each with its own warning service, on one store (SQLite file, real InfluxDB): a warning
 * reaches its target once, and still reaches it when the replica that raised it dies (docs/warnings.md, "Several
 * replicas").
 */
class WarningReplicasTest {
    private static final LocalDate WEDNESDAY = LocalDate.of(2025, 3, 12);
    private static final Duration LEASE = Duration.ofMinutes(3);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    /** Replica {@code i}'s view of one shared store: its own connection. */
    private List<SharedState> twoReplicasOn(String kind) {
        List<SharedState> out = new ArrayList<>();
        if (kind.equals("sqlite")) {
            Path file = dir.resolve("events.db");
            EventStore store = new StoreSettings.Sqlite(file).open();
            opened.add(store);
            for (int i = 0; i < 2; i++) {
                SqliteSharedState s = SqliteSharedState.open(file);
                opened.add(s);
                out.add(s);
            }
        } else {
            StoreSettings.Influx settings = new StoreSettings.Influx(INFLUX.server().url(), "warnings_" + DATABASES.incrementAndGet(),
                    "xinan", "INF", null, null);
            for (int i = 0; i < 2; i++) {
                InfluxEventStore store = (InfluxEventStore) settings.open();
                opened.add(store);
                out.add(new InfluxSharedState(store));
            }
        }
        return out;
    }

    /** Wednesday with the room never opened: today-behind is raised at the 16:30 checkpoint. */
    private static WarningFixture behindToday() {
        WarningFixture f = new WarningFixture(WEDNESDAY.atTime(16, 0));
        f.schoolDays(WEDNESDAY.minusWeeks(3), WEDNESDAY.minusDays(1), 150);
        f.day(WEDNESDAY, 0);
        return f;
    }

    private record Replica(String name, WarningService service) {
    }

    private static Replica replica(WarningFixture f, SharedState store, String name, WarningService.Sender sender) {
        WarningSettings settings = WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null));
        Lease lease = new Lease(store, "warnings", name, f.clock, LEASE);
        return new Replica(name, f.service(settings, WarningBook.in(store), sender, lease));
    }

    /** Who sent what: the replica's name and the message id. */
    private static WarningService.Sender recording(String replica, List<String> sent) {
        return (target, message) -> sent.add(replica + " " + message.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void aWarningReachesItsTargetOnceFromTwoReplicas(String kind) {
        WarningFixture f = behindToday();
        List<SharedState> stores = twoReplicasOn(kind);
        List<String> sent = new CopyOnWriteArrayList<>();
        Replica a = replica(f, stores.get(0), "a", recording("a", sent));
        Replica b = replica(f, stores.get(1), "b", recording("b", sent));

        for (int minute = 0; minute <= 45; minute++) {
            a.service().tick();
            b.service().tick();
            f.clock.advance(Duration.ofMinutes(1));
        }

        String id = WarningFixture.ROOM + "/day_behind/" + WEDNESDAY + "#1";
        assertThat(sent).containsExactly("a " + id);
        // the replica without the lease lists the same warning, delivered (it read the shared state again)
        assertThat(b.service().warnings()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo(id);
            assertThat(w.deliveries()).singleElement().extracting(Delivery::state).isEqualTo(Delivery.State.DELIVERED);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void aWarningStillReachesItsTargetWhenTheReplicaHoldingTheLeaseDies(String kind) {
        WarningFixture f = behindToday();
        List<SharedState> stores = twoReplicasOn(kind);
        List<String> sent = new CopyOnWriteArrayList<>();
        Replica a = replica(f, stores.get(0), "a", (target, message) -> {
            throw new DeliveryException("the robot is down");
        });
        Replica b = replica(f, stores.get(1), "b", recording("b", sent));
        String id = WarningFixture.ROOM + "/day_behind/" + WEDNESDAY + "#1";

        // a holds the lease, raises the warning at 16:30 and fails to deliver it (retried a minute later)
        for (int minute = 0; minute <= 30; minute++) {
            a.service().tick();
            b.service().tick();
            f.clock.advance(Duration.ofMinutes(1));
        }
        assertThat(b.service().warnings()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo(id);
            assertThat(w.deliveries()).singleElement().satisfies(d -> {
                assertThat(d.state()).isEqualTo(Delivery.State.PENDING);
                assertThat(d.lastError()).isEqualTo("the robot is down");
            });
        });

        // a dies (no release); b waits for its lease to lapse, then takes over and delivers the pending warning
        int minutesUntilSent = 0;
        while (sent.isEmpty() && minutesUntilSent < 10) {
            b.service().tick();
            f.clock.advance(Duration.ofMinutes(1));
            minutesUntilSent++;
        }
        for (int minute = 0; minute < 10; minute++) {
            b.service().tick();
            f.clock.advance(Duration.ofMinutes(1));
        }

        assertThat(sent).containsExactly("b " + id);
        // a's last renewal was at 16:30 (its last tick): b took over once the three minutes had passed
        assertThat(minutesUntilSent).isEqualTo(3);
        assertThat(b.service().warnings()).singleElement().satisfies(w ->
                assertThat(w.deliveries()).singleElement().satisfies(d -> {
                    assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED);
                    assertThat(d.attempts()).isEqualTo(2);
                }));
    }
}
