package dev.orchard.retrain;

import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 1: the snapshot the retrain was asked for (pinned when it was submitted, so a restart
 * trains on exactly the same objects and generations) is there and can be trained on: at least
 * two labels, and a holdout.
 */
final class SnapshotStep implements Tasklet {

    private final RetrainStaging staging;
    private final JsonMapper json;

    SnapshotStep(RetrainStaging staging, JsonMapper json) {
        this.staging = staging;
        this.json = json;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext context) {
        RetrainParameters p = RetrainSteps.parameters(context, json);
        DatasetSnapshot snapshot = staging.snapshot(p);
        int labels = snapshot.labels().size();
        int holdout = ModelTraining.holdout(snapshot).size();
        if (labels < 2) {
            throw new IllegalArgumentException(
                    snapshot.uri() + " has " + labels
                            + " label(s); training needs at least two (<prefix><label>/<image>, or two labels in the manifest)");
        }
        if (holdout == 0 || holdout == snapshot.objects().size()) {
            throw new IllegalArgumentException(snapshot.uri() + " has too few images to train and evaluate ("
                    + snapshot.objects().size() + ", " + holdout + " of them in the holdout)");
        }
        ExecutionContext progress = RetrainSteps.progress(context);
        progress.putInt("images", snapshot.objects().size());
        progress.putInt("labels", labels);
        progress.putInt("holdout", holdout);
        return RepeatStatus.FINISHED;
    }
}
