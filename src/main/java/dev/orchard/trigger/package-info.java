/**
 * Inbound adapters that turn the outside world into {@link dev.orchard.trigger.JobRequest} values:
 * the local directory watcher (the embedded default's "upload"). Parse at the edge: nothing
 * downstream sees a file event or a message.
 */
package dev.orchard.trigger;
