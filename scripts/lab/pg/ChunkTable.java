//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
package lab.pg;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import lab.LabException;
import lab.Progress;

/**
 * The source of truth (L3): a {@code code_chunks} table in a schema of this run's own
 * ({@code lab_<script>_<run id>}, dropped at the end), seeded with N chunks of about 3 KB each
 * (content, a 768-float embedding stored as bytea, a version), and the loader the cache calls on a
 * miss. Every query the loader sends is counted here, where it happens, never inferred.
 */
public final class ChunkTable implements AutoCloseable {
    public static final int EMBEDDING_DIMS = 768;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API's JSON body of one chunk. */
    public record Chunk(long id, int version, String filePath, String content, float[] embedding) {}

    private final Postgres pg;
    private final String schema;
    private final String table;
    private final int size;
    private final BlockingQueue<Connection> pool;
    private final List<Connection> all = new ArrayList<>();
    private final LongAdder queries = new LongAdder();

    private ChunkTable(Postgres pg, String schema, int size, int poolSize) {
        this.pg = pg;
        this.schema = schema;
        this.table = schema + ".code_chunks";
        this.size = size;
        this.pool = new ArrayBlockingQueue<>(poolSize);
    }

    /** Creates the schema and table, inserts chunks 1..n, and opens a pool of {@code poolSize} connections. */
    public static ChunkTable create(Postgres pg, String script, int n, int poolSize) {
        String schema = ("lab_" + script + "_" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36)).toLowerCase();
        ChunkTable t = new ChunkTable(pg, schema, n, poolSize);
        try {
            for (int i = 0; i < poolSize; i++) {
                Connection c = pg.connect();
                t.all.add(c);
                t.pool.add(c);
            }
            Connection c = t.pool.take();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
                s.execute("CREATE TABLE " + t.table + " (id bigint PRIMARY KEY, file_path text NOT NULL, content text NOT NULL,"
                        + " embedding bytea NOT NULL, version int NOT NULL)");
            } finally {
                t.pool.add(c);
            }
            t.seed(n);
            return t;
        } catch (SQLException | RuntimeException | InterruptedException e) {
            t.close();
            if (e instanceof LabException le) throw le;
            throw new LabException("cannot create the code_chunks table in " + pg.describe() + ": " + e.getMessage());
        }
    }

    /** Deterministic synthetic chunk: ~500 characters of code and an embedding from Random(id). */
    public static Chunk synthetic(long id) {
        Random r = new Random(id);
        StringBuilder b = new StringBuilder("def function_" + id + "(items, threshold=" + r.nextInt(100) + "):\n");
        while (b.length() < 480) b.append("    total += sum(x * ").append(r.nextInt(1000)).append(" for x in items if x > threshold)\n");
        b.append("    return total\n");
        float[] e = new float[EMBEDDING_DIMS];
        for (int i = 0; i < e.length; i++) e[i] = (float) r.nextGaussian() * 0.05f;
        return new Chunk(id, 1, "src/module_" + (id % 97) + ".py", b.toString(), e);
    }

    private void seed(int n) throws SQLException, InterruptedException {
        Connection c = pool.take();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, file_path, content, embedding, version) VALUES (?,?,?,?,?)")) {
            c.setAutoCommit(false);
            Progress.Every every = new Progress.Every("seeding " + table, n);
            for (int id = 1; id <= n; id++) {
                Chunk ch = synthetic(id);
                ps.setLong(1, id);
                ps.setString(2, ch.filePath());
                ps.setString(3, ch.content());
                ps.setBytes(4, toBytes(ch.embedding()));
                ps.setInt(5, ch.version());
                ps.addBatch();
                if (id % 500 == 0 || id == n) {
                    ps.executeBatch();
                    every.tick(id);
                }
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE " + table);
            }
        } finally {
            c.setAutoCommit(true);
            pool.add(c);
        }
    }

    static byte[] toBytes(float[] f) {
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : f) b.putFloat(x);
        return b.array();
    }

    static float[] toFloats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[bytes.length / 4];
        for (int i = 0; i < f.length; i++) f[i] = b.getFloat();
        return f;
    }

    public static byte[] json(Chunk c) {
        try {
            return JSON.writeValueAsBytes(c);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode chunk " + c.id(), e);
        }
    }

    public static Chunk parse(byte[] json) {
        try {
            return JSON.readValue(json, Chunk.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not a chunk: " + e.getMessage(), e);
        }
    }

    /** The cache loader: one SELECT by primary key, the row as the API's JSON body, null when there is no such id. */
    public byte[] load(long id) {
        Connection c = borrow();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version, file_path, content, embedding FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            queries.increment();
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) return null;
                return json(row(r));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL query failed: " + e.getMessage(), e);
        } finally {
            pool.add(c);
        }
    }

    /** Bulk read of ids [from, from+count) in one query (cache warming); counted as one query. */
    public Map<Long, byte[]> loadRange(long from, int count) {
        Connection c = borrow();
        Map<Long, byte[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version, file_path, content, embedding FROM " + table + " WHERE id >= ? AND id < ? ORDER BY id")) {
            ps.setLong(1, from);
            ps.setLong(2, from + count);
            ps.setFetchSize(1000);
            queries.increment();
            c.setAutoCommit(false); // fetch size only streams inside a transaction
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.put(r.getLong(1), json(row(r)));
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL query failed: " + e.getMessage(), e);
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is closed with the pool
            }
            pool.add(c);
        }
    }

    private static Chunk row(ResultSet r) throws SQLException {
        return new Chunk(r.getLong(1), r.getInt(2), r.getString(3), r.getString(4), toFloats(r.getBytes(5)));
    }

    private Connection borrow() {
        try {
            Connection c = pool.poll(10, TimeUnit.SECONDS);
            if (c == null) throw new IllegalStateException("no PostgreSQL connection free within 10 s");
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a PostgreSQL connection");
        }
    }

    /** Queries the loader has sent so far. */
    public long queries() {
        return queries.sum();
    }

    /**
     * The server's own count of scans of the table (pg_stat_user_tables seq_scan + idx_scan: on a tiny
     * table the planner may prefer a sequential scan), a cross-check of {@link #queries()} that does not
     * trust the client. Statistics reach the view late: call {@link #flushServerStats()} first.
     */
    public long serverScans() {
        Connection c = borrow();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet r = s.executeQuery("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = '" + schema + "' AND relname = 'code_chunks'")) {
                return r.next() ? r.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1;
        } finally {
            pool.add(c);
        }
    }

    /**
     * Makes every pooled backend publish its pending statistics now, so that {@link #serverScans()} counts
     * exactly the queries sent so far: a PostgreSQL 15 backend flushes them at most once a second and
     * otherwise up to 10 s later (PGSTAT_IDLE_INTERVAL). Uses pg_stat_force_next_flush() (15+); on an older
     * server it waits 1.1 s and runs an empty statement on each connection, which flushes at idle.
     */
    public void flushServerStats() {
        List<Connection> held = new ArrayList<>();
        try {
            while (held.size() < all.size()) held.add(borrow());
            for (Connection c : held) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_stat_force_next_flush()");
                } catch (SQLException e) {
                    try (Statement s = c.createStatement()) {
                        Thread.sleep(1100);
                        s.execute("SELECT 1");
                    } catch (SQLException | InterruptedException ignored) {
                        // the cross-check stays approximate
                    }
                }
            }
        } finally {
            pool.addAll(held);
        }
    }

    public int size() {
        return size;
    }

    public String table() {
        return table;
    }

    public Postgres server() {
        return pg;
    }

    /** Drops this run's schema and closes the pool. */
    @Override
    public void close() {
        if (!all.isEmpty()) {
            try (Statement s = all.get(0).createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                Progress.line("could not drop schema " + schema + ": " + e.getMessage());
            }
        }
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        all.clear();
    }
}
