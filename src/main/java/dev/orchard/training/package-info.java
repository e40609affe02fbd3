/**
 * Training: dataset snapshots with fingerprints and a deterministic holdout split, {@link
 * dev.orchard.training.Trainer} implementations, holdout evaluation and reports, and the first-start
 * bootstrap that trains the bundled sample model.
 */
package dev.orchard.training;
