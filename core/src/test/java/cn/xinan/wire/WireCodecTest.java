package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {
    private static final Ed25519Keys.PrivateKey KEY = Ed25519Keys.generate(new SecureRandom());
    private static final EventSigner SIGNER = new EventSigner(KEY);
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");

    static DeviceEvent event(long seq, EventBody body) {
        return new DeviceEvent("e-" + seq, "dev-1", seq, T0.plusSeconds(seq), true, body);
    }

    static List<SignedEvent> everyKind() {
        List<EventBody> bodies = List.of(
                new EventBody.Boot("power_on", T0.minusSeconds(60)),
                new EventBody.Boot("first", null),
                new EventBody.Heartbeat(),
                new EventBody.StaffOpen("T01"),
                new EventBody.StaffClose("T01"),
                new EventBody.Presence(true),
                new EventBody.Presence(false),
                new EventBody.CheckIn(Purpose.SELF_HELP, Stage.JUNIOR),
                new EventBody.CheckIn(null, null));
        List<SignedEvent> out = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            out.add(SIGNER.sign(event(i + 1, bodies.get(i))));
        }
        return out;
    }

    @Test
    void aBatchOfEveryKindSurvivesEncodeAndDecodeAndVerifies() throws Exception {
        EventBatch batch = SIGNER.batch("dev-1", everyKind());
        EventBatch decoded = WireCodec.decode(WireCodec.encode(batch));
        assertThat(decoded.events()).isEqualTo(batch.events());
        assertThat(decoded.batchSignature()).isEqualTo(batch.batchSignature());
        SignatureVerifier.verify(decoded, KEY.publicKey());
        for (SignedEvent e : decoded.events()) {
            assertThat(SignatureVerifier.verifyEvent(e, KEY.publicKey())).isTrue();
        }
    }

    @Test
    void aSingleEventMessageIsVerifiedByTheEventsOwnSignature() throws Exception {
        EventBatch single = SIGNER.batch("dev-1", List.of(everyKind().get(3)));
        assertThat(single.batchSignature()).isNull();
        SignatureVerifier.verify(WireCodec.decode(WireCodec.encode(single)), KEY.publicKey());
    }

    @Test
    void theCanonicalEncodingIsFixed() {
        DeviceEvent e = event(7, new EventBody.StaffOpen("T01"));
        assertThat(new String(CanonicalEncoding.bytes(e), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"v\":1,\"id\":\"e-7\",\"device\":\"dev-1\",\"seq\":7,\"at\":\"2025-03-03T00:00:07Z\","
                        + "\"synced\":true,\"kind\":\"staff_open\",\"staff\":\"T01\"}");
    }

    @Test
    void aChangedEventFailsItsSignature() throws Exception {
        SignedEvent open = everyKind().get(3);
        String tampered = new String(WireCodec.encode(SIGNER.batch("dev-1", List.of(open))), StandardCharsets.US_ASCII)
                .replace("\"T01\"", "\"T02\"");
        EventBatch decoded = WireCodec.decode(tampered.getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SignatureVerifier.verify(decoded, KEY.publicKey()))
                .isInstanceOf(SignatureException.class)
                .hasMessage("signature of event e-4 from device dev-1 does not verify with its registered key");
    }

    @Test
    void aChangedEventInABatchFailsTheBatchSignature() throws Exception {
        String tampered = new String(WireCodec.encode(SIGNER.batch("dev-1", everyKind())), StandardCharsets.US_ASCII)
                .replace("\"occupied\":true", "\"occupied\":false");
        EventBatch decoded = WireCodec.decode(tampered.getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SignatureVerifier.verify(decoded, KEY.publicKey()))
                .hasMessage("batch signature over 9 events from device dev-1 does not verify with its registered key");
    }

    @Test
    void anotherDevicesKeyDoesNotVerify() {
        EventBatch batch = SIGNER.batch("dev-1", everyKind());
        Ed25519Keys.PublicKey other = Ed25519Keys.generate(new SecureRandom()).publicKey();
        assertThatThrownBy(() -> SignatureVerifier.verify(batch, other)).isInstanceOf(SignatureException.class);
    }

    private static void rejects(String json, String message) {
        assertThatThrownBy(() -> WireCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void malformedMessagesAreRejectedWithWhatIsWrong() {
        String sig = "\"sig\":\"" + "A".repeat(86) + "==\"";
        String ok = "{\"v\":1,\"id\":\"e1\",\"device\":\"dev-1\",\"seq\":1,\"at\":\"2025-03-03T00:00:00Z\",\"synced\":true,\"kind\":\"heartbeat\"," + sig + "}";
        rejects("", "empty payload");
        rejects("{\"schema\":1,", "malformed JSON");
        rejects("[1,2]", "message: expected an object, found an array");
        rejects("{\"schema\":2,\"device\":\"dev-1\",\"events\":[]}", "unsupported schema version 2");
        rejects("{\"device\":\"dev-1\",\"events\":[" + ok + "]}", "missing field 'schema'");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok + "],\"extra\":1}", "unknown field 'extra' in message");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[]}", "a batch holds at least one event");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("\"seq\":1", "\"seq\":\"1\"") + "]}",
                "events[0].seq: expected an integer, found a string");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("heartbeat", "teleport") + "]}",
                "events[0]: unknown event kind 'teleport'");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("2025-03-03T00:00:00Z", "yesterday") + "]}",
                "events[0].at: not an ISO-8601 UTC instant: \"yesterday\"");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("\"kind\":\"heartbeat\"", "\"kind\":\"heartbeat\",\"staff\":\"T1\"") + "]}",
                "events[0]: field staff does not belong to a heartbeat event");
        rejects("{\"schema\":1,\"device\":\"dev-2\",\"events\":[" + ok + "]}", "event e1 belongs to device dev-1, not to dev-2");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("\"kind\":\"heartbeat\"", "\"kind\":\"checkin\",\"name\":\"Li Lei\"") + "]}",
                "unknown field 'name' in events[0]");
        rejects("{\"schema\":1,\"device\":\"dev-1\",\"events\":[" + ok.replace("\"kind\":\"heartbeat\"", "\"kind\":\"checkin\",\"purpose\":\"therapy\"") + "]}",
                "unknown check-in purpose 'therapy'");
    }

    @Test
    void anOversizedPayloadIsRejectedBeforeParsing() {
        byte[] big = new byte[WireCodec.MAX_PAYLOAD_BYTES + 1];
        assertThatThrownBy(() -> WireCodec.decode(big))
                .hasMessage("payload of " + big.length + " bytes exceeds the limit of " + WireCodec.MAX_PAYLOAD_BYTES + " bytes");
    }

    @Test
    void aFullBacklogBatchFitsTheSizeLimit() throws Exception {
        List<SignedEvent> events = new ArrayList<>();
        for (int i = 1; i <= WireCodec.MAX_EVENTS_PER_BATCH; i++) {
            events.add(SIGNER.sign(new DeviceEvent("0b4c3a52-6a5e-4c1e-9f0a-" + String.format("%012d", i), "jm-db-001-r1-dev",
                    i, T0.plusMillis(i * 1001L), true, new EventBody.Boot("power_on", T0))));
        }
        byte[] payload = WireCodec.encode(SIGNER.batch("jm-db-001-r1-dev", events));
        assertThat(payload.length).isLessThanOrEqualTo(WireCodec.MAX_PAYLOAD_BYTES);
        assertThat(WireCodec.decode(payload).events()).hasSize(WireCodec.MAX_EVENTS_PER_BATCH);
    }

    @Test
    void topicsStartWithTheDeviceId() throws Exception {
        assertThat(Topics.events("dev-1")).isEqualTo("dev-1/events");
        assertThat(Topics.status("dev-1")).isEqualTo("dev-1/status");
        assertThat(Topics.deviceOfEventsTopic("dev-1/events")).isEqualTo("dev-1");
        assertThatThrownBy(() -> Topics.deviceOfEventsTopic("dev-1/other")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> Topics.deviceOfEventsTopic("a/b/events")).isInstanceOf(WireFormatException.class);
    }

    @Test
    void theStatusMessageRoundTrips() throws Exception {
        DeviceStatus online = new DeviceStatus("dev-1", true, T0, "0.1.0");
        assertThat(DeviceStatus.decode(online.encode())).isEqualTo(online);
        DeviceStatus will = new DeviceStatus("dev-1", false, null, null);
        assertThat(DeviceStatus.decode(will.encode())).isEqualTo(will);
        assertThatThrownBy(() -> DeviceStatus.decode("{\"schema\":1,\"device\":\"dev-1\",\"state\":\"asleep\"}".getBytes()))
                .hasMessageContaining("expected online or offline");
    }

    @Test
    void privateKeysNeverPrintThemselves() {
        assertThat(KEY.toString()).doesNotContain(KEY.toBase64()).contains(KEY.publicKey().toBase64());
        assertThat(Ed25519Keys.privateKeyFromBase64(KEY.toBase64())).isEqualTo(KEY);
    }

    @Test
    void aSignedStatusVerifiesOnlyWithItsDevicesKeyAndUnchanged() throws Exception {
        DeviceStatus online = new DeviceStatus("dev-1", true, T0, "0.1.0");
        SignedStatus received = SignedStatus.decode(online.encodeSigned(SIGNER));
        assertThat(received.status()).isEqualTo(online);
        assertThat(received.verifies(KEY.publicKey())).isTrue();
        assertThat(received.verifies(Ed25519Keys.generate(new SecureRandom()).publicKey())).isFalse();
        String forged = new String(online.encodeSigned(SIGNER), StandardCharsets.US_ASCII).replace("online", "offline");
        assertThat(SignedStatus.decode(forged.getBytes(StandardCharsets.US_ASCII)).verifies(KEY.publicKey())).isFalse();
        SignedStatus unsigned = SignedStatus.decode(online.encode());
        assertThat(unsigned.isSigned()).isFalse();
        assertThat(unsigned.verifies(KEY.publicKey())).isFalse();
    }

    @Test
    void aStatusWithHealthIsSchemaTwoRoundTripsAndVerifies() throws Exception {
        DeviceHealth health = new DeviceHealth(4 * 3600, false, false, 1800, 120, 3600);
        DeviceStatus online = new DeviceStatus("dev-1", true, T0, "0.1.0", health);
        byte[] wire = online.encodeSigned(SIGNER);
        assertThat(new String(wire, StandardCharsets.US_ASCII)).startsWith("{\"schema\":2,").contains(
                "\"firmware\":\"0.1.0\",\"sensorUnchangedOpenSeconds\":14400,\"sensorError\":false,\"clockSynced\":false,"
                        + "\"clockUnsyncedSeconds\":1800,\"outboxDepth\":120,\"outboxOldestSeconds\":3600,\"sig\":");
        SignedStatus received = SignedStatus.decode(wire);
        assertThat(received.status()).isEqualTo(online);
        assertThat(received.status().health()).isEqualTo(health);
        assertThat(received.verifies(KEY.publicKey())).isTrue();
        String forged = new String(wire, StandardCharsets.US_ASCII).replace("\"outboxDepth\":120", "\"outboxDepth\":121");
        assertThat(SignedStatus.decode(forged.getBytes(StandardCharsets.US_ASCII)).verifies(KEY.publicKey())).isFalse();
    }

    @Test
    void aSchemaOneStatusWithoutHealthIsStillAcceptedAndEncodedAsBefore() throws Exception {
        DeviceStatus old = DeviceStatus.decode(
                "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"at\":\"2025-03-03T00:00:00Z\"}".getBytes());
        assertThat(old.health()).isNull();
        assertThat(old.schema()).isEqualTo(1);
        assertThat(new String(old.encode(), StandardCharsets.US_ASCII))
                .isEqualTo("{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"at\":\"2025-03-03T00:00:00Z\"}");
    }

    @Test
    void aHealthFieldOutOfRangeMistypedMissingOrInSchemaOneIsRejectedNamingTheField() {
        String base = "{\"schema\":2,\"device\":\"dev-1\",\"state\":\"online\",\"sensorUnchangedOpenSeconds\":0,"
                + "\"sensorError\":false,\"clockSynced\":true,\"clockUnsyncedSeconds\":0,";
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":-1,\"outboxOldestSeconds\":0}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.outboxDepth must be from 0");
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":1,\"outboxOldestSeconds\":4102444801}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.outboxOldestSeconds must be from 0");
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":\"1\",\"outboxOldestSeconds\":0}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.outboxDepth: expected a whole number");
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":1.5,\"outboxOldestSeconds\":0}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.outboxDepth: expected a whole number");
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":99999999999999999999,\"outboxOldestSeconds\":0}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.outboxDepth");
        assertThatThrownBy(() -> DeviceStatus.decode((base + "\"outboxDepth\":1}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("requires field 'outboxOldestSeconds'");
        assertThatThrownBy(() -> DeviceStatus.decode(base.replace("\"clockSynced\":true", "\"clockSynced\":1")
                        .concat("\"outboxDepth\":0,\"outboxOldestSeconds\":0}").getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("status.clockSynced: expected true or false");
        assertThatThrownBy(() -> DeviceStatus.decode(
                "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"outboxDepth\":3}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("'outboxDepth' needs status schema 2");
        assertThatThrownBy(() -> DeviceStatus.decode(
                "{\"schema\":3,\"device\":\"dev-1\",\"state\":\"online\"}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("unsupported schema 3");
    }

    @Test
    void aStatusWithAFirmwareOutsideTheTokenAlphabetIsRejected() {
        assertThatThrownBy(() -> DeviceStatus.decode(
                "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"firmware\":\"<script>\"}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("firmware");
    }

    @Test
    void ackAndResendRoundTripAndRejectWhatTheyDoNotDefine() throws Exception {
        Acknowledgement ack = new Acknowledgement("dev-1", 42, "e-42");
        assertThat(Acknowledgement.decode(ack.encode())).isEqualTo(ack);
        Acknowledgement withoutId = new Acknowledgement("dev-1", 42, null);
        assertThat(Acknowledgement.decode(withoutId.encode())).isEqualTo(withoutId);
        ResendRequest resend = new ResendRequest("dev-1", 40, 41);
        assertThat(ResendRequest.decode(resend.encode())).isEqualTo(resend);
        assertThatThrownBy(() -> Acknowledgement.decode("{\"schema\":1,\"device\":\"dev-1\",\"through\":-1}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Acknowledgement.decode("{\"schema\":1,\"device\":\"dev-1\",\"through\":1,\"x\":1}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("unknown field 'x'");
        assertThatThrownBy(() -> Acknowledgement.decode("{\"schema\":1,\"device\":\"dev-1\",\"through\":99999999999999999999}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ResendRequest.decode("{\"schema\":1,\"device\":\"dev-1\",\"from\":5,\"to\":4}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("from");
        assertThatThrownBy(() -> ResendRequest.decode("{\"schema\":2,\"device\":\"dev-1\",\"from\":1,\"to\":4}".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("schema");
    }
}
