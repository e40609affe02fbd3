package dev.orchard.registry;

/**
 * {@code name}, {@code name@champion} or {@code name@<version>}: the one parser of model references
 * (job specs, commands, {@code POST /jobs}, prefix jobs).
 *
 * @param version the pinned version, or {@code null} for the champion
 */
public record ModelReference(String name, Integer version) {

    public static final String CHAMPION = "champion";

    public ModelReference {
        ModelNames.requireValid(name);
        if (version != null && version < 1) {
            throw new IllegalArgumentException("model version must be positive, got " + version);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static ModelReference parse(String text) {
        if (text == null || text.isBlank() || text.length() > 256) {
            throw new IllegalArgumentException("model must be 'name', 'name@champion' or 'name@<version>'");
        }
        int at = text.indexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        String selector = at < 0 ? CHAMPION : text.substring(at + 1);
        if (selector.equals(CHAMPION)) {
            return new ModelReference(name, null);
        }
        if (!selector.matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException(
                    "model must be 'name', 'name@champion' or 'name@<version>', got '" + text + "'");
        }
        return new ModelReference(name, Integer.parseInt(selector));
    }

    public boolean champion() {
        return version == null;
    }

    @Override
    public String toString() {
        return name + "@" + (champion() ? CHAMPION : version.toString());
    }
}
