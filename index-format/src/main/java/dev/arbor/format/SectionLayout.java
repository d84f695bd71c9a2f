package dev.arbor.format;

import static dev.arbor.format.SegmentFormat.align;

/**
 * The canonical placement of a framed file's parts. Writer and reader compute it the same way, so the
 * reader can insist that every stored offset is exactly the canonical one: any corrupted count or
 * offset then fails the check instead of steering a read elsewhere.
 */
public final class SectionLayout {
    private SectionLayout() {
    }

    /** Bytes of the header: magic, codec name (length byte + ASCII), version, segment id. */
    public static long headerLength(String codec) {
        return 4 + 1 + codec.length() + 4 + SegmentFormat.SEGMENT_ID_LENGTH;
    }

    /** Offset just past the section table. */
    public static long tableEnd(String codec, int fieldCount, int sectionCount) {
        return headerLength(codec) + 4 + 8L * fieldCount + 4 + (long) SegmentFormat.SECTION_ENTRY_LENGTH * sectionCount;
    }

    /**
     * Offsets of each section, plus one more entry: where the footer starts. The first section starts at
     * the aligned end of the table, each next one at the aligned end of the previous; the footer follows
     * the last section with no padding. Returns null when a size overflows.
     */
    public static long[] offsets(long tableEnd, ElementType[] types, long[] counts) {
        long[] out = new long[types.length + 1];
        long end = tableEnd;
        for (int i = 0; i < types.length; i++) {
            long start = align(end);
            if (counts[i] < 0 || counts[i] > (Long.MAX_VALUE / 2 - start) / types[i].bytes) {
                return null;
            }
            out[i] = start;
            end = start + counts[i] * types[i].bytes;
        }
        out[types.length] = end;
        return out;
    }
}
