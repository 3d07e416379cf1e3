package lab;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every script shares (a picocli mixin). Each has an environment-variable default so a
 * whole session can be pointed elsewhere once, e.g. {@code export REDIS_URL=redis://host:6379}.
 */
public class CommonOptions {

    @Option(names = "--quick", defaultValue = "${env:LAB_QUICK:-false}",
            description = "Seconds instead of minutes: small sample sizes (used by the tests). Env LAB_QUICK.")
    public boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for this run's CSV files (default: data/<script>). Env LAB_OUT_ROOT sets the parent.")
    public Path out;

    @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL}", paramLabel = "URL",
            description = "Use this Redis (redis://[user:password@]host:port[/db] or rediss://...) instead of one the lab starts. Env REDIS_URL.")
    public String redisUrl;

    @Option(names = "--redis-backend", defaultValue = "${env:LAB_REDIS_BACKEND:-auto}", paramLabel = "KIND",
            description = "Where Redis comes from: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: url if given, else container if Docker answers, else redis-server on the PATH, else the binary inside the embedded-redis jar). Env LAB_REDIS_BACKEND.")
    public RedisServer.Backend redisBackend;

    @Option(names = "--redis-image", defaultValue = "${env:LAB_REDIS_IMAGE}", paramLabel = "IMAGE",
            description = "Container image for the container backend, any Redis-compatible server, e.g. redis:7.4-alpine, valkey/valkey:8.0.1-alpine, docker.dragonflydb.io/dragonflydb/dragonfly:v1.25.1, eqalpha/keydb:x86_64_v6.3.4 (default: the --server's image, redis:7.2-alpine or valkey/valkey:8.0.1-alpine). Env LAB_REDIS_IMAGE.")
    public String redisImage;

    @Option(names = "--server", defaultValue = "${env:LAB_SERVER}", paramLabel = "NAME",
            description = "Which server the lab starts: ${COMPLETION-CANDIDATES} (redis-server or valkey-server on the PATH, its own benchmark tool as the reference; default redis). With --redis-url or an image the server is whatever answers, detected from INFO; naming it here makes a mismatch an error. Env LAB_SERVER.")
    public Server server;

    @Option(names = "--pg-url", defaultValue = "${env:PG_URL}", paramLabel = "JDBC_URL",
            description = "Use this PostgreSQL (jdbc:postgresql://host:port/db?user=...) instead of one the lab starts (scripts that need PostgreSQL). Env PG_URL.")
    public String pgUrl;

    /** The servers the lab knows how to start from a local binary. */
    public enum Server {
        redis("redis:7.2-alpine"), valkey("valkey/valkey:8.0.1-alpine");

        /** The pinned container image used when --redis-image is not given. */
        public final String image;

        Server(String image) {
            this.image = image;
        }

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

    /** The output folder: --out, else $LAB_OUT_ROOT/<script>, else data/<script>. */
    public Path outDir(String script) {
        if (out != null) return out;
        String root = System.getenv("LAB_OUT_ROOT");
        return Path.of(root == null ? "data" : root, script);
    }

    /** Full size or quick size of a parameter. */
    public int pick(int full, int quickValue) {
        return quick ? quickValue : full;
    }

    public long pick(long full, long quickValue) {
        return quick ? quickValue : full;
    }
}
