package cn.xinan.collector.store;

import cn.xinan.collector.store.sqlite.SqliteEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteEventStoreTest extends EventStoreContract {
    @TempDir
    Path dir;

    @Override
    protected EventStore openStore() {
        return SqliteEventStore.open(dir.resolve("data/events.db"));
    }

    @Override
    protected void forgetSequenceRecords() {
        store.close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/events.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("DROP TABLE seq_day");
            s.executeUpdate("DELETE FROM derived_settings WHERE name = 'seq-days'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDatabaseIsInWalModeAndCreatedWithItsDirectory() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/events.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
        assertThat(store.type()).isEqualTo("sqlite");
    }
}
