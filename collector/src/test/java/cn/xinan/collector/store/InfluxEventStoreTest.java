package cn.xinan.collector.store;

import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against a real InfluxDB 1.x; every test gets a database of its own. */
class InfluxEventStoreTest extends EventStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    private final String database = "xinan_test_" + DATABASES.incrementAndGet();

    @Override
    protected EventStore openStore() {
        return settings().open();
    }

    private StoreSettings.Influx settings() {
        return new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null);
    }

    @Override
    protected void forgetSequenceRecords() {
        store.close();
        INFLUX.server().query(database, "DROP MEASUREMENT \"seq_day\"");
        INFLUX.server().query(database, "DROP MEASUREMENT \"derived_settings\"");
    }

    @Test
    void itCreatesItsDatabaseAndRetentionPolicy() {
        assertThat(INFLUX.server().query(database, "SHOW RETENTION POLICIES ON \"" + database + "\"")).contains("\"xinan\"");
        assertThat(store.type()).isEqualTo("influxdb");
    }

    @Test
    void eventsAreTaggedByRoomDeviceAndKindOnly() {
        var d = new cn.xinan.collector.testkit.TestDevice("dev-5", "room-5");
        store.append(java.util.List.of(new StoredEvent(d.heartbeat(T0), "room-5", RECEIVED)));

        String tagKeys = INFLUX.server().query(database, "SHOW TAG KEYS FROM \"xinan\".\"events\"");

        assertThat(tagKeys).contains("\"room\"", "\"device\"", "\"kind\"").doesNotContain("\"id\"");
    }

    @Test
    void anUnreachableInfluxIsAStoreErrorNamingTheUrl() {
        var unreachable = new StoreSettings.Influx("http://127.0.0.1:1", "x", "xinan", "INF", null, null);

        assertThatThrownBy(unreachable::open).isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:1");
    }
}
