/**
 * Leaf plumbing every feature may use and that uses no other package of Orchard: job repository
 * housekeeping (stale execution recovery), periodic tasks, trace ids in the logging MDC, the Cloud
 * Logging line format, and checks of Spring AOT's frozen conditions. The top-level wiring that
 * knows the features (the service description at {@code GET /}, the queue gauges, the image build's
 * AOT training run) lives in {@code dev.orchard} itself.
 */
package dev.orchard.system;
