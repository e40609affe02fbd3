package dev.orchard.dispatch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ModelReference;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.Retrainer;
import dev.orchard.storage.GcsUri;
import java.net.URI;
import java.security.Principal;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /jobs} (admin), with the same body as the Pub/Sub command:
 *
 * <ul>
 *   <li>{@code {"job":"score","input":"gs://B/prefix/","model":"fashion@champion","id":"optional"}}
 *       starts a prefix job (202; {@code GET /jobs/{id}} reports its progress);
 *   <li>{@code {"job":"retrain","model":"fashion","force":false,"min-accuracy":0.8,
 *       "max-regression":0.01,"promote":"auto"}} retrains the model and answers with the gate's
 *       decision (200), or 202 if it takes longer than {@value #RETRAIN_WAIT_SECONDS} s.
 * </ul>
 */
@RestController
class JobsController {

    static final int RETRAIN_WAIT_SECONDS = 60;

    private final PrefixJobs jobs;
    private final Retrainer retrainer;
    private final JobSpecs specs;

    JobsController(PrefixJobs jobs, Retrainer retrainer, JobSpecs specs) {
        this.jobs = jobs;
        this.retrainer = retrainer;
        this.specs = specs;
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
    ResponseEntity<?> submit(@RequestBody JobBody body, Principal caller) throws InterruptedException {
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

    private ResponseEntity<?> retrain(JobBody body, Principal caller) throws InterruptedException {
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
        boolean force = Boolean.TRUE.equals(body.force());
        String by = "http:" + (caller == null ? "anonymous" : caller.getName());
        RetrainProperties.Promote chosen = promote;
        CompletableFuture<Retrainer.Result> result = retrainer.submit(specs.retrainSpecFor(body.model())
                .map(spec -> spec.request(force, body.minAccuracy(), body.maxRegression(), chosen, by))
                .orElseGet(() -> new Retrainer.Request(
                        body.model(), force, body.minAccuracy(), body.maxRegression(), chosen, by)));
        try {
            return ResponseEntity.ok(result.get(RETRAIN_WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException stillRunning) {
            return ResponseEntity.accepted()
                    .body(java.util.Map.of(
                            "model",
                            body.model(),
                            "status",
                            "RUNNING",
                            "detail",
                            "see GET /v1/models/" + body.model()));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("retrain failed", e.getCause());
        }
    }

    @GetMapping("/jobs/{id}")
    PrefixJobs.JobStatus status(@PathVariable String id) {
        return jobs.status(id)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no job '" + id + "' (or it has not listed its input yet)"));
    }
}
