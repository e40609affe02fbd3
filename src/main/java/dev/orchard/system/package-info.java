/**
 * Cross-cutting wiring: job repository housekeeping (stale execution recovery), the service
 * description at {@code GET /}, observability (queue gauges, trace ids in the logging MDC, the Cloud
 * Logging line format) and the native warm-up run at image build time.
 */
package dev.orchard.system;
