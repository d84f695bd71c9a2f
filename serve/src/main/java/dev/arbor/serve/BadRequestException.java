package dev.arbor.serve;

/** A request the server refuses, with the HTTP status and a message that names the field at fault. */
public final class BadRequestException extends Exception {
    private final int status;

    public BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** A 400 whose message names the field. */
    static BadRequestException field(String field, String problem) {
        return new BadRequestException(400, "field '" + field + "': " + problem);
    }

    public int status() {
        return status;
    }
}
