package dev.orchard.retrain;

import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 5: the candidate becomes the model's next version — artifacts, report, snapshot, confusion
 * matrix, the gate's decision and the run in its provenance — and the decision goes into the audit
 * log. Once per run: a worker that died after registering but before the step completed finds the
 * version its run registered instead of registering a second one.
 */
final class RegisterStep implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(RegisterStep.class);

    private final RetrainStaging staging;
    private final ModelRegistry registry;
    private final Clock clock;
    private final JsonMapper json;

    RegisterStep(RetrainStaging staging, ModelRegistry registry, Clock clock, JsonMapper json) {
        this.staging = staging;
        this.registry = registry;
        this.clock = clock;
        this.json = json;
    }

    /** The version run {@code run} registered, if it did. */
    static Optional<ModelManifest> registeredBy(ModelRegistry registry, String model, String run) {
        return registry.versions(model).stream()
                .filter(v -> v.provenance() != null && run.equals(v.provenance().run()))
                .findFirst();
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        String run = RetrainSteps.run(context);
        ModelManifest registered = registeredBy(registry, p.model(), run).orElseGet(() -> register(p));
        RetrainSteps.progress(context).putInt("version", registered.version());
        return RepeatStatus.FINISHED;
    }

    private ModelManifest register(RetrainParameters p) {
        DatasetSnapshot snapshot = staging.snapshot(p);
        RetrainStaging.Candidate candidate = staging.candidate(p);
        RetrainStaging.Evaluation evaluation = staging.evaluation(p);
        ModelManifest.Gate gate = staging.gate(p);
        ModelManifest staged = candidate.manifest();
        DatasetSnapshot.Location dataset = DatasetSnapshot.Location.parse(p.dataset());
        ModelManifest registered = registry.register(
                ModelTraining.draft(
                        new ModelTraining.Request(p.model(), dataset.bucket(), dataset.path(), p.trainer(), p.params()),
                        staged.kind(),
                        staged.output(),
                        staged.input(),
                        staged.labels(),
                        staging.artifacts(p, candidate),
                        snapshot,
                        candidate.trainSize(),
                        candidate.skipped(),
                        evaluation.metrics(),
                        gate,
                        staged.provenance()),
                p.by());
        registry.audit(
                p.model(),
                new ModelRegistry.AuditEntry(
                        "gate-" + gate.decision(),
                        registered.version(),
                        gate.championVersion(),
                        p.by(),
                        gate.reason(),
                        clock.instant()));
        log.info("retrain {}: version {} {}: {}", p.model(), registered.version(), gate.decision(), gate.reason());
        return registered;
    }
}
