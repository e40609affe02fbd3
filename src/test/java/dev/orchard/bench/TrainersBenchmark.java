package dev.orchard.bench;

import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ModelManifest;
import dev.orchard.storage.ObjectRef;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.Evaluation;
import dev.orchard.training.LabelledObject;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TensorFlowCnnTrainer;
import dev.orchard.training.TrainedModel;
import dev.orchard.training.Trainer;
import dev.orchard.training.TrainingSet;
import dev.orchard.training.TribuoCartTrainer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.springframework.util.unit.DataSize;

/**
 * Training time and holdout accuracy of both trainers, on the bundled sample (3,000 PNGs, decoded
 * like uploads, Orchard's hash split) and on full Fashion-MNIST (60,000 train / 10,000 test from
 * Debian's {@code dataset-fashion-mnist}, when installed).
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.TrainersBenchmark \
 *     [-Dbenchmark.full=false] [-Dbenchmark.trainLimit=60000] [-Dbenchmark.cnnEpochs=8]
 * </pre>
 */
public final class TrainersBenchmark {

    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> FASHION_LABELS = List.of(
            "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");

    record Data(String name, TrainingSet train, TrainingSet test) {}

    public static void main(String[] args) throws Exception {
        int epochs = Integer.getInteger("benchmark.cnnEpochs", 8);
        List<Trainer> trainers = List.of(new TribuoCartTrainer(), new TensorFlowCnnTrainer());
        Map<String, Map<String, Object>> params =
                Map.of(TribuoCartTrainer.TYPE, Map.of(), TensorFlowCnnTrainer.TYPE, Map.of("epochs", epochs));
        List<Data> datasets = new ArrayList<>();
        datasets.add(sample());
        boolean full = Boolean.parseBoolean(System.getProperty("benchmark.full", "true"));
        if (full && Files.isDirectory(FASHION_MNIST)) {
            datasets.add(fullFashionMnist(Integer.getInteger("benchmark.trainLimit", 60_000)));
        } else {
            System.out.println("full Fashion-MNIST: skipped ("
                    + (full
                            ? FASHION_MNIST + " not found; apt-get install dataset-fashion-mnist"
                            : "benchmark.full=false")
                    + ")");
        }
        System.out.printf(
                "%-22s %-15s %7s %6s %10s %9s %9s%n",
                "dataset", "trainer", "train", "test", "train s", "accuracy", "macro-F1");
        for (Data data : datasets) {
            for (Trainer trainer : trainers) {
                long started = System.nanoTime();
                TrainedModel model = trainer.train(data.train(), params.get(trainer.type()));
                double seconds = (System.nanoTime() - started) / 1e9;
                try (Classifier classifier = model.classifier()) {
                    ModelManifest.Metrics metrics = evaluate(classifier, data.test());
                    System.out.printf(
                            "%-22s %-15s %7d %6d %10.1f %9.4f %9.4f%n",
                            data.name(),
                            trainer.type(),
                            data.train().size(),
                            data.test().size(),
                            seconds,
                            metrics.accuracy(),
                            metrics.macroF1());
                }
            }
        }
        System.out.printf(
                "cores %d, max heap %d MB, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
    }

    /** The bundled PNGs, decoded as uploads are, split by Orchard's name hash. */
    static Data sample() throws IOException {
        ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000));
        ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
        List<Path> images = SampleDataset.images();
        List<String> labels = images.stream()
                .map(p -> p.getParent().getFileName().toString())
                .distinct()
                .sorted()
                .toList();
        Split split = new Split(labels, input);
        for (Path image : images) {
            String label = image.getParent().getFileName().toString();
            String name = "training/" + label + "/" + image.getFileName();
            boolean holdout = DatasetSnapshot.isHoldout(new LabelledObject(new ObjectRef("b", name, 1), label));
            split.add(holdout, decoder.decode(Files.readAllBytes(image), input), labels.indexOf(label));
        }
        return split.data("sample (bundled PNGs)");
    }

    /** Fashion-MNIST's own train/test split from the IDX files. */
    static Data fullFashionMnist(int trainLimit) throws IOException {
        ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
        Split split = new Split(FASHION_LABELS, input);
        read(split, false, "train", trainLimit);
        read(split, true, "t10k", Integer.MAX_VALUE);
        return split.data("fashion-mnist (full)");
    }

    private static void read(Split split, boolean holdout, String prefix, int limit) throws IOException {
        try (DataInputStream images = idx(prefix + "-images-idx3-ubyte.gz", 2051);
                DataInputStream labels = idx(prefix + "-labels-idx1-ubyte.gz", 2049)) {
            int count = images.readInt();
            if (labels.readInt() != count) {
                throw new IOException(prefix + ": image and label counts differ");
            }
            int rows = images.readInt();
            int columns = images.readInt();
            byte[] pixels = new byte[rows * columns];
            for (int i = 0; i < Math.min(count, limit); i++) {
                images.readFully(pixels);
                float[] x = new float[pixels.length];
                for (int p = 0; p < pixels.length; p++) {
                    x[p] = (pixels[p] & 0xFF) / 255f;
                }
                split.add(holdout, x, labels.readUnsignedByte());
            }
        }
    }

    private static DataInputStream idx(String file, int magic) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(FASHION_MNIST.resolve(file)), 1 << 16);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        if (data.readInt() != magic) {
            data.close();
            throw new IOException(file + " is not an IDX file with magic " + magic);
        }
        return data;
    }

    static ModelManifest.Metrics evaluate(Classifier classifier, TrainingSet test) {
        int[] predicted = new int[test.size()];
        for (int start = 0; start < test.size(); start += 256) {
            int end = Math.min(start + 256, test.size());
            List<Prediction> predictions =
                    classifier.classify(test.features().subList(start, end).toArray(new float[0][]), 1);
            for (int i = 0; i < predictions.size(); i++) {
                predicted[start + i] = test.labels().indexOf(predictions.get(i).label());
            }
        }
        return Evaluation.of(test.labels(), test.targets(), predicted);
    }

    private static final class Split {
        final List<String> labels;
        final ModelInput input;
        final List<float[]> trainX = new ArrayList<>();
        final List<Integer> trainY = new ArrayList<>();
        final List<float[]> testX = new ArrayList<>();
        final List<Integer> testY = new ArrayList<>();

        Split(List<String> labels, ModelInput input) {
            this.labels = labels;
            this.input = input;
        }

        void add(boolean holdout, float[] x, int y) {
            (holdout ? testX : trainX).add(x);
            (holdout ? testY : trainY).add(y);
        }

        Data data(String name) {
            return new Data(
                    name,
                    new TrainingSet(
                            labels,
                            input,
                            trainX,
                            trainY.stream().mapToInt(Integer::intValue).toArray()),
                    new TrainingSet(
                            labels,
                            input,
                            testX,
                            testY.stream().mapToInt(Integer::intValue).toArray()));
        }
    }
}
