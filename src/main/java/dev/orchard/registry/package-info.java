/**
 * The model registry: immutable versions under {@code models/<name>/versions/<n>/} described by a
 * {@link dev.orchard.registry.ModelManifest}, the {@code champion} alias moved only by
 * compare-and-swap, the audit log, and {@link dev.orchard.registry.ChampionModels}, which keeps the
 * loaded champion of each model and swaps it without failing a request.
 */
package dev.orchard.registry;
