package cn.xinan.wire;

/**
 * Checks a batch against the publishing device's registered public key: one Ed25519 verification
 * for a multi-event batch (its batch signature), or the event's own signature for a single event.
 * Stateless and thread-safe.
 */
public final class SignatureVerifier {
    private SignatureVerifier() {
    }

    /** @throws SignatureException naming the device and which signature failed */
    public static void verify(EventBatch batch, Ed25519Keys.PublicKey key) throws SignatureException {
        if (batch.events().size() == 1) {
            SignedEvent only = batch.events().get(0);
            if (!Ed25519Keys.verify(key, CanonicalEncoding.bytes(only.event()), only.signature())) {
                throw new SignatureException("signature of event " + only.event().eventId() + " from device "
                        + batch.deviceId() + " does not verify with its registered key");
            }
            return;
        }
        if (!Ed25519Keys.verify(key, EventSigner.batchMessage(batch.events()), batch.batchSignature())) {
            throw new SignatureException("batch signature over " + batch.events().size() + " events from device "
                    + batch.deviceId() + " does not verify with its registered key");
        }
    }

    /** Verifies one event's own signature (an auditor's check of a stored event). */
    public static boolean verifyEvent(SignedEvent event, Ed25519Keys.PublicKey key) {
        return Ed25519Keys.verify(key, CanonicalEncoding.bytes(event.event()), event.signature());
    }
}
