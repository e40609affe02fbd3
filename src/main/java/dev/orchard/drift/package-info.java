/**
 * Drift: whether what a model is asked now looks like what it was judged on. Every registered
 * version's predictions are counted ({@link dev.orchard.drift.LiveProfiles}, from uploads, prefix jobs
 * and HTTP alike) into sliding windows by count and by time; each worker publishes its windows to
 * the models bucket and reads the others' ({@link dev.orchard.drift.DriftExchange}), so every
 * replica sees the merged traffic. {@link dev.orchard.drift.DriftReports} compares a champion's
 * windows with its baseline (its holdout, or its first predictions) — population stability index
 * and Jensen–Shannon distance per statistic, with the sample size, and no verdict below the minimum
 * sample — for {@code GET /v1/models/{name}/drift}, the {@code orchard_drift_*} metrics and a
 * retrain spec's {@code trigger.drift}, whose cool-down is claimed in the bucket ({@link
 * dev.orchard.drift.DriftClaims}).
 */
package dev.orchard.drift;
