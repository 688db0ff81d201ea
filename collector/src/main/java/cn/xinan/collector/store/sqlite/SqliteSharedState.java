package cn.xinan.collector.store.sqlite;

import cn.xinan.collector.store.SharedState;
import cn.xinan.collector.store.StoreException;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SharedState} in the SQLite store's file, on a connection of its own (every process on the file shares it):
 * tables {@code shared_record} (kind, id, value) and {@code lease_claim} (lease, term, replica, until, withdrawn), each
 * row replaced by its key.
 */
public final class SqliteSharedState implements SharedState {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS shared_record (
              kind  TEXT NOT NULL,
              id    TEXT NOT NULL,
              value TEXT NOT NULL,
              PRIMARY KEY (kind, id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS lease_claim (
              lease     TEXT    NOT NULL,
              term      INTEGER NOT NULL,
              replica   TEXT    NOT NULL,
              until_ms  INTEGER NOT NULL,
              withdrawn INTEGER NOT NULL,
              PRIMARY KEY (lease, term, replica)
            ) WITHOUT ROWID;
            """;

    private final Path path;
    private final Connection connection;

    private SqliteSharedState(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /** Opens the store's file (the SQLite store creates it) and creates the tables when missing. */
    public static SqliteSharedState open(Path path) {
        Connection c = null;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            c = config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.executeUpdate(ddl);
                    }
                }
            }
            return new SqliteSharedState(path, c);
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already failing
                }
            }
            throw new StoreException("cannot open the shared state in SQLite store " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void put(String kind, String id, String value) {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT OR REPLACE INTO shared_record (kind, id, value) VALUES (?, ?, ?)")) {
            ps.setString(1, kind);
            ps.setString(2, id);
            ps.setString(3, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("writing " + kind + " " + id, e);
        }
    }

    @Override
    public synchronized Map<String, String> records(String kind) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, value FROM shared_record WHERE kind = ?")) {
            ps.setString(1, kind);
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("reading the " + kind + " records", e);
        }
    }

    @Override
    public synchronized void remove(String kind, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM shared_record WHERE kind = ? AND id = ?")) {
            for (String id : ids) {
                ps.setString(1, kind);
                ps.setString(2, id);
                ps.addBatch();
            }
            connection.setAutoCommit(false);
            try {
                ps.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("deleting " + ids.size() + " " + kind + " records", e);
        }
    }

    @Override
    public synchronized void writeClaim(String lease, LeaseClaim claim) {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT OR REPLACE INTO lease_claim (lease, term, replica, until_ms, withdrawn) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, lease);
            ps.setLong(2, claim.term());
            ps.setString(3, claim.replica());
            ps.setLong(4, claim.until().toEpochMilli());
            ps.setInt(5, claim.withdrawn() ? 1 : 0);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("writing a claim on lease " + lease, e);
        }
    }

    @Override
    public synchronized List<LeaseClaim> claims(String lease) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT term, replica, until_ms, withdrawn FROM lease_claim WHERE lease = ? ORDER BY term, replica")) {
            ps.setString(1, lease);
            List<LeaseClaim> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LeaseClaim(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                            rs.getInt(4) != 0));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("reading the claims on lease " + lease, e);
        }
    }

    @Override
    public synchronized void forgetClaimsBelow(String lease, long term) {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM lease_claim WHERE lease = ? AND term < ?")) {
            ps.setString(1, lease);
            ps.setLong(2, term);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("deleting old claims on lease " + lease, e);
        }
    }

    private StoreException failed(String what, SQLException e) {
        return new StoreException("SQLite store " + path + ": " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failed("closing the shared state", e);
        }
    }
}
