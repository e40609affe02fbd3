package dev.orchard.retrain;

/**
 * A retrain as every door asks for it — {@code POST /jobs}, a Pub/Sub command, a schedule, new
 * data — with the same overrides.
 *
 * @param force retrain even when a version already learned from exactly this data with this recipe
 * @param minAccuracy overrides the spec's and {@code orchard.retrain.min-accuracy} when not {@code null}
 * @param maxRegression overrides the spec's and {@code orchard.retrain.max-regression} when not {@code null}
 * @param promote overrides the spec's and {@code orchard.retrain.promote} when not {@code null}
 * @param by who asked ({@code http:admin}, {@code pubsub}, {@code schedule:<spec>}, …), for the audit log
 * @param recipe the model's retrain spec's recipe; {@code null}: its champion's (from its manifest)
 */
public record RetrainRequest(
        String model,
        boolean force,
        Double minAccuracy,
        Double maxRegression,
        RetrainProperties.Promote promote,
        String by,
        Recipe recipe) {}
