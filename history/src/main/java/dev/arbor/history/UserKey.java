package dev.arbor.history;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A user id encoded as UTF-8 into a per-thread buffer, so that looking a user up allocates nothing. The buffer
 * is reused by the thread's next {@link #of} call: use the key before encoding another.
 */
final class UserKey {
    /** The longest user id, in UTF-8 bytes. */
    static final int MAX_BYTES = 256;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<UserKey> LOCAL = ThreadLocal.withInitial(UserKey::new);

    private final byte[] bytes = new byte[MAX_BYTES];
    /** {@link #bytes} as a segment, made once, for bulk compares and copies against the mapping. */
    final MemorySegment segment = MemorySegment.ofArray(bytes);
    int length;

    private UserKey() {
    }

    /**
     * Encodes {@code userId} into this thread's key.
     *
     * @throws IllegalArgumentException if the id is empty, longer than {@link #MAX_BYTES} UTF-8 bytes, or holds an
     *                                  unpaired surrogate (it has no UTF-8 form, and a replacement character would make
     *                                  two ids one user)
     */
    static UserKey of(String userId) {
        UserKey key = LOCAL.get();
        byte[] b = key.bytes;
        int n = 0;
        for (int i = 0; i < userId.length(); i++) {
            char c = userId.charAt(i);
            if (c < 0x80) {
                if (n + 1 > MAX_BYTES) {
                    throw tooLong(userId);
                }
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                if (n + 2 > MAX_BYTES) {
                    throw tooLong(userId);
                }
                b[n++] = (byte) (0xC0 | c >> 6);
                b[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == userId.length() || !Character.isLowSurrogate(userId.charAt(i + 1))) {
                    throw new IllegalArgumentException("user_id has an unpaired surrogate at char " + i
                            + ": it must be valid Unicode");
                }
                if (n + 4 > MAX_BYTES) {
                    throw tooLong(userId);
                }
                int cp = Character.toCodePoint(c, userId.charAt(++i));
                b[n++] = (byte) (0xF0 | cp >> 18);
                b[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[n++] = (byte) (0x80 | cp & 0x3F);
            } else {
                if (n + 3 > MAX_BYTES) {
                    throw tooLong(userId);
                }
                b[n++] = (byte) (0xE0 | c >> 12);
                b[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("user_id is empty: it must be 1 to " + MAX_BYTES + " UTF-8 bytes");
        }
        key.length = n;
        return key;
    }

    private static IllegalArgumentException tooLong(String userId) {
        return new IllegalArgumentException("user_id is " + userId.getBytes(StandardCharsets.UTF_8).length
                + " UTF-8 bytes, over the limit of " + MAX_BYTES);
    }

    long hash(long seed) {
        return hash(segment, 0, length, seed);
    }

    /**
     * A seeded 64-bit hash of {@code length} bytes at {@code offset}. The seed is random per store file, so ids
     * crafted to collide in one store's probe sequence do not collide in another's.
     */
    static long hash(MemorySegment s, long offset, int length, long seed) {
        long h = seed ^ length * 0x9E3779B97F4A7C15L;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = Long.rotateLeft((h ^ s.get(LONG, offset + i)) * 0xBF58476D1CE4E5B9L, 31);
        }
        if (i < length) {
            long tail = 0;
            for (int j = length - 1; j >= i; j--) {
                tail = tail << 8 | Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, offset + j));
            }
            h = Long.rotateLeft((h ^ tail) * 0xBF58476D1CE4E5B9L, 31);
        }
        // SplitMix64's finaliser: every input bit reaches the low bits, which pick the slot.
        h = (h ^ h >>> 30) * 0xBF58476D1CE4E5B9L;
        h = (h ^ h >>> 27) * 0x94D049BB133111EBL;
        return h ^ h >>> 31;
    }
}
