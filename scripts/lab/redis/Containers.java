//DEPS org.testcontainers:testcontainers:2.0.5
package lab.redis;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.Backend;
import lab.Lab;
import lab.LabException;
import lab.Processes;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** The container backend (Testcontainers). Used only when a Docker engine answers. */
public final class Containers {
    private Containers() {}

    private static Boolean available;

    /**
     * Asks Testcontainers once whether a Docker engine answers. When there is plainly no engine to ask
     * (no DOCKER_HOST, no Docker socket, no Testcontainers config) the answer is "no" at once: asking
     * Testcontainers would cost every run seconds of strategy probing.
     */
    public static synchronized boolean dockerAvailable() {
        if (available == null && !anyEngineConfigured()) available = false;
        if (available == null) {
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable t) {
                available = false;
            }
        }
        return available;
    }

    static boolean anyEngineConfigured() {
        if (System.getenv("DOCKER_HOST") != null || System.getenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE") != null) return true;
        String home = System.getProperty("user.home");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        for (String p : new String[] {"/var/run/docker.sock", "/run/docker.sock", home + "/.docker/run/docker.sock",
                home + "/.docker/desktop/docker.sock", home + "/.testcontainers.properties", runtime == null ? "/nonexistent" : runtime + "/docker.sock",
                runtime == null ? "/nonexistent" : runtime + "/podman/podman.sock"}) {
            if (java.nio.file.Files.exists(java.nio.file.Path.of(p))) return true;
        }
        return false;
    }

    /** Starts an image with a fixed 127.0.0.1 host port, so a restarted container keeps its address. */
    static GenericContainer<?> start(String image, int containerPort, List<String> command, String logLine) {
        if (!dockerAvailable()) {
            throw new LabException("--redis-backend container: no Docker engine answers (Testcontainers found none); use binary or embedded");
        }
        int hostPort = Processes.freePort();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(containerPort)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), new ExposedPort(containerPort))));
        if (!command.isEmpty()) c.withCommand(command.toArray(String[]::new));
        if (logLine != null) c.waitingFor(Wait.forLogMessage(logLine, 1));
        try {
            c.start();
        } catch (RuntimeException e) {
            throw new LabException("cannot start container " + image + ": " + Lab.oneLine(e));
        }
        return c;
    }
}

/** Redis in a container: faults through the Docker API (kill, start, pause, unpause). */
final class ContainerRedis extends RedisServer {
    private final GenericContainer<?> container;
    private final String image;
    private final int port; // fixed host binding: survives kill and start

    private ContainerRedis(GenericContainer<?> c, String image, Map<String, String> config) {
        super(Backend.container, config);
        this.container = c;
        this.image = image;
        this.port = c.getMappedPort(6379);
    }

    static ContainerRedis start(String image, Map<String, String> config) {
        GenericContainer<?> c = Containers.start(image, 6379, command(image, config), null);
        ContainerRedis r = new ContainerRedis(c, image, config);
        r.awaitReady(30_000, null, null);
        return r;
    }

    /**
     * The image's server and its configuration on the command line. Redis, Valkey and KeyDB take the
     * same directives under their own binary name; Dragonfly takes --flag=value and has no save or
     * appendonly directives (it snapshots only when asked) and its cache_mode instead of allkeys-* policies.
     */
    static List<String> command(String image, Map<String, String> config) {
        String img = image.toLowerCase(java.util.Locale.ROOT);
        if (img.contains("dragonfly")) {
            List<String> cmd = new ArrayList<>(List.of("dragonfly", "--logtostderr", "--dbfilename="));
            config.forEach((k, v) -> {
                if (k.equals("maxmemory-policy")) {
                    if (v.startsWith("allkeys-")) cmd.add("--cache_mode=true");
                } else if (!k.equals("save") && !k.equals("appendonly")) {
                    cmd.add("--" + k.replace('-', '_') + "=" + v);
                }
            });
            return cmd;
        }
        String bin = img.contains("valkey") ? "valkey-server" : img.contains("keydb") ? "keydb-server" : "redis-server";
        List<String> cmd = new ArrayList<>(List.of(bin, "--save", "", "--appendonly", "no"));
        config.forEach((k, v) -> {
            cmd.add("--" + k);
            cmd.addAll(k.equals("save") && !v.isEmpty() ? List.of(v.split(" ")) : List.of(v));
        });
        return cmd;
    }

    @Override public String host() { return "127.0.0.1"; }
    @Override public int port() { return port; }
    @Override public boolean owned() { return true; }
    @Override public String describe() { return "container " + image + " on 127.0.0.1:" + port(); }

    private com.github.dockerjava.api.DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @Override public void kill() { docker().killContainerCmd(container.getContainerId()).exec(); }

    @Override
    public void restart() {
        docker().startContainerCmd(container.getContainerId()).exec();
        awaitReady(30_000, null, null);
    }

    @Override public void pause() { docker().pauseContainerCmd(container.getContainerId()).exec(); }
    @Override public void resume() { docker().unpauseContainerCmd(container.getContainerId()).exec(); }
    @Override public void close() { container.stop(); }
}
