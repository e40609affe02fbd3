/**
 * Inbound adapters that turn the outside world into {@link dev.orchard.dispatch.JobRequest} values:
 * the local directory watcher (the embedded default's "upload"), Pub/Sub notifications and
 * commands (and their dead letters). Parse at the edge: nothing downstream sees a file event or a
 * message.
 */
package dev.orchard.trigger;
