package dev.orchard.prefixscoring;

import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.WritePrecondition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scores one chunk with batched inference calls of the pinned model version and writes its
 * shard: {@code predictions-<chunk>.jsonl} and, when some objects could not be scored, {@code
 * errors-<chunk>.jsonl}. A chunk is always the same objects (the plan fixes them), so writing it
 * again after a crash replaces the shard rather than adding lines.
 */
class ShardWriter implements ItemWriter<Fetched>, StepExecutionListener {

    static final String PREDICTED = "predicted";
    static final String ERRORS = "errors";

    private final BlobStore store;
    private final VersionedModels models;
    private final JsonMapper json;
    private final JobOutput output;
    private final PrefixPlan plan;
    private final int topK;
    private final int inferenceBatchSize;
    private final Counter predictedCounter;
    private final Counter errorCounter;
    private StepExecution stepExecution;

    ShardWriter(
            BlobStore store,
            VersionedModels models,
            JsonMapper json,
            JobOutput output,
            PrefixPlan plan,
            int topK,
            int inferenceBatchSize,
            MeterRegistry meters) {
        this.store = store;
        this.models = models;
        this.json = json;
        this.output = output;
        this.plan = plan;
        this.topK = topK;
        this.inferenceBatchSize = inferenceBatchSize;
        this.predictedCounter = meters.counter("orchard.prefix.images", "outcome", "predicted");
        this.errorCounter = meters.counter("orchard.prefix.images", "outcome", "error");
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        this.stepExecution = stepExecution;
    }

    @Override
    public void write(Chunk<? extends Fetched> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        int shard = chunk.getItems().get(0).index() / plan.chunkSize();
        List<Fetched.Decoded> decoded = new ArrayList<>();
        List<ErrorLine> errors = new ArrayList<>();
        for (Fetched item : chunk.getItems()) {
            if (item.index() / plan.chunkSize() != shard) {
                throw new IllegalStateException(
                        "chunk mixes shards " + shard + " and " + item.index() / plan.chunkSize());
            }
            if (item instanceof Fetched.Decoded d) {
                decoded.add(d);
            } else if (item instanceof Fetched.Unscorable u) {
                errors.add(new ErrorLine(u.ref().name(), u.ref().generation(), u.reason(), u.error()));
            }
        }
        if (!decoded.isEmpty()) {
            List<PredictionLine> predictions = new ArrayList<>(decoded.size());
            try (LoadedModel.Lease model = models.lease(plan.model(), plan.version())) {
                List<Prediction> answers = new ArrayList<>(decoded.size());
                for (int from = 0; from < decoded.size(); from += inferenceBatchSize) {
                    int to = Math.min(decoded.size(), from + inferenceBatchSize);
                    float[][] batch = new float[to - from][];
                    for (int i = from; i < to; i++) {
                        batch[i - from] = decoded.get(i).tensor();
                        model.classifier()
                                .observedSource(
                                        decoded.get(i).width(), decoded.get(i).height());
                    }
                    answers.addAll(model.classifier().classify(batch, topK));
                }
                for (int i = 0; i < answers.size(); i++) {
                    Prediction p = answers.get(i);
                    Fetched.Decoded d = decoded.get(i);
                    predictions.add(new PredictionLine(
                            d.ref().name(),
                            d.ref().generation(),
                            p.label(),
                            p.confidence(),
                            p.top(),
                            plan.model(),
                            plan.version()));
                }
            }
            put(output.predictions(shard), predictions);
        } else {
            store.delete(output.bucket(), output.predictions(shard)); // left by an earlier attempt, if any
        }
        if (!errors.isEmpty()) {
            put(output.errors(shard), errors);
        } else {
            store.delete(output.bucket(), output.errors(shard));
        }
        predictedCounter.increment(decoded.size());
        errorCounter.increment(errors.size());
        if (stepExecution != null) {
            var context = stepExecution.getExecutionContext();
            context.putLong(PREDICTED, context.getLong(PREDICTED, 0) + decoded.size());
            context.putLong(ERRORS, context.getLong(ERRORS, 0) + errors.size());
        }
    }

    private void put(String name, List<?> lines) {
        store.put(output.bucket(), name, JsonLines.write(json, lines), WritePrecondition.none());
    }

    /** One line of {@code predictions-NNNNN.jsonl}. */
    record PredictionLine(
            String object,
            long generation,
            String label,
            double confidence,
            List<Prediction.LabelScore> top,
            String model,
            int version) {}

    /** One line of {@code errors-NNNNN.jsonl}. */
    record ErrorLine(String object, long generation, String reason, String error) {}
}
