package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ChampionCommands;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.uploads.UploadSpec;
import dev.orchard.uploads.UploadWindowing;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class DispatchConfiguration {

    @Bean
    JobSpecs jobSpecs(JobSpecProperties properties, Environment environment) {
        Path location = properties.location() != null ? properties.location() : Path.of("jobs");
        if (properties.location() == null && !Files.isDirectory(location)) {
            JobSpecs builtIn = JobSpecs.builtIn(environment);
            LoggerFactory.getLogger(JobSpecs.class)
                    .info(
                            "no jobs/ directory in {} and orchard.jobs.location not set: using the built-in spec {}"
                                    + " (score uploads/ with the bootstrap model's champion)",
                            Path.of("").toAbsolutePath(),
                            builtIn.all().stream().map(UploadSpec::name).toList());
            return builtIn;
        }
        JobSpecs specs = JobSpecs.load(location, environment);
        LoggerFactory.getLogger(JobSpecs.class)
                .info(
                        "loaded {} job spec(s) from {}: {}",
                        specs.all().size(),
                        location,
                        specs.all().stream().map(UploadSpec::name).toList());
        return specs;
    }

    @Bean
    RetrainTriggers.DriftSignals driftSignals(
            dev.orchard.drift.DriftReports reports,
            dev.orchard.drift.DriftClaims claims,
            dev.orchard.registry.ModelRegistry registry,
            dev.orchard.drift.DriftProperties properties) {
        return new RetrainTriggers.DriftSignals(reports, claims, registry, properties.publishInterval());
    }

    @Bean
    JobDispatcher jobDispatcher(
            JobSpecs specs,
            ChampionCommands champions,
            PrefixJobs prefixJobs,
            RetrainRuns retrains,
            UploadWindowing uploads) {
        return new JobDispatcher(specs, champions, prefixJobs, retrains, uploads);
    }
}
