package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Signs a device's events and batches with its private key. Thread-safe. */
public final class EventSigner {
    static final byte[] BATCH_DOMAIN = "xinan-batch-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Ed25519Keys.PrivateKey key;

    public EventSigner(Ed25519Keys.PrivateKey key) {
        this.key = java.util.Objects.requireNonNull(key, "private key is missing");
    }

    public SignedEvent sign(DeviceEvent event) {
        return new SignedEvent(event, Ed25519Keys.sign(key, CanonicalEncoding.bytes(event)));
    }

    /**
     * The batch signature: over a domain tag and, for each event in order, the SHA-256 digest of its
     * canonical encoding followed by its own signature. So the batch signature also vouches that the
     * per-event signatures kept for audit are the device's own.
     */
    public byte[] signBatch(List<SignedEvent> events) {
        return Ed25519Keys.sign(key, batchMessage(events));
    }

    /** Signs a status message's bytes (see {@link DeviceStatus#encodeSigned}). */
    byte[] signStatus(byte[] message) {
        return Ed25519Keys.sign(key, message);
    }

    /** Builds a ready-to-publish batch: with a batch signature when it holds more than one event. */
    public EventBatch batch(String deviceId, List<SignedEvent> events) {
        return new EventBatch(deviceId, events, events.size() > 1 ? signBatch(events) : null);
    }

    static byte[] batchMessage(List<SignedEvent> events) {
        MessageDigest sha = sha256();
        byte[] out = new byte[BATCH_DOMAIN.length + (32 + Ed25519Keys.SIGNATURE_BYTES) * events.size()];
        System.arraycopy(BATCH_DOMAIN, 0, out, 0, BATCH_DOMAIN.length);
        int pos = BATCH_DOMAIN.length;
        for (SignedEvent e : events) {
            byte[] digest = sha.digest(CanonicalEncoding.bytes(e.event()));
            System.arraycopy(digest, 0, out, pos, digest.length);
            pos += digest.length;
            byte[] signature = e.signatureBytes();
            System.arraycopy(signature, 0, out, pos, signature.length);
            pos += signature.length;
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
