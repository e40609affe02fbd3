package dev.orchard.training;

import dev.orchard.storage.ObjectRef;

/** One training image and its label. */
public record LabelledObject(ObjectRef ref, String label) {}
