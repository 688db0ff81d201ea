package cn.xinan.wire;

/** A signature that does not verify with the device's registered key. */
public final class SignatureException extends Exception {
    public SignatureException(String message) {
        super(message);
    }
}
