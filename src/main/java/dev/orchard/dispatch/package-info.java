/**
 * Dispatch: loads and validates the job specs in {@code jobs/*.yaml}, matches each {@link
 * dev.orchard.dispatch.JobRequest} to a spec, derives the identifying job parameters, and launches
 * the Spring Batch job, turning duplicates into no-ops. Specs of {@code kind: score-prefix} and
 * {@code kind: retrain} also start work by themselves ({@code PrefixSchedules}, {@code
 * RetrainTriggers}).
 */
package dev.orchard.dispatch;
