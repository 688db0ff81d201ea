package cn.xinan.device.outbox;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The opt-in ledger: every committed event, in the append's own transaction, never deleted. */
class OutboxLedgerTest {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final EventSigner SIGNER = new EventSigner(Ed25519Keys.generate(new SecureRandom()));

    @TempDir
    Path dir;

    private static SignedEvent event(long seq) {
        return SIGNER.sign(new DeviceEvent(UUID.randomUUID().toString(), "dev-1", seq, T0.plusSeconds(seq), true,
                new EventBody.Heartbeat()));
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
    }

    private List<String> ledgerIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id FROM ledger ORDER BY seq")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Test
    void withoutTheTableNoLedgerIsKept() throws SQLException {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), "dev-1", SynchronousMode.FULL)) {
            outbox.append(event(1));
        }
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'ledger'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void withTheTableEveryCommittedEventStaysInTheLedgerAfterDelivery() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate(Outbox.LEDGER_TABLE);
        }
        List<String> appended = new ArrayList<>();
        Outbox first = Outbox.open(dir.resolve("outbox.db"), "dev-1", SynchronousMode.FULL);
        for (long seq = 1; seq <= 3; seq++) {
            SignedEvent e = event(seq);
            first.append(e);
            appended.add(e.event().eventId());
        }
        first.deleteThrough(2);
        // abandoned without close (a killed process): what append returned is in the ledger
        try (Outbox second = Outbox.open(dir.resolve("outbox.db"), "dev-1", SynchronousMode.FULL)) {
            SignedEvent e = event(4);
            second.append(e);
            appended.add(e.event().eventId());
            second.deleteThrough(4);
            assertThat(second.depth()).isZero();
        }
        first.close();
        assertThat(ledgerIds()).containsExactlyElementsOf(appended);
    }

    @Test
    void aRetimedHeldEventReplacesItsLedgerRow() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate(Outbox.LEDGER_TABLE);
        }
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), "dev-1", SynchronousMode.FULL)) {
            outbox.append(event(1), new Outbox.Hold("run-1", 1000));
            SignedEvent retimed = event(1);
            outbox.replaceHeld(List.of(retimed));
            assertThat(ledgerIds()).containsExactly(retimed.event().eventId());
        }
    }
}
