package dev.arbor.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Read side of a framed file over a mapped {@link MemorySegment}. {@link #open} does the cheap checks:
 * header, version, segment id, field and section tables in canonical layout, footer magic and length.
 * {@link #checkIntegrity()} reads every byte and verifies the CRC32. Every error names the resource.
 */
public final class FramedFile {
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One entry of the section table. */
    public record Section(int tag, ElementType type, long count, long offset) {
        public long byteLength() {
            return count * type.bytes;
        }
    }

    private final String resource;
    private final MemorySegment data;
    private final String codec;
    private final int version;
    private final byte[] segmentId;
    private final long[] fields;
    private final Section[] sections;

    private FramedFile(String resource, MemorySegment data, String codec, int version, byte[] segmentId, long[] fields,
                       Section[] sections) {
        this.resource = resource;
        this.data = data;
        this.codec = codec;
        this.version = version;
        this.segmentId = segmentId;
        this.fields = fields;
        this.sections = sections;
    }

    /**
     * Parses and validates the frame of {@code data}.
     *
     * @param expectedSegmentId the id every file of the segment must carry, or null to accept any
     */
    public static FramedFile open(MemorySegment data, String resource, String codec, int minVersion, int maxVersion,
                                  byte[] expectedSegmentId) throws CorruptSegmentException {
        long length = data.byteSize();
        long minimum = SectionLayout.tableEnd(codec, 0, 0) + SegmentFormat.FOOTER_LENGTH;
        if (length < minimum) {
            throw new CorruptSegmentException(resource, "file is " + length + " bytes, shorter than the smallest valid "
                    + codec + " file (" + minimum + " bytes): truncated?");
        }
        int magic = data.get(INT, 0);
        if (magic != SegmentFormat.HEADER_MAGIC) {
            throw new CorruptSegmentException(resource, String.format("header magic is 0x%08x, expected 0x%08x: not an Arbor file",
                    magic, SegmentFormat.HEADER_MAGIC));
        }
        int nameLength = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, 4));
        // A damaged length byte may claim more name than a short file holds: quote only what is there.
        byte[] name = new byte[(int) Math.min(Math.min(nameLength, 127), length - 5)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 5, name, 0, name.length);
        String found = new String(name, StandardCharsets.US_ASCII);
        if (nameLength != codec.length() || !found.equals(codec)) {
            throw new CorruptSegmentException(resource, "codec is \"" + found + "\", expected \"" + codec + "\"");
        }
        long pos = 5 + nameLength;
        int version = data.get(INT, pos);
        if (version < minVersion || version > maxVersion) {
            throw new SegmentVersionException(resource, codec, version, minVersion, maxVersion);
        }
        pos += 4;
        byte[] id = new byte[SegmentFormat.SEGMENT_ID_LENGTH];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, id, 0, id.length);
        if (expectedSegmentId != null && !Arrays.equals(id, expectedSegmentId)) {
            throw new CorruptSegmentException(resource, "segment id " + HexFormat.of().formatHex(id)
                    + " does not match the segment's id " + HexFormat.of().formatHex(expectedSegmentId)
                    + ": the file belongs to another segment");
        }
        pos += id.length;
        int fieldCount = data.get(INT, pos);
        if (fieldCount < 0 || fieldCount > SegmentFormat.MAX_FIELDS
                || SectionLayout.tableEnd(codec, fieldCount, 0) + SegmentFormat.FOOTER_LENGTH > length) {
            throw new CorruptSegmentException(resource, "field count " + fieldCount + " is invalid for a file of " + length + " bytes");
        }
        pos += 4;
        long[] fields = new long[fieldCount];
        for (int i = 0; i < fieldCount; i++, pos += 8) {
            fields[i] = data.get(LONG, pos);
        }
        int sectionCount = data.get(INT, pos);
        if (sectionCount < 0 || sectionCount > SegmentFormat.MAX_SECTIONS
                || SectionLayout.tableEnd(codec, fieldCount, sectionCount) + SegmentFormat.FOOTER_LENGTH > length) {
            throw new CorruptSegmentException(resource, "section count " + sectionCount + " is invalid for a file of " + length + " bytes");
        }
        pos += 4;
        Section[] sections = new Section[sectionCount];
        ElementType[] types = new ElementType[sectionCount];
        long[] counts = new long[sectionCount];
        long[] storedOffsets = new long[sectionCount];
        for (int i = 0; i < sectionCount; i++, pos += SegmentFormat.SECTION_ENTRY_LENGTH) {
            int tag = data.get(INT, pos);
            int typeCode = data.get(INT, pos + 4);
            types[i] = ElementType.ofCode(typeCode);
            if (types[i] == null) {
                throw new CorruptSegmentException(resource, "section " + tag + " has unknown element type " + typeCode);
            }
            for (int j = 0; j < i; j++) {
                if (sections[j].tag() == tag) {
                    throw new CorruptSegmentException(resource, "section " + tag + " appears twice");
                }
            }
            counts[i] = data.get(LONG, pos + 8);
            storedOffsets[i] = data.get(LONG, pos + 16);
            sections[i] = new Section(tag, types[i], counts[i], storedOffsets[i]);
        }
        long[] expected = SectionLayout.offsets(pos, types, counts);
        if (expected == null) {
            throw new CorruptSegmentException(resource, "section sizes overflow");
        }
        for (int i = 0; i < sectionCount; i++) {
            if (storedOffsets[i] != expected[i]) {
                throw new CorruptSegmentException(resource, "section " + sections[i].tag() + " starts at offset " + storedOffsets[i]
                        + ", expected " + expected[i] + " from the sizes before it");
            }
        }
        long footerStart = expected[sectionCount];
        if (footerStart + SegmentFormat.FOOTER_LENGTH != length) {
            throw new CorruptSegmentException(resource, "file is " + length + " bytes but its sections end at " + footerStart
                    + " (expected length " + (footerStart + SegmentFormat.FOOTER_LENGTH) + "): truncated or padded");
        }
        int footerMagic = data.get(INT, footerStart);
        if (footerMagic != SegmentFormat.FOOTER_MAGIC) {
            throw new CorruptSegmentException(resource, String.format("footer magic is 0x%08x, expected 0x%08x", footerMagic,
                    SegmentFormat.FOOTER_MAGIC));
        }
        int algorithm = data.get(INT, footerStart + 4);
        if (algorithm != SegmentFormat.CHECKSUM_CRC32) {
            throw new CorruptSegmentException(resource, "unknown checksum algorithm " + algorithm);
        }
        long checksum = data.get(LONG, footerStart + 8);
        if ((checksum & 0xFFFFFFFF00000000L) != 0) {
            throw new CorruptSegmentException(resource, String.format("stored checksum 0x%016x is not a CRC32", checksum));
        }
        return new FramedFile(resource, data, codec, version, id, fields, sections);
    }

    /** Reads every byte and compares the CRC32 with the footer. */
    public void checkIntegrity() throws CorruptSegmentException {
        long crcEnd = data.byteSize() - 8;
        CRC32 crc = new CRC32();
        long chunk = 1 << 26;
        for (long off = 0; off < crcEnd; off += chunk) {
            crc.update(data.asSlice(off, Math.min(chunk, crcEnd - off)).asByteBuffer());
        }
        long stored = data.get(LONG, crcEnd);
        if (crc.getValue() != stored) {
            throw new CorruptSegmentException(resource, String.format("checksum failed: footer says 0x%08x, content has 0x%08x",
                    stored, crc.getValue()));
        }
    }

    /** The stored CRC32 from the footer (not verified). */
    public long storedChecksum() {
        return data.get(LONG, data.byteSize() - 8);
    }

    public String resource() {
        return resource;
    }

    public int version() {
        return version;
    }

    public byte[] segmentId() {
        return segmentId.clone();
    }

    public int fieldCount() {
        return fields.length;
    }

    /** Field {@code index}; {@code name} only serves the error message. */
    public long field(int index, String name) throws CorruptSegmentException {
        if (index >= fields.length) {
            throw new CorruptSegmentException(resource, "field " + name + " (#" + index + ") is missing; the file has "
                    + fields.length + " fields");
        }
        return fields[index];
    }

    /** Field {@code index} checked to lie in {@code [min, max]}. */
    public int intField(int index, String name, long min, long max) throws CorruptSegmentException {
        long v = field(index, name);
        if (v < min || v > max) {
            throw new CorruptSegmentException(resource, "field " + name + " is " + v + ", outside [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    /** The bytes of a variable-length section {@code tag}, after checking its type. */
    public MemorySegment section(int tag, String name, ElementType type) throws CorruptSegmentException {
        Section s = find(tag);
        if (s == null) {
            throw new CorruptSegmentException(resource, "section " + name + " (tag " + tag + ") is missing");
        }
        if (s.type() != type) {
            throw new CorruptSegmentException(resource, "section " + name + " has type " + s.type() + ", expected " + type);
        }
        return data.asSlice(s.offset(), s.byteLength());
    }

    /** The bytes of section {@code tag}, after checking its type and element count. */
    public MemorySegment section(int tag, String name, ElementType type, long expectedCount) throws CorruptSegmentException {
        MemorySegment bytes = section(tag, name, type);
        Section s = find(tag);
        if (s.count() != expectedCount) {
            throw new CorruptSegmentException(resource, "section " + name + " has " + s.count() + " elements, expected "
                    + expectedCount);
        }
        return bytes;
    }

    /** Whether the file has a section {@code tag}: how a reader finds an optional section (FORMAT.md, "Versions and additions"). */
    public boolean hasSection(int tag) {
        return find(tag) != null;
    }

    public Section[] sections() {
        return sections.clone();
    }

    private Section find(int tag) {
        for (Section s : sections) {
            if (s.tag() == tag) {
                return s;
            }
        }
        return null;
    }
}
