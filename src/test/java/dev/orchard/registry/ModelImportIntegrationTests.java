package dev.orchard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.model.ModelInput;
import dev.orchard.model.TestSavedModels;
import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/** Bring your own SavedModel: from a gs:// prefix or a directory, signature read, verified, served. */
class ModelImportIntegrationTests extends EmbeddedWorkerSupport {

    static final List<String> LABELS =
            IntStream.range(0, 10).mapToObj(i -> "kind-" + i).toList();

    @Autowired
    ModelRegistry registry;

    String token() throws Exception {
        return Files.readString(DATA.resolve(".orchard-admin-token")).strip();
    }

    static Path linearExport(Path dir) throws Exception {
        ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
        Random random = new Random(3);
        float[][] weights = new float[input.size()][10];
        for (float[] row : weights) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        TestSavedModels.linear(dir, input, weights, new float[10], true);
        return dir;
    }

    @Test
    void aSavedModelFromABucketPrefixBecomesAServedVersion() throws Exception {
        // given: an export with its labels under gs://local/exports/linear/
        Path export = linearExport(DATA.resolve("local/exports/linear"));
        Files.write(export.resolve("labels.txt"), String.join("\n", LABELS).getBytes());

        // when
        ResponseEntity<String> imported = postJson(
                "/v1/models/imported/versions",
                "{\"source\":\"gs://local/exports/linear/\",\"promote\":true}",
                token());

        // then
        assertThat(imported.getStatusCode().value()).as(imported.getBody()).isEqualTo(201);
        JsonNode body = json.readTree(imported.getBody());
        assertThat(body.path("version").asInt()).isEqualTo(1);
        assertThat(body.path("input").path("height").asInt()).isEqualTo(28);
        assertThat(body.path("input").path("channels").asInt()).isEqualTo(1);
        assertThat(body.path("champion").asBoolean()).isTrue();
        ModelManifest manifest = registry.manifest("imported", 1).orElseThrow();
        assertThat(manifest.labels()).isEqualTo(LABELS);
        assertThat(manifest.artifacts()).containsKey("model/saved_model.pb").doesNotContainKey("model/labels.txt");
        assertThat(manifest.provenance().source()).isEqualTo("import");
        assertThat(manifest.provenance().details()).containsEntry("source", "gs://local/exports/linear/");
        assertThat(manifest.provenance().runtime()).containsKey("tensorflow");
        ResponseEntity<String> classified = client().post()
                .uri("/v1/models/imported/versions/1:classify")
                .contentType(org.springframework.http.MediaType.MULTIPART_FORM_DATA)
                .body(form(Files.readAllBytes(SampleDataset.images("bag", 1).get(0))))
                .exchange((request, response) -> toEntity(response));
        assertThat(classified.getStatusCode().value()).as(classified.getBody()).isEqualTo(200);
        assertThat(json.readTree(classified.getBody()).path("label").asString()).startsWith("kind-");
    }

    @Test
    void aLocalDirectoryWithLabelsInTheRequestWorksToo() throws Exception {
        Path export = linearExport(Files.createDirectories(IMPORTS).resolve("linear"));

        ResponseEntity<String> imported = postJson(
                "/v1/models/local-import/versions",
                "{\"source\":\"" + export + "\",\"labels\":" + json.writeValueAsString(LABELS)
                        + ",\"scaling\":\"symmetric\"}",
                token());

        assertThat(imported.getStatusCode().value()).as(imported.getBody()).isEqualTo(201);
        assertThat(registry.manifest("local-import", 1).orElseThrow().input().scaling())
                .isEqualTo(ModelInput.Scaling.SYMMETRIC);
        assertThat(registry.champion("local-import")).isEmpty();
    }

    @Test
    void localImportsStayUnderTheImportRootFollowNoLinksAndRunNoFileOps() throws Exception {
        // given: an export outside the import root, one with a link to a file outside it, one writing files
        Path outside = linearExport(Files.createTempDirectory("orchard-outside-"));
        Path linked = linearExport(Files.createDirectories(IMPORTS).resolve("linked"));
        Path secret = Files.writeString(Files.createTempFile("orchard-secret-", ".txt"), "s3cr3t");
        Files.createSymbolicLink(linked.resolve("labels.txt"), secret);
        Path writing = linearExport(IMPORTS.resolve("writing"));
        org.tensorflow.proto.SavedModel model =
                org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(writing.resolve("saved_model.pb")));
        org.tensorflow.proto.MetaGraphDef graph = model.getMetaGraphs(0);
        Files.write(
                writing.resolve("saved_model.pb"),
                model.toBuilder()
                        .setMetaGraphs(
                                0,
                                graph.toBuilder()
                                        .setGraphDef(graph.getGraphDef().toBuilder()
                                                .addNode(org.tensorflow.proto.NodeDef.newBuilder()
                                                        .setName("exfiltrate")
                                                        .setOp("WriteFile"))))
                        .build()
                        .toByteArray());
        String labels = ",\"labels\":" + json.writeValueAsString(LABELS) + "}";

        // then
        assertProblem(
                postJson("/v1/models/outside/versions", "{\"source\":\"" + outside + "\"" + labels, token()),
                400,
                "under the import root");
        assertProblem(
                postJson("/v1/models/linked/versions", "{\"source\":\"" + linked + "\"" + labels, token()),
                400,
                "symbolic link (labels.txt)");
        assertProblem(
                postJson("/v1/models/writing/versions", "{\"source\":\"" + writing + "\"" + labels, token()),
                400,
                "uses op WriteFile (node 'exfiltrate')");
        assertThat(registry.champion("writing")).isEmpty();
        assertThat(registry.manifest("writing", 1)).isEmpty();
    }

    @Test
    void unusableExportsAreRefusedWithAReason() throws Exception {
        Path flat = DATA.resolve("local/exports/flat");
        TestSavedModels.flat(flat, 16, 10);
        Files.write(flat.resolve("labels.txt"), String.join("\n", LABELS).getBytes());
        Path unlabelled = linearExport(DATA.resolve("local/exports/unlabelled"));
        Files.writeString(
                Files.createDirectories(DATA.resolve("local/exports/empty")).resolve("readme.txt"), "nothing here");

        assertProblem(
                postJson("/v1/models/bad/versions", "{\"source\":\"gs://local/exports/flat/\"}", token()),
                400,
                "needs a fixed [batch, height, width, channels] input");
        assertProblem(
                postJson("/v1/models/bad/versions", "{\"source\":\"gs://local/exports/unlabelled/\"}", token()),
                400,
                "labels.txt");
        assertProblem(
                postJson(
                        "/v1/models/bad/versions",
                        "{\"source\":\"gs://local/exports/unlabelled/\",\"labels\":[\"a\",\"b\"]}",
                        token()),
                400,
                "does not give one score per label (2 labels)");
        assertProblem(
                postJson("/v1/models/bad/versions", "{\"source\":\"gs://local/exports/empty/\"}", token()),
                400,
                "no saved_model.pb");
        assertProblem(
                postJson("/v1/models/bad/versions", "{\"source\":\"relative/dir\"}", token()),
                400,
                "absolute directory");
        assertProblem(
                postJson(
                        "/v1/models/bad/versions",
                        "{\"source\":\"gs://local/exports/linear-x/\",\"scaling\":\"weird\"}",
                        token()),
                400,
                "\"scaling\" must be one of");
        assertProblem(
                postJson("/v1/models/bad/versions", "{\"source\":\"gs://local/exports/flat/\"}", null), 401, "Bearer");
        assertThat(registry.versions("bad")).isEmpty();
        assertThat(unlabelled).exists();
    }

    private static org.springframework.util.MultiValueMap<String, Object> form(byte[] image) {
        org.springframework.util.LinkedMultiValueMap<String, Object> form =
                new org.springframework.util.LinkedMultiValueMap<>();
        form.add("image", new org.springframework.core.io.ByteArrayResource(image) {
            @Override
            public String getFilename() {
                return "x.png";
            }
        });
        return form;
    }
}
