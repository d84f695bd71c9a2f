package dev.arbor.format;

/** Element types of a section. The code is the value stored in the section table. */
public enum ElementType {
    U8(1, 1), I32(2, 4), I64(3, 8), F32(4, 4),
    /** Reserved for bf16 node embeddings; no reader accepts it yet. */
    BF16(5, 2),
    /** Reserved for int8 quantised node embeddings; no reader accepts it yet. */
    I8(6, 1);

    public final int code;
    public final int bytes;

    ElementType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type for {@code code}, or null when the code is unknown. */
    public static ElementType ofCode(long code) {
        for (ElementType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
