package dev.orchard.retrain;

import dev.orchard.system.StepHeartbeat;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.TrainingProgress;
import java.time.Duration;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 2: decode the snapshot's training split and train; the candidate's artifacts are staged.
 * Progress ({@code phase}, {@code decoded} of {@code train-images}, then {@code epoch} of {@code
 * epochs} and the epoch's {@code loss}) is saved with the step by a heartbeat, which also shows
 * other workers this step is alive however long an epoch takes. A restart trains again from the
 * start.
 */
final class TrainStep implements Tasklet {

    private final ModelTraining training;
    private final RetrainStaging staging;
    private final JobRepository jobRepository;
    private final Duration heartbeat;
    private final JsonMapper json;

    TrainStep(
            ModelTraining training,
            RetrainStaging staging,
            JobRepository jobRepository,
            Duration heartbeat,
            JsonMapper json) {
        this.training = training;
        this.staging = staging;
        this.jobRepository = jobRepository;
        this.heartbeat = heartbeat;
        this.json = json;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        DatasetSnapshot snapshot = staging.snapshot(p);
        DatasetSnapshot.Location dataset = DatasetSnapshot.Location.parse(p.dataset());
        ModelTraining.Request request =
                new ModelTraining.Request(p.model(), dataset.bucket(), dataset.path(), p.trainer(), p.params());
        ExecutionContext progress = RetrainSteps.progress(context);
        try (StepHeartbeat beat = StepHeartbeat.start(jobRepository, RetrainSteps.step(context), heartbeat);
                ModelTraining.Trained trained = training.train(request, snapshot, reporter(progress))) {
            progress.putString("phase", "staging");
            staging.writeCandidate(
                    p, trained, ModelTraining.provenance(trained, "retrain", RetrainSteps.run(context), p.by()));
            progress.putInt("train-images", trained.trainSize());
            progress.putInt("skipped", trained.skipped());
        }
        progress.putString("phase", "trained");
        return RepeatStatus.FINISHED;
    }

    private static TrainingProgress reporter(ExecutionContext progress) {
        progress.putString("phase", "decoding");
        return new TrainingProgress() {
            @Override
            public void decoded(int done, int total) {
                progress.putInt("decoded", done);
                progress.putInt("train-images", total);
            }

            @Override
            public void epoch(int epoch, int epochs, double loss) {
                progress.putString("phase", "training");
                progress.putInt("epoch", epoch);
                progress.putInt("epochs", epochs);
                progress.putDouble("loss", Math.round(loss * 10_000) / 10_000.0);
            }
        };
    }
}
