package dev.orchard.serving;

/** A predict request that does not fit the model; answered 400 with the message. */
class BadPredictException extends RuntimeException {

    BadPredictException(String message) {
        super(message);
    }
}
