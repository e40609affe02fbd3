/**
 * Training: dataset snapshots (label folders or {@code manifest.jsonl}) with fingerprints and a
 * deterministic holdout split, {@link dev.orchard.training.Trainer} implementations (Tribuo CART,
 * TensorFlow CNN), holdout evaluation and reports, and the first-start
 * bootstrap that trains the bundled sample model.
 */
package dev.orchard.training;
