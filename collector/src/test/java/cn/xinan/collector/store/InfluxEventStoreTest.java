package cn.xinan.collector.store;

import cn.xinan.testing.InfluxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against a real InfluxDB 1.x; every test gets a database of its own. */
class InfluxEventStoreTest extends EventStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static InfluxServer influx;

    private final String database = "xinan_test_" + DATABASES.incrementAndGet();

    @BeforeAll
    static void startInflux() {
        influx = InfluxServer.startServer();
    }

    @AfterAll
    static void stopInflux() {
        influx.close();
    }

    @Override
    protected EventStore openStore() {
        return settings().open();
    }

    private StoreSettings.Influx settings() {
        return new StoreSettings.Influx(influx.url(), database, "xinan", "INF", null, null);
    }

    @Override
    protected void forgetSequenceRecords() {
        store.close();
        influx.query(database, "DROP MEASUREMENT \"seq_day\"");
        influx.query(database, "DROP MEASUREMENT \"derived_settings\"");
    }

    @Test
    void itCreatesItsDatabaseAndRetentionPolicy() {
        assertThat(influx.query(database, "SHOW RETENTION POLICIES ON \"" + database + "\"")).contains("\"xinan\"");
        assertThat(store.type()).isEqualTo("influxdb");
    }

    @Test
    void eventsAreTaggedByRoomDeviceAndKindOnly() {
        var d = new cn.xinan.collector.testkit.TestDevice("dev-5", "room-5");
        store.append(java.util.List.of(new StoredEvent(d.heartbeat(T0), "room-5", RECEIVED)));

        String tagKeys = influx.query(database, "SHOW TAG KEYS FROM \"xinan\".\"events\"");

        assertThat(tagKeys).contains("\"room\"", "\"device\"", "\"kind\"").doesNotContain("\"id\"");
    }

    @Test
    void anUnreachableInfluxIsAStoreErrorNamingTheUrl() {
        var unreachable = new StoreSettings.Influx("http://127.0.0.1:1", "x", "xinan", "INF", null, null);

        assertThatThrownBy(unreachable::open).isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:1");
    }
}
