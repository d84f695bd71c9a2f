package dev.arbor.format;

/** A file was written by a format version this reader does not support (too old or too new). */
public class SegmentVersionException extends CorruptSegmentException {
    public SegmentVersionException(String resource, String codec, int found, int minSupported, int maxSupported) {
        super(resource, "codec " + codec + " version " + found + " is not supported (this reader supports versions "
                + minSupported + " to " + maxSupported + ")");
    }
}
