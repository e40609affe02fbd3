package dev.orchard.serving;

import java.time.Instant;
import java.util.List;

/** The response of {@code GET /v1/models/{name}}. */
public record ModelStatus(String name, Integer champion, Integer serving, List<Version> versions) {

    public record Version(
            int version,
            String kind,
            List<String> labels,
            Double accuracy,
            Double macroF1,
            String trainer,
            Instant createdAt) {}
}
