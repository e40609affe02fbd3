package dev.orchard.registry;

import dev.orchard.model.Classifier;
import dev.orchard.model.MeteredClassifier;
import dev.orchard.model.PredictionObserver;
import dev.orchard.model.PredictionObservers;
import dev.orchard.model.ProfilingClassifier;
import dev.orchard.model.TensorFlowClassifier;
import dev.orchard.model.TribuoClassifier;
import dev.orchard.storage.ObjectNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads a registered version: downloads every artifact into a private work directory, refuses the
 * model if any artifact's sha256 differs from the manifest (a SavedModel is a program: nothing is
 * loaded that the registry did not record), builds the {@link Classifier}, and deletes the copy.
 */
public final class ModelLoader {

    /** Where a Tribuo model lives inside a version. */
    public static final String TRIBUO_ARTIFACT = "model/model.pb";

    /** Where a SavedModel directory lives inside a version. */
    public static final String SAVED_MODEL_DIR = "model";

    private final ModelRegistry registry;
    private final Path workDirectory;

    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final PredictionObservers observers;
    private final io.micrometer.tracing.Tracer tracer;

    public ModelLoader(ModelRegistry registry, Path workDirectory) {
        this(registry, workDirectory, null, PredictionObservers.NONE);
    }

    /**
     * With {@code meters}, every loaded model's inference calls are recorded ({@link
     * MeteredClassifier}); registered versions' predictions are counted by {@code observers}
     * ({@link ProfilingClassifier}: the live side of drift).
     */
    public ModelLoader(
            ModelRegistry registry,
            Path workDirectory,
            io.micrometer.core.instrument.MeterRegistry meters,
            PredictionObservers observers) {
        this(registry, workDirectory, meters, observers, io.micrometer.tracing.Tracer.NOOP);
    }

    /** With {@code tracer}, inference calls within a span in scope are spans too ({@link MeteredClassifier}). */
    public ModelLoader(
            ModelRegistry registry,
            Path workDirectory,
            io.micrometer.core.instrument.MeterRegistry meters,
            PredictionObservers observers,
            io.micrometer.tracing.Tracer tracer) {
        this.tracer = tracer;
        this.registry = registry;
        this.workDirectory = workDirectory;
        this.meters = meters;
        this.observers = observers;
    }

    /**
     * Loads and verifies {@code manifest}'s model, its predictions counted as traffic of that
     * version. The caller owns (and must close) the result.
     */
    public LoadedModel load(ModelManifest manifest) {
        return load(
                manifest,
                name -> registry.artifact(manifest, name),
                observers.observer(manifest.name(), manifest.version(), manifest.input(), manifest.labels()));
    }

    /**
     * Loads and verifies a model whose artifacts are not (yet) a registered version's: a retrain's
     * candidate, read by {@code artifacts} (path in the manifest → content). The caller owns (and must
     * close) the result.
     */
    public LoadedModel load(ModelManifest manifest, java.util.function.Function<String, byte[]> artifacts) {
        return load(manifest, artifacts, PredictionObserver.NONE);
    }

    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "PATH_TRAVERSAL_IN",
            justification =
                    "the work directory is configuration; the name prefix is a validated model name (ModelNames) and artifact paths pass ObjectNames.requireValid")
    private LoadedModel load(
            ModelManifest manifest,
            java.util.function.Function<String, byte[]> artifacts,
            PredictionObserver observer) {
        Path dir = null;
        try {
            Files.createDirectories(workDirectory);
            dir = Files.createTempDirectory(workDirectory, manifest.name() + "-v" + manifest.version() + "-");
            for (Map.Entry<String, String> artifact : manifest.artifacts().entrySet()) {
                byte[] content = artifacts.apply(artifact.getKey());
                String actual = Sha256.hex(content);
                if (!actual.equals(artifact.getValue())) {
                    throw new ArtifactIntegrityException("model " + manifest.name() + " v" + manifest.version() + ": "
                            + artifact.getKey() + " has sha256 " + actual + " but the manifest records "
                            + artifact.getValue() + "; refusing to load it");
                }
                writeUnder(dir, artifact.getKey(), content);
            }
            Classifier classifier = classifier(manifest, dir);
            if (meters != null) {
                classifier = new MeteredClassifier(classifier, manifest.name(), manifest.version(), meters, tracer);
            }
            if (observer != PredictionObserver.NONE) {
                classifier = new ProfilingClassifier(classifier, observer);
            }
            return new LoadedModel(manifest, classifier);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + manifest.name() + " v" + manifest.version(), e);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Classifier classifier(ModelManifest manifest, Path dir) throws IOException {
        return switch (manifest.kind()) {
            case TRIBUO -> TribuoClassifier.load(dir.resolve(TRIBUO_ARTIFACT), manifest.input(), manifest.labels());
            case TENSORFLOW ->
                TensorFlowClassifier.load(
                        dir.resolve(SAVED_MODEL_DIR),
                        manifest.input(),
                        manifest.labels(),
                        manifest.output() == ModelManifest.Output.LOGITS);
        };
    }

    /** Writes {@code content} at {@code path} (a checked object name: no "..", not absolute) under {@code dir}. */
    public static void writeUnder(Path dir, String path, byte[] content) throws IOException {
        Path target = dir.resolve(ObjectNames.requireValid(path));
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(target, content);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort, as below
        }
    }

    /** Removes a scratch directory and everything in it, best effort. */
    public static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(ModelLoader::deleteQuietly);
        } catch (IOException ignored) {
            // best effort: a leftover copy is re-verified before any later use
        }
    }
}
