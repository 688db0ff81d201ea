package cn.xinan.device.config;

/** A configuration value is missing or wrong; {@link #key()} names it and the message says why. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public ConfigException(String key, String problem, Throwable cause) {
        super(key + ": " + problem, cause);
        this.key = key;
    }

    /** The configuration key at fault, for example {@code mqtt.url}. */
    public String key() {
        return key;
    }
}
