package dev.arbor.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes one framed file: header, fields, section table, sections in declared order, footer with
 * CRC32. Sections are declared up front so the table can carry their final offsets; the writer then
 * insists that each section receives exactly its declared bytes.
 */
public final class FramedFileWriter implements Closeable {

    /** A section to be written: tag, element type and element count. */
    public record Section(int tag, ElementType type, long count) {
    }

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();
    private final List<Section> sections;
    private final long[] offsets;
    private long position;
    private int current = -1;
    private boolean finished;

    public FramedFileWriter(Path path, String codec, int version, byte[] segmentId, long[] fields,
                            List<Section> sections) throws IOException {
        if (codec.isEmpty() || codec.length() > 127 || !StandardCharsets.US_ASCII.newEncoder().canEncode(codec)) {
            throw new IllegalArgumentException("codec name must be 1..127 ASCII characters: " + codec);
        }
        if (segmentId.length != SegmentFormat.SEGMENT_ID_LENGTH) {
            throw new IllegalArgumentException("segment id must have 16 bytes");
        }
        this.path = path;
        this.sections = List.copyOf(sections);
        ElementType[] types = new ElementType[sections.size()];
        long[] counts = new long[sections.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = sections.get(i).type();
            counts[i] = sections.get(i).count();
        }
        this.offsets = SectionLayout.offsets(SectionLayout.tableEnd(codec, fields.length, types.length), types, counts);
        if (offsets == null) {
            throw new IllegalArgumentException(path + ": section sizes overflow");
        }
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeInt(SegmentFormat.HEADER_MAGIC);
        writeByte(codec.length());
        for (byte b : codec.getBytes(StandardCharsets.US_ASCII)) {
            writeByte(b);
        }
        writeInt(version);
        for (byte b : segmentId) {
            writeByte(b);
        }
        writeInt(fields.length);
        for (long f : fields) {
            writeLong(f);
        }
        writeInt(sections.size());
        for (int i = 0; i < types.length; i++) {
            Section s = sections.get(i);
            writeInt(s.tag());
            writeInt(s.type().code);
            writeLong(s.count());
            writeLong(offsets[i]);
        }
    }

    /** Starts section {@code index} (in declaration order), after the previous one is complete. */
    public void beginSection(int index) throws IOException {
        if (index != current + 1) {
            throw new IllegalStateException(path + ": sections must be written in order; expected " + (current + 1));
        }
        checkCurrentComplete();
        while (position < offsets[index]) {
            writeByte(0);
        }
        current = index;
    }

    public void writeByte(int b) throws IOException {
        ensure(1);
        buffer.put((byte) b);
        position++;
    }

    public void writeInt(int v) throws IOException {
        ensure(4);
        buffer.putInt(v);
        position += 4;
    }

    public void writeLong(long v) throws IOException {
        ensure(8);
        buffer.putLong(v);
        position += 8;
    }

    public void writeFloat(float v) throws IOException {
        ensure(4);
        buffer.putFloat(v);
        position += 4;
    }

    public void writeFloats(float[] a, int from, int length) throws IOException {
        for (int i = from; i < from + length; i++) {
            writeFloat(a[i]);
        }
    }

    public void writeInts(int[] a) throws IOException {
        for (int v : a) {
            writeInt(v);
        }
    }

    public void writeLongs(long[] a) throws IOException {
        for (long v : a) {
            writeLong(v);
        }
    }

    public void writeBytes(byte[] a) throws IOException {
        for (byte b : a) {
            writeByte(b);
        }
    }

    /** Writes the footer, flushes and fsyncs the file. */
    public void finish() throws IOException {
        if (current != sections.size() - 1) {
            throw new IllegalStateException(path + ": " + (sections.size() - current - 1) + " sections not written");
        }
        checkCurrentComplete();
        writeInt(SegmentFormat.FOOTER_MAGIC);
        writeInt(SegmentFormat.CHECKSUM_CRC32);
        flushBuffer();
        long checksum = crc.getValue();
        buffer.putLong(checksum);
        position += 8;
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
        channel.force(true);
        finished = true;
        channel.close();
    }

    public boolean finished() {
        return finished;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void checkCurrentComplete() {
        if (current >= 0) {
            Section s = sections.get(current);
            long expectedEnd = offsets[current] + s.count() * s.type().bytes;
            if (position != expectedEnd) {
                throw new IllegalStateException(path + ": section " + s.tag() + " got " + (position - offsets[current])
                        + " bytes, declared " + (s.count() * s.type().bytes));
            }
        }
    }

    private void ensure(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
