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
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboxTest {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final EventSigner SIGNER = new EventSigner(Ed25519Keys.generate(new SecureRandom()));

    @TempDir
    Path dir;

    private static SignedEvent event(String device, long seq) {
        return SIGNER.sign(new DeviceEvent(UUID.randomUUID().toString(), device, seq, T0.plusSeconds(seq), true,
                new EventBody.Heartbeat()));
    }

    private Outbox open(SynchronousMode mode) {
        return Outbox.open(dir.resolve("outbox.db"), "dev-1", mode);
    }

    @Test
    void aNewOutboxIsEmptyWithNoHistory() {
        try (Outbox outbox = open(SynchronousMode.FULL)) {
            assertThat(outbox.depth()).isZero();
            assertThat(outbox.lastSeq()).isZero();
            assertThat(outbox.lastEventAt()).isEmpty();
            assertThat(outbox.oldest(10)).isEmpty();
        }
    }

    @Test
    void readsTheOldestInOrderAndDeletesThroughTheAcknowledgedOne() {
        try (Outbox outbox = open(SynchronousMode.FULL)) {
            for (long seq = 1; seq <= 5; seq++) {
                outbox.append(event("dev-1", seq));
            }
            assertThat(outbox.oldest(3)).extracting(e -> e.event().seq()).containsExactly(1L, 2L, 3L);
            assertThat(outbox.deleteThrough(2)).isEqualTo(2);
            assertThat(outbox.depth()).isEqualTo(3);
            assertThat(outbox.oldest(10)).extracting(e -> e.event().seq()).containsExactly(3L, 4L, 5L);
        }
    }

    @Test
    void eventsComeBackExactlyAsSigned() {
        SignedEvent e = event("dev-1", 1);
        try (Outbox outbox = open(SynchronousMode.FULL)) {
            outbox.append(e);
            assertThat(outbox.oldest(1)).containsExactly(e);
        }
    }

    @Test
    void afterReopeningTheSequenceAndLastEventTimeContinueEvenWhenEverythingWasDelivered() {
        try (Outbox outbox = open(SynchronousMode.FULL)) {
            outbox.append(event("dev-1", 1));
            outbox.append(event("dev-1", 2));
            outbox.deleteThrough(2);
        }
        try (Outbox reopened = open(SynchronousMode.FULL)) {
            assertThat(reopened.depth()).isZero();
            assertThat(reopened.lastSeq()).isEqualTo(2);
            assertThat(reopened.lastEventAt()).contains(T0.plusSeconds(2));
            reopened.append(event("dev-1", 3));
            assertThat(reopened.oldest(10)).extracting(e -> e.event().seq()).containsExactly(3L);
        }
    }

    @Test
    void whatWasAppendedSurvivesAProcessThatNeverClosedTheFile() {
        Outbox abandoned = open(SynchronousMode.FULL); // never closed: the firmware died mid-run
        abandoned.append(event("dev-1", 1));
        abandoned.append(event("dev-1", 2));

        try (Outbox next = open(SynchronousMode.FULL)) {
            assertThat(next.oldest(10)).extracting(e -> e.event().seq()).containsExactly(1L, 2L);
            assertThat(next.lastSeq()).isEqualTo(2);
        }
    }

    @Test
    void aSequenceNumberIsNeverReusedOrSkipped() {
        try (Outbox outbox = open(SynchronousMode.NORMAL)) {
            outbox.append(event("dev-1", 1));
            assertThatThrownBy(() -> outbox.append(event("dev-1", 1))).hasMessageContaining("does not follow");
            assertThatThrownBy(() -> outbox.append(event("dev-1", 3))).hasMessageContaining("does not follow");
            assertThat(outbox.depth()).isEqualTo(1);
        }
    }

    @Test
    void theFileBelongsToOneDevice() {
        open(SynchronousMode.NORMAL).close();
        assertThatThrownBy(() -> Outbox.open(dir.resolve("outbox.db"), "dev-2", SynchronousMode.NORMAL))
                .isInstanceOf(OutboxException.class).hasMessageContaining("belongs to device dev-1");
        try (Outbox outbox = open(SynchronousMode.NORMAL)) {
            assertThatThrownBy(() -> outbox.append(event("dev-2", 1))).hasMessageContaining("dev-2");
        }
    }

    @Test
    void anUnopenableFileIsAnErrorNamingIt() {
        open(SynchronousMode.NORMAL).close();
        // its parent "directory" is the outbox file above
        assertThatThrownBy(() -> Outbox.open(dir.resolve("outbox.db").resolve("x.db"), "dev-1", SynchronousMode.FULL))
                .isInstanceOf(OutboxException.class).hasMessageContaining("x.db");
    }

    @Test
    void synchronousLevelsParseCaseInsensitivelyAndOffIsRefused() {
        assertThat(SynchronousMode.parse("normal")).isEqualTo(SynchronousMode.NORMAL);
        assertThatThrownBy(() -> SynchronousMode.parse("OFF")).hasMessageContaining("[NORMAL, FULL, EXTRA]");
    }
}
