package dev.orchard.registry;

import java.util.Optional;

/**
 * Promotion and rollback as commands: read the alias, then compare-and-swap it from exactly what
 * was read. A concurrent move makes the command fail with {@link
 * dev.orchard.storage.PreconditionFailedException}; retrying re-reads and decides again.
 */
public final class ChampionCommands {

    private final ModelRegistry registry;

    public ChampionCommands(ModelRegistry registry) {
        this.registry = registry;
    }

    /** Makes {@code version} champion. */
    public Alias promote(String model, int version, String by, String reason) {
        ModelNames.requireValid(model);
        Optional<Alias> current = registry.champion(model);
        if (current.isPresent() && current.get().version() == version) {
            return current.get(); // already champion: a repeated command is a no-op
        }
        return registry.promote(model, version, current, by, reason);
    }

    /**
     * Points the champion back at the version it replaced.
     *
     * @throws ModelNotFoundException if the model has no champion or no previous one
     */
    public Alias rollback(String model, String by, String reason) {
        ModelNames.requireValid(model);
        Alias current = registry.champion(model)
                .orElseThrow(() -> new ModelNotFoundException("model '" + model + "' has no champion to roll back"));
        if (current.previous() == null) {
            throw new ModelNotFoundException("model '" + model + "' has no previous champion to roll back to");
        }
        return registry.promote(model, current.previous(), Optional.of(current), by, reason);
    }
}
