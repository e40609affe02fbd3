package dev.orchard.model;

import dev.orchard.training.CheckpointWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Builds real SavedModels for tests: a linear classifier {@code softmax(flatten(x) · W + b)} with a
 * {@code serving_default} signature, exactly what Keras' export gives for a dense model; and a
 * small CNN with random weights (for benchmarks, where the work matters and the answers do not).
 */
public final class TestSavedModels {

    private TestSavedModels() {}

    public static void linear(Path directory, ModelInput input, float[][] weights, float[] bias, boolean softmax)
            throws IOException {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> image = tf.withName("image")
                    .placeholder(
                            TFloat32.class,
                            Placeholder.shape(Shape.of(-1, input.height(), input.width(), input.channels())));
            Operand<TFloat32> flat = tf.reshape(image, tf.constant(new long[] {-1, input.size()}));
            Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(flat, tf.constant(weights)), tf.constant(bias));
            Operand<TFloat32> output = softmax ? tf.withName("probabilities").nn.softmax(logits) : logits;
            export(directory, session, "image", image, output);
        }
    }

    /** A model whose input is a flat feature vector {@code [batch, features]}, not an image. */
    public static void flat(Path directory, int features, int classes) throws IOException {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x =
                    tf.withName("features").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, features)));
            Operand<TFloat32> output = tf.nn.softmax(tf.linalg.matMul(x, tf.constant(new float[features][classes])));
            export(directory, session, "features", x, output);
        }
    }

    /**
     * A CNN shaped like a small image classifier: two 3×3 convolutions (32 and 64 filters, ReLU,
     * 2×2 max pooling each), then a dense layer to {@code classes} and softmax. Weights are random
     * (He-scaled, seeded), so outputs are deterministic but meaningless; they are graph constants,
     * as in a frozen graph.
     */
    public static void cnn(Path directory, ModelInput input, int classes, long seed) throws IOException {
        cnn(directory, input, classes, seed, Weights.CONSTANTS);
    }

    /**
     * Where a model's weights live: {@link #CONSTANTS} in the graph ({@code saved_model.pb}), as a
     * frozen graph has them; {@link #VARIABLES} in the {@code variables/} checkpoint, restored at
     * load, as a Keras export has them. The values are the same for the same seed.
     */
    public enum Weights {
        CONSTANTS,
        VARIABLES
    }

    /** {@link #cnn(Path, ModelInput, int, long)} with its weights where {@code weights} says. */
    public static void cnn(Path directory, ModelInput input, int classes, long seed, Weights weights)
            throws IOException {
        java.util.Random random = new java.util.Random(seed);
        try (Graph graph = new Graph();
                Session session = new Session(graph);
                CheckpointWeights checkpoint = new CheckpointWeights(graph)) {
            Ops tf = Ops.create(graph);
            BiFunction<Shape, float[], Operand<TFloat32>> weight = weights == Weights.VARIABLES
                    ? checkpoint::variable
                    : (shape, values) -> tf.constant(shape, DataBuffers.of(values, true, false));
            Placeholder<TFloat32> image = tf.withName("image")
                    .placeholder(
                            TFloat32.class,
                            Placeholder.shape(Shape.of(-1, input.height(), input.width(), input.channels())));
            Operand<TFloat32> x = convBlock(tf, weight, image, input.channels(), 32, random);
            x = convBlock(tf, weight, x, 32, 64, random);
            long features = (long) (input.height() / 4) * (input.width() / 4) * 64;
            Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, features}));
            Operand<TFloat32> logits = tf.math.add(
                    tf.linalg.matMul(
                            flat,
                            weight.apply(Shape.of(features, classes), randomMatrix(random, (int) features, classes))),
                    weight.apply(Shape.of(classes), new float[classes]));
            Operand<TFloat32> output = tf.withName("probabilities").nn.softmax(logits);
            checkpoint.assign(session);
            export(directory, session, "image", image, output);
        }
    }

    private static Operand<TFloat32> convBlock(
            Ops tf,
            BiFunction<Shape, float[], Operand<TFloat32>> weight,
            Operand<TFloat32> input,
            int in,
            int out,
            java.util.Random random) {
        float[] filter = new float[9 * in * out];
        double scale = Math.sqrt(2.0 / (9 * in));
        for (int i = 0; i < filter.length; i++) {
            filter[i] = (float) (random.nextGaussian() * scale);
        }
        Operand<TFloat32> conv = tf.nn.relu(tf.nn.biasAdd(
                tf.nn.conv2d(
                        input,
                        weight.apply(Shape.of(3, 3, in, out), filter),
                        java.util.List.of(1L, 1L, 1L, 1L),
                        "SAME"),
                weight.apply(Shape.of(out), new float[out])));
        return tf.nn.maxPool(conv, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }

    private static float[] randomMatrix(java.util.Random random, int rows, int columns) {
        float[] matrix = new float[rows * columns];
        double scale = Math.sqrt(1.0 / rows);
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) (random.nextGaussian() * scale);
        }
        return matrix;
    }

    /** Exports {@code session} with a {@code serving_default} signature {@code input → scores}. */
    private static void export(
            Path directory, Session session, String inputName, Operand<TFloat32> input, Operand<TFloat32> output)
            throws IOException {
        Signature signature = Signature.builder()
                .key(TensorFlowClassifier.SIGNATURE)
                .input(inputName, input)
                .output("scores", output)
                .build();
        SavedModelBundle.exporter(directory.toString())
                .withFunction(SessionFunction.create(signature, session))
                .export();
    }
}
