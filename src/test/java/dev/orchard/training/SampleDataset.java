package dev.orchard.training;

import dev.orchard.storage.BlobStore;
import dev.orchard.storage.WritePrecondition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The bundled Fashion-MNIST subset, for tests. */
public final class SampleDataset {

    public static final Path ROOT = Path.of("src/main/resources/sample-dataset/fashion-mnist");

    private SampleDataset() {}

    /** Every image of the subset, sorted. */
    public static List<Path> images() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code n} images of {@code label}. */
    public static List<Path> images(String label, int n) {
        return images().stream()
                .filter(p -> p.getParent().getFileName().toString().equals(label))
                .limit(n)
                .toList();
    }

    /** Copies {@code perLabel} images of every label to {@code prefix<label>/}. */
    public static void copyTo(BlobStore store, String bucket, String prefix, int perLabel) {
        try (Stream<Path> labels = Files.list(ROOT)) {
            for (Path label : labels.filter(Files::isDirectory).sorted().toList()) {
                for (Path image : images(label.getFileName().toString(), perLabel)) {
                    store.put(
                            bucket,
                            prefix + label.getFileName() + "/" + image.getFileName(),
                            Files.readAllBytes(image),
                            WritePrecondition.none());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
