/**
 * Upload scoring, whole: the score spec ({@link dev.orchard.uploads.UploadSpec}), the windows that
 * gather uploads ({@link dev.orchard.uploads.UploadWindowing}), the ledger that makes every upload
 * generation scored exactly once across workers and restarts ({@link
 * dev.orchard.uploads.UploadLedger}, its heartbeat and the worker's identity), the {@code
 * score-uploads} Spring Batch job, the scorer and the result writer. The dispatcher hands it uploads
 * that match a spec; triggers never reach it directly.
 */
package dev.orchard.uploads;
