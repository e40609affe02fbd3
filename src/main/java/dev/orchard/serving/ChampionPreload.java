package dev.orchard.serving;

import dev.orchard.registry.ChampionModels;
import dev.orchard.training.BootstrapProperties;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Loads and warms, in the background as soon as this bean exists, the champion of every model this
 * worker must serve: those its job specs use, the bootstrap model, and every model that has a
 * champion in the registry when the worker starts ({@link ChampionScan}; one brought in with {@code
 * POST /v1/models/{name}/versions} included), so no first request after a restart waits for a load.
 *
 * <p>{@link ChampionReadiness} is UP only once all of them are loaded; loading overlaps Spring's own
 * start-up instead of following it. A model without a champion is skipped (readiness says so); a
 * champion that fails to load is logged by {@link ChampionModels} and retried by the alias poll or
 * the first request. Models that get a champion later do not hold readiness back.
 */
@Component
final class ChampionPreload implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChampionPreload.class);

    private final Thread thread;
    private final Set<String> required;
    private volatile Set<String> awaited;

    ChampionPreload(
            ServedModels specs,
            ChampionModels champions,
            ChampionScan scan,
            ObjectProvider<BootstrapProperties> bootstrap) {
        Set<String> models = new TreeSet<>(specs.models());
        BootstrapProperties sample = bootstrap.getIfAvailable();
        if (sample != null && sample.enabled()) {
            models.add(sample.model());
        }
        this.required = Set.copyOf(models);
        thread = new Thread(() -> load(champions, scan), "champion-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The models whose champions readiness waits for; empty while the registry is still being
     * listed.
     */
    Optional<Set<String>> awaited() {
        return Optional.ofNullable(awaited);
    }

    /**
     * Whether this worker cannot serve without {@code model} (a job spec's or the bootstrap model):
     * the others are waited for until they are loaded or their load failed, never longer.
     */
    boolean required(String model) {
        return required.contains(model);
    }

    private void load(ChampionModels champions, ChampionScan scan) {
        Set<String> models = new TreeSet<>(required);
        models.addAll(scan.models());
        awaited = Set.copyOf(models);
        for (String model : models) {
            try {
                champions.refresh(model);
            } catch (RuntimeException e) {
                log.warn("could not load the champion of model '{}' at start: {}", model, e.getMessage());
            }
        }
    }

    /** Waits for a load still under way, so the champions are not closed under it. */
    @Override
    public void destroy() throws InterruptedException {
        thread.join(60_000);
    }
}
