package dev.orchard.training;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TensorFlowClassifier;
import dev.orchard.model.TensorFlowRuntime;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code tensorflow-cnn}: a small convolutional network trained in TensorFlow Java.
 *
 * <p>Network: {@code conv3×3(filters) → ReLU → maxpool 2×2 → conv3×3(2·filters) → ReLU → maxpool
 * 2×2 → dense(classes)}; weights start He-scaled from {@code seed}. Loss: mean softmax cross-entropy
 * of the logits against one-hot labels ({@code oneHot} + {@code softmaxCrossEntropyWithLogits}: the
 * sparse op has no gradient in TF Java). Optimiser: tensorflow-framework's Adam, minibatches in a
 * seeded shuffle.
 *
 * <p>Export: a SavedModel whose {@code serving_default} signature maps {@code image [-1, h, w, c]} to
 * {@code scores [-1, classes]} (softmax probabilities). The trained weights are variables of a fresh
 * serving graph, their values in the export's checkpoint as in a Keras export (a graph holding them
 * as constants makes a worker's first run of the model slow, see {@link CheckpointWeights}), so the
 * export holds neither the optimiser's slots nor the training ops; the live classifier returned is
 * that export loaded by the serving runtime, so evaluation measures exactly what will be served.
 *
 * <p>Parameters: {@code imageSize} (default 28), {@code channels} (1 = luminance, 3 = RGB; default
 * 1), {@code filters} (default 16), {@code epochs} (default 8), {@code batchSize} (default 32),
 * {@code learningRate} (default 0.002), {@code seed} (default 12345).
 */
public final class TensorFlowCnnTrainer implements Trainer {

    public static final String TYPE = "tensorflow-cnn";
    private static final Logger log = LoggerFactory.getLogger(TensorFlowCnnTrainer.class);
    private static final Set<String> PARAMS =
            Set.of("imageSize", "channels", "filters", "epochs", "batchSize", "learningRate", "seed");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ModelInput input(Map<String, Object> params) {
        return Settings.of(params).input();
    }

    @Override
    public TrainedModel train(TrainingSet data, Map<String, Object> params, TrainingProgress progress) {
        TensorFlowRuntime.load();
        Settings settings = Settings.of(params);
        if (!data.input().equals(settings.input())) {
            throw new IllegalArgumentException(
                    TYPE + ": training data decoded as " + data.input() + ", parameters ask for " + settings.input());
        }
        Architecture net = new Architecture(settings, data.labels().size());
        long started = System.nanoTime();
        Fitted fitted = fit(net, settings, data, progress);
        Path export = null;
        try {
            export = Files.createTempDirectory("orchard-cnn-");
            exportServing(net, fitted.weights(), export);
            Map<String, byte[]> artifacts = artifacts(export);
            TensorFlowClassifier classifier = TensorFlowClassifier.load(export, settings.input(), data.labels(), false);
            Map<String, Object> details = details(settings, net, data, fitted, System.nanoTime() - started);
            return new TrainedModel(
                    ModelManifest.Kind.TENSORFLOW,
                    ModelManifest.Output.PROBABILITIES,
                    classifier,
                    artifacts,
                    Map.of("java", Runtime.version().toString(), "tensorflow", TensorFlow.version()),
                    details);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the trained SavedModel", e);
        } finally {
            if (export != null) {
                ModelLoader.deleteRecursively(export);
            }
        }
    }

    /** The same seed, the same weights and batches: training is reproducible by design, not secret. */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "PREDICTABLE_RANDOM",
            justification = "initial weights and batch order must be reproducible from the seed")
    static Random seeded(long seed) {
        return new Random(seed);
    }

    /** Typed parameters. */
    record Settings(
            int imageSize, int channels, int filters, int epochs, int batchSize, float learningRate, long seed) {

        static Settings of(Map<String, Object> params) {
            TrainerParams p = new TrainerParams(TYPE, params, PARAMS);
            int channels = p.integer("channels", 1, 1, 3);
            if (channels == 2) {
                throw new IllegalArgumentException(TYPE + ": parameter 'channels' must be 1 or 3");
            }
            return new Settings(
                    p.integer("imageSize", 28, 8, 256),
                    channels,
                    p.integer("filters", 16, 1, 256),
                    p.integer("epochs", 8, 1, 1000),
                    p.integer("batchSize", 32, 1, 4096),
                    (float) p.decimal("learningRate", 0.002, 1e-6, 1),
                    p.longValue("seed", 12345L));
        }

        ModelInput input() {
            return new ModelInput(imageSize, imageSize, channels, ModelInput.Scaling.UNIT);
        }
    }

    /** Shapes of the six weight tensors. */
    record Architecture(Settings settings, int classes) {

        Shape conv1() {
            return Shape.of(3, 3, settings.channels(), settings.filters());
        }

        Shape conv2() {
            return Shape.of(3, 3, settings.filters(), 2L * settings.filters());
        }

        long flat() {
            long side = settings.imageSize() / 2 / 2;
            return side * side * 2 * settings.filters();
        }

        Shape dense() {
            return Shape.of(flat(), classes);
        }

        List<Shape> shapes() {
            return List.of(
                    conv1(),
                    Shape.of(settings.filters()),
                    conv2(),
                    Shape.of(2L * settings.filters()),
                    dense(),
                    Shape.of(classes));
        }

        /** The logits of {@code image} under {@code w} (conv1, bias1, conv2, bias2, dense, bias). */
        Operand<TFloat32> logits(Ops tf, Operand<TFloat32> image, List<? extends Operand<TFloat32>> w) {
            Operand<TFloat32> x = block(tf, image, w.get(0), w.get(1));
            x = block(tf, x, w.get(2), w.get(3));
            Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, flat()}));
            return tf.math.add(tf.linalg.matMul(flat, w.get(4)), w.get(5));
        }

        private static Operand<TFloat32> block(
                Ops tf, Operand<TFloat32> x, Operand<TFloat32> filter, Operand<TFloat32> bias) {
            Operand<TFloat32> conv =
                    tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, filter, List.of(1L, 1L, 1L, 1L), "SAME"), bias));
            return tf.nn.maxPool(
                    conv, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
        }

        /** He-scaled normal weights, zero biases. */
        List<float[]> initial(long seed) {
            Random random = seeded(seed);
            List<float[]> weights = new ArrayList<>();
            for (Shape shape : shapes()) {
                float[] values = new float[(int) shape.size()];
                if (shape.numDimensions() > 1) {
                    long fanIn = shape.size() / shape.get(shape.numDimensions() - 1);
                    double scale = Math.sqrt(2.0 / fanIn);
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (random.nextGaussian() * scale);
                    }
                }
                weights.add(values);
            }
            return weights;
        }
    }

    private record Fitted(List<float[]> weights, List<Double> epochLoss) {}

    private static Fitted fit(Architecture net, Settings settings, TrainingSet data, TrainingProgress progress) {
        ModelInput input = settings.input();
        List<float[]> initial = net.initial(settings.seed());
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = tf.placeholder(
                    TFloat32.class, Placeholder.shape(Shape.of(-1, input.height(), input.width(), input.channels())));
            Placeholder<TInt32> targets = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            List<Variable<TFloat32>> variables = new ArrayList<>();
            for (int i = 0; i < initial.size(); i++) {
                variables.add(
                        tf.variable(tf.constant(net.shapes().get(i), DataBuffers.of(initial.get(i), true, false))));
            }
            Operand<TFloat32> logits = net.logits(tf, images, variables);
            Operand<TFloat32> oneHot = tf.oneHot(targets, tf.constant(net.classes()), tf.constant(1f), tf.constant(0f));
            Operand<TFloat32> loss = tf.math.mean(
                    tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
            Op step = new Adam(graph, settings.learningRate()).minimize(loss);
            session.initialize();

            int n = data.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Random shuffle = seeded(settings.seed() + 1);
            int rowSize = input.size();
            List<Double> epochLoss = new ArrayList<>();
            for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                for (int i = n - 1; i > 0; i--) {
                    int j = shuffle.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
                double lossSum = 0;
                for (int start = 0; start < n; start += settings.batchSize()) {
                    int size = Math.min(settings.batchSize(), n - start);
                    float[] x = new float[size * rowSize];
                    int[] y = new int[size];
                    for (int b = 0; b < size; b++) {
                        System.arraycopy(data.features().get(order[start + b]), 0, x, b * rowSize, rowSize);
                        y[b] = data.targets()[order[start + b]];
                    }
                    try (TFloat32 xt = TFloat32.tensorOf(
                                    Shape.of(size, input.height(), input.width(), input.channels()),
                                    DataBuffers.of(x, true, false));
                            TInt32 yt = TInt32.vectorOf(y);
                            Result result = session.runner()
                                    .feed(images, xt)
                                    .feed(targets, yt)
                                    .addTarget(step)
                                    .fetch(loss)
                                    .run()) {
                        lossSum += ((TFloat32) result.get(0)).getFloat() * size;
                    }
                }
                double mean = lossSum / n;
                epochLoss.add(Math.round(mean * 10_000) / 10_000.0);
                log.info("{}: epoch {}/{} mean loss {}", TYPE, epoch, settings.epochs(), String.format("%.4f", mean));
                if (!Double.isFinite(mean)) {
                    throw new IllegalStateException(
                            TYPE + ": training diverged (loss " + mean + "); lower learningRate");
                }
                progress.epoch(epoch, settings.epochs(), mean);
            }
            List<float[]> trained = new ArrayList<>();
            for (Variable<TFloat32> variable : variables) {
                try (Result result = session.runner().fetch(variable).run()) {
                    TFloat32 value = (TFloat32) result.get(0);
                    float[] values = new float[(int) value.size()];
                    value.copyTo(DataBuffers.of(values, false, false));
                    trained.add(values);
                }
            }
            return new Fitted(trained, epochLoss);
        }
    }

    /**
     * Writes the serving graph — trained weights as variables restored from the export's checkpoint
     * ({@link CheckpointWeights}), softmax output — as a SavedModel.
     */
    private static void exportServing(Architecture net, List<float[]> weights, Path directory) {
        ModelInput input = net.settings().input();
        try (Graph graph = new Graph();
                Session session = new Session(graph);
                CheckpointWeights checkpoint = new CheckpointWeights(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> image = tf.withName("image")
                    .placeholder(
                            TFloat32.class,
                            Placeholder.shape(Shape.of(-1, input.height(), input.width(), input.channels())));
            List<Operand<TFloat32>> variables = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                variables.add(checkpoint.variable(net.shapes().get(i), weights.get(i)));
            }
            Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(net.logits(tf, image, variables));
            checkpoint.assign(session);
            Signature signature = Signature.builder()
                    .key(TensorFlowClassifier.SIGNATURE)
                    .input("image", image)
                    .output("scores", probabilities)
                    .build();
            SavedModelBundle.exporter(directory.toString())
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the trained SavedModel", e);
        }
    }

    /** Every file of the export, as {@code model/<relative path>}. */
    private static Map<String, byte[]> artifacts(Path export) throws IOException {
        Map<String, byte[]> artifacts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(export)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative = export.relativize(file).toString().replace('\\', '/');
                artifacts.put(ModelLoader.SAVED_MODEL_DIR + "/" + relative, Files.readAllBytes(file));
            }
        }
        return artifacts;
    }

    private static Map<String, Object> details(
            Settings settings, Architecture net, TrainingSet data, Fitted fitted, long nanos) {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("trainer", TYPE);
        provenance.put(
                "network",
                "conv3x3(" + settings.filters() + ")-relu-maxpool2, conv3x3(" + 2 * settings.filters()
                        + ")-relu-maxpool2, dense(" + net.classes() + "), softmax");
        provenance.put("loss", "mean softmax cross-entropy (one-hot labels)");
        provenance.put("optimizer", "Adam");
        provenance.put("learningRate", settings.learningRate());
        provenance.put("epochs", settings.epochs());
        provenance.put("batchSize", settings.batchSize());
        provenance.put("seed", settings.seed());
        provenance.put("trainExamples", data.size());
        provenance.put("epochLoss", fitted.epochLoss());
        provenance.put("trainingMillis", nanos / 1_000_000);
        return provenance;
    }
}
