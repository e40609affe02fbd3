package dev.orchard.dispatch;

import dev.orchard.registry.ModelNames;

/**
 * {@code name@champion} (the default when no {@code @} is given). Pinned versions ({@code name@3})
 * come with batch jobs; the upload path always follows the champion.
 */
public record ModelRef(String name, String alias) {

    public static final String CHAMPION = "champion";

    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("model must be 'name' or 'name@champion'");
        }
        int at = text.indexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        String alias = at < 0 ? CHAMPION : text.substring(at + 1);
        ModelNames.requireValid(name);
        if (!alias.equals(CHAMPION)) {
            throw new IllegalArgumentException("model alias must be '@" + CHAMPION + "', got '@" + alias + "'");
        }
        return new ModelRef(name, alias);
    }

    @Override
    public String toString() {
        return name + "@" + alias;
    }
}
