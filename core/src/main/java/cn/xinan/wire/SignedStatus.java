package cn.xinan.wire;

/**
 * A status message as received: the status and its signature ({@code null} when the message carried none).
 * The signature covers {@code "xinan-status-v1"} followed by the status re-encoded by
 * {@link DeviceStatus#encode()}, so field order and spacing on the wire do not matter.
 */
public record SignedStatus(DeviceStatus status, byte[] signature) {
    public SignedStatus {
        java.util.Objects.requireNonNull(status, "status is missing");
    }

    /** @throws WireFormatException naming what is wrong */
    public static SignedStatus decode(byte[] payload) throws WireFormatException {
        return DeviceStatus.decodeWithSignature(payload);
    }

    public boolean isSigned() {
        return signature != null;
    }

    /** Whether it is signed, and by {@code key}. */
    public boolean verifies(Ed25519Keys.PublicKey key) {
        return signature != null && Ed25519Keys.verify(key, DeviceStatus.signedBytes(status.encode()), signature);
    }
}
