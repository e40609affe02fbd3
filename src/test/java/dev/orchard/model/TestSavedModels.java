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
 * {@code serving_default} signature, exactly what Keras' export gives for a dense model.
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
            Signature signature = Signature.builder()
                    .key(TensorFlowClassifier.SIGNATURE)
                    .input("image", image)
                    .output("scores", output)
                    .build();
            SavedModelBundle.exporter(directory.toString())
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
        }
    }
}
