/**
 * Retraining a model on the current data of its dataset, with the recipe (dataset, trainer,
 * parameters) of its retrain spec or else of its champion: train, compare candidate and champion on the same holdout
 * (the gate), register the candidate with the decision in its manifest, and promote it when it
 * passed and promotion is automatic. A retrain of data a version already learned from with the
 * same recipe, or one already running for the same data anywhere, does not start again.
 */
package dev.orchard.retrain;
