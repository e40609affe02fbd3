package dev.orchard.bench;

import dev.orchard.model.ModelInput;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Registers an exported benchmark SavedModel (10 classes) and makes it champion (in place of any). */
final class BenchModels {

    static final List<String> LABELS =
            IntStream.range(0, 10).mapToObj(i -> "class-" + i).toList();

    private BenchModels() {}

    static int registerChampion(ModelRegistry registry, String name, Path export, ModelInput input) throws IOException {
        Map<String, byte[]> artifacts = new HashMap<>();
        try (Stream<Path> files = Files.walk(export)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                artifacts.put(
                        "model/" + export.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        int version = registry.register(
                        new ModelDraft(
                                name,
                                ModelManifest.Kind.TENSORFLOW,
                                input,
                                ModelManifest.Output.PROBABILITIES,
                                LABELS,
                                null,
                                null,
                                null,
                                null,
                                artifacts),
                        "benchmark")
                .version();
        registry.promote(name, version, registry.champion(name), "benchmark", "benchmark model");
        return version;
    }
}
