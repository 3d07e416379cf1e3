package lab;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Embedding vectors as the lab caches them: realistic values and the compact float32 layout.
 *
 * <p>Values are Gaussian * 0.05, the spread of a normalised 768-d sentence embedding: their low
 * mantissa bits are noise, so they compress poorly (unlike text or zero-padded vectors).
 */
public final class Embeddings {
    private Embeddings() {}

    /** The seed's embedding size (Edge Case 4: 768 floats x 4 bytes = 3 KB per chunk). */
    public static final int DIMS = 768;

    public static float[] gaussian(Random rnd, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) v[i] = (float) rnd.nextGaussian() * 0.05f;
        return v;
    }

    /** float32 little-endian, 4 bytes per value, no header. */
    public static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % 4 != 0) throw new IllegalArgumentException("float32 data of " + bytes.length + " bytes");
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** Values whose IEEE-754 bits differ (a length difference counts every missing value). */
    public static long mismatches(float[] expected, float[] actual) {
        if (actual == null) return expected.length;
        long n = Math.abs(expected.length - actual.length);
        for (int i = 0, m = Math.min(expected.length, actual.length); i < m; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) n++;
        }
        return n;
    }
}
