package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class IngestIntoSqliteTest extends IngestThroughMosquittoContract {
    @TempDir
    Path dir;

    @Override
    protected EventStore openStore() {
        return SqliteEventStore.open(dir.resolve("events.db"));
    }
}
