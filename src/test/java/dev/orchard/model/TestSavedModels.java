package dev.orchard.model;

import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
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
     * (He-scaled, seeded), so outputs are deterministic but meaningless.
     */
    public static void cnn(Path directory, ModelInput input, int classes, long seed) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> image = tf.withName("image")
                    .placeholder(
                            TFloat32.class,
                            Placeholder.shape(Shape.of(-1, input.height(), input.width(), input.channels())));
            Operand<TFloat32> x = convBlock(tf, image, input.channels(), 32, random);
            x = convBlock(tf, x, 32, 64, random);
            long features = (long) (input.height() / 4) * (input.width() / 4) * 64;
            Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, features}));
            Operand<TFloat32> logits = tf.math.add(
                    tf.linalg.matMul(flat, tf.constant(randomMatrix(random, (int) features, classes))),
                    tf.constant(new float[classes]));
            Operand<TFloat32> output = tf.withName("probabilities").nn.softmax(logits);
            export(directory, session, "image", image, output);
        }
    }

    private static Operand<TFloat32> convBlock(
            Ops tf, Operand<TFloat32> input, int in, int out, java.util.Random random) {
        float[][][][] filter = new float[3][3][in][out];
        double scale = Math.sqrt(2.0 / (9 * in));
        for (float[][][] a : filter) {
            for (float[][] b : a) {
                for (float[] c : b) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] = (float) (random.nextGaussian() * scale);
                    }
                }
            }
        }
        Operand<TFloat32> conv = tf.nn.relu(tf.nn.biasAdd(
                tf.nn.conv2d(input, tf.constant(filter), java.util.List.of(1L, 1L, 1L, 1L), "SAME"),
                tf.constant(new float[out])));
        return tf.nn.maxPool(conv, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }

    private static float[][] randomMatrix(java.util.Random random, int rows, int columns) {
        float[][] matrix = new float[rows][columns];
        double scale = Math.sqrt(1.0 / rows);
        for (float[] row : matrix) {
            for (int j = 0; j < columns; j++) {
                row[j] = (float) (random.nextGaussian() * scale);
            }
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
