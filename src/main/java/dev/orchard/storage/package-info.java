/**
 * The storage port: {@link dev.orchard.storage.BlobStore} with object generations and write
 * preconditions, and its adapters ({@link dev.orchard.storage.LocalBlobStore} for the embedded
 * default, {@link dev.orchard.storage.GcsBlobStore} for Cloud Storage). Everything else in Orchard
 * reads and writes buckets only through this port.
 */
package dev.orchard.storage;
