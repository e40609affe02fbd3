/**
 * Retraining a model as the {@code retrain} Spring Batch job: on the current data of its dataset,
 * with the recipe (dataset, trainer, parameters) of its retrain spec or else its champion's —
 * snapshot → train → evaluate → gate (candidate against champion on the same holdout) → register
 * (with the decision and a structured provenance) → promote (when it passed and promotion is
 * automatic). Each step stages its result in the bucket, so a run killed mid-way is restarted from
 * its first unfinished step. Model, data fingerprint and recipe digest identify a run: the job
 * repository refuses a second identical one on any worker that shares it.
 */
package dev.orchard.retrain;
