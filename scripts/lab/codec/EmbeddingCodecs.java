//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//DEPS at.yawk.lz4:lz4-java:1.10.1
package lab.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import lab.LabException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Ways of storing a cache entry of embeddings as bytes (JSON, float32 binary, each optionally zlib or
 * LZ4 compressed). Its own package because it loads Jackson and LZ4, which no other script needs.
 */
public final class EmbeddingCodecs {
    private EmbeddingCodecs() {}

    /** One chunk of a cache entry: its id and its embedding. */
    public record Chunk(String id, float[] embedding) {}

    /** Bytes in, bytes out: one way of storing an entry. */
    public interface Codec {
        byte[] encode(List<Chunk> entry);
        List<Chunk> decode(byte[] bytes);
    }

    /** An encoding by name: json or binary, optionally +zlib (at {@code zlibLevel}) or +lz4, e.g. "binary+lz4". */
    public static Codec named(String name, int zlibLevel) {
        String[] parts = name.split("\\+");
        Codec base = switch (parts[0]) {
            case "json" -> json();
            case "binary" -> binary();
            default -> throw new LabException("unknown encoding '" + name + "' (json, binary, optionally +zlib or +lz4)");
        };
        if (parts.length == 1) return base;
        if (parts.length > 2) throw new LabException("unknown encoding '" + name + "' (json, binary, optionally +zlib or +lz4)");
        return switch (parts[1]) {
            case "zlib" -> zlib(base, zlibLevel);
            case "lz4" -> lz4(base);
            default -> throw new LabException("unknown compression in '" + name + "' (zlib, lz4)");
        };
    }

    public static Codec json() {
        ObjectMapper mapper = new ObjectMapper();
        return new Codec() {
            public byte[] encode(List<Chunk> entry) {
                try {
                    return mapper.writeValueAsBytes(entry);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            public List<Chunk> decode(byte[] bytes) {
                try {
                    return Arrays.asList(mapper.readValue(bytes, Chunk[].class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** [int count] then per chunk [short id length][id UTF-8][int dims][dims x float32], little-endian. */
    public static Codec binary() {
        return new Codec() {
            public byte[] encode(List<Chunk> entry) {
                int size = 4;
                List<byte[]> ids = new ArrayList<>(entry.size());
                for (Chunk c : entry) {
                    byte[] id = c.id().getBytes(StandardCharsets.UTF_8);
                    ids.add(id);
                    size += 2 + id.length + 4 + 4 * c.embedding().length;
                }
                ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(entry.size());
                for (int i = 0; i < entry.size(); i++) {
                    float[] v = entry.get(i).embedding();
                    b.putShort((short) ids.get(i).length).put(ids.get(i)).putInt(v.length);
                    b.asFloatBuffer().put(v);
                    b.position(b.position() + 4 * v.length);
                }
                return b.array();
            }

            public List<Chunk> decode(byte[] bytes) {
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                int count = b.getInt();
                List<Chunk> l = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    byte[] id = new byte[b.getShort()];
                    b.get(id);
                    float[] v = new float[b.getInt()];
                    b.asFloatBuffer().get(v);
                    b.position(b.position() + 4 * v.length);
                    l.add(new Chunk(new String(id, StandardCharsets.UTF_8), v));
                }
                return l;
            }
        };
    }

    /** [int raw length][deflate stream]: the length lets the reader allocate once. */
    public static Codec zlib(Codec base, int level) {
        return new Codec() {
            public byte[] encode(List<Chunk> entry) {
                byte[] raw = base.encode(entry);
                Deflater d = new Deflater(level);
                try {
                    d.setInput(raw);
                    d.finish();
                    ByteArrayOutputStream o = new ByteArrayOutputStream(raw.length / 2 + 64);
                    o.write(raw.length >>> 24); o.write(raw.length >>> 16); o.write(raw.length >>> 8); o.write(raw.length);
                    byte[] buf = new byte[64 * 1024];
                    while (!d.finished()) o.write(buf, 0, d.deflate(buf));
                    return o.toByteArray();
                } finally {
                    d.end();
                }
            }

            public List<Chunk> decode(byte[] bytes) {
                int rawLength = ByteBuffer.wrap(bytes).getInt();
                byte[] raw = new byte[rawLength];
                Inflater inf = new Inflater();
                try {
                    inf.setInput(bytes, 4, bytes.length - 4);
                    int done = 0;
                    while (done < rawLength && !inf.finished()) {
                        int got = inf.inflate(raw, done, rawLength - done);
                        if (got == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                        done += got;
                    }
                    if (done != rawLength) throw new IllegalStateException("zlib: " + done + " of " + rawLength + " bytes");
                    return base.decode(raw);
                } catch (DataFormatException e) {
                    throw new IllegalStateException("zlib: " + e.getMessage(), e);
                } finally {
                    inf.end();
                }
            }
        };
    }

    /** [int raw length][LZ4 block]; the safe decompressor checks bounds (never the deprecated fast one). */
    public static Codec lz4(Codec base) {
        LZ4Factory f = LZ4Factory.fastestInstance();
        LZ4Compressor comp = f.fastCompressor();
        LZ4SafeDecompressor decomp = f.safeDecompressor();
        return new Codec() {
            public byte[] encode(List<Chunk> entry) {
                byte[] raw = base.encode(entry);
                byte[] o = new byte[4 + comp.maxCompressedLength(raw.length)];
                ByteBuffer.wrap(o).putInt(raw.length);
                int n = comp.compress(raw, 0, raw.length, o, 4, o.length - 4);
                return Arrays.copyOf(o, 4 + n);
            }

            public List<Chunk> decode(byte[] bytes) {
                byte[] raw = new byte[ByteBuffer.wrap(bytes).getInt()];
                int n = decomp.decompress(bytes, 4, bytes.length - 4, raw, 0, raw.length);
                if (n != raw.length) throw new IllegalStateException("lz4: " + n + " of " + raw.length + " bytes");
                return base.decode(raw);
            }
        };
    }
}
