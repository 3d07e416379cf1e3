package lab;

import java.util.Random;

/**
 * The seed's cached value (Scenario 1 test 3): a code chunk with a 768-float embedding, as a record
 * that JSON libraries map field by field. {@link #sample} makes a deterministic one; {@link #bitExact}
 * compares every float by its IEEE-754 bits, not by tolerance.
 */
public record CodeChunk(String id, String filePath, int startLine, int endLine, String content, float[] embedding) {

    public static CodeChunk sample(Random rnd, int i) {
        float[] e = new float[Embeddings.DIMS];
        for (int j = 0; j < e.length; j++) e[j] = (float) rnd.nextGaussian() * 0.05f;
        String content = "def handler_" + i + "(request):\n    return render(request, 'x.html', {'n': " + i + "})\n".repeat(8);
        return new CodeChunk("chunk:" + i, "src/app/module_" + (i % 50) + ".py", 10 * i, 10 * i + 8, content, e);
    }

    public boolean bitExact(CodeChunk o) {
        if (!id.equals(o.id) || !filePath.equals(o.filePath) || !content.equals(o.content)
                || startLine != o.startLine || endLine != o.endLine || embedding.length != o.embedding.length) return false;
        for (int i = 0; i < embedding.length; i++) {
            if (Float.floatToRawIntBits(embedding[i]) != Float.floatToRawIntBits(o.embedding[i])) return false;
        }
        return true;
    }
}
