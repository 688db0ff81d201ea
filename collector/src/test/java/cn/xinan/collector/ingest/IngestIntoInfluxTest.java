package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.InfluxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.atomic.AtomicInteger;

class IngestIntoInfluxTest extends IngestThroughMosquittoContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static InfluxServer influx;

    private final String database = "ingest_" + DATABASES.incrementAndGet();

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
        return new StoreSettings.Influx(influx.url(), database, "xinan", "INF", null, null).open();
    }
}
