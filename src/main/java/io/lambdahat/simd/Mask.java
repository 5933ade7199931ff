package io.lambdahat.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Which coordinates an SGLD step moves (weight-refined λ̂): coordinate i moves when element i of the segment is
 * non-zero (NaN counts as non-zero). One mask of P elements serves every chain.
 *
 * @param segment the elements, native byte order
 * @param kind    their type
 */
public record Mask(MemorySegment segment, Kind kind) {
    /** Element type of a mask. */
    public enum Kind {
        /** one byte per coordinate (a bool or uint8 tensor) */
        BYTE(1),
        /** one float32 per coordinate */
        FLOAT32(4);

        final int bytes;

        Kind(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Checks that both components are present.
     *
     * @throws NullPointerException if {@code segment} or {@code kind} is null
     */
    public Mask {
        if (segment == null || kind == null) throw new NullPointerException("mask segment and kind are required");
    }

    /**
     * A mask of one byte per coordinate (a bool or uint8 tensor's memory).
     *
     * @param segment P bytes; non-zero moves
     * @return the mask
     */
    public static Mask ofBytes(MemorySegment segment) {
        return new Mask(segment, Kind.BYTE);
    }

    /**
     * A mask of one float32 per coordinate.
     *
     * @param segment P floats, native byte order; non-zero (or NaN) moves
     * @return the mask
     */
    public static Mask ofFloats(MemorySegment segment) {
        return new Mask(segment, Kind.FLOAT32);
    }

    /**
     * A mask copied from a Java array.
     *
     * @param moves one entry per coordinate, true where it moves
     * @return the mask, over a new heap segment
     */
    public static Mask of(boolean[] moves) {
        MemorySegment s = MemorySegment.ofArray(new byte[moves.length]);
        for (int i = 0; i < moves.length; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (moves[i] ? 1 : 0));
        return ofBytes(s);
    }

    /**
     * Elements the segment holds.
     *
     * @return the number of coordinates covered
     */
    public long length() {
        return segment.byteSize() / kind.bytes;
    }

    boolean moves(long i) {
        return kind == Kind.BYTE
                ? segment.get(ValueLayout.JAVA_BYTE, i) != 0
                : segment.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i) != 0f;
    }
}
