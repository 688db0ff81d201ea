package cn.xinan.launcher.replay;

/** A scenario file that cannot be replayed; the message names the file, the line and what is wrong. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
