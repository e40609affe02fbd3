/**
 * Scoring: the {@code score-upload} Spring Batch job that reads one uploaded object, decodes it
 * within limits, classifies it with the champion and writes exactly one result (or error result)
 * next to it under the spec's output prefix.
 */
package dev.orchard.scoring;
