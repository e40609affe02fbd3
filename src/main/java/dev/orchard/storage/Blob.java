package dev.orchard.storage;

/** An object's content together with the generation it was read at. */
public record Blob(ObjectRef ref, byte[] content) {}
