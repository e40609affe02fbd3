package dev.orchard.trigger;

/** A message that can never be turned into a request; it goes to the dead-letter topic with this reason. */
public class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String reason) {
        super(reason);
    }
}
