package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ChampionCommands;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.retrain.RetrainRequest;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.system.Outcome;
import dev.orchard.uploads.UploadWindowing;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each {@link JobRequest} to the feature that does it: an upload to its score spec's windows
 * ({@link UploadWindowing}; {@link Outcome#UNMATCHED} when no spec takes it), a prefix-scoring
 * command to {@link PrefixJobs}, a retrain to {@link RetrainRuns} (with its spec's recipe), promote and rollback to the
 * registry. Requests that can never succeed as sent are {@link RejectedRequestException}s (the
 * trigger dead-letters them); everything else completes with an {@link Outcome}.
 */
public final class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobSpecs specs;
    private final ChampionCommands champions;
    private final PrefixJobs prefixJobs;
    private final RetrainRuns retrains;
    private final UploadWindowing uploads;

    public JobDispatcher(
            JobSpecs specs,
            ChampionCommands champions,
            PrefixJobs prefixJobs,
            RetrainRuns retrains,
            UploadWindowing uploads) {
        this.specs = specs;
        this.champions = champions;
        this.prefixJobs = prefixJobs;
        this.retrains = retrains;
        this.uploads = uploads;
    }

    /**
     * Runs or schedules {@code request}.
     *
     * @throws RejectedRequestException if the request can never succeed as sent
     */
    public CompletableFuture<Outcome> dispatch(JobRequest request) {
        if (request instanceof JobRequest.ScoreUpload upload) {
            return dispatchUpload(upload.object());
        }
        if (request instanceof JobRequest.Promote promote) {
            return command(() -> champions.promote(promote.model(), promote.version(), promote.by(), promote.reason()));
        }
        if (request instanceof JobRequest.Rollback rollback) {
            return command(() -> champions.rollback(rollback.model(), rollback.by(), rollback.reason()));
        }
        if (request instanceof JobRequest.ScorePrefix score) {
            return scorePrefix(score);
        }
        if (request instanceof JobRequest.Retrain retrain) {
            return submitRetrain(retrain);
        }
        throw new RejectedRequestException(
                "this worker does not run '" + request.getClass().getSimpleName() + "' requests");
    }

    /**
     * Starts (or finds) the retrain {@code retrain} asks for, with the model's retrain spec's recipe
     * if it has one: the one way in for every door.
     *
     * @throws ModelNotFoundException if there is neither a spec nor a champion to take the recipe from
     * @throws IllegalArgumentException if the request cannot be run as asked
     */
    public RetrainRuns.Submission retrain(JobRequest.Retrain retrain) {
        return retrains.submit(specs.retrainSpecFor(retrain.model())
                .map(spec -> spec.request(retrain))
                .orElseGet(() -> new RetrainRequest(
                        retrain.model(),
                        retrain.force(),
                        retrain.minAccuracy(),
                        retrain.maxRegression(),
                        retrain.promote(),
                        retrain.by(),
                        null)));
    }

    /** Acked once the run is recorded (or found, or nothing needed training): it runs, and resumes, in the background. */
    private CompletableFuture<Outcome> submitRetrain(JobRequest.Retrain retrain) {
        try {
            RetrainRuns.Submission submission = retrain(retrain);
            return CompletableFuture.completedFuture(submission.existing() ? Outcome.DUPLICATE : Outcome.COMPLETED);
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("could not record retrain {}: {}", retrain, e.getMessage());
            return CompletableFuture.completedFuture(Outcome.FAILED);
        }
    }

    /** Acked once the run is recorded (or found): the job itself runs, and resumes, in the background. */
    private CompletableFuture<Outcome> scorePrefix(JobRequest.ScorePrefix score) {
        try {
            PrefixJobs.Submission submission = prefixJobs.submit(score.forPrefixJobs());
            return CompletableFuture.completedFuture(submission.existing() ? Outcome.DUPLICATE : Outcome.COMPLETED);
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("could not record prefix job {}: {}", score, e.getMessage());
            return CompletableFuture.completedFuture(Outcome.FAILED);
        }
    }

    private CompletableFuture<Outcome> command(Runnable action) {
        try {
            action.run();
            return CompletableFuture.completedFuture(Outcome.COMPLETED);
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        } catch (PreconditionFailedException raced) {
            log.info("champion moved concurrently; the command will be retried: {}", raced.getMessage());
            return CompletableFuture.completedFuture(Outcome.FAILED);
        }
    }

    private CompletableFuture<Outcome> dispatchUpload(ObjectRef object) {
        return specs.scoreSpecFor(object.bucket(), object.name())
                .map(spec -> uploads.submit(spec, object))
                .orElseGet(() -> CompletableFuture.completedFuture(Outcome.UNMATCHED));
    }
}
