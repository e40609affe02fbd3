package dev.orchard.registry;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TestSavedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Real models registered for tests. */
public final class TestModels {

    /** 2 × 2 gray images in, "dark" or "bright" out. */
    public static final ModelInput LAMP_INPUT = new ModelInput(2, 2, 1, ModelInput.Scaling.UNIT);

    private TestModels() {}

    /**
     * Registers a TensorFlow SavedModel named {@code name} that answers "bright" for a bright image
     * (or the opposite when {@code inverted}); returns its version.
     */
    public static int registerLamp(ModelRegistry registry, Path scratch, String name, boolean inverted)
            throws IOException {
        Path dir = Files.createTempDirectory(scratch, "savedmodel");
        float sign = inverted ? -1 : 1;
        float[][] weights = {{-4 * sign, 4 * sign}, {-4 * sign, 4 * sign}, {-4 * sign, 4 * sign}, {-4 * sign, 4 * sign}
        };
        TestSavedModels.linear(dir.resolve("export"), LAMP_INPUT, weights, new float[] {8 * sign, -8 * sign}, true);
        Map<String, byte[]> artifacts = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir.resolve("export"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative =
                        dir.resolve("export").relativize(file).toString().replace('\\', '/');
                artifacts.put("model/" + relative, Files.readAllBytes(file));
            }
        }
        ModelDraft draft = new ModelDraft(
                name,
                ModelManifest.Kind.TENSORFLOW,
                LAMP_INPUT,
                ModelManifest.Output.PROBABILITIES,
                List.of("dark", "bright"),
                null,
                null,
                null,
                null,
                artifacts);
        return registry.register(draft, "test").version();
    }
}
