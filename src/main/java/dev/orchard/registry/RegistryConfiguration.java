package dev.orchard.registry;

import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StorageProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    @Bean
    ModelRegistry modelRegistry(
            BlobStore store, StorageProperties storage, JsonMapper json, ObjectProvider<Clock> clock) {
        String version = RegistryConfiguration.class.getPackage().getImplementationVersion();
        return new ModelRegistry(
                store,
                storage.modelBucketOrDefault(),
                json,
                clock.getIfAvailable(Clock::systemUTC),
                version == null ? "dev" : version);
    }

    @Bean(destroyMethod = "close")
    VersionedModels versionedModels(
            ModelRegistry registry,
            ModelLoader loader,
            ChampionModels champions,
            RegistryProperties properties,
            ObjectProvider<Clock> clock) {
        return new VersionedModels(
                registry, loader, champions, 4, properties.refreshInterval(), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    ChampionCommands championCommands(ModelRegistry registry) {
        return new ChampionCommands(registry);
    }

    @Bean
    ModelImport modelImport(BlobStore store, ModelRegistry registry, RegistryProperties properties) {
        return new ModelImport(
                store, registry, properties.workDir(), properties.importRoot(), properties.importAllowedOps());
    }

    @Bean
    ModelLoader modelLoader(
            ModelRegistry registry,
            RegistryProperties properties,
            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters,
            ObjectProvider<dev.orchard.model.PredictionObservers> observers,
            ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
        return new ModelLoader(
                registry,
                properties.workDir(),
                meters.getIfAvailable(),
                observers.getIfAvailable(() -> dev.orchard.model.PredictionObservers.NONE),
                tracer.getIfAvailable(() -> io.micrometer.tracing.Tracer.NOOP));
    }

    @Bean(destroyMethod = "close")
    ChampionModels championModels(
            ModelRegistry registry,
            ModelLoader loader,
            RegistryProperties properties,
            ObjectProvider<Clock> clock,
            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        return new ChampionModels(
                registry,
                loader,
                properties.refreshInterval(),
                clock.getIfAvailable(Clock::systemUTC),
                meters.getIfAvailable());
    }
}
