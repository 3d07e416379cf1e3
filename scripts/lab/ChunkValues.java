package lab;

import java.util.Locale;
import java.util.Random;

/**
 * Cache values shaped like the seed's cached code chunk (Scenario 1 test 3, Edge Case 4): JSON with an
 * id, a path, line numbers, a few source lines and a 768-float embedding, about 9.5 KB each.
 * Scripts that need many megabytes of realistic values (eviction, persistence) take them from here.
 *
 * <p>Embeddings are rendered once into a small pool and reused, so generating hundreds of megabytes
 * costs string concatenation only; Redis stores every copy separately, so memory use is the same as
 * with all-distinct values. Deterministic for a given seed.
 */
public final class ChunkValues {
    private final String[] embeddings;

    public ChunkValues(long seed) {
        this(seed, 64);
    }

    public ChunkValues(long seed, int distinctEmbeddings) {
        Random rnd = new Random(seed);
        embeddings = new String[distinctEmbeddings];
        for (int e = 0; e < distinctEmbeddings; e++) {
            float[] v = Embeddings.gaussian(rnd, Embeddings.DIMS);
            StringBuilder b = new StringBuilder(v.length * 13).append('[');
            for (int j = 0; j < v.length; j++) {
                if (j > 0) b.append(',');
                b.append(v[j]);
            }
            embeddings[e] = b.append(']').toString();
        }
    }

    /** The JSON value of chunk {@code i} (ASCII, so its length is its size in bytes). */
    public String value(long i) {
        StringBuilder b = new StringBuilder(10_000);
        b.append("{\"id\":\"chunk:").append(i)
                .append("\",\"file_path\":\"src/app/module_").append(i % 97).append(".py\"")
                .append(",\"start_line\":").append(10 * (i % 1000))
                .append(",\"end_line\":").append(10 * (i % 1000) + 8)
                .append(",\"language\":\"python\",\"content\":\"");
        for (int line = 0; line < 6; line++) {
            b.append(String.format(Locale.ROOT, "def handler_%d_%d(request):\\n    return render(request, 'view.html', {'n': %d})\\n", i, line, i + line));
        }
        b.append("\",\"embedding\":").append(embeddings[(int) Math.floorMod(i * 31 + 7, (long) embeddings.length)]).append('}');
        return b.toString();
    }
}
