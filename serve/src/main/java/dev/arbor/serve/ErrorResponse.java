package dev.arbor.serve;

/**
 * An error the server answers with instead of a result: the HTTP status, and a message that names the field at fault
 * when the request is.
 */
public final class ErrorResponse extends Exception {
    private final int status;

    public ErrorResponse(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** A 400 whose message names the field. */
    static ErrorResponse field(String field, String problem) {
        return new ErrorResponse(400, "field '" + field + "': " + problem);
    }

    public int status() {
        return status;
    }
}
