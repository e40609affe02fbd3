package dev.orchard.uploads;

import java.util.Optional;

/** The score specs, by name: what upload scoring needs of the job specs (the dispatcher's). */
public interface UploadSpecs {

    Optional<UploadSpec> named(String name);
}
