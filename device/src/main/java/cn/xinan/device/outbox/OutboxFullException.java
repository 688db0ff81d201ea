package cn.xinan.device.outbox;

/**
 * The outbox's file system (or its page limit) is full: the event was not appended and nothing changed.
 * What the device does then is in docs/device.md (a heartbeat is skipped; any other event is refused loudly).
 */
public final class OutboxFullException extends RuntimeException {
    public OutboxFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
