package dev.orchard.retrain;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.PreconditionFailedException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 6: a version the gate said {@code promote} becomes champion — only if the champion is still
 * the one it was compared with (else it stays {@link RetrainOutcome#PASSED}, waiting for a person).
 * The run's outcome is recorded here, and the candidate's staged artifacts (now registered) are
 * deleted.
 */
final class PromoteStep implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(PromoteStep.class);

    private final RetrainStaging staging;
    private final ModelRegistry registry;
    private final JsonMapper json;

    PromoteStep(RetrainStaging staging, ModelRegistry registry, JsonMapper json) {
        this.staging = staging;
        this.registry = registry;
        this.json = json;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        ModelManifest.Gate gate = staging.gate(p);
        int version = RegisterStep.registeredBy(registry, p.model(), RetrainSteps.run(context))
                .orElseThrow(() -> new IllegalStateException("the run's registered version is missing"))
                .version();
        RetrainOutcome outcome =
                switch (gate.decision()) {
                    case "promote" -> promote(p, version, gate);
                    case "passed" -> RetrainOutcome.PASSED;
                    default -> RetrainOutcome.REJECTED;
                };
        RetrainSteps.progress(context).putString("outcome", outcome.name());
        RetrainSteps.progress(context).putInt("version", version);
        try {
            staging.deleteCandidateArtifacts(p);
        } catch (RuntimeException e) {
            log.warn("retrain {}: could not delete the staged candidate: {}", p.model(), e.getMessage());
        }
        return RepeatStatus.FINISHED;
    }

    private RetrainOutcome promote(RetrainParameters p, int version, ModelManifest.Gate gate) {
        Optional<Alias> current = registry.champion(p.model());
        if (current.isPresent() && current.get().version() == version) {
            return RetrainOutcome.PROMOTED; // this run promoted it before a restart
        }
        Optional<Alias> expected = gate.championVersion() == null
                ? Optional.empty()
                : current.filter(a -> a.version() == gate.championVersion());
        if (gate.championVersion() != null && expected.isEmpty()) {
            log.warn("retrain {}: the champion moved since the gate; version {} stays unpromoted", p.model(), version);
            return RetrainOutcome.PASSED;
        }
        try {
            registry.promote(p.model(), version, expected, p.by(), "retrain gate: " + gate.reason());
            return RetrainOutcome.PROMOTED;
        } catch (PreconditionFailedException moved) {
            log.warn(
                    "retrain {}: the champion moved while version {} trained; it stays unpromoted", p.model(), version);
            return RetrainOutcome.PASSED;
        }
    }
}
