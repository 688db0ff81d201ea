package cn.xinan.launcher;

/** A command-line input the user must fix; printed as {@code xinan: message} with exit status 2. */
public final class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }
}
