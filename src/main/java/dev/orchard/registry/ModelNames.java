package dev.orchard.registry;

import java.util.regex.Pattern;

/** Model names are path segments and URL path variables: lower-case letters, digits, '-' and '_'. */
public final class ModelNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private ModelNames() {}

    public static String requireValid(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "model name must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit: "
                            + name);
        }
        return name;
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
