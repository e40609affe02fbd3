package dev.orchard.serving;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The response of {@code GET /v1/models/{name}[/versions/{v}]}: Orchard's view (versions with
 * metrics, champion, the version this worker serves) plus TensorFlow Serving's {@code
 * model_version_status}, so TF Serving clients can read it unchanged.
 */
public record ModelStatus(
        String name,
        Integer champion,
        Integer serving,
        List<Version> versions,
        @JsonProperty("model_version_status") List<VersionStatus> modelVersionStatus) {

    public record Version(
            int version,
            String kind,
            List<String> labels,
            Double accuracy,
            Double macroF1,
            String trainer,
            Instant createdAt) {}

    /** TF Serving's per-version status; every registered version can be served on request. */
    public record VersionStatus(String version, String state, Status status) {

        static VersionStatus available(int version) {
            return new VersionStatus(Integer.toString(version), "AVAILABLE", new Status("OK", ""));
        }
    }

    public record Status(
            @JsonProperty("error_code") String errorCode,
            @JsonProperty("error_message") String errorMessage) {}
}
