package cn.xinan.provisioning;

/** A registry file that cannot be used; the message names the file, the line and the column. */
public final class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
