/**
 * Cross-cutting wiring: job repository housekeeping (stale execution recovery), health and the
 * service description at {@code GET /}.
 */
package dev.orchard.system;
