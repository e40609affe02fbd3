package dev.orchard.retrain;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.system.StepHeartbeat;
import dev.orchard.training.LabelledObject;
import dev.orchard.training.ModelTraining;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 4: candidate against the champion of this moment on the same holdout, judged by the run's
 * thresholds; the decision is staged (and goes into the version's manifest).
 */
final class GateStep implements Tasklet {

    private final RetrainStaging staging;
    private final RetrainGate gate;
    private final ModelRegistry registry;
    private final JobRepository jobRepository;
    private final Duration heartbeat;
    private final JsonMapper json;

    GateStep(
            RetrainStaging staging,
            RetrainGate gate,
            ModelRegistry registry,
            JobRepository jobRepository,
            Duration heartbeat,
            JsonMapper json) {
        this.staging = staging;
        this.gate = gate;
        this.registry = registry;
        this.jobRepository = jobRepository;
        this.heartbeat = heartbeat;
        this.json = json;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        List<LabelledObject> holdout = ModelTraining.holdout(staging.snapshot(p));
        RetrainStaging.Candidate candidate = staging.candidate(p);
        RetrainStaging.Evaluation evaluation = staging.evaluation(p);
        Optional<Integer> champion = registry.champion(p.model()).map(Alias::version);
        ExecutionContext progress = RetrainSteps.progress(context);
        ModelManifest.Gate decision;
        try (StepHeartbeat beat = StepHeartbeat.start(jobRepository, RetrainSteps.step(context), heartbeat)) {
            decision = gate.decide(
                    p.model(),
                    candidate.manifest().labels(),
                    holdout,
                    evaluation.said(),
                    champion,
                    new RetrainGate.Thresholds(p.minAccuracy(), p.maxRegression(), p.promote()),
                    done -> progress.putInt("scored", done));
        }
        staging.writeGate(p, decision);
        progress.putString("decision", decision.decision());
        progress.putString("reason", decision.reason());
        return RepeatStatus.FINISHED;
    }
}
