package dev.orchard.uploads;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.ObjectTooLargeException;
import dev.orchard.storage.StoredObject;
import dev.orchard.system.Outcome;
import dev.orchard.system.Spans;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scores a window of uploads with one champion lease, one ledger transaction to claim them and
 * one to mark them done, batched inference calls of at most {@code batchSize}, and one result per
 * upload.
 *
 * <p>Failure contract, per upload: a generation already done is a {@link Outcome#DUPLICATE}, one
 * claimed by a live worker is {@link Outcome#HELD_ELSEWHERE} (the dispatcher re-checks later); a bad image (too large, too many pixels, not an image, corrupt) gets an
 * error result and is {@link Outcome#COMPLETED}; an overwritten generation is skipped (the new
 * generation has its own request); a deleted object gets a {@code NOT_FOUND} error result. Anything
 * else (storage down, no champion yet) is {@link Outcome#FAILED}: the claim is released and the
 * trigger retries. One upload's failure never fails the others.
 */
public final class UploadScorer {

    private static final Logger log = LoggerFactory.getLogger(UploadScorer.class);

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final ChampionModels champions;
    private final UploadLedger ledger;
    private final UploadResultWriter results;
    private final Clock clock;
    private final Spans spans;
    private final UploadMetrics metrics;
    private final int batchSize;
    private final UploadIo io;

    /** What a window did: uploads looked at, results written, error results written. */
    public record Counts(int read, int written, int rejected) {}

    /**
     * With {@code spans}: each upload's read, decode and result are spans in the upload's own trace
     * (its notification's); the window's inference calls are spans of their own.
     *
     * @param batchSize the most uploads decoded and classified at once (a window of more is scored
     *     in several inference calls, so its decoded images never all sit in memory together)
     * @param io runs the reads and result writes side by side
     */
    public UploadScorer(
            BlobStore store,
            ImageDecoder decoder,
            ChampionModels champions,
            UploadLedger ledger,
            JsonMapper json,
            Clock clock,
            Spans spans,
            UploadMetrics metrics,
            int batchSize,
            UploadIo io) {
        this.batchSize = batchSize;
        this.io = io;
        this.spans = spans;
        this.metrics = metrics;
        this.store = store;
        this.decoder = decoder;
        this.champions = champions;
        this.ledger = ledger;
        this.results = new UploadResultWriter(store, json);
        this.clock = clock;
    }

    public Counts score(UploadWindow window) {
        UploadSpec spec = window.spec();
        LoadedModel.Lease model;
        try {
            model = champions.lease(spec.model().name());
        } catch (RuntimeException e) {
            log.warn(
                    "window {}: cannot score {} upload(s): {}",
                    window.id(),
                    window.objects().size(),
                    e.getMessage());
            window.objects().forEach(o -> window.report(o, Outcome.FAILED));
            return new Counts(0, 0, 0);
        }
        try (model) {
            Map<ObjectRef, UploadLedger.Claim> claims;
            try {
                claims = ledger.claimAll(window.objects());
            } catch (RuntimeException e) {
                log.warn("window {}: cannot claim its uploads: {}", window.id(), e.toString());
                window.objects().forEach(o -> window.report(o, Outcome.FAILED));
                return new Counts(0, 0, 0);
            }
            List<ObjectRef> claimed = new ArrayList<>();
            for (ObjectRef object : window.objects()) {
                UploadLedger.Claim claim = claims.get(object);
                if (claim == UploadLedger.Claim.CLAIMED) {
                    claimed.add(object);
                } else {
                    window.report(
                            object, claim == UploadLedger.Claim.DONE ? Outcome.DUPLICATE : Outcome.HELD_ELSEWHERE);
                }
            }
            try {
                return scoreClaimed(window, model, claimed);
            } finally {
                ledger.letGo(claimed); // settled ones are gone already; anything left runs out with its lease
            }
        }
    }

    private Counts scoreClaimed(UploadWindow window, LoadedModel.Lease model, List<ObjectRef> claimed) {
        Finished finished = new Finished();
        // decoded inputs are held for one inference batch at a time, however large the window
        for (int from = 0; from < claimed.size(); from += batchSize) {
            scoreBatch(window, model, claimed.subList(from, Math.min(claimed.size(), from + batchSize)), finished);
        }
        int done = markDone(window, finished.objects);
        if (done > 0) {
            log.info(
                    "window {}: {} upload(s) scored by {} v{}, {} rejected, {} of {} already done or held elsewhere",
                    window.id(),
                    finished.written,
                    model.manifest().name(),
                    model.manifest().version(),
                    finished.rejected,
                    window.objects().size() - claimed.size(),
                    window.objects().size());
        }
        return new Counts(window.objects().size(), done == 0 ? 0 : finished.written, done == 0 ? 0 : finished.rejected);
    }

    /**
     * Reads {@code objects} (side by side, a few ahead), decodes them on this thread, classifies them
     * in one inference call and writes their results (side by side).
     */
    private void scoreBatch(UploadWindow window, LoadedModel.Lease model, List<ObjectRef> objects, Finished finished) {
        List<ObjectRef> decoded = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        io.readInOrder(objects, object -> read(window, object), (object, read) -> {
            Optional<float[]> input = decode(window, object, read, model, finished);
            if (input.isPresent()) {
                decoded.add(object);
                inputs.add(input.get());
            }
        });
        // one inference call serves uploads of many traces: it is a trace of its own, the window's
        try (Spans.Active span = spans.start("upload window", null)
                .tag("orchard.window", window.id())
                .tag("orchard.uploads", Integer.toString(decoded.size()))) {
            classify(window, model, decoded, inputs, finished);
        }
    }

    /** The window's uploads whose one result is settled: written, an error result, or none needed. */
    private static final class Finished {
        final List<ObjectRef> objects = new ArrayList<>();
        int written;
        int rejected;
    }

    /**
     * Marks the window's finished uploads done in one ledger transaction and reports them completed;
     * if that fails their claims are released and they are retried (their results are written again,
     * the same).
     *
     * @return how many were marked done
     */
    private int markDone(UploadWindow window, List<ObjectRef> finished) {
        try {
            ledger.completeAll(finished);
        } catch (RuntimeException e) {
            finished.forEach(object -> fail(window, object, e));
            return 0;
        }
        finished.forEach(object -> window.report(object, Outcome.COMPLETED));
        return finished.size();
    }

    /** Reads one claimed upload (on the I/O pool), in a span of its own trace. */
    private Optional<Blob> read(UploadWindow window, ObjectRef object) {
        try (Spans.Active span =
                spans.start("upload read", window.contextOf(object)).tag("orchard.object", object.toString())) {
            return store.get(object, decoder.maxBytes());
        }
    }

    /** Decodes one read upload; empty when it needs no inference (outcome settled). */
    private Optional<float[]> decode(
            UploadWindow window,
            ObjectRef object,
            Supplier<Optional<Blob>> read,
            LoadedModel.Lease model,
            Finished finished) {
        UploadSpec spec = window.spec();
        try (Spans.Active span =
                spans.start("upload decode", window.contextOf(object)).tag("orchard.object", object.toString())) {
            Optional<Blob> blob;
            try {
                blob = read.get();
            } catch (ObjectTooLargeException e) {
                return rejected(window, object, "TOO_LARGE", e.getMessage(), finished);
            }
            if (blob.isEmpty()) {
                skipMissing(spec, object, window.traceOf(object));
                finished.objects.add(object);
                return Optional.empty();
            }
            try {
                return Optional.of(decoder.decode(
                        blob.get().content(), model.classifier().input(), model.classifier()::observedSource));
            } catch (ImageRejectedException e) {
                return rejected(window, object, e.reason().name(), e.getMessage(), finished);
            }
        } catch (RuntimeException e) {
            fail(window, object, e);
            return Optional.empty();
        }
    }

    /** An upload that can never be scored: its error result is its one result. */
    private Optional<float[]> rejected(
            UploadWindow window, ObjectRef object, String reason, String message, Finished finished) {
        writeError(window.spec(), object, reason, message, window.traceOf(object));
        log.warn("{} not scored: {} ({})", object, message, reason);
        finished.objects.add(object);
        finished.rejected++;
        return Optional.empty();
    }

    private void classify(
            UploadWindow window,
            LoadedModel.Lease model,
            List<ObjectRef> objects,
            List<float[]> inputs,
            Finished finished) {
        if (objects.isEmpty()) {
            return;
        }
        List<Prediction> predictions;
        try {
            predictions = model.classifier()
                    .classify(inputs.toArray(new float[0][]), window.spec().topK());
        } catch (RuntimeException e) {
            objects.forEach(o -> fail(window, o, e));
            return;
        }
        List<Supplier<ObjectRef>> writes = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) {
            ObjectRef object = objects.get(i);
            Prediction prediction = predictions.get(i);
            writes.add(() -> writeResult(window, model, object, prediction));
        }
        List<Supplier<ObjectRef>> written = io.all(writes);
        for (int i = 0; i < objects.size(); i++) {
            try {
                finished.objects.add(written.get(i).get());
                finished.written++;
            } catch (RuntimeException e) {
                fail(window, objects.get(i), e);
            }
        }
    }

    /** Writes one upload's result (on the I/O pool), in a span of its own trace. */
    private ObjectRef writeResult(
            UploadWindow window, LoadedModel.Lease model, ObjectRef object, Prediction prediction) {
        try (Spans.Active span = spans.start("upload result", window.contextOf(object))
                .tag("orchard.object", object.toString())
                .tag("orchard.label", prediction.label())) {
            results.writePrediction(
                    window.spec(),
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
                            clock.instant(),
                            window.traceOf(object)));
            metrics.predicted(object.generation(), clock.instant());
            if (log.isDebugEnabled()) { // the confidence's formatting is not free, and this runs per upload
                log.debug(
                        "{} -> {} ({}) by {} v{}",
                        object,
                        prediction.label(),
                        String.format(Locale.ROOT, "%.3f", prediction.confidence()),
                        model.manifest().name(),
                        model.manifest().version());
            }
            return object;
        }
    }

    private void skipMissing(UploadSpec spec, ObjectRef object, String trace) {
        Optional<StoredObject> live = store.stat(object.bucket(), object.name());
        if (live.isPresent()) {
            log.info(
                    "{} was overwritten by generation {} before scoring; that generation gets the result",
                    object,
                    live.get().ref().generation());
        } else {
            writeError(spec, object, "NOT_FOUND", "the object was deleted before it could be scored", trace);
        }
    }

    private void fail(UploadWindow window, ObjectRef object, RuntimeException e) {
        log.warn("{}: scoring failed, will be retried: {}", object, e.toString());
        try {
            ledger.release(object);
        } catch (RuntimeException releaseFailed) {
            log.warn("{}: cannot release the claim; it expires with its lease", object, releaseFailed);
        }
        window.report(object, Outcome.FAILED);
    }

    private void writeError(UploadSpec spec, ObjectRef object, String reason, String message, String trace) {
        metrics.error(reason, object.generation(), clock.instant());
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
                        clock.instant(),
                        trace));
    }
}
