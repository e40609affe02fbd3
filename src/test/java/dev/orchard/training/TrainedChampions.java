package dev.orchard.training;

import dev.orchard.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test setup shared by the retrain tests: real sample images in label folders, a trained champion. */
public final class TrainedChampions {

    public static final List<String> LABELS = List.of("bag", "sneaker", "trouser");

    private TrainedChampions() {}

    /** Copies sample images {@code from .. from+count-1} of each of {@link #LABELS} to {@code dataset/<label>/}. */
    public static void addImages(Path dataset, int from, int count) throws IOException {
        for (String label : LABELS) {
            Path dir = Files.createDirectories(dataset.resolve(label));
            List<Path> images = SampleDataset.images(label, from + count);
            for (int i = from; i < from + count; i++) {
                Files.copy(images.get(i), dir.resolve("img-" + i + ".png"));
            }
        }
    }

    /**
     * Puts {@code images} images per label into {@code dataset} (under the local bucket root {@code
     * bucketRoot}), trains {@code model} v1 with tribuo-cart on them and makes it champion.
     */
    public static int championTrainedOn(
            ModelTraining training,
            ModelRegistry registry,
            Path bucketRoot,
            Path dataset,
            String model,
            int images,
            int maxDepth)
            throws IOException {
        addImages(dataset, 0, images);
        String prefix = bucketRoot.relativize(dataset) + "/";
        int v1 = training.trainAndRegister(
                        new ModelTraining.Request(
                                model,
                                bucketRoot.getFileName().toString(),
                                prefix,
                                "tribuo-cart",
                                Map.of("maxDepth", maxDepth)),
                        "test")
                .version();
        registry.promote(model, v1, Optional.empty(), "test", "first");
        return v1;
    }
}
