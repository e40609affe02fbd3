package dev.orchard.dispatch;

import dev.orchard.uploads.UploadSpec;

/**
 * One validated spec of {@code jobs/*.yaml}, of one of its three kinds: {@code score} (uploads, the
 * upload-scoring feature's {@link UploadSpec}), {@code score-prefix} ({@link PrefixJobSpec}) or
 * {@code retrain} ({@link RetrainSpec}).
 */
public sealed interface JobSpec permits JobSpec.ScoreUploads, PrefixJobSpec, RetrainSpec {

    /** The spec's name, unique across all files. */
    String name();

    /** The file it came from, for messages. */
    String file();

    /** {@code kind: score}: score every upload under a prefix as it arrives. */
    record ScoreUploads(UploadSpec spec) implements JobSpec {

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public String file() {
            return spec.file();
        }
    }
}
