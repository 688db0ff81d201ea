package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.rules.Tier;
import cn.xinan.wire.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device's history in the registry decides how its events are checked: any key it had verifies what it recorded
 * while that key was current, and each event counts in the room the device was in when it was recorded.
 */
class RegistryHistoryVerifierTest {
    private static final Instant MARCH = Instant.parse("2026-03-02T04:00:00Z");
    private static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    private static final Instant MAY = Instant.parse("2026-05-04T04:00:00Z");

    private final TestDevice oldCard = new TestDevice("pi-7", "r1");
    private final TestDevice newCard = new TestDevice("pi-7", "r1");

    private MessageVerifier verifier(DeviceHistory history) {
        Registry registry = new Registry(List.of(new SchoolRecord("s1", "第一小学", "东宝区")),
                List.of(new RoomRecord("东宝区", "s1", "r1", Tier.QUALIFIED, "辅导室"),
                        new RoomRecord("东宝区", "s1", "r2", Tier.QUALIFIED, "沙盘室")),
                List.of(history));
        return new MessageVerifier(registry, IngestSettings.defaults());
    }

    private static DeviceHistory history(List<DeviceHistory.KeyPeriod> keys, List<DeviceHistory.Assignment> rooms,
                                         Optional<Instant> retiredAt) {
        return new DeviceHistory("pi-7", keys, rooms, retiredAt, "");
    }

    private MessageVerifier.Outcome check(MessageVerifier v, TestDevice device, Instant at, Instant receivedAt) {
        return v.check(Topics.events("pi-7"), device.payload(device.heartbeat(at)), receivedAt);
    }

    private static String roomOf(MessageVerifier.Outcome outcome) {
        assertThat(outcome).isInstanceOf(MessageVerifier.Accepted.class);
        return ((MessageVerifier.Accepted) outcome).events().stream().map(StoredEvent::roomId).findFirst().orElseThrow();
    }

    private static QuarantineReason reasonOf(MessageVerifier.Outcome outcome) {
        assertThat(outcome).isInstanceOf(MessageVerifier.Rejected.class);
        return ((MessageVerifier.Rejected) outcome).message().reason();
    }

    @Test
    void aMovedDevicesEventsCountWhereItWasWhenItRecordedThem() {
        MessageVerifier v = verifier(history(List.of(new DeviceHistory.KeyPeriod(oldCard.publicKey(), Optional.empty())),
                List.of(new DeviceHistory.Assignment("r1", Optional.empty()),
                        new DeviceHistory.Assignment("r2", Optional.of(APRIL))), Optional.empty()));
        // an event of March delivered (or replayed) in May still counts in r1
        assertThat(roomOf(check(v, oldCard, MARCH, MAY))).isEqualTo("r1");
        assertThat(roomOf(check(v, oldCard, MAY, MAY))).isEqualTo("r2");
    }

    @Test
    void aReplacedDevicesOldKeyVerifiesWhatItRecordedBeforeTheReplacementOnly() {
        MessageVerifier v = verifier(history(List.of(new DeviceHistory.KeyPeriod(oldCard.publicKey(), Optional.empty()),
                        new DeviceHistory.KeyPeriod(newCard.publicKey(), Optional.of(APRIL))),
                List.of(new DeviceHistory.Assignment("r1", Optional.empty())), Optional.empty()));
        assertThat(roomOf(check(v, oldCard, MARCH, MAY))).isEqualTo("r1");
        assertThat(roomOf(check(v, newCard, MAY, MAY))).isEqualTo("r1");
        // the old card, stolen, cannot sign anything new; the new key cannot sign the past
        assertThat(reasonOf(check(v, oldCard, MAY, MAY))).isEqualTo(QuarantineReason.BAD_SIGNATURE);
        assertThat(reasonOf(check(v, newCard, MARCH, MAY))).isEqualTo(QuarantineReason.BAD_SIGNATURE);
        assertThat(reasonOf(check(v, new TestDevice("pi-7", "r1"), MAY, MAY))).isEqualTo(QuarantineReason.BAD_SIGNATURE);
    }

    @Test
    void aRetiredDevicesEarlierEventsCountItsLaterOnesDoNot() {
        MessageVerifier v = verifier(history(List.of(new DeviceHistory.KeyPeriod(oldCard.publicKey(), Optional.empty())),
                List.of(new DeviceHistory.Assignment("r1", Optional.empty())), Optional.of(APRIL)));
        assertThat(roomOf(check(v, oldCard, MARCH, MAY))).isEqualTo("r1");
        MessageVerifier.Outcome late = check(v, oldCard, MAY, MAY);
        assertThat(reasonOf(late)).isEqualTo(QuarantineReason.BAD_SIGNATURE);
        assertThat(((MessageVerifier.Rejected) late).message().detail()).contains("retired at " + APRIL);
    }
}
