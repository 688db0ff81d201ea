package cn.xinan.collector.store;

/** The store could not do what was asked (database down, disk full, bad credentials); the message says which. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
