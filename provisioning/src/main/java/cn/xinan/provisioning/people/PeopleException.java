package cn.xinan.provisioning.people;

/** A people or tokens file that cannot be used, or a change that cannot be made; the message says which and where. */
public final class PeopleException extends RuntimeException {
    public PeopleException(String message) {
        super(message);
    }

    public PeopleException(String message, Throwable cause) {
        super(message, cause);
    }
}
