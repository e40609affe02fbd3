package dev.orchard.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TrainedChampions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * Retraining with the champion's recipe on real images: nothing to do when the data is unchanged,
 * a gate that rejects (champion stays) or promotes (champion moves) with both models' numbers in
 * the manifest and the audit log, and one retrain per data however often it is asked for.
 */
class RetrainIntegrationTests extends EmbeddedWorkerSupport {

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    @Autowired
    RetrainRuns runs;

    @Autowired
    dev.orchard.storage.BlobStore store;

    static final List<String> LABELS = TrainedChampions.LABELS;

    String token() throws Exception {
        return Files.readString(DATA.resolve(".orchard-admin-token")).strip();
    }

    ResponseEntity<String> retrain(String body) throws Exception {
        return postJson("/jobs", body, token());
    }

    /**
     * POSTs a retrain: an {@code UNCHANGED} answer (200) as it is; a started run (202, at once, with
     * its id and Location) followed by {@code GET /jobs/{id}} until it ended, as a client would.
     */
    JsonNode retrainAndWait(String body) throws Exception {
        ResponseEntity<String> answer = retrain(body);
        JsonNode submitted = json.readTree(answer.getBody());
        if (answer.getStatusCode().value() == 200) {
            assertThat(submitted.path("outcome").asString())
                    .as(answer.getBody())
                    .isEqualTo("UNCHANGED");
            return submitted;
        }
        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(202);
        String id = submitted.path("id").asString();
        assertThat(answer.getHeaders().getLocation()).hasToString("/jobs/" + id);
        return await().atMost(java.time.Duration.ofMinutes(3))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> json.readTree(get("/jobs/" + id).getBody()), s -> List.of("COMPLETED", "FAILED")
                        .contains(s.path("status").asString()));
    }

    int championTrainedOn(Path dataset, String model, int images, int maxDepth) throws Exception {
        return TrainedChampions.championTrainedOn(
                training, registry, DATA.resolve("local"), dataset, model, images, maxDepth);
    }

    static void addImages(Path dataset, int from, int count) throws Exception {
        TrainedChampions.addImages(dataset, from, count);
    }

    @Test
    void theGateDecidesAndRecordsBothModelsNumbers() throws Exception {
        // given: model "gated" trained on its own three-label dataset, champion v1
        Path dataset = DATA.resolve("local/gated-training");
        int v1 = championTrainedOn(dataset, "gated", 60, 6);

        // when / then: unchanged data → nothing trained
        JsonNode unchanged = retrainAndWait("{\"job\":\"retrain\",\"model\":\"gated\"}");
        assertThat(unchanged.path("version").asInt()).isEqualTo(v1);
        assertThat(registry.versions("gated")).hasSize(1);

        // when / then: a gate nobody passes → registered, rejected, champion stays
        JsonNode r = retrainAndWait(
                "{\"job\":\"retrain\",\"model\":\"gated\",\"force\":true,\"min-accuracy\":1.0,\"max-regression\":0}");
        assertThat(r.path("status").asString()).as(r.toString()).isEqualTo("COMPLETED");
        assertThat(r.path("outcome").asString()).isEqualTo("REJECTED");
        int v2 = r.path("version").asInt();
        // the status shows every step, what each did, the thresholds and the gate
        assertThat(r.path("steps").findValuesAsString("name"))
                .containsExactly(
                        "retrain-snapshot",
                        "retrain-train",
                        "retrain-evaluate",
                        "retrain-gate",
                        "retrain-register",
                        "retrain-promote");
        assertThat(r.path("steps").findValuesAsString("status")).containsOnly("COMPLETED");
        assertThat(r.path("steps").get(0).path("progress").path("images").asInt())
                .isEqualTo(3 * 60);
        assertThat(r.path("steps").get(1).path("progress").path("decoded").asInt())
                .isEqualTo(r.path("steps")
                        .get(1)
                        .path("progress")
                        .path("train-images")
                        .asInt())
                .isPositive();
        assertThat(r.path("steps").get(2).path("progress").path("accuracy").asDouble())
                .isBetween(0.0, 1.0);
        assertThat(r.path("thresholds").path("minAccuracy").asDouble()).isEqualTo(1.0);
        assertThat(r.path("gate").path("decision").asString()).isEqualTo("rejected");
        assertThat(r.path("by").asString()).startsWith("http:");
        ModelManifest.Provenance provenance =
                registry.manifest("gated", v2).orElseThrow().provenance();
        assertThat(provenance.source()).isEqualTo("retrain");
        assertThat(provenance.run()).isEqualTo(r.path("id").asString());
        assertThat(provenance.by()).startsWith("http:");
        assertThat(provenance.runtime()).containsKeys("java", "tribuo");
        assertThat(provenance.details())
                .containsEntry("algorithm", "org.tribuo.classification.dtree.CARTClassificationTrainer");
        assertThat(provenance.startedAt()).isBeforeOrEqualTo(provenance.finishedAt());
        // the candidate's staged artifacts are gone once registered; the run's records stay
        assertThat(store.list("local", "models/gated/retrains/"))
                .extracting(o -> o.ref().name())
                .noneMatch(n -> n.contains("/candidate/model/"))
                .anyMatch(n -> n.endsWith("/gate.json"));
        ModelManifest m2 = registry.manifest("gated", v2).orElseThrow();
        assertThat(m2.gate().decision()).isEqualTo("rejected");
        assertThat(m2.gate().championVersion()).isEqualTo(v1);
        assertThat(m2.gate().championAccuracy()).isBetween(0.0, 1.0);
        assertThat(m2.gate().agreement()).isBetween(0.0, 1.0);
        assertThat(m2.gate().holdoutSize()).isPositive();
        assertThat(m2.gate().reason()).contains("below the minimum");
        assertThat(registry.champion("gated").map(Alias::version)).hasValue(v1);

        // when / then: new data and a permissive gate → promoted automatically
        addImages(dataset, 60, 20);
        JsonNode p =
                retrainAndWait("{\"job\":\"retrain\",\"model\":\"gated\",\"min-accuracy\":0,\"max-regression\":1}");
        assertThat(p.path("outcome").asString()).as(p.toString()).isEqualTo("PROMOTED");
        int v3 = p.path("version").asInt();
        assertThat(registry.champion("gated").map(Alias::version)).hasValue(v3);
        ModelManifest m3 = registry.manifest("gated", v3).orElseThrow();
        assertThat(m3.gate().decision()).isEqualTo("promote");
        assertThat(m3.dataset().objects()).isEqualTo(3 * 80);
        String audit = Files.readString(DATA.resolve("local/models/gated/audit.jsonl"));
        assertThat(audit).contains("gate-rejected").contains("gate-promote").contains("retrain gate: accuracy");

        // and: manual promotion leaves a passing candidate waiting
        addImages(dataset, 80, 5);
        JsonNode manual = retrainAndWait(
                "{\"job\":\"retrain\",\"model\":\"gated\",\"min-accuracy\":0,\"max-regression\":1,\"promote\":\"manual\"}");
        assertThat(manual.path("outcome").asString()).as(manual.toString()).isEqualTo("PASSED");
        assertThat(registry.champion("gated").map(Alias::version)).hasValue(v3);

        // and the registry's list routes tell the whole story
        JsonNode versions = json.readTree(get("/v1/models/gated/versions").getBody());
        assertThat(versions.path("champion").path("version").asInt()).isEqualTo(v3);
        assertThat(versions.path("versions")).hasSize(4);
        assertThat(versions.path("versions").get(1).path("gate").asString()).isEqualTo("rejected");
        assertThat(versions.path("versions").get(2).path("champion").asBoolean())
                .isTrue();
        assertThat(versions.path("versions").get(3).path("gate").asString()).isEqualTo("passed");
        JsonNode models = json.readTree(get("/v1/models").getBody()).path("models");
        assertThat(models.findValuesAsString("name")).contains("gated", "fashion");
        JsonNode card = json.readTree(
                get("/v1/models/gated/versions/" + v2 + "/manifest").getBody());
        assertThat(card.path("gate").path("decision").asString()).isEqualTo("rejected");
        assertThat(card.path("artifacts").has("dataset.jsonl")).isTrue();
        JsonNode auditLog = json.readTree(get("/v1/models/gated/audit").getBody());
        assertThat(auditLog.findValuesAsString("action")).contains("registered", "promoted", "gate-rejected");
        assertProblem(get("/v1/models/nobody/versions"), 404, "nobody");
        assertProblem(get("/v1/models/gated/versions/99/manifest"), 404, "no version 99");
        assertProblem(get("/v1/models/gated/versions/x/manifest"), 404, "no version 'x'");
    }

    @Test
    void oneRetrainPerDataHoweverOftenItIsAskedFor() throws Exception {
        // given
        Path dataset = DATA.resolve("local/once-training");
        championTrainedOn(dataset, "once", 40, 4);
        addImages(dataset, 40, 10);

        // when: three requests for the same new data at once
        RetrainRequest request = new RetrainRequest("once", false, 0.0, 1.0, null, "test", null);
        List<CompletableFuture<RetrainRuns.Submission>> asked = List.of(
                CompletableFuture.supplyAsync(() -> runs.submit(request)),
                CompletableFuture.supplyAsync(() -> runs.submit(request)),
                CompletableFuture.supplyAsync(() -> runs.submit(request)));
        List<RetrainRuns.Submission> submissions =
                asked.stream().map(CompletableFuture::join).toList();

        // then: one run, which the job repository found for the other two
        assertThat(submissions)
                .extracting(RetrainRuns.Submission::id)
                .containsOnly(submissions.get(0).id());
        assertThat(submissions).filteredOn(s -> !s.existing()).hasSize(1);
        RetrainStatus done = RetrainRunsAwait.ended(runs, submissions.get(0).id(), java.time.Duration.ofMinutes(2));
        assertThat(done.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(done.executions()).isEqualTo(1);
        assertThat(registry.versions("once")).hasSize(2);

        // and asked again afterwards: the run is found, nothing trains; forced: a new run
        assertThat(runs.submit(request).outcome()).isEqualTo(RetrainOutcome.UNCHANGED);
        RetrainRuns.Submission forced =
                runs.submit(new RetrainRequest("once", true, 0.0, 1.0, RetrainProperties.Promote.MANUAL, "test", null));
        assertThat(forced.existing()).isFalse();
        assertThat(forced.id()).isNotEqualTo(submissions.get(0).id());
        assertThat(RetrainRunsAwait.ended(runs, forced.id(), java.time.Duration.ofMinutes(2))
                        .outcome())
                .isEqualTo(RetrainOutcome.PASSED);
        assertThat(registry.versions("once")).hasSize(3);
    }

    @Test
    void aFailedRetrainSaysWhyIsNotRetriedByItselfAndAnAskAgainRestartsIt() throws Exception {
        // given: a champion, then every image of its dataset overwritten with bytes that are no image
        Path dataset = DATA.resolve("local/broken-training");
        championTrainedOn(dataset, "broken", 20, 4);
        List<Path> images;
        try (var files = Files.walk(dataset)) {
            images = files.filter(Files::isRegularFile).toList();
        }
        for (Path image : images) {
            Files.write(image, "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        RetrainRequest request = new RetrainRequest("broken", false, 0.0, 1.0, null, "test", null);

        // when
        RetrainRuns.Submission submitted = runs.submit(request);
        RetrainStatus failed = RetrainRunsAwait.ended(runs, submitted.id(), java.time.Duration.ofMinutes(2));

        // then: failed in the train step, saying why; the resumer leaves a run its data broke alone
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failure()).contains("too few readable images");
        assertThat(failed.steps())
                .extracting(RetrainStatus.Step::name, RetrainStatus.Step::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("retrain-snapshot", "COMPLETED"),
                        org.assertj.core.groups.Tuple.tuple("retrain-train", "FAILED"));
        assertThat(runs.resumeFailed()).isZero();

        // and asked again for the same data: the same run, restarted (from the train step)
        RetrainRuns.Submission again = runs.submit(request);
        assertThat(again.id()).isEqualTo(submitted.id());
        assertThat(again.existing()).isTrue();
        RetrainStatus second = await().atMost(java.time.Duration.ofMinutes(2))
                .until(
                        () -> runs.status(submitted.id()).orElseThrow(),
                        s -> s.executions() == 2 && s.status().equals("FAILED"));
        assertThat(second.failure()).contains("too few readable images");
        // a third ask restarts it once more; after max-attempts (3) starts it is left alone
        assertThat(runs.submit(request).id()).isEqualTo(submitted.id());
        await().atMost(java.time.Duration.ofMinutes(2))
                .until(
                        () -> runs.status(submitted.id()).orElseThrow(),
                        s -> s.executions() == 3 && s.status().equals("FAILED"));
        RetrainRuns.Submission leftAlone = runs.submit(request);
        assertThat(leftAlone.status()).isEqualTo("FAILED");
        Thread.sleep(500);
        assertThat(runs.status(submitted.id()).orElseThrow().executions()).isEqualTo(3);

        // and once the data is good again: a new run that completes
        for (Path image : images) {
            Files.delete(image);
        }
        TrainedChampions.addImages(dataset, 0, 20);
        RetrainStatus fixed = RetrainRunsAwait.ended(runs, runs.submit(request).id(), java.time.Duration.ofMinutes(2));
        assertThat(fixed.status()).isEqualTo("COMPLETED");
        assertThat(registry.versions("broken")).hasSize(2);
    }

    @Test
    void aRetrainSpecChoosesDatasetAndTrainerAndMayCreateTheFirstVersion() throws Exception {
        // given: the shared worker's spec for "spec-cnn" (tensorflow-cnn on a manifest), and that
        // manifest listing images kept in another folder
        Path images = DATA.resolve("local/spec-images");
        addImages(images, 0, 40);
        StringBuilder manifest = new StringBuilder();
        for (String label : LABELS) {
            for (int i = 0; i < 40; i++) {
                manifest.append("{\"uri\":\"gs://local/spec-images/%s/img-%d.png\",\"label\":\"%s\"}\n"
                        .formatted(label, i, label));
            }
        }
        Files.createDirectories(DATA.resolve("local/datasets"));
        Files.writeString(DATA.resolve("local/datasets/spec-cnn.jsonl"), manifest);

        // when: a retrain of a model that has no version yet
        JsonNode first = retrainAndWait("{\"job\":\"retrain\",\"model\":\"spec-cnn\"}");

        // then: trained with the spec's trainer on the manifest, judged alone, promoted
        assertThat(first.path("outcome").asString()).as(first.toString()).isEqualTo("PROMOTED");
        // with the CNN's epochs in the train step's progress, and in the version's provenance
        JsonNode train = first.path("steps").get(1);
        assertThat(train.path("name").asString()).isEqualTo("retrain-train");
        assertThat(train.path("progress").path("epochs").asInt()).isEqualTo(6);
        assertThat(train.path("progress").path("epoch").asInt()).isEqualTo(6);
        assertThat(train.path("progress").path("loss").asDouble()).isPositive();
        ModelManifest v1 = registry.manifest("spec-cnn", 1).orElseThrow();
        assertThat(v1.kind()).isEqualTo(ModelManifest.Kind.TENSORFLOW);
        assertThat(v1.trainer().type()).isEqualTo("tensorflow-cnn");
        assertThat(v1.dataset().uri()).isEqualTo("gs://local/datasets/spec-cnn.jsonl");
        assertThat(v1.dataset().objects()).isEqualTo(120);
        assertThat(v1.gate().championVersion()).isNull();
        assertThat(v1.provenance().runtime()).containsKey("tensorflow");
        assertThat(v1.provenance().details()).containsKeys("epochLoss", "optimizer");
        assertThat((List<?>) v1.provenance().details().get("epochLoss")).hasSize(6);
        List<String> snapshot = Files.readAllLines(DATA.resolve("local/models/spec-cnn/versions/1/dataset.jsonl"));
        assertThat(snapshot).hasSize(120).anyMatch(l -> l.contains("\"split\":\"holdout\""));
        assertThat(snapshot.get(0)).startsWith("{\"uri\":\"gs://local/spec-images/bag/img-0.png\",\"generation\":");

        // and it serves: the new TensorFlow champion classifies over HTTP
        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            ResponseEntity<String> answer = classify(
                    "spec-cnn",
                    Files.readAllBytes(SampleDataset.images("trouser", 50).get(45)));
            assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(200);
            assertThat(json.readTree(answer.getBody()).path("version").asInt()).isEqualTo(1);
        });

        // and the same data with the same recipe is not trained again
        JsonNode again = retrainAndWait("{\"job\":\"retrain\",\"model\":\"spec-cnn\"}");
        assertThat(again.path("version").asInt()).isEqualTo(1);
        assertThat(registry.versions("spec-cnn")).hasSize(1);
    }

    @Test
    void badRetrainRequestsArePrecise() throws Exception {
        assertProblem(
                retrain("{\"job\":\"retrain\",\"model\":\"nobody\"}"), 404, "has no champion to take a recipe from");
        assertProblem(
                retrain("{\"job\":\"retrain\",\"model\":\"fashion\",\"min-accuracy\":2}"), 400, "between 0 and 1");
        assertProblem(retrain("{\"job\":\"retrain\",\"model\":\"fashion\",\"promote\":\"sometimes\"}"), 400, "auto");
        assertProblem(postJson("/jobs", "{\"job\":\"retrain\",\"model\":\"fashion\"}", null), 401, "Bearer");
        assertProblem(
                retrain("{\"job\":\"retrain\",\"model\":\"fashion\",\"max-regression\":-0.1}"), 400, "between 0 and 1");
        assertProblem(get("/jobs/retrain-999999"), 404, "no job 'retrain-999999'");
    }
}
