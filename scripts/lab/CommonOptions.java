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

    @Option(names = "--redis-image", defaultValue = "${env:LAB_REDIS_IMAGE:-redis:7.2-alpine}", paramLabel = "IMAGE",
            description = "Container image for the container backend, e.g. valkey/valkey:8, docker.dragonflydb.io/dragonflydb/dragonfly (default ${DEFAULT-VALUE}). Env LAB_REDIS_IMAGE.")
    public String redisImage;

    @Option(names = "--pg-url", defaultValue = "${env:PG_URL}", paramLabel = "JDBC_URL",
            description = "Use this PostgreSQL (jdbc:postgresql://host:port/db?user=...) instead of one the lab starts (scripts that need PostgreSQL). Env PG_URL.")
    public String pgUrl;

    @Option(names = "--network", defaultValue = "${env:LAB_NETWORK:-loopback}", paramLabel = "PROFILE",
            description = "Network between the clients and Redis: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: no proxy). Other profiles put a TCP proxy with that added round trip in between (lan ~0.25 ms, zone ~1 ms, region ~20 ms, with jitter); the measured round trip goes into run.csv. The lab's admin connection stays direct. Env LAB_NETWORK.")
    public NetworkProfile network;

    /** Scratch parent of quick runs without --out: gitignored, so a quick run never replaces reference data. */
    public static final Path QUICK_ROOT = Path.of("runs", "quick");

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
