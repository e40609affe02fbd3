package dev.orchard.serving;

import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.ModelManifest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of {@code /actuator/health/readiness}: UP only when every model this worker must serve — its
 * job specs' models, the bootstrap model, and every model that had a champion when it started
 * ({@link ChampionPreload}) — has its champion loaded and warmed.
 */
@Component("champions")
class ChampionReadiness implements HealthIndicator {

    private final ChampionPreload preload;
    private final ChampionModels champions;

    ChampionReadiness(ChampionPreload preload, ChampionModels champions) {
        this.preload = preload;
        this.champions = champions;
    }

    @Override
    public Health health() {
        Optional<java.util.Set<String>> awaited = preload.awaited();
        if (awaited.isEmpty()) {
            return Health.outOfService()
                    .withDetail("registry", "listing the models to load")
                    .build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ready = true;
        for (String model : awaited.get()) {
            Optional<ModelManifest> loaded = champions.loaded(model);
            Optional<String> failed = loaded.isPresent() ? Optional.empty() : champions.loadFailure(model);
            details.put(
                    model,
                    loaded.map(m -> (Object) ("version " + m.version()))
                            .or(() -> failed.map(f -> "failed to load: " + f))
                            .orElse("no champion loaded"));
            // a registered model that cannot be loaded is reported, not a reason to take the worker out
            ready &= loaded.isPresent() || (failed.isPresent() && !preload.required(model));
        }
        return (ready ? Health.up() : Health.outOfService())
                .withDetails(details)
                .build();
    }
}
