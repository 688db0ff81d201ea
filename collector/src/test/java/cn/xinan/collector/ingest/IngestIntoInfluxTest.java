package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.InfluxServerPerClass;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

class IngestIntoInfluxTest extends IngestThroughMosquittoContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    private final String database = "ingest_" + DATABASES.incrementAndGet();

    @Override
    protected EventStore openStore() {
        return new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null).open();
    }
}
