package dev.orchard.serving;

import java.util.Set;

/**
 * The models this worker must serve before it is ready: those its job specs score with (the
 * dispatcher's job specs provide them, so serving does not depend on the dispatcher).
 */
public interface ServedModels {

    /** Model names whose champion must be loaded. */
    Set<String> models();
}
