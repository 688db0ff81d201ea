package cn.xinan.device.gpio;

/** There is no usable GPIO hardware; the message says what was looked for and points to {@code --simulate}. */
public final class GpioUnavailableException extends RuntimeException {
    public GpioUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
