package dev.orchard.system;

/** Text from outside (a command's reason, a caller's name) made safe to put in a log line. */
public final class LogText {

    private LogText() {}

    /** {@code text} on one line: CR and LF shown as {@code \r} and {@code \n}, so no one can forge a log line. */
    public static String oneLine(String text) {
        return text == null ? null : text.replace("\r", "\\r").replace("\n", "\\n");
    }
}
