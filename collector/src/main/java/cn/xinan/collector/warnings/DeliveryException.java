package cn.xinan.collector.warnings;

/** A delivery that did not succeed: the robot did not answer, refused, or answered with an error code. */
public final class DeliveryException extends Exception {
    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
