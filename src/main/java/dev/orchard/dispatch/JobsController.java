package dev.orchard.dispatch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ModelReference;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.retrain.RetrainStatus;
import dev.orchard.storage.GcsUri;
import dev.orchard.system.BatchExecutions;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /jobs} (admin), with the same body as the Pub/Sub command:
 *
 * <ul>
 *   <li>{@code {"job":"score","input":"gs://B/prefix/","model":"fashion@champion","id":"optional"}}
 *       starts a prefix job (202; {@code GET /jobs/{id}} reports its progress);
 *   <li>{@code {"job":"retrain","model":"fashion","force":false,"min-accuracy":0.8,
 *       "max-regression":0.01,"promote":"auto"}} starts a retrain job (202 with its run id; {@code
 *       GET /jobs/{id}} shows its steps, progress and outcome), or answers 200 {@code UNCHANGED}
 *       when a version already learned from exactly this data with this recipe.
 * </ul>
 */
@RestController
class JobsController {

    /** The most runs a page may reach back to. */
    static final int MAX_LISTED = 1000;

    private final PrefixJobs jobs;
    private final RetrainRuns retrains;
    private final JobDispatcher dispatcher;

    JobsController(PrefixJobs jobs, RetrainRuns retrains, JobDispatcher dispatcher) {
        this.jobs = jobs;
        this.retrains = retrains;
        this.dispatcher = dispatcher;
    }

    record JobBody(
            String job,
            String input,
            String model,
            String id,
            Integer partitions,
            Boolean force,
            @JsonProperty("min-accuracy") Double minAccuracy,
            @JsonProperty("max-regression") Double maxRegression,
            String promote) {}

    @PostMapping("/jobs")
    ResponseEntity<?> submit(@RequestBody JobBody body, Principal caller) {
        if ("retrain".equals(body.job())) {
            return retrain(body, caller);
        }
        if (!"score".equals(body.job())) {
            throw new IllegalArgumentException("\"job\" must be \"score\" or \"retrain\"");
        }
        GcsUri input;
        try {
            input = GcsUri.parse(body.input());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"input\" must be gs://bucket/prefix/: " + e.getMessage());
        }
        if (body.model() == null || body.model().isBlank()) {
            throw new IllegalArgumentException("\"model\" must be 'name', 'name@champion' or 'name@<version>'");
        }
        if (body.partitions() != null && (body.partitions() < 1 || body.partitions() > 10_000)) {
            throw new IllegalArgumentException("\"partitions\" must be from 1 to 10000");
        }
        PrefixJobs.Submission submission = jobs.submit(new PrefixJobs.Request(
                input.bucket(), input.path(), ModelReference.parse(body.model()), body.id(), body.partitions()));
        return ResponseEntity.accepted()
                .location(URI.create("/jobs/" + submission.id()))
                .body(submission);
    }

    private ResponseEntity<?> retrain(JobBody body, Principal caller) {
        if (body.model() == null || body.model().isBlank()) {
            throw new IllegalArgumentException("\"model\" is required");
        }
        RetrainProperties.Promote promote = null;
        if (body.promote() != null) {
            try {
                promote = RetrainProperties.Promote.valueOf(body.promote().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"promote\" must be \"auto\" or \"manual\"");
            }
        }
        RetrainRuns.Submission submission = dispatcher.retrain(new JobRequest.Retrain(
                body.model(),
                Boolean.TRUE.equals(body.force()),
                body.minAccuracy(),
                body.maxRegression(),
                promote,
                "http:" + (caller == null ? "anonymous" : caller.getName())));
        if (submission.id() == null) {
            return ResponseEntity.ok(submission);
        }
        return ResponseEntity.accepted()
                .location(URI.create("/jobs/" + submission.id()))
                .body(submission);
    }

    /**
     * One page of recent prefix jobs and retrains.
     *
     * @param jobs the runs, newest first: prefix jobs ({@code "job":"score"}) and retrains ({@code
     *     "job":"retrain"}) with the same fields as {@code GET /jobs/{id}}
     * @param more whether an older page exists
     */
    record JobList(List<Object> jobs, int page, int size, boolean more) {}

    /** {@code GET /jobs?page=0&size=20}: recent runs of both kinds, newest first. */
    @GetMapping("/jobs")
    JobList list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if (size < 1 || size > 100) {
            throw new IllegalArgumentException("\"size\" must be from 1 to 100");
        }
        if (page < 0 || (page + 1) * size > MAX_LISTED) {
            throw new IllegalArgumentException("only the newest " + MAX_LISTED
                    + " runs are listed; \"page\" must be from 0 to " + (MAX_LISTED / size - 1));
        }
        // order both kinds by creation time from the job repository alone; read only this page's statuses
        int wanted = (page + 1) * size + 1;
        List<Listed> runs = new ArrayList<>();
        jobs.recent(wanted).forEach(run -> runs.add(new Listed(run, false)));
        retrains.recent(wanted).forEach(run -> runs.add(new Listed(run, true)));
        runs.sort(Comparator.comparing(
                (Listed l) -> l.run().createdAt(), Comparator.nullsLast(Comparator.reverseOrder())));
        int from = Math.min(runs.size(), page * size);
        int to = Math.min(runs.size(), from + size);
        List<Object> statuses = runs.subList(from, to).stream()
                .map(l -> l.retrain()
                        ? retrains.status(l.run().id()).map(Object.class::cast)
                        : jobs.status(l.run().id()).map(Object.class::cast))
                .flatMap(Optional::stream)
                .toList();
        return new JobList(statuses, page, size, runs.size() > to);
    }

    /** A run of either kind, before its status is read. */
    private record Listed(BatchExecutions.Started run, boolean retrain) {}

    /** A retrain run ({@code retrain-<n>}) or a prefix job. */
    @GetMapping("/jobs/{id}")
    Object status(@PathVariable String id) {
        Optional<RetrainStatus> retrain = retrains.status(id);
        if (retrain.isPresent()) {
            return retrain.get();
        }
        return jobs.status(id)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no job '" + id + "' (or it has not listed its input yet)"));
    }
}
