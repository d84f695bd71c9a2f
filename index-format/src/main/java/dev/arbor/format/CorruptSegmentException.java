package dev.arbor.format;

import java.io.IOException;

/** A segment file is damaged or inconsistent. The message always starts with the resource (the file). */
public class CorruptSegmentException extends IOException {
    private final String resource;

    public CorruptSegmentException(String resource, String problem) {
        super(resource + ": " + problem);
        this.resource = resource;
    }

    public CorruptSegmentException(String resource, String problem, Throwable cause) {
        super(resource + ": " + problem, cause);
        this.resource = resource;
    }

    public String resource() {
        return resource;
    }
}
