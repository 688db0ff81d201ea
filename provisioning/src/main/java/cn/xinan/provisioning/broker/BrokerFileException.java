package cn.xinan.provisioning.broker;

/** A broker file (password file, ACL) that cannot be read or used; the message names the file and line. */
public class BrokerFileException extends RuntimeException {
    public BrokerFileException(String message) {
        super(message);
    }

    public BrokerFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
