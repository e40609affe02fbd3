package dev.orchard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TestSavedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/** A SavedModel's graph is checked before TensorFlow loads it. */
class SavedModelOpsTests {

    @TempDir
    Path dir;

    SavedModel exported;

    @BeforeEach
    void aRealExport() throws Exception {
        TestSavedModels.linear(
                dir.resolve("export"),
                new ModelInput(2, 2, 1, ModelInput.Scaling.UNIT),
                new float[4][2],
                new float[2],
                true);
        exported = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("export/saved_model.pb")));
    }

    @Test
    void anOrdinaryExportPasses() {
        assertThat(ops(exported)).contains("MatMul", "Softmax");
        assertThatCode(() -> SavedModelOps.check(exported.toByteArray(), List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void checkpointOpsAreAllowedInTheSaversSubgraphOnly() {
        // given: a saver as Keras and tf.train.Saver export it (restore op -> RestoreV2 <- filename)
        SavedModel withSaver = withNode(
                exported,
                NodeDef.newBuilder()
                        .setName("save/filename")
                        .setOp("Placeholder")
                        .build());
        withSaver = withNode(
                withSaver,
                NodeDef.newBuilder()
                        .setName("save/RestoreV2")
                        .setOp("RestoreV2")
                        .addInput("save/filename")
                        .build());
        withSaver = withNode(
                withSaver,
                NodeDef.newBuilder()
                        .setName("save/restore_all")
                        .setOp("NoOp")
                        .addInput("^save/RestoreV2")
                        .build());
        MetaGraphDef graph = withSaver.getMetaGraphs(0);
        SavedModel saved = withSaver.toBuilder()
                .setMetaGraphs(
                        0,
                        graph.toBuilder()
                                .setSaverDef(org.tensorflow.proto.SaverDef.newBuilder()
                                        .setFilenameTensorName("save/filename:0")
                                        .setRestoreOpName("save/restore_all")))
                .build();

        // then: the saver's RestoreV2 passes; one more outside it does not
        assertThatCode(() -> SavedModelOps.check(saved.toByteArray(), List.of()))
                .doesNotThrowAnyException();
        SavedModel serving = withNode(
                saved,
                NodeDef.newBuilder().setName("restore_again").setOp("RestoreV2").build());
        assertThatThrownBy(() -> SavedModelOps.check(serving.toByteArray(), List.of()))
                .hasMessageContaining("uses op RestoreV2 (node 'restore_again')");
    }

    @Test
    void fileAndPrintOpsAnywhereAreRefusedByName() {
        for (String op : new String[] {"WriteFile", "ReadFile", "MatchingFiles", "PrintV2", "PyFunc", "RestoreV2"}) {
            SavedModel hostile = withNode(
                    exported, NodeDef.newBuilder().setName("leak").setOp(op).build());
            assertThatThrownBy(() -> SavedModelOps.check(hostile.toByteArray(), List.of()))
                    .as(op)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("uses op " + op + " (node 'leak')")
                    .hasMessageContaining("orchard.registry.import-allowed-ops");
        }
    }

    @Test
    void anOpAllowedByNameIsAccepted() {
        SavedModel printing = withNode(
                exported, NodeDef.newBuilder().setName("debug").setOp("PrintV2").build());

        assertThatCode(() -> SavedModelOps.check(printing.toByteArray(), List.of("PrintV2")))
                .doesNotThrowAnyException();
    }

    @Test
    void opsTheRuntimeDoesNotKnowAreRefused() {
        SavedModel custom = withNode(
                exported, NodeDef.newBuilder().setName("x").setOp("MyCustomOp").build());

        assertThatThrownBy(() -> SavedModelOps.check(custom.toByteArray(), List.of()))
                .hasMessageContaining("uses op MyCustomOp")
                .hasMessageContaining("does not know");
    }

    @Test
    void aRefusedOpInsideAFunctionIsFound() {
        var function = org.tensorflow.proto.FunctionDef.newBuilder()
                .setSignature(org.tensorflow.proto.OpDef.newBuilder().setName("__inference_serve_1"))
                .addNodeDef(NodeDef.newBuilder().setName("write").setOp("WriteFile"))
                .build();
        MetaGraphDef graph = exported.getMetaGraphs(0);
        GraphDef withLibrary = graph.getGraphDef().toBuilder()
                .setLibrary(graph.getGraphDef().getLibrary().toBuilder().addFunction(function))
                .build();
        SavedModel hostile = exported.toBuilder()
                .setMetaGraphs(0, graph.toBuilder().setGraphDef(withLibrary))
                .build();

        assertThatThrownBy(() -> SavedModelOps.check(hostile.toByteArray(), List.of()))
                .hasMessageContaining("uses op WriteFile (function '__inference_serve_1', node 'write')");
    }

    @Test
    void notASavedModelIsRefused() {
        assertThatThrownBy(() -> SavedModelOps.check(new byte[] {1, 2, 3, 4, 5}, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a SavedModel");
    }

    private static SavedModel withNode(SavedModel model, NodeDef node) {
        MetaGraphDef graph = model.getMetaGraphs(0);
        return model.toBuilder()
                .setMetaGraphs(
                        0,
                        graph.toBuilder()
                                .setGraphDef(graph.getGraphDef().toBuilder().addNode(node)))
                .build();
    }

    private static Set<String> ops(SavedModel model) {
        return model.getMetaGraphs(0).getGraphDef().getNodeList().stream()
                .map(NodeDef::getOp)
                .collect(java.util.stream.Collectors.toSet());
    }
}
