/**
 * The HTTP facade: synchronous classification with the champion, model status, and problem+json
 * errors for every bad request.
 */
package dev.orchard.serving;
