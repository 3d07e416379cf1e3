package lab.net;

/**
 * A network between the clients and the server, as an added round trip with jitter. {@code loopback}
 * adds nothing (no proxy: today's numbers); the others put a {@link NetworkPath} in between that holds
 * every chunk for half the round trip in each direction, plus or minus the jitter (uniform).
 */
public enum NetworkProfile {
    loopback(0, 0, "same host, no proxy"),
    lan(125, 25, "same rack / LAN: ~0.25 ms added round trip"),
    zone(500, 100, "across availability zones: ~1 ms added round trip"),
    region(10_000, 1_000, "across regions: ~20 ms added round trip");

    /** Delay added in each direction. */
    public final long oneWayMicros;
    /** Each chunk's delay is oneWayMicros plus a uniform draw in [-jitterMicros, +jitterMicros]. */
    public final long jitterMicros;
    public final String description;

    NetworkProfile(long oneWayMicros, long jitterMicros, String description) {
        this.oneWayMicros = oneWayMicros;
        this.jitterMicros = jitterMicros;
        this.description = description;
    }

    /** The round trip this profile adds to a request/response, in milliseconds. */
    public double addedRttTargetMillis() {
        return 2 * oneWayMicros / 1000.0;
    }
}
