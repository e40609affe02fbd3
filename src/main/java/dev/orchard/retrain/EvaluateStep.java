package dev.orchard.retrain;

import dev.orchard.model.ProfileRecorder;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelManifest;
import dev.orchard.system.StepHeartbeat;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.HoldoutScoring;
import dev.orchard.training.LabelledObject;
import dev.orchard.training.ModelTraining;
import java.time.Duration;
import java.util.List;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 3: the staged candidate (verified by sha256) labels every holdout image; its labels and
 * holdout metrics are staged for the gate and the version's report.
 */
final class EvaluateStep implements Tasklet {

    private final RetrainStaging staging;
    private final HoldoutScoring scoring;
    private final JobRepository jobRepository;
    private final Duration heartbeat;
    private final JsonMapper json;

    EvaluateStep(
            RetrainStaging staging,
            HoldoutScoring scoring,
            JobRepository jobRepository,
            Duration heartbeat,
            JsonMapper json) {
        this.staging = staging;
        this.scoring = scoring;
        this.jobRepository = jobRepository;
        this.heartbeat = heartbeat;
        this.json = json;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        DatasetSnapshot snapshot = staging.snapshot(p);
        List<LabelledObject> holdout = ModelTraining.holdout(snapshot);
        RetrainStaging.Candidate candidate = staging.candidate(p);
        List<String> labels = candidate.manifest().labels();
        ExecutionContext progress = RetrainSteps.progress(context);
        progress.putInt("holdout", holdout.size());
        List<String> said;
        ProfileRecorder baseline = new ProfileRecorder(candidate.manifest().input(), labels);
        LoadedModel loaded = staging.load(p, candidate);
        try (StepHeartbeat beat = StepHeartbeat.start(jobRepository, RetrainSteps.step(context), heartbeat);
                LoadedModel.Lease lease = loaded.lease()) {
            said = scoring.label(
                    lease.classifier(),
                    candidate.manifest().input(),
                    holdout,
                    done -> progress.putInt("scored", done),
                    baseline);
        } finally {
            loaded.retire();
        }
        ModelManifest.Metrics metrics = HoldoutScoring.metrics(labels, holdout, said)
                .map(m -> m.withBaseline(baseline.snapshot("holdout")))
                .orElseThrow(() -> new IllegalArgumentException(snapshot.uri()
                        + ": the candidate could read none of the " + holdout.size() + " holdout images"));
        staging.writeEvaluation(p, new RetrainStaging.Evaluation(said, metrics));
        progress.putDouble("accuracy", metrics.accuracy());
        progress.putDouble("macro-f1", metrics.macroF1());
        return RepeatStatus.FINISHED;
    }
}
