package dev.orchard.dispatch;

/** A job spec that cannot be used; the message names the file and the field. */
public class InvalidJobSpecException extends RuntimeException {

    private final String file;
    private final String field;

    public InvalidJobSpecException(String file, String field, String problem) {
        super(file + ": " + (field == null ? "" : field + ": ") + problem);
        this.file = file;
        this.field = field;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }
}
