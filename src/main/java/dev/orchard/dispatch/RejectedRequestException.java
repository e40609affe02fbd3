package dev.orchard.dispatch;

/**
 * A request that will never succeed as sent (unknown model or version, a job this worker does not
 * run). Triggers do not retry it: a message goes to the dead-letter topic with this reason.
 */
public class RejectedRequestException extends RuntimeException {

    public RejectedRequestException(String reason) {
        super(reason);
    }
}
