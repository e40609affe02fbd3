package dev.orchard.serving;

import dev.orchard.registry.ChampionModels;
import dev.orchard.training.BootstrapProperties;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Loads the champion of every model the job specs use (and of the bootstrap model) in the
 * background as soon as this bean exists, while the rest of the context starts.
 *
 * <p>Two reasons: readiness ({@link ChampionReadiness}) needs those champions loaded, and nothing
 * else would load a spec's model before its first upload or request — a worker whose specs name a
 * model other than the bootstrap one would never become ready; and loading overlaps Spring's own
 * start-up instead of following it. A model without a champion is skipped (readiness says so); a
 * champion that fails to load is logged by {@link ChampionModels} and retried by the alias poll or
 * the first request.
 */
@Component
final class ChampionPreload implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChampionPreload.class);

    private final Thread thread;

    ChampionPreload(ServedModels specs, ChampionModels champions, ObjectProvider<BootstrapProperties> bootstrap) {
        Set<String> models = new TreeSet<>(specs.models());
        BootstrapProperties sample = bootstrap.getIfAvailable();
        if (sample != null && sample.enabled()) {
            models.add(sample.model());
        }
        thread = new Thread(() -> load(champions, models), "champion-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static void load(ChampionModels champions, Set<String> models) {
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
