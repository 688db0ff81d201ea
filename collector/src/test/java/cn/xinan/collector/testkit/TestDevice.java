package cn.xinan.collector.testkit;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.WireCodec;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A simulated device for tests: its own key, its own sequence, real signatures and real wire payloads. */
public final class TestDevice {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String deviceId;
    private final String roomId;
    private final Ed25519Keys.PrivateKey key;
    private final EventSigner signer;
    private long seq;

    public TestDevice(String deviceId, String roomId) {
        this.deviceId = deviceId;
        this.roomId = roomId;
        this.key = Ed25519Keys.generate(RANDOM);
        this.signer = new EventSigner(key);
    }

    /** The device's signer (its private key), e.g. to sign a status message. */
    public EventSigner signer() {
        return signer;
    }

    public String deviceId() {
        return deviceId;
    }

    public String roomId() {
        return roomId;
    }

    public DeviceRecord record() {
        return new DeviceRecord(deviceId, roomId, key.publicKey());
    }

    public Ed25519Keys.PublicKey publicKey() {
        return key.publicKey();
    }

    /** The next event of this device, signed. */
    public SignedEvent event(Instant at, EventBody body) {
        return event(at, true, body);
    }

    /** The next event, recorded with a clock that was ({@code synced}) or was not yet synchronised. */
    public synchronized SignedEvent event(Instant at, boolean synced, EventBody body) {
        seq++;
        return signer.sign(new DeviceEvent(UUID.randomUUID().toString(), deviceId, seq, at, synced, body));
    }

    public SignedEvent heartbeat(Instant at) {
        return event(at, new EventBody.Heartbeat());
    }

    /** {@code n} heartbeats a second apart from {@code start}. */
    public List<SignedEvent> heartbeats(Instant start, int n) {
        List<SignedEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(heartbeat(start.plusSeconds(i)));
        }
        return out;
    }

    public EventBatch batch(List<SignedEvent> events) {
        return signer.batch(deviceId, events);
    }

    /** The wire payload of these events as one message. */
    public byte[] payload(List<SignedEvent> events) {
        return WireCodec.encode(batch(events));
    }

    public byte[] payload(SignedEvent event) {
        return payload(List.of(event));
    }
}
