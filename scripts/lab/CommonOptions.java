package lab;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import lab.net.NetworkProfile;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Options every script shares (a picocli mixin). Each has an environment-variable default so a
 * whole session can be pointed elsewhere once, e.g. {@code export REDIS_URL=redis://host:6379}.
 */
public class CommonOptions {

    @Option(names = "--quick", defaultValue = "${env:LAB_QUICK:-false}", converter = EnvBoolean.class,
            description = "Seconds instead of minutes: small sample sizes (used by the tests). Env LAB_QUICK (1/0, true/false, yes/no).")
    public boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for this run's CSV files (default: data/<script>; with --quick: runs/quick/<script>, never the reference data/). Env LAB_OUT_ROOT sets the parent.")
    public Path out;

    @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL}", paramLabel = "URL",
            description = "Use this Redis (redis://[user:password@]host:port[/db] or rediss://...) instead of one the lab starts. Env REDIS_URL."
                    + " On such a server the lab writes only its own keys, changes no configuration, and refuses to start when its writes could"
                    + " make the server evict other keys (maxmemory with an allkeys-*/volatile-* policy). S3, S4, S5 and Q3 refuse it"
                    + " (they fault, reconfigure or fill the server).")
    public String redisUrl;

    @Option(names = "--redis-backend", defaultValue = "${env:LAB_REDIS_BACKEND:-auto}", paramLabel = "KIND",
            description = "Where Redis comes from: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: url if given, else container if Docker answers, else redis-server on the PATH, else the binary inside the embedded-redis jar). Env LAB_REDIS_BACKEND.")
    public Backend redisBackend;

    @Option(names = "--redis-image", defaultValue = "${env:LAB_REDIS_IMAGE}", paramLabel = "IMAGE",
            description = "Container image for the container backend, any Redis-compatible server, e.g. redis:7.4-alpine, valkey/valkey:8.0.1-alpine, docker.dragonflydb.io/dragonflydb/dragonfly:v1.25.1, eqalpha/keydb:x86_64_v6.3.4 (default: the --server's image, redis:7.2-alpine or valkey/valkey:8.0.1-alpine). Env LAB_REDIS_IMAGE.")
    public String redisImage;

    @Option(names = "--server", defaultValue = "${env:LAB_SERVER}", paramLabel = "NAME",
            description = "Which server the lab starts: ${COMPLETION-CANDIDATES} (redis-server or valkey-server on the PATH, its own benchmark tool as the reference; default redis). With --redis-url or an image the server is whatever answers, detected from INFO; naming it here makes a mismatch an error. Env LAB_SERVER.")
    public Server server;

    @Option(names = "--pg-url", defaultValue = "${env:PG_URL}", paramLabel = "JDBC_URL",
            description = "Use this PostgreSQL (jdbc:postgresql://host:port/db?user=...) instead of one the lab starts (scripts that need PostgreSQL). Env PG_URL.")
    public String pgUrl;

    @Option(names = "--network", defaultValue = "${env:LAB_NETWORK:-loopback}", paramLabel = "PROFILE",
            description = "Network between the clients and Redis: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: no proxy). Other profiles put a TCP proxy with that added round trip in between (lan ~0.25 ms, zone ~1 ms, region ~20 ms, with jitter); the measured round trip goes into run.csv. The lab's admin connection stays direct. Env LAB_NETWORK.")
    public NetworkProfile network;

    /** Scratch parent of quick runs without --out: gitignored, so a quick run never replaces reference data. */
    public static final Path QUICK_ROOT = Path.of("runs", "quick");

    /** The servers the lab knows how to start from a local binary. */
    public enum Server {
        redis("redis:7.2-alpine"), valkey("valkey/valkey:8.0.1-alpine");

        /** The pinned container image used when --redis-image is not given. */
        public final String image;

        Server(String image) {
            this.image = image;
        }

        /** One line: how to get valkey-server (Debian 12 backports, or the container backend). */
        public static final String VALKEY_MISSING = "valkey-server is not on the PATH; on Debian 12 install it with"
                + " `echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/backports.list"
                + " && apt-get update && apt-get install -y -t bookworm-backports valkey-server valkey-tools`"
                + " (or use --redis-backend container --redis-image " + "valkey/valkey:8.0.1-alpine" + ")";

        /** The server binary on the PATH, e.g. valkey-server. */
        public String binary() {
            return name() + "-server";
        }

        /** Its own benchmark tool (the same-run physical reference), e.g. valkey-benchmark. */
        public String benchmark() {
            return name() + "-benchmark";
        }
    }

    /** The server to start: --server, else redis. */
    public Server server() {
        return server == null ? Server.redis : server;
    }

    /** The image for the container backend: --redis-image, else the chosen server's pinned image. */
    public String image() {
        return redisImage == null || redisImage.isBlank() ? server().image : redisImage;
    }

    /** The output folder: --out, else $LAB_OUT_ROOT/<script>, else runs/quick/<script> for --quick, else data/<script>. */
    public Path outDir(String script) {
        if (out != null) return out;
        String root = System.getenv("LAB_OUT_ROOT");
        if (root != null) return Path.of(root, script);
        return quick ? QUICK_ROOT.resolve(script) : Path.of("data", script);
    }

    /**
     * Booleans as environments spell them (LAB_QUICK=1); {@link Lab#run} names the variable when a
     * bad value came from it.
     */
    public static final class EnvBoolean implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
            return switch (v) {
                case "1", "true", "yes", "on" -> true;
                case "", "0", "false", "no", "off" -> false;
                default -> throw new TypeConversionException("'" + value + "' is not a boolean (1/0, true/false, yes/no)");
            };
        }
    }
}
