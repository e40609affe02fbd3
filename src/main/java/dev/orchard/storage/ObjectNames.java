package dev.orchard.storage;

/**
 * Object-name rules shared by every adapter. Names are relative, '/'-separated keys; anything that
 * could escape a bucket directory on the local adapter ({@code ..}, absolute paths, backslashes,
 * NUL) is refused everywhere so that code behaves the same on both adapters.
 */
public final class ObjectNames {

    private ObjectNames() {}

    /** Returns {@code name} if it is a valid object name, else throws {@link IllegalArgumentException}. */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("object name must not be empty");
        }
        if (name.length() > 1024) {
            throw new IllegalArgumentException("object name longer than 1024 characters");
        }
        if (name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("object name must not start or end with '/': " + name);
        }
        if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0 || startsWithDriveLetter(name)) {
            throw new IllegalArgumentException("object name contains a forbidden character: " + name);
        }
        // segment by segment without a regex or split: this runs for every object a job reads
        for (int start = 0; start <= name.length(); ) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = name.length();
            }
            int length = end - start;
            if (length == 0
                    || (name.charAt(start) == '.' && (length == 1 || (length == 2 && name.charAt(start + 1) == '.')))) {
                throw new IllegalArgumentException("object name has an empty, '.' or '..' segment: " + name);
            }
            start = end + 1;
        }
        return name;
    }

    /** {@code C:…}: a Windows drive, absolute on the local adapter's file system there. */
    private static boolean startsWithDriveLetter(String name) {
        if (name.length() < 2 || name.charAt(1) != ':') {
            return false;
        }
        char first = name.charAt(0);
        return (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z');
    }

    /** Returns {@code prefix} if it is a valid listing prefix (empty, or a name-like path). */
    public static String requireValidPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        requireValid(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }
}
