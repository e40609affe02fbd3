package dev.orchard.dispatch;

import dev.orchard.registry.ModelReference;

/**
 * {@code name@champion} (the default when no {@code @} is given). Pinned versions ({@code name@3})
 * come with batch jobs; the upload path always follows the champion.
 */
public record ModelRef(String name, String alias) {

    public static final String CHAMPION = "champion";

    public static ModelRef parse(String text) {
        ModelReference reference = ModelReference.parse(text);
        if (!reference.champion()) {
            throw new IllegalArgumentException(
                    "model alias must be '@" + CHAMPION + "', got '@" + reference.version() + "'");
        }
        return new ModelRef(reference.name(), CHAMPION);
    }

    @Override
    public String toString() {
        return name + "@" + alias;
    }
}
