package cn.xinan.collector;

/** A configuration that cannot be used; the message names the key (for example {@code mqtt.url}). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
