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
import java.util.Map;
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
    Retrainer retrainer;

    @Autowired
    dev.orchard.storage.BlobStore store;

    static final List<String> LABELS = TrainedChampions.LABELS;

    String token() throws Exception {
        return Files.readString(DATA.resolve(".orchard-admin-token")).strip();
    }

    ResponseEntity<String> retrain(String body) throws Exception {
        return postJson("/jobs", body, token());
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
        ResponseEntity<String> unchanged = retrain("{\"job\":\"retrain\",\"model\":\"gated\"}");
        assertThat(unchanged.getStatusCode().value()).as(unchanged.getBody()).isEqualTo(200);
        assertThat(json.readTree(unchanged.getBody()).path("status").asString()).isEqualTo("UNCHANGED");
        assertThat(registry.versions("gated")).hasSize(1);

        // when / then: a gate nobody passes → registered, rejected, champion stays
        ResponseEntity<String> rejected = retrain(
                "{\"job\":\"retrain\",\"model\":\"gated\",\"force\":true,\"min-accuracy\":1.0,\"max-regression\":0}");
        JsonNode r = json.readTree(rejected.getBody());
        assertThat(r.path("status").asString()).as(rejected.getBody()).isEqualTo("REJECTED");
        int v2 = r.path("version").asInt();
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
        ResponseEntity<String> promoted =
                retrain("{\"job\":\"retrain\",\"model\":\"gated\",\"min-accuracy\":0,\"max-regression\":1}");
        JsonNode p = json.readTree(promoted.getBody());
        assertThat(p.path("status").asString()).as(promoted.getBody()).isEqualTo("PROMOTED");
        int v3 = p.path("version").asInt();
        assertThat(registry.champion("gated").map(Alias::version)).hasValue(v3);
        ModelManifest m3 = registry.manifest("gated", v3).orElseThrow();
        assertThat(m3.gate().decision()).isEqualTo("promote");
        assertThat(m3.dataset().objects()).isEqualTo(3 * 80);
        String audit = Files.readString(DATA.resolve("local/models/gated/audit.jsonl"));
        assertThat(audit).contains("gate-rejected").contains("gate-promote").contains("retrain gate: accuracy");

        // and: manual promotion leaves a passing candidate waiting
        addImages(dataset, 80, 5);
        JsonNode manual = json.readTree(retrain(
                        "{\"job\":\"retrain\",\"model\":\"gated\",\"min-accuracy\":0,\"max-regression\":1,\"promote\":\"manual\"}")
                .getBody());
        assertThat(manual.path("status").asString()).isEqualTo("PASSED");
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
        int v1 = championTrainedOn(dataset, "once", 40, 4);
        addImages(dataset, 40, 10);

        // when: three requests for the same new data at once, then one more afterwards
        Retrainer.Request request = new Retrainer.Request("once", false, 0.0, 1.0, null, "test");
        List<CompletableFuture<Retrainer.Result>> results =
                List.of(retrainer.submit(request), retrainer.submit(request), retrainer.submit(request));
        List<Retrainer.Status> statuses =
                results.stream().map(f -> f.join().status()).toList();
        Retrainer.Result later = retrainer.submit(request).join();

        // then
        assertThat(statuses).containsOnlyOnce(Retrainer.Status.PROMOTED);
        assertThat(registry.versions("once")).hasSize(2);
        assertThat(later.status()).isEqualTo(Retrainer.Status.UNCHANGED);
    }

    @Test
    void aRetrainClaimedByAnotherWorkerIsNotStartedTwiceUntilTheClaimGoesStale() throws Exception {
        // given: new data whose retrain another worker claimed a moment ago
        Path dataset = DATA.resolve("local/claimed-training");
        int v1 = championTrainedOn(dataset, "claimed", 40, 4);
        addImages(dataset, 40, 10);
        String fingerprint = dev.orchard.training.DatasetSnapshot.of(store, "local", "claimed-training/")
                .fingerprint();
        Retrainer.Recipe recipe =
                new Retrainer.Recipe("gs://local/claimed-training/", "tribuo-cart", Map.of("maxDepth", 4));
        Path claim = DATA.resolve("local/" + Retrainer.claimName("claimed", fingerprint, recipe));
        Files.createDirectories(claim.getParent());
        Files.writeString(claim, "{\"at\":\"" + java.time.Instant.now() + "\"}");
        Retrainer.Request request = new Retrainer.Request("claimed", false, 0.0, 1.0, null, "test");

        // then: held elsewhere → not started
        assertThat(retrainer.submit(request).join().status()).isEqualTo(Retrainer.Status.ALREADY_RUNNING);
        assertThat(registry.versions("claimed")).hasSize(1);

        // when the other worker's claim is older than the claim timeout (30 min), it is taken over
        Files.writeString(claim, "{\"at\":\"" + java.time.Instant.now().minusSeconds(3600) + "\"}");
        assertThat(retrainer.submit(request).join().status()).isEqualTo(Retrainer.Status.PROMOTED);
        assertThat(registry.versions("claimed")).hasSize(2);
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
        ResponseEntity<String> first = retrain("{\"job\":\"retrain\",\"model\":\"spec-cnn\"}");

        // then: trained with the spec's trainer on the manifest, judged alone, promoted
        assertThat(first.getStatusCode().value()).as(first.getBody()).isEqualTo(200);
        assertThat(json.readTree(first.getBody()).path("status").asString()).isEqualTo("PROMOTED");
        ModelManifest v1 = registry.manifest("spec-cnn", 1).orElseThrow();
        assertThat(v1.kind()).isEqualTo(ModelManifest.Kind.TENSORFLOW);
        assertThat(v1.trainer().type()).isEqualTo("tensorflow-cnn");
        assertThat(v1.dataset().uri()).isEqualTo("gs://local/datasets/spec-cnn.jsonl");
        assertThat(v1.dataset().objects()).isEqualTo(120);
        assertThat(v1.gate().championVersion()).isNull();
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
        ResponseEntity<String> again = retrain("{\"job\":\"retrain\",\"model\":\"spec-cnn\"}");
        assertThat(json.readTree(again.getBody()).path("status").asString()).isEqualTo("UNCHANGED");
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
    }
}
