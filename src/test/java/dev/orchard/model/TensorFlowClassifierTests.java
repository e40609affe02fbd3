package dev.orchard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowClassifierTests {

    static final ModelInput INPUT = new ModelInput(2, 2, 1, ModelInput.Scaling.UNIT);

    @TempDir
    Path dir;

    /** Label "dark" scores the negated pixel sum, "bright" the pixel sum. */
    Path brightnessModel(boolean softmax) throws Exception {
        float[][] weights = {{-4, 4}, {-4, 4}, {-4, 4}, {-4, 4}};
        TestSavedModels.linear(dir, INPUT, weights, new float[] {8, -8}, softmax);
        return dir;
    }

    @Test
    void classifiesABatchThroughTheServingSignature() throws Exception {
        // given
        try (Classifier model =
                TensorFlowClassifier.load(brightnessModel(true), INPUT, List.of("dark", "bright"), false)) {
            // when
            List<Prediction> predictions =
                    model.classify(new float[][] {{0, 0, 0, 0}, {1, 1, 1, 1}, {.5f, .5f, .5f, .5f}}, 2);

            // then
            assertThat(predictions)
                    .extracting(Prediction::label)
                    .containsExactly("dark", "bright", "bright"); // a tie ranks by label name
            assertThat(predictions.get(0).confidence()).isGreaterThan(0.99);
            assertThat(predictions.get(2).confidence()).isCloseTo(0.5, within(1e-4));
            assertThat(predictions.get(1).top()).hasSize(2);
        }
    }

    @Test
    void scoresEveryRowOfABatchAsItWouldBeScoredAlone() throws Exception {
        // given a CNN, so every pixel of a row moves its scores, and rows of distinct random pixels
        ModelInput input = new ModelInput(8, 8, 3, ModelInput.Scaling.UNIT);
        TestSavedModels.cnn(dir, input, 4, 7);
        java.util.Random random = new java.util.Random(3);
        float[][] rows = new float[5][input.size()];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextFloat();
            }
        }
        try (Classifier model = TensorFlowClassifier.load(dir, input, List.of("a", "b", "c", "d"), false)) {
            // when
            float[][] batched = model.predict(rows);

            // then each row's scores are its own, in its place
            for (int i = 0; i < rows.length; i++) {
                float[] alone = model.predict(new float[][] {rows[i]})[0];
                for (int j = 0; j < alone.length; j++) {
                    assertThat(batched[i][j]).as("row %d, class %d", i, j).isCloseTo(alone[j], within(1e-5f));
                }
            }
            assertThat(batched[0]).isNotEqualTo(batched[1]);
        }
    }

    @Test
    void servesWeightsRestoredFromTheCheckpointAsAKerasExportHasThem() throws Exception {
        // given the same CNN twice: weights as graph constants (a frozen graph) and as variables
        ModelInput input = new ModelInput(16, 16, 3, ModelInput.Scaling.UNIT);
        Path frozen = dir.resolve("frozen");
        Path keras = dir.resolve("keras");
        TestSavedModels.cnn(frozen, input, 4, 7, TestSavedModels.Weights.CONSTANTS);
        TestSavedModels.cnn(keras, input, 4, 7, TestSavedModels.Weights.VARIABLES);
        float[][] rows = new float[3][input.size()];
        java.util.Random random = new java.util.Random(5);
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextFloat();
            }
        }
        List<String> labels = List.of("a", "b", "c", "d");
        try (Classifier constants = TensorFlowClassifier.load(frozen, input, labels, false);
                Classifier variables = TensorFlowClassifier.load(keras, input, labels, false)) {
            // when
            float[][] expected = constants.predict(rows);
            float[][] actual = variables.predict(rows);

            // then the restored weights are the values, not zeros: the same scores, and not uniform
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < labels.size(); j++) {
                    assertThat(actual[i][j]).as("row %d, class %d", i, j).isCloseTo(expected[i][j], within(1e-5f));
                }
            }
            assertThat(actual[0][0]).isNotCloseTo(0.25f, within(1e-4f));
        }
        // and only the checkpoint holds them: the graph is smaller than the dense layer's weights
        long denseBytes = 4L * 4 * 4 * 64 * 4;
        assertThat(java.nio.file.Files.size(keras.resolve("saved_model.pb"))).isLessThan(denseBytes);
        assertThat(java.nio.file.Files.size(frozen.resolve("saved_model.pb"))).isGreaterThan(denseBytes);
    }

    @Test
    void appliesSoftmaxToLogitsWhenTheManifestSaysSo() throws Exception {
        try (Classifier model =
                TensorFlowClassifier.load(brightnessModel(false), INPUT, List.of("dark", "bright"), true)) {
            float[] probabilities = model.predict(new float[][] {{1, 1, 1, 1}})[0];
            assertThat(probabilities[0] + probabilities[1]).isCloseTo(1f, within(1e-5f));
            assertThat(probabilities[1]).isGreaterThan(0.99f);
        }
    }

    @Test
    void refusesAManifestThatDisagreesWithTheSignature() throws Exception {
        Path model = brightnessModel(true);
        assertThatThrownBy(
                        () -> TensorFlowClassifier.load(model, new ModelInput(3, 3, 1, null), List.of("a", "b"), false))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> TensorFlowClassifier.load(model, INPUT, List.of("a", "b", "c"), false))
                .hasMessageContaining("one score per label");
    }

    @Test
    void refusesRowsOfTheWrongLength() throws Exception {
        try (Classifier model =
                TensorFlowClassifier.load(brightnessModel(true), INPUT, List.of("dark", "bright"), false)) {
            assertThatThrownBy(() -> model.predict(new float[][] {{1, 1, 1}}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2x2x1 = 4");
        }
    }
}
