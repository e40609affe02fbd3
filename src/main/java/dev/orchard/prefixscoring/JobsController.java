package dev.orchard.prefixscoring;

import dev.orchard.trigger.JobRequest;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /jobs} (admin) starts a prefix job with the same body as the Pub/Sub command,
 * {@code {"job":"score","input":"gs://B/prefix/","model":"fashion@champion","id":"optional"}};
 * {@code GET /jobs/{id}} reports its progress.
 */
@RestController
class JobsController {

    private final PrefixJobs jobs;

    JobsController(PrefixJobs jobs) {
        this.jobs = jobs;
    }

    record ScoreBody(String job, String input, String model, String id, Integer partitions) {}

    @PostMapping("/jobs")
    ResponseEntity<PrefixJobs.Submission> submit(@RequestBody ScoreBody body) {
        if (!"score".equals(body.job())) {
            throw new IllegalArgumentException("\"job\" must be \"score\" (retrain arrives with the retrain loop)");
        }
        if (body.input() == null
                || !body.input().startsWith("gs://")
                || body.input().length() <= 5) {
            throw new IllegalArgumentException("\"input\" must be gs://bucket/prefix/");
        }
        if (body.model() == null || body.model().isBlank()) {
            throw new IllegalArgumentException("\"model\" must be 'name', 'name@champion' or 'name@<version>'");
        }
        if (body.partitions() != null && (body.partitions() < 1 || body.partitions() > 10_000)) {
            throw new IllegalArgumentException("\"partitions\" must be from 1 to 10000");
        }
        String path = body.input().substring(5);
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        PrefixJobs.Submission submission =
                jobs.submit(new JobRequest.ScorePrefix(bucket, prefix, body.model(), body.id(), body.partitions()));
        return ResponseEntity.accepted()
                .location(URI.create("/jobs/" + submission.id()))
                .body(submission);
    }

    @GetMapping("/jobs/{id}")
    PrefixJobs.JobStatus status(@PathVariable String id) {
        return jobs.status(id)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no job '" + id + "' (or it has not listed its input yet)"));
    }
}
