package dev.orchard.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A TensorFlow SavedModel called through its {@code serving_default} signature. The input's name,
 * shape and dtype are read from the signature: a float32 input of shape {@code [-1, h, w, c]} (or
 * flat {@code [-1, h*w*c]}) and one float32 output of shape {@code [-1, classes]}.
 *
 * <p><b>WARNING:</b> holds a native session; {@link #close()} it exactly once, after every in-flight
 * {@link #predict} returned. Every tensor and result is closed inside {@link #predict}.
 */
public final class TensorFlowClassifier implements Classifier {

    public static final String SIGNATURE = "serving_default";

    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final ServingSignature signature;
    private final ModelInput input;
    private final List<String> labels;
    private final boolean logits;

    private TensorFlowClassifier(
            SavedModelBundle bundle,
            ServingSignature signature,
            ModelInput input,
            List<String> labels,
            boolean logits) {
        this.bundle = bundle;
        this.function = bundle.function(SIGNATURE);
        this.signature = signature;
        this.input = input;
        this.labels = List.copyOf(labels);
        this.logits = logits;
    }

    /**
     * Loads {@code directory} and checks it against what the manifest declares.
     *
     * @param logits whether the output is unnormalised logits (softmax is applied) or probabilities
     * @throws IllegalArgumentException if the signature is unusable or disagrees with {@code input}
     *     or {@code labels}
     */
    public static TensorFlowClassifier load(Path directory, ModelInput input, List<String> labels, boolean logits) {
        TensorFlowRuntime.load();
        SavedModelBundle bundle = SavedModelBundle.load(directory.toString(), SavedModelBundle.DEFAULT_TAG);
        try {
            ServingSignature signature = ServingSignature.of(bundle);
            signature.requireCompatible(input, labels.size());
            return new TensorFlowClassifier(bundle, signature, input, labels, logits);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    @Override
    public ModelInput input() {
        return input;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public float[][] predict(float[][] batch) {
        Classifier.requireShape(batch, input);
        int n = batch.length;
        Shape shape = signature.flat()
                ? Shape.of(n, input.size())
                : Shape.of(n, input.height(), input.width(), input.channels());
        try (TFloat32 tensor = TFloat32.tensorOf(shape);
                Result result = function.call(Map.<String, Tensor>of(signature.inputName(), filled(tensor, batch)))) {
            TFloat32 output = (TFloat32) result.get(signature.outputName())
                    .orElseThrow(() -> new IllegalStateException("model returned no " + signature.outputName()));
            float[][] probabilities = new float[n][labels.size()];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < labels.size(); j++) {
                    probabilities[i][j] = output.getFloat(i, j);
                }
                if (logits) {
                    softmax(probabilities[i]);
                }
            }
            return probabilities;
        }
    }

    /**
     * Copies each image straight into the tensor's native memory: no batch-sized array on the heap
     * (at 224×224×3 a 32-image batch is 19 MB, a humongous allocation per call) and one copy instead
     * of two.
     */
    private TFloat32 filled(TFloat32 tensor, float[][] batch) {
        FloatDataBuffer data = tensor.asRawTensor().data().asFloats();
        for (int i = 0; i < batch.length; i++) {
            data.offset((long) i * input.size()).write(batch[i]);
        }
        return tensor;
    }

    static void softmax(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.exp(values[i] - max);
            sum += values[i];
        }
        for (int i = 0; i < values.length; i++) {
            values[i] /= (float) sum;
        }
    }

    @Override
    public void close() {
        bundle.close();
    }

    /** The parts of a {@code serving_default} signature Orchard relies on. */
    public record ServingSignature(String inputName, Shape inputShape, String outputName, Shape outputShape) {

        /** Reads and validates the signature of a loaded bundle. */
        public static ServingSignature of(SavedModelBundle bundle) {
            Signature signature = bundle.signatures().stream()
                    .filter(s -> s.key().equals(SIGNATURE))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("SavedModel has no '" + SIGNATURE
                            + "' signature; it has "
                            + bundle.signatures().stream().map(Signature::key).toList()));
            if (signature.getInputs().size() != 1 || signature.getOutputs().size() != 1) {
                throw new IllegalArgumentException(
                        "'" + SIGNATURE + "' must have exactly one input and one output; it has "
                                + signature.inputNames() + " -> " + signature.outputNames());
            }
            var in = signature.getInputs().entrySet().iterator().next();
            var out = signature.getOutputs().entrySet().iterator().next();
            if (in.getValue().dataType != DataType.DT_FLOAT || out.getValue().dataType != DataType.DT_FLOAT) {
                throw new IllegalArgumentException("'" + SIGNATURE + "' must take and return float32; it takes "
                        + in.getValue().dataType + " and returns " + out.getValue().dataType);
            }
            Shape inShape = in.getValue().shape;
            if (inShape.numDimensions() != 4 && inShape.numDimensions() != 2) {
                throw new IllegalArgumentException("input '" + in.getKey()
                        + "' must be [batch, height, width, channels]" + " or [batch, features]; it is " + inShape);
            }
            return new ServingSignature(in.getKey(), inShape, out.getKey(), out.getValue().shape);
        }

        boolean flat() {
            return inputShape.numDimensions() == 2;
        }

        /** The model input this signature implies, when its dimensions are known. */
        public ModelInput impliedInput(ModelInput.Scaling scaling) {
            if (flat() || inputShape.isUnknown() || inputShape.hasUnknownDimension() && unknownPastBatch()) {
                throw new IllegalArgumentException("input '" + inputName + "' has shape " + inputShape
                        + "; Orchard needs a fixed [batch, height, width, channels] input");
            }
            return new ModelInput((int) inputShape.get(1), (int) inputShape.get(2), (int) inputShape.get(3), scaling);
        }

        private boolean unknownPastBatch() {
            for (int i = 1; i < inputShape.numDimensions(); i++) {
                if (inputShape.get(i) < 0) {
                    return true;
                }
            }
            return false;
        }

        void requireCompatible(ModelInput input, int labelCount) {
            boolean matches = flat()
                    ? inputShape.get(1) == input.size()
                    : inputShape.get(1) == input.height()
                            && inputShape.get(2) == input.width()
                            && inputShape.get(3) == input.channels();
            if (!matches) {
                throw new IllegalArgumentException("signature input " + inputShape + " does not match the manifest's "
                        + input.height() + "x" + input.width() + "x" + input.channels());
            }
            long classes = outputShape.numDimensions() == 2 ? outputShape.get(1) : -1;
            if (classes != labelCount) {
                throw new IllegalArgumentException("signature output " + outputShape
                        + " does not give one score per label (" + labelCount + " labels)");
            }
        }
    }
}
