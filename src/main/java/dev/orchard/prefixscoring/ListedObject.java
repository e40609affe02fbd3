package dev.orchard.prefixscoring;

import dev.orchard.storage.ObjectRef;

/** One object of the plan and its position in the listing (which fixes its chunk and shard). */
record ListedObject(int index, ObjectRef ref) {}
