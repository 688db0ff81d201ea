package cn.xinan.collector.store;

/**
 * The store cannot hold the data it was given (a value outside what it can represent, a write the database
 * rejects as malformed). Unlike a {@link StoreException} this is not an outage: retrying the same data fails
 * the same way, so ingest quarantines the message that carried it instead of retrying (docs/collector.md).
 */
public class StoreRefusedException extends RuntimeException {
    public StoreRefusedException(String message) {
        super(message);
    }

    public StoreRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
