package dev.orchard.uploads;

import dev.orchard.registry.ModelReference;
import java.util.List;

/** Score specs for tests: every upload under {@code local/uploads/}, results under {@code predictions/}. */
final class TestUploadSpecs {

    private TestUploadSpecs() {}

    /** Scores with {@code model}'s champion, top two labels. */
    static UploadSpec scoringWith(String model) {
        return new UploadSpec(
                "score-uploads",
                UploadSpec.Kind.SCORE,
                new UploadSpec.StorageTrigger("local", "uploads/", List.of()),
                new ModelReference(model, null),
                "predictions/",
                2,
                "test");
    }
}
