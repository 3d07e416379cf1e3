//DEPS redis.clients:jedis:8.0.2
//DEPS com.github.codemonstur:embedded-redis:1.4.4
package lab.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.Backend;
import lab.CommonOptions;
import lab.Lab;
import lab.LabException;
import lab.Processes;
import lab.Results;
import lab.net.NetworkPath;
import lab.net.NetworkProfile;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The Redis a script measures, wherever it came from, and the faults the lab may do to it.
 *
 * <p>Chosen by {@link #provision} in this order (DESIGN principle 1): an explicit URL &gt; a container
 * through Testcontainers when a Docker engine answers &gt; {@code redis-server} on the PATH, spawned on
 * a free 127.0.0.1 port in a temp dir &gt; the Redis 6.2 binary inside the embedded-redis jar.
 *
 * <p>A scenario states the server configuration it needs ({@link Needs}). A server the lab starts gets
 * it at start; a server the lab did not start is only checked (CONFIG GET), never changed, and a
 * mismatch stops the scenario with a clear message instead of measuring the wrong thing.
 */
public abstract class RedisServer implements AutoCloseable, Results.Server {

    /** What a scenario needs from its server. */
    public static final class Needs {
        final Map<String, String> config = new LinkedHashMap<>();
        boolean faults;
        long writesBytes = -1;
        String labServerOnly;

        public static Needs none() {
            return new Needs();
        }

        /** A config directive, e.g. {@code config("maxmemory-policy", "allkeys-lru")}. */
        public Needs config(String directive, String value) {
            config.put(directive, value);
            return this;
        }

        /** The scenario stops, restarts or pauses the server process, so it must own it. */
        public Needs faults() {
            faults = true;
            return this;
        }

        /**
         * The most bytes of its own keys the scenario holds on the server at once. On a server the lab
         * did not start, {@link ExternalSafety} compares it with the room left before eviction.
         */
        public Needs writesBytes(long bytes) {
            writesBytes = bytes;
            return this;
        }

        /** The scenario runs only on a server the lab starts; {@code why} says what it would do to another one. */
        public Needs labServerOnly(String why) {
            labServerOnly = why;
            return this;
        }
    }

    protected final Backend backend;
    protected final Map<String, String> config;
    String user;
    String password;
    boolean ssl;
    int database;

    protected RedisServer(Backend backend, Map<String, String> config) {
        this.backend = backend;
        this.config = config;
    }

    public abstract String host();

    public abstract int port();

    /** True when the lab started this server and may configure, stop, restart and pause it. */
    public abstract boolean owned();

    /** Records where the server came from and how it is configured (run.csv meta). */
    @Override
    public void describeInto(Results out) {
        out.meta("redis_backend", backend());
        out.meta("redis_server", describe());
        out.meta("redis_version", version()); // what the server reports for Redis compatibility (Valkey 8.0: 7.2.4)
        Identity id = identity();
        out.meta("server_name", id.name());
        out.meta("server_version", id.version());
        for (String k : List.of("maxmemory", "maxmemory-policy", "save", "appendonly", "io-threads")) {
            String v = configGet(k);
            if (v != null) out.meta("redis_config_" + k, v);
        }
        if (network() == null) out.meta("network_profile", NetworkProfile.loopback);
        else out.network(network());
    }

    public Backend backend() {
        return backend;
    }

    /** A description for the console and the run metadata, e.g. "binary /usr/bin/redis-server". */
    public abstract String describe();

    /** redis:// URL with credentials (for clients). */
    public String url() {
        StringBuilder b = new StringBuilder(ssl ? "rediss://" : "redis://");
        if (password != null) {
            if (user != null) b.append(user);
            b.append(':').append(password).append('@');
        }
        b.append(host()).append(':').append(port());
        if (database != 0) b.append('/').append(database);
        return b.toString();
    }

    /** The same URL without the password, for printing and metadata. */
    public String safeUrl() {
        return url().replaceAll("://([^:@/]*):[^@]*@", "://$1:***@");
    }

    public DefaultJedisClientConfig.Builder jedisConfig() {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().user(user).password(password).database(database)
                .connectionTimeoutMillis(2000).socketTimeoutMillis(2000);
        return ssl ? b.sslOptions(redis.clients.jedis.SslOptions.defaults()) : b;
    }

    public HostAndPort hostAndPort() {
        return new HostAndPort(host(), port());
    }

    /** A short-lived admin connection (INFO, CONFIG GET, CLIENT KILL...). */
    public Jedis admin() {
        return new Jedis(hostAndPort(), jedisConfig().clientName("lab-admin").build());
    }

    /** The Redis version the server reports for compatibility (INFO redis_version; Valkey 8.0 says 7.2.4). */
    public String version() {
        return identity().redisVersion();
    }

    /** What the server is, from INFO server: name (redis, valkey, dragonfly, keydb), its own version, its Redis-compatible version. */
    public record Identity(String name, String version, String redisVersion) {
        /** "valkey 8.0.1": the value of the server column and of run.csv's server. */
        public String label() {
            return name + " " + version;
        }

        /** "Valkey 8.0.1", for the console. */
        public String title() {
            String n = switch (name) {
                case "keydb" -> "KeyDB";
                default -> name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
            };
            return n + " " + version;
        }
    }

    /**
     * Recognises the server from its INFO server fields. Valkey says {@code server_name:valkey} and
     * {@code valkey_version} (its {@code redis_version} is a frozen 7.2.4); Dragonfly adds
     * {@code dragonfly_version} (e.g. df-v1.25.1); KeyDB reports its own version as redis_version and is
     * known by its executable (keydb-server) or a keydb_ field; Redis has none of these.
     */
    public static Identity identify(Map<String, String> info) {
        String redisVersion = info.getOrDefault("redis_version", "unknown");
        String name = info.getOrDefault("server_name", "").trim().toLowerCase(java.util.Locale.ROOT);
        if (!name.isEmpty() && !name.equals("redis")) {
            return new Identity(name, info.getOrDefault(name + "_version", redisVersion), redisVersion);
        }
        String df = info.get("dragonfly_version");
        if (df != null) return new Identity("dragonfly", df.replaceFirst("^df-v?", "").replaceFirst("^v", ""), redisVersion);
        boolean keydb = info.getOrDefault("executable", "").toLowerCase(java.util.Locale.ROOT).contains("keydb")
                || info.keySet().stream().anyMatch(k -> k.startsWith("keydb_"));
        if (keydb) return new Identity("keydb", info.getOrDefault("keydb_version", redisVersion), redisVersion);
        return new Identity("redis", redisVersion, redisVersion);
    }

    private volatile Identity identity;

    /** The server's identity, read once (INFO server). */
    public Identity identity() {
        Identity i = identity;
        if (i == null) identity = i = identify(info("server"));
        return i;
    }

    /** redis, valkey, dragonfly or keydb. */
    public String serverName() {
        return identity().name();
    }

    /** The server's own version, e.g. 8.0.1 for Valkey 8.0.1. */
    public String serverVersion() {
        return identity().version();
    }

    /** "Valkey 8.0.1", for the console. */
    public String title() {
        return identity().title();
    }

    /** INFO section parsed into a map. */
    public Map<String, String> info(String section) {
        try (Jedis j = admin()) {
            return parseInfo(j.info(section));
        }
    }

    /** The {@code field:value} lines of an INFO reply (any number of sections), in order. */
    public static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int i = line.indexOf(':');
            if (i > 0 && !line.startsWith("#")) m.put(line.substring(0, i), line.substring(i + 1).trim());
        }
        return m;
    }

    /** CONFIG GET of one directive (null when the server refuses CONFIG). */
    public String configGet(String directive) {
        try (Jedis j = admin()) {
            Map<String, String> m = j.configGet(directive);
            return m.get(directive);
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- faults

    /** Kills the server process (SIGKILL: no save, no goodbye to clients). Owned servers only. */
    public void kill() {
        throw notOwned("kill");
    }

    /** Starts the killed server again on the same port with the same configuration. */
    public void restart() {
        throw notOwned("restart");
    }

    /** Freezes the server process (SIGSTOP / docker pause): connections stay open, nothing answers. */
    public void pause() {
        throw notOwned("pause");
    }

    public void resume() {
        throw notOwned("resume");
    }

    /** CLIENT KILL of every client whose name starts with {@code namePrefix}; works on any server. */
    public int killClients(String namePrefix) {
        int killed = 0;
        try (Jedis j = admin()) {
            for (String line : j.clientList().split("\n")) {
                String id = null, name = null;
                for (String kv : line.trim().split(" ")) {
                    if (kv.startsWith("id=")) id = kv.substring(3);
                    if (kv.startsWith("name=")) name = kv.substring(5);
                }
                if (id != null && name != null && name.startsWith(namePrefix)) {
                    j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "ID", id);
                    killed++;
                }
            }
        }
        return killed;
    }

    /** CLIENT PAUSE for {@code millis} (all commands): the whole server stalls, on any server. */
    public void clientPause(long millis) {
        try (Jedis j = admin()) {
            j.clientPause(millis);
        }
    }

    private LabException notOwned(String what) {
        return new LabException("cannot " + what + " " + describe() + ": the lab did not start it"
                + " (drop --redis-url / REDIS_URL so the lab starts its own Redis)");
    }

    @Override
    public void close() {}

    // ---------------------------------------------------------------- network

    /** The network path clients go through, or null when they connect straight (loopback). */
    public NetworkPath network() {
        return null;
    }

    /** The server as seen through {@code path}: clients connect through it, the admin connection stays direct. */
    public RedisServer via(NetworkPath path) {
        return new Via(direct(), path, false);
    }

    /** The server without any network path (what {@link #admin()} uses). */
    public RedisServer direct() {
        return this;
    }

    /**
     * A view of a server through a {@link NetworkPath}: host/port/url/hostAndPort point at the proxy;
     * admin(), INFO, CONFIG, CLIENT KILL and the process faults go straight to the server, so a fault
     * on the path never blocks the lab's own bookkeeping or cleanup.
     */
    static final class Via extends RedisServer {
        final RedisServer inner;
        final NetworkPath path;
        final boolean owns;

        Via(RedisServer inner, NetworkPath path, boolean owns) {
            super(inner.backend, inner.config);
            this.inner = inner;
            this.path = path;
            this.owns = owns;
            user = inner.user;
            password = inner.password;
            ssl = inner.ssl;
            database = inner.database;
        }

        @Override public String host() { return path.host(); }
        @Override public int port() { return path.port(); }
        @Override public boolean owned() { return inner.owned(); }
        @Override public String describe() { return inner.describe() + " via " + path; }
        @Override public NetworkPath network() { return path; }
        @Override public RedisServer direct() { return inner; }
        @Override public Jedis admin() { return inner.admin(); }
        @Override public void kill() { inner.kill(); }
        @Override public void restart() { inner.restart(); }
        @Override public void pause() { inner.pause(); }
        @Override public void resume() { inner.resume(); }

        @Override
        public void close() {
            path.close();
            if (owns) inner.close();
        }
    }

    // ---------------------------------------------------------------- provisioning

    /**
     * Finds or starts the Redis for a scenario. Never returns a server that does not answer PING with
     * the given credentials, and never one that lacks the configuration {@code needs} asks for.
     */
    public static RedisServer provision(CommonOptions o, Needs needs) {
        RedisServer s = provisionFor(o, needs);
        // The server's real name drives everything after this point; a server named with --server
        // that turns out to be another (a URL or an image) would record one server's data as another's.
        if (o.server != null && !s.serverName().equals(o.server.name())) {
            String what = s.title() + " (" + s.describe() + ")";
            s.close();
            throw new LabException("--server " + o.server + " but the server is " + what + "; drop --server or point the lab at a " + o.server + " server");
        }
        Lab.usingServer(s.title() + " at " + s.safeUrl() + " (" + s.backend + ")");
        if (o.network == null || o.network == NetworkProfile.loopback) return s;
        try {
            return new Via(s, NetworkPath.start(o.network, s.host(), s.port()), true);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static RedisServer provisionFor(CommonOptions o, Needs needs) {
        Backend b = o.redisBackend == null ? Backend.auto : o.redisBackend;
        CommonOptions.Server server = o.server();
        if (o.redisUrl != null && !o.redisUrl.isBlank() && (b == Backend.auto || b == Backend.url)) {
            return external(o.redisUrl, needs);
        }
        if (b == Backend.url) throw new LabException("--redis-backend url needs --redis-url or REDIS_URL");
        if (b == Backend.container || (b == Backend.auto && Containers.dockerAvailable())) {
            return ContainerRedis.start(o.image(), needs.config);
        }
        if (b == Backend.binary || b == Backend.auto) {
            Path bin = Processes.onPath(server.binary());
            if (bin != null) return SpawnedRedis.start(Backend.binary, bin, needs.config);
            if (server == CommonOptions.Server.valkey) throw new LabException(CommonOptions.Server.VALKEY_MISSING);
            if (b == Backend.binary) throw new LabException("--redis-backend binary: no redis-server on the PATH");
        }
        if (server != CommonOptions.Server.redis) {
            throw new LabException("--redis-backend embedded has only Redis 6.2; for " + server + " use --redis-backend binary or container");
        }
        return SpawnedRedis.start(Backend.embedded, embeddedBinary(), needs.config);
    }

    /** The URL is well formed and the server answers PING with its credentials (a check before any run). */
    public static void requireReachable(String url) {
        parse(url).ping();
    }


    static RedisServer external(String url, Needs needs) {
        External s = parse(url);
        s.ping();
        return checked(s, needs);
    }

    private static External parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new LabException("not a Redis URL: " + url + " (expected redis://[user:password@]host:port[/db])");
        }
        if (!JedisURIHelper.isValid(uri) || uri.getPort() <= 0 && uri.getHost() == null) {
            throw new LabException("not a Redis URL: " + url + " (expected redis://[user:password@]host:port[/db])");
        }
        External s = new External(uri);
        s.user = JedisURIHelper.getUser(uri);
        s.password = JedisURIHelper.getPassword(uri);
        s.ssl = JedisURIHelper.isRedisSSLScheme(uri);
        s.database = JedisURIHelper.getDBIndex(uri);
        return s;
    }

    private static External checked(External s, Needs needs) {
        if (needs.labServerOnly != null) {
            throw new LabException("this scenario runs only on a Redis the lab starts (" + needs.labServerOnly + "); "
                    + s.safeUrl() + " was not started by the lab and is left untouched: run it without --redis-url / REDIS_URL");
        }
        if (needs.faults) {
            throw new LabException("this scenario kills/restarts/pauses Redis, which the lab never does to a server it did not start ("
                    + s.safeUrl() + "); run it without --redis-url / REDIS_URL");
        }
        for (Map.Entry<String, String> e : needs.config.entrySet()) {
            String actual = s.configGet(e.getKey());
            if (actual == null) {
                throw new LabException(s.safeUrl() + " does not let the lab read '" + e.getKey() + "' (CONFIG GET refused), so this scenario cannot verify it measures the configuration it needs ("
                        + e.getKey() + " " + e.getValue() + "); run it without --redis-url to let the lab start a configured Redis");
            }
            if (!sameConfigValue(e.getValue(), actual)) {
                throw new LabException(s.safeUrl() + " has " + e.getKey() + "=" + actual + " but this scenario needs " + e.getValue()
                        + "; the lab does not reconfigure servers it did not start: configure it so, or run without --redis-url");
            }
        }
        ExternalSafety.requireSafeWrites(s, needs.writesBytes);
        return s;
    }

    /** "100mb" == "104857600", "" == "" ... */
    static boolean sameConfigValue(String wanted, String actual) {
        if (wanted.equalsIgnoreCase(actual)) return true;
        try {
            return parseBytes(wanted) == parseBytes(actual);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static long parseBytes(String v) {
        String s = v.trim().toLowerCase();
        long mul = 1;
        if (s.endsWith("gb")) mul = 1L << 30; else if (s.endsWith("mb")) mul = 1L << 20; else if (s.endsWith("kb")) mul = 1L << 10;
        else if (s.endsWith("g")) mul = 1_000_000_000L; else if (s.endsWith("m")) mul = 1_000_000L; else if (s.endsWith("k")) mul = 1000L;
        return Long.parseLong(s.replaceAll("[a-z]+$", "")) * mul;
    }

    /** PING with the configured credentials, turned into one-line errors. */
    void ping() {
        try (Jedis j = admin()) {
            j.ping();
        } catch (redis.clients.jedis.exceptions.JedisDataException e) { // includes JedisAccessControlException
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("NOAUTH")) {
                throw new LabException("Redis at " + safeUrl() + " requires a password and none was given: put it in the URL, redis://:PASSWORD@"
                        + host() + ":" + port() + " (or redis://USER:PASSWORD@... for an ACL user)");
            }
            if (m.startsWith("WRONGPASS") || m.contains("invalid password") || m.contains("invalid username-password")) {
                throw new LabException("Redis at " + safeUrl() + " refused the user name or password in the URL: " + m);
            }
            if (m.contains("AUTH")) throw new LabException("Redis at " + safeUrl() + " refused the credentials: " + m);
            throw new LabException("Redis at " + safeUrl() + " answered PING with an error: " + m);
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            Throwable root = Lab.rootCause(e);
            if (ssl && (root instanceof javax.net.ssl.SSLException || root instanceof java.net.SocketTimeoutException)) {
                throw new LabException("TLS handshake with " + safeUrl() + " failed (" + root.getMessage() + "): the server may not speak TLS;"
                        + " use redis:// for a plain-text server");
            }
            throw new LabException("cannot reach Redis at " + safeUrl() + ": " + root.getMessage());
        }
    }

    /** Waits until the server answers PING (after start or restart). */
    void awaitReady(long timeoutMillis, Process p, Path log) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        RuntimeException last = null;
        while (System.currentTimeMillis() < deadline) {
            if (p != null && !p.isAlive()) {
                throw new LabException(describe() + " exited at start (exit " + p.exitValue() + "): " + tail(log));
            }
            try (Jedis j = admin()) {
                j.ping();
                return;
            } catch (RuntimeException e) {
                last = e;
                Lab.sleepMillis(20);
            }
        }
        throw new LabException(describe() + " did not answer PING within " + timeoutMillis + " ms: "
                + (last == null ? "" : last.getMessage()) + " " + tail(log));
    }

    static String tail(Path log) {
        if (log == null) return "";
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }


    /** The Redis 6.2 binary shipped inside the embedded-redis jar, extracted once per user. */
    static Path embeddedBinary() {
        String arch = System.getProperty("os.arch");
        String os = System.getProperty("os.name").toLowerCase();
        String res;
        if (os.contains("linux")) res = arch.contains("aarch64") || arch.contains("arm64") ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        else if (os.contains("mac")) res = arch.contains("aarch64") ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        else throw new LabException("no embedded Redis binary for " + os + "/" + arch + "; install redis-server or pass --redis-url");
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "redis-lab-" + System.getProperty("user.name"), res);
        try (InputStream in = redis.embedded.RedisServer.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) throw new LabException("embedded-redis jar has no " + res);
            if (!Files.isExecutable(target)) {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), res, ".part");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().setExecutable(true);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException e) {
            throw new LabException("cannot extract the embedded Redis binary: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- the three kinds

    /** A server the user pointed at. Only read from; never configured, flushed or faulted. */
    static final class External extends RedisServer {
        private final URI uri;

        External(URI uri) {
            super(Backend.url, Map.of());
            this.uri = uri;
        }

        @Override public String host() { return uri.getHost() == null ? "127.0.0.1" : uri.getHost(); }
        @Override public int port() { return uri.getPort() > 0 ? uri.getPort() : 6379; }
        @Override public boolean owned() { return false; }
        @Override public String describe() { return "url " + safeUrl(); }
    }

    /** A redis-server process the lab started on a free loopback port in a temp dir. */
    static final class SpawnedRedis extends RedisServer {
        private final Path binary;
        private final Path dir;
        private final int port;
        private Process process;

        private SpawnedRedis(Backend backend, Path binary, Map<String, String> config, Path dir, int port) {
            super(backend, config);
            this.binary = binary;
            this.dir = dir;
            this.port = port;
        }

        static SpawnedRedis start(Backend backend, Path binary, Map<String, String> config) {
            try {
                Path dir = Files.createTempDirectory("redis-lab-");
                SpawnedRedis s = new SpawnedRedis(backend, binary, new LinkedHashMap<>(config), dir, Processes.freePort());
                s.password = config.get("requirepass"); // the lab's own clients use the password it set
                s.launch();
                if (backend == Backend.embedded) {
                    System.err.println("WARNING: no Docker and no redis-server on the PATH; using the Redis " + s.version()
                            + " binary bundled in the embedded-redis jar. The seed targets Redis 7.x: numbers from 6.2 are indicative only.");
                }
                return s;
            } catch (IOException e) {
                throw new LabException("cannot create a temp dir for Redis: " + e.getMessage());
            }
        }

        List<String> command() {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                    "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                    "--daemonize", "no", "--save", "", "--appendonly", "no", "--protected-mode", "yes"));
            for (Map.Entry<String, String> e : config.entrySet()) {
                cmd.add("--" + e.getKey());
                // "save" takes several words on the command line: "3600 1 300 100"
                for (String part : e.getKey().equals("save") && !e.getValue().isEmpty() ? e.getValue().split(" ") : new String[] {e.getValue()}) cmd.add(part);
            }
            return cmd;
        }

        void launch() {
            Path log = dir.resolve("redis.log");
            process = Processes.start(command(), dir, log);
            awaitReady(10_000, process, log);
        }

        public long pid() {
            return process.pid();
        }

        @Override public String host() { return "127.0.0.1"; }
        @Override public int port() { return port; }
        @Override public boolean owned() { return true; }
        @Override public String describe() { return backend + " " + binary + " on 127.0.0.1:" + port; }

        @Override
        public void kill() {
            Processes.resume(process.pid()); // a paused process cannot be reaped until it runs again
            Processes.kill(process.toHandle());
        }

        @Override
        public void restart() {
            if (process.isAlive()) kill();
            // the port is ours until someone else grabs it; retry briefly while the kernel frees it
            for (int attempt = 0; ; attempt++) {
                try {
                    launch();
                    return;
                } catch (LabException e) {
                    if (attempt >= 20) throw e;
                    Lab.sleepMillis(50);
                }
            }
        }

        @Override public void pause() { Processes.pause(process.pid()); }
        @Override public void resume() { Processes.resume(process.pid()); }

        @Override
        public void close() {
            if (process != null && process.isAlive()) kill();
            if (process != null) Processes.unregister(process.toHandle());
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir: the OS cleans it eventually
        }
    }

    /** Convenience for tests: wait until a process handle is gone. */
    public static boolean awaitExit(ProcessHandle h, long millis) {
        try {
            h.onExit().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !h.isAlive();
        }
    }
}
