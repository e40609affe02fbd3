package dev.orchard.scoring;

import dev.orchard.dispatch.JobSpec;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.StoredObject;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scores one upload generation and writes its result.
 *
 * <p>Failure contract: a bad image (too large, too many pixels, not an image, corrupt) is not a
 * failure: it gets an error result and the call returns normally. An object whose generation was
 * overwritten is skipped (the new generation has its own job); one that was deleted gets a
 * {@code NOT_FOUND} error result. Anything else (storage down, no champion yet) throws, the job
 * fails, and the trigger retries it later.
 */
public final class UploadScorer {

    private static final Logger log = LoggerFactory.getLogger(UploadScorer.class);

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final ChampionModels champions;
    private final UploadResultWriter results;
    private final Clock clock;

    public UploadScorer(BlobStore store, ImageDecoder decoder, ChampionModels champions, JsonMapper json, Clock clock) {
        this.store = store;
        this.decoder = decoder;
        this.champions = champions;
        this.results = new UploadResultWriter(store, json);
        this.clock = clock;
    }

    public void score(JobSpec spec, ObjectRef object) {
        try (LoadedModel.Lease model = champions.lease(spec.model().name())) {
            Optional<Blob> blob = read(spec, object);
            if (blob.isEmpty()) {
                return;
            }
            try {
                float[] input =
                        decoder.decode(blob.get().content(), model.classifier().input());
                Prediction prediction = model.classifier()
                        .classify(new float[][] {input}, spec.topK())
                        .get(0);
                results.writePrediction(
                        spec,
                        object,
                        new UploadPrediction(
                                object.bucket(),
                                object.name(),
                                object.generation(),
                                prediction.label(),
                                prediction.confidence(),
                                prediction.top(),
                                model.manifest().name(),
                                model.manifest().version(),
                                clock.instant()));
                log.info(
                        "{} -> {} ({}) by {} v{}",
                        object,
                        prediction.label(),
                        String.format(java.util.Locale.ROOT, "%.3f", prediction.confidence()),
                        model.manifest().name(),
                        model.manifest().version());
            } catch (ImageRejectedException e) {
                writeError(spec, object, e.reason().name(), e.getMessage());
                log.warn("{} not scored: {} ({})", object, e.getMessage(), e.reason());
            }
        }
    }

    private Optional<Blob> read(JobSpec spec, ObjectRef object) {
        Optional<Blob> blob = store.get(object);
        if (blob.isPresent()) {
            return blob;
        }
        Optional<StoredObject> live = store.stat(object.bucket(), object.name());
        if (live.isPresent()) {
            log.info(
                    "{} was overwritten by generation {} before scoring; that generation gets the result",
                    object,
                    live.get().ref().generation());
        } else {
            writeError(spec, object, "NOT_FOUND", "the object was deleted before it could be scored");
        }
        return Optional.empty();
    }

    private void writeError(JobSpec spec, ObjectRef object, String reason, String message) {
        results.writeError(
                spec,
                object,
                new UploadError(
                        object.bucket(),
                        object.name(),
                        object.generation(),
                        reason,
                        message,
                        spec.model().toString(),
                        clock.instant()));
    }
}
