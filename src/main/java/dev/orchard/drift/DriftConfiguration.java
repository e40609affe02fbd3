package dev.orchard.drift;

import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import dev.orchard.system.PeriodicTasks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wires drift: the live windows every loaded version reports to, the exchange through the models bucket, reports. */
@Configuration(proxyBeanMethods = false)
class DriftConfiguration {

    @Bean
    LiveProfiles liveProfiles(DriftProperties properties, ObjectProvider<Clock> clock) {
        return new LiveProfiles(properties, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    DriftExchange driftExchange(
            BlobStore store,
            ModelRegistry registry,
            JsonMapper json,
            DriftProperties properties,
            ObjectProvider<Clock> clock) {
        return new DriftExchange(
                store, registry.bucket(), workerName(), json, properties, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    DriftClaims driftClaims(BlobStore store, ModelRegistry registry, JsonMapper json, ObjectProvider<Clock> clock) {
        return new DriftClaims(store, registry.bucket(), json, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    DriftReports driftReports(
            ModelRegistry registry,
            LiveProfiles live,
            DriftExchange exchange,
            DriftClaims claims,
            DriftProperties properties,
            ObjectProvider<Clock> clock) {
        return new DriftReports(registry, live, exchange, claims, properties, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    DriftMonitor driftMonitor(
            LiveProfiles live,
            DriftExchange exchange,
            DriftReports reports,
            ObjectProvider<MeterRegistry> meters,
            ModelRegistry registry,
            PeriodicTasks tasks,
            DriftProperties properties,
            BlobStore store,
            dev.orchard.registry.VersionedModels models,
            dev.orchard.model.ImageDecoder decoder) {
        return new DriftMonitor(
                live,
                exchange,
                reports,
                new DriftMetrics(meters.getIfAvailable(SimpleMeterRegistry::new)),
                registry,
                tasks,
                properties,
                new HoldoutBaselines(store, registry, models, new dev.orchard.training.HoldoutScoring(store, decoder)));
    }

    /** This process's name in {@code workers/}: host, process id and a random part (a restart is a new worker). */
    static String workerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        String safe = host.replaceAll("[^A-Za-z0-9.-]", "-");
        return safe.substring(0, Math.min(40, safe.length())) + "-"
                + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
