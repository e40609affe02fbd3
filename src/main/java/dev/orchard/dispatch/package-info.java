/**
 * Dispatch: loads and validates the job specs in {@code jobs/*.yaml}, and routes each {@link
 * dev.orchard.dispatch.JobRequest} to the feature that does it (uploads to their score spec's
 * windows, prefix jobs, retrains, promote and rollback). Specs of {@code kind: score-prefix} and
 * {@code kind: retrain} also start work by themselves ({@code PrefixSchedules}, {@code
 * RetrainTriggers}).
 */
package dev.orchard.dispatch;
