package dev.orchard.storage;

import java.time.Instant;

/** What a listing or a stat says about an object without reading it. */
public record StoredObject(ObjectRef ref, long size, Instant updated) {}
