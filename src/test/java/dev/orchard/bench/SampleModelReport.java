package dev.orchard.bench;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TensorFlowCnnTrainer;
import dev.orchard.training.TribuoCartTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains both trainers on the bundled sample exactly as a retrain does (snapshot, split, train,
 * evaluate, register) and writes {@code target/model-report/}: {@code report.md} (both models'
 * reports, for a pull-request comment) and {@code confusion-<trainer>.png}. The model-report
 * workflow runs it on pull requests that touch training code or job specs.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.SampleModelReport
 * </pre>
 */
public final class SampleModelReport {

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/model-report");
        Path root = Files.createDirectories(out.resolve("store"));
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        ModelRegistry registry =
                new ModelRegistry(store, "local", JsonMapper.builder().build(), Clock.systemUTC(), "report");
        ModelTraining training = new ModelTraining(
                store,
                new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000)),
                registry,
                List.of(new TribuoCartTrainer(), new TensorFlowCnnTrainer()));
        SampleDataset.copyTo(store, "local", "training/", Integer.MAX_VALUE);
        StringBuilder report = new StringBuilder("## Model report (bundled sample data)\n\n");
        report.append("| trainer | accuracy | macro-F1 | holdout | training time |\n|---|---|---|---|---|\n");
        StringBuilder details = new StringBuilder();
        for (String trainer : List.of(TribuoCartTrainer.TYPE, TensorFlowCnnTrainer.TYPE)) {
            String model = "sample-" + trainer;
            long started = System.nanoTime();
            ModelManifest manifest = training.trainAndRegister(
                    new ModelTraining.Request(model, "local", "training/", trainer, Map.of()), "model-report");
            long seconds = (System.nanoTime() - started) / 1_000_000_000;
            report.append("| %s | %.4f | %.4f | %d | %d s |\n"
                    .formatted(
                            trainer,
                            manifest.metrics().accuracy(),
                            manifest.metrics().macroF1(),
                            manifest.metrics().holdoutSize(),
                            seconds));
            Path version = root.resolve("local/models/" + model + "/versions/" + manifest.version());
            details.append("\n<details><summary>").append(trainer).append(": full report</summary>\n\n");
            details.append(Files.readString(version.resolve("report.md"), StandardCharsets.UTF_8));
            details.append("\n</details>\n");
            Files.copy(
                    version.resolve("confusion.png"),
                    out.resolve("confusion-" + trainer + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        report.append(details);
        Files.writeString(out.resolve("report.md"), report);
        System.out.println(report);
    }
}
