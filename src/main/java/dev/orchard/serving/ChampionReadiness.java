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
 * Part of {@code /actuator/health/readiness}: UP only when every model the job specs use has its
 * champion loaded in this worker.
 */
@Component("champions")
class ChampionReadiness implements HealthIndicator {

    private final ServedModels specs;
    private final ChampionModels champions;

    ChampionReadiness(ServedModels specs, ChampionModels champions) {
        this.specs = specs;
        this.champions = champions;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ready = true;
        for (String model : specs.models()) {
            Optional<ModelManifest> loaded = champions.loaded(model);
            details.put(
                    model, loaded.map(m -> (Object) ("version " + m.version())).orElse("no champion loaded"));
            ready &= loaded.isPresent();
        }
        return (ready ? Health.up() : Health.outOfService())
                .withDetails(details)
                .build();
    }
}
