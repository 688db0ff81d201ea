package cn.xinan.device.outbox;

/** The outbox could not be opened, read or written; the message names the file and what failed. */
public final class OutboxException extends RuntimeException {
    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }

    public OutboxException(String message) {
        super(message);
    }
}
