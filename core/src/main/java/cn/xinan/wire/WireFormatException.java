package cn.xinan.wire;

/** A message that does not follow the wire contract; the message says what is wrong and where. */
public final class WireFormatException extends Exception {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
