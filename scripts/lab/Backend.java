package lab;

/**
 * Where a server comes from: {@code auto} picks the first that works among a given URL, a container
 * (when a Docker engine answers), a binary on the PATH, and the binary inside an embedded jar.
 * A plain enum in the core so {@link CommonOptions} can type {@code --redis-backend} without loading
 * any Redis code.
 */
public enum Backend { auto, url, container, binary, embedded }
