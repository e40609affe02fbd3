package dev.orchard.registry;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TensorFlowClassifier;
import dev.orchard.model.TensorFlowRuntime;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.GcsUri;
import dev.orchard.storage.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;

/**
 * Bring your own model: a SavedModel exported by Keras or TF Serving tooling (a {@code gs://}
 * prefix or a directory on the worker) plus its labels becomes a new version. The {@code
 * serving_default} signature is read for the input size, the model is loaded once with Orchard's
 * runtime before anything is registered, and every artifact is recorded with its sha256 like a
 * trained model's. A SavedModel is a program: only admins may call this, its graph is checked
 * ({@link SavedModelOps}) before TensorFlow loads it, and a directory on the worker is read only
 * under the configured import root, without following symbolic links.
 */
public final class ModelImport {

    private static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;

    private final BlobStore store;
    private final ModelRegistry registry;
    private final Path workDirectory;
    private final Path importRoot;
    private final List<String> allowedOps;

    /**
     * @param importRoot the directory local imports must lie under; {@code null} refuses them
     * @param allowedOps ops {@link SavedModelOps} refuses by default that this deployment allows
     */
    public ModelImport(
            BlobStore store, ModelRegistry registry, Path workDirectory, Path importRoot, List<String> allowedOps) {
        this.store = store;
        this.registry = registry;
        this.workDirectory = workDirectory;
        this.importRoot = importRoot;
        this.allowedOps = List.copyOf(allowedOps);
    }

    /**
     * What to import.
     *
     * @param source {@code gs://bucket/prefix/} or an absolute directory holding {@code
     *     saved_model.pb} (and {@code variables/}, {@code assets/})
     * @param labels the class names in output order; {@code null} to read {@code labels.txt} (one per
     *     line) from the source
     */
    public record Request(
            String model,
            String source,
            List<String> labels,
            ModelInput.Scaling scaling,
            ModelManifest.Output output,
            String by) {}

    /**
     * @throws IllegalArgumentException naming what is wrong: no SavedModel there, no labels, an
     *     unusable signature, or labels that do not match the output
     */
    public ModelManifest importSavedModel(Request request) {
        ModelNames.requireValid(request.model());
        Map<String, byte[]> files = read(request.source());
        if (!files.containsKey("saved_model.pb")) {
            throw new IllegalArgumentException("no saved_model.pb at " + request.source()
                    + " (export with tf.saved_model.save or model.export); found " + files.size() + " other file(s)");
        }
        SavedModelOps.check(files.get("saved_model.pb"), allowedOps);
        List<String> labels = request.labels();
        if (labels == null || labels.isEmpty()) {
            byte[] text = files.get("labels.txt");
            if (text == null) {
                throw new IllegalArgumentException(
                        "no labels: send \"labels\" or put labels.txt (one class per line) beside saved_model.pb");
            }
            labels = new String(text, StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
        }
        if (labels.size() < 2 || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("labels must be at least two distinct names, got " + labels);
        }
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        files.forEach((name, content) -> {
            if (!name.equals("labels.txt")) {
                artifacts.put(ModelLoader.SAVED_MODEL_DIR + "/" + name, content);
            }
        });
        ModelInput.Scaling scaling = request.scaling() == null ? ModelInput.Scaling.UNIT : request.scaling();
        ModelManifest.Output output = request.output() == null ? ModelManifest.Output.PROBABILITIES : request.output();
        ModelInput input = verify(files, labels, scaling, output);
        return registry.register(
                new ModelDraft(
                        request.model(),
                        ModelManifest.Kind.TENSORFLOW,
                        input,
                        output,
                        List.copyOf(labels),
                        null,
                        null,
                        null,
                        new ModelManifest.Provenance(
                                "import",
                                null,
                                request.by(),
                                null,
                                null,
                                Map.of(
                                        "java",
                                        Runtime.version().toString(),
                                        "tensorflow",
                                        org.tensorflow.TensorFlow.version()),
                                Map.of("source", request.source())),
                        artifacts),
                request.by());
    }

    /** Loads the SavedModel with the runtime serving will use; returns the input its signature implies. */
    private ModelInput verify(
            Map<String, byte[]> files, List<String> labels, ModelInput.Scaling scaling, ModelManifest.Output output) {
        Path dir = null;
        try {
            Files.createDirectories(workDirectory);
            dir = Files.createTempDirectory(workDirectory, "import-");
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                ModelLoader.writeUnder(dir, file.getKey(), file.getValue());
            }
            ModelInput input;
            TensorFlowRuntime.load();
            try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG)) {
                input = TensorFlowClassifier.ServingSignature.of(bundle).impliedInput(scaling);
            } catch (org.tensorflow.exceptions.TensorFlowException e) {
                throw new IllegalArgumentException("TensorFlow cannot load this SavedModel: " + e.getMessage());
            }
            try (TensorFlowClassifier classifier =
                    TensorFlowClassifier.load(dir, input, labels, output == ModelManifest.Output.LOGITS)) {
                classifier.classify(new float[][] {new float[input.size()]}, 1); // it runs
            }
            return input;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the SavedModel for verification", e);
        } finally {
            ModelLoader.deleteRecursively(dir);
        }
    }

    private Map<String, byte[]> read(String source) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        if (source != null && source.startsWith("gs://")) {
            GcsUri location;
            try {
                location = GcsUri.parse(source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "source must be gs://bucket/prefix/ or a directory: " + e.getMessage());
            }
            if (!location.path().isEmpty() && !location.path().endsWith("/")) {
                throw new IllegalArgumentException("source must be gs://bucket/prefix/ (ending in '/'), got " + source);
            }
            String bucket = location.bucket();
            String prefix = location.path();
            for (StoredObject object : store.list(bucket, prefix)) {
                String name = object.ref().name().substring(prefix.length());
                if (name.isEmpty() || name.endsWith("/")) {
                    continue;
                }
                total += object.size();
                requireSize(total);
                files.put(
                        name,
                        store.get(bucket, object.ref().name()).orElseThrow().content());
            }
            return files;
        }
        Path dir = localSource(source);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.sorted().toList()) {
                String name = dir.relativize(file).toString().replace('\\', '/');
                if (Files.isSymbolicLink(file)) {
                    throw new IllegalArgumentException("the export holds a symbolic link (" + name
                            + "); links are not followed, copy the file in");
                }
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                total += Files.size(file);
                requireSize(total);
                files.put(name, Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the export at " + source + ": " + e.getClass().getSimpleName());
        }
        return files;
    }

    /** The real directory {@code source} names, if it lies under the import root. */
    private Path localSource(String source) {
        if (source == null || !Path.of(source).isAbsolute()) {
            throw new IllegalArgumentException(
                    "source must be gs://bucket/prefix/ or an absolute directory on the worker, got " + source);
        }
        if (importRoot == null) {
            throw new IllegalArgumentException("importing from a directory on the worker is off; import from a"
                    + " gs:// prefix, or set orchard.registry.import-root to the directory that holds exports");
        }
        Path dir;
        try {
            Path real = Path.of(source).toRealPath();
            dir = real.startsWith(importRoot.toRealPath()) && Files.isDirectory(real) ? real : null;
        } catch (IOException missing) {
            dir = null;
        }
        if (dir == null) {
            throw new IllegalArgumentException(
                    "source must be a directory under the import root " + importRoot + ", got " + source);
        }
        return dir;
    }

    private static void requireSize(long total) {
        if (total > MAX_BYTES) {
            throw new IllegalArgumentException("the model is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
        }
    }
}
