package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

import java.util.Objects;

/**
 * An event with the device's Ed25519 signature over its canonical encoding ({@link CanonicalEncoding}).
 * The signature is made when the event is recorded, before it enters the outbox, and is kept with the
 * stored event so that an auditor can check every event on its own.
 */
public record SignedEvent(DeviceEvent event, byte[] signature) {
    public SignedEvent {
        Objects.requireNonNull(event, "event is missing");
        if (signature == null || signature.length != Ed25519Keys.SIGNATURE_BYTES) {
            throw new IllegalArgumentException("an Ed25519 signature has " + Ed25519Keys.SIGNATURE_BYTES + " bytes");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Without a defensive copy (package use only). */
    byte[] signatureBytes() {
        return signature;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedEvent other && event.equals(other.event)
                && java.util.Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return 31 * event.hashCode() + java.util.Arrays.hashCode(signature);
    }
}
