# The per-script part of the notebooks (read by make_notebooks.py): the question, the analysis (a Java method
# analyse(Path dir) that loads and groups the folder's CSV with Tablesaw), the charts (Java methods taking the
# folder and returning an XChart chart) and the re-run options (after --quick --out SCRATCH). The same methods
# draw the reference data and the re-run's scratch folder.
SPECS = {}

SPECS["S1_basic"] = dict(
    question="Do SET / GET / DELETE, TTL expiry and a JSON round trip work against Redis 7.x, and is each command "
             "under the plan's latency (P50 < 5 ms, GET P99 < 20 ms) with Jedis (sync) and Lettuce (async)?",
    files=["metrics.csv", "spectra.csv", "ttl_samples.csv"],
    analysis_md="P50 / P99 per command, one column per client (a Tablesaw pivot of `metrics.csv`), and the TTL error per client.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table m = readMetrics(dir.resolve("metrics.csv"));
    Table lat = m.where(m.stringColumn("test").isEqualTo("ops")
            .and(m.stringColumn("metric").endsWith("_p50").or(m.stringColumn("metric").endsWith("_p99"))));
    System.out.println(lat.pivot("metric", "client", "value", mean).setName("latency (ms) per command and client").printAll());
    Table ttl = csv(dir.resolve("ttl_samples.csv"));
    ttl.addColumns(ttl.numberColumn("error_ms").abs().setName("abs_error_ms"));
    System.out.println(ttl.summarize("abs_error_ms", mean, max).by("client").setName("TTL error (ms), plan " + Criterion.TTL_ERROR_MS.targetText()).printAll());
}''',
    charts_md="Latency spectrum per command and client, with the plan's 5 ms (P50) and 20 ms (GET P99) lines: "
              "everything under the lines at P50 and P99 passes.",
    charts=["s1Spectrum"],
    chart_code=r'''XYChart s1Spectrum(Path dir) throws Exception {
    Table sp = only(csv(dir.resolve("spectra.csv")), "test", "ops");
    XYChart c = spectrum("S1 latency per command and client (" + which(dir) + ")");
    double right = 3;
    for (String client : distinct(sp, "client"))
        for (String op : distinct(sp, "op"))
            right = Math.max(right, spectrumSeries(c, client + " " + op.toUpperCase(), only(only(sp, "client", client), "op", op)));
    threshold(c, Criterion.GET_P50_MS, 0, right);
    threshold(c, Criterion.GET_P99_MS, 0, right);
    return c;
}''',
    rerun_md="Changed: `--ops 2000` (ten times the quick run's operations: is the tail still under 20 ms?), `--ttl-samples 5`.",
    rerun=["--ops", "2000", "--ttl-samples", "5"],
)

SPECS["S2_pubsub"] = dict(
    question="Does a Pub/Sub invalidation reach every subscriber within the plan's P99 < 100 ms, with no message lost "
             "at 100/s and beyond, and does a killed subscriber resubscribe within 1 s?",
    files=["metrics.csv", "spectra.csv", "ramp.csv", "reconnects.csv"],
    analysis_md="The rate ramp pivoted per client (P99 and messages lost per offered rate), and the resubscription time per client.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table ramp = csv(dir.resolve("ramp.csv"));
    System.out.println(ramp.pivot("rate_per_s", "client", "p99_ms", max).setName("propagation P99 (ms) per offered rate").printAll());
    System.out.println(ramp.pivot("rate_per_s", "client", "lost", sum).setName("messages lost per offered rate").printAll());
    Table rc = csv(dir.resolve("reconnects.csv"));
    System.out.println(rc.summarize("resubscribed_ms", mean, max).by("client")
            .setName("resubscription after CLIENT KILL (ms), plan " + Criterion.PUBSUB_RECONNECT_MS.targetText()).printAll());
    Table m = readMetrics(dir.resolve("metrics.csv"));
    Table lost = m.where(m.stringColumn("test").isEqualTo("reconnect").and(m.stringColumn("metric").isIn("published", "lost_B", "loss_pct_B", "loss_pct_all")));
    System.out.println(lost.pivot("metric", "client", "value", max).setName("messages lost across the reconnects, plan "
            + Criterion.PUBSUB_LOSS_PCT.targetText()).printAll());
}''',
    charts_md="1. Propagation latency distribution per client, one at a time (`basic`) and at the sustained rate (`high_frequency`), "
              "with the 100 ms line. 2. P99 against the offered rate of the doubling ramp (log-log); a red cross marks a step that lost messages.",
    charts=["s2Propagation", "s2Ramp"],
    chart_code=r'''XYChart s2Propagation(Path dir) throws Exception {
    Table sp = only(csv(dir.resolve("spectra.csv")), "op", "propagation");
    XYChart c = spectrum("S2 Pub/Sub propagation per client (" + which(dir) + ")");
    double right = 3;
    for (String test : distinct(sp, "test"))
        for (String client : distinct(sp, "client"))
            right = Math.max(right, spectrumSeries(c, client + " " + test, only(only(sp, "test", test), "client", client)));
    threshold(c, Criterion.PUBSUB_P99_MS, 0, right);
    return c;
}
XYChart s2Ramp(Path dir) throws Exception {
    Table ramp = csv(dir.resolve("ramp.csv"));
    XYChart c = xy("S2 propagation P99 vs offered rate (" + which(dir) + ")", "offered invalidations/s (log)", "P99 propagation (ms, log)");
    c.getStyler().setXAxisLogarithmic(true); c.getStyler().setYAxisLogarithmic(true);
    for (String client : distinct(ramp, "client")) {
        Table t = only(ramp, "client", client);
        c.addSeries(client, col(t, "rate_per_s"), col(t, "p99_ms"));
        Table lost = t.where(t.numberColumn("lost").isGreaterThan(0));
        if (lost.rowCount() > 0) {
            XYSeries s = c.addSeries(client + ": messages lost", col(lost, "rate_per_s"), col(lost, "p99_ms"));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter); s.setMarker(SeriesMarkers.CROSS); s.setMarkerColor(Color.RED);
        }
    }
    double[] r = col(ramp, "rate_per_s");
    threshold(c, Criterion.PUBSUB_P99_MS, Arrays.stream(r).min().orElse(100), Arrays.stream(r).max().orElse(1000));
    return c;
}''',
    rerun_md="Changed: `--rate 500` (the sustained test at five times the plan's 100/s), a shorter ramp `--ramp-max 3200`, `--seconds 2`.",
    rerun=["--rate", "500", "--seconds", "2", "--ramp-max", "3200", "--messages", "50", "--kills", "1"],
)

SPECS["S3_pool"] = dict(
    question="Does a connection pool sustain 100 req/s without errors, queue gracefully (borrow wait < 50 ms) when 4x "
             "oversubscribed, and how many requests fail (plan: < 1 %) when the Redis process is killed and restarted under load, per client variant?",
    files=["metrics.csv", "timeline.csv", "pool_timeline.csv"],
    analysis_md="The restart test per variant (failed requests, outage, errors after the restart: a pivot of `metrics.csv`), "
                "and the pool's worst moment per test and client from `pool_timeline.csv`.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table m = readMetrics(dir.resolve("metrics.csv"));
    Table restart = m.where(m.stringColumn("test").isEqualTo("restart")
            .and(m.stringColumn("metric").isIn("failed_requests_pct", "failed_requests", "server_down", "total_outage_from_kill", "errors_after_restart")));
    System.out.println(restart.pivot("client", "metric", "value", mean)
            .setName("Redis killed under load, per variant (plan: failed " + Criterion.FAILED_REQUESTS_PCT.targetText() + ")").printAll());
    Table pool = csv(dir.resolve("pool_timeline.csv"));
    System.out.println(pool.summarize("waiters", "active", "max_borrow_wait_ms", max).by("test", "client")
            .setName("pool at its worst (plan: borrow wait " + Criterion.POOL_MAX_WAIT_MS.targetText() + ")").printAll());
}''',
    charts_md="1. Failed requests per second through the restart, one line per variant, the kill (at one third of the run) marked. "
              "2. Response-time P99 per second under the sustained 100 req/s, per client, with the 20 ms GET P99 line.",
    charts=["s3Restart", "s3Sustained"],
    chart_code=r'''XYChart s3Restart(Path dir) throws Exception {
    Table t = only(csv(dir.resolve("timeline.csv")), "test", "restart");
    XYChart c = xy("S3 failed requests per second, Redis killed and restarted (" + which(dir) + ")", "time (s)", "failed requests / s");
    double top = 1;
    for (String v : distinct(t, "client")) {
        Table s = only(t, "client", v);
        c.addSeries(v, col(s, "t_s"), col(s, "errors"));
        top = Math.max(top, s.numberColumn("errors").max());
    }
    // the script kills Redis at 1/3 of the run (--restart-run-s); the timeline has one row per second
    double runSeconds = Math.round(t.numberColumn("t_s").max() / 3.0) * 3; // windows 0..14 of a 15 s run, 0..3 of a 3 s run
    event(c, "Redis killed (1/3 of the run)", runSeconds / 3, 0, top, Color.BLACK);
    return c;
}
XYChart s3Sustained(Path dir) throws Exception {
    Table t = only(csv(dir.resolve("timeline.csv")), "test", "sustained");
    XYChart c = xy("S3 P99 per second at 100 req/s, per client (" + which(dir) + ")", "time (s)", "response time P99 (ms, log)");
    c.getStyler().setYAxisLogarithmic(true);
    for (String v : distinct(t, "client")) {
        Table s = only(t, "client", v);
        s = s.where(s.numberColumn("p99_ms").isGreaterThan(0));
        if (s.rowCount() > 0) c.addSeries(v, col(s, "t_s"), col(s, "p99_ms")).setMarker(SeriesMarkers.NONE);
    }
    threshold(c, Criterion.GET_P99_MS, 0, t.numberColumn("t_s").max());
    return c;
}''',
    rerun_md="Changed: `--down-ms 300` (Redis back after 0.3 s instead of 1 s: do fewer requests fail?), two restart variants, "
             "shorter runs (`--restart-run-s 3`, `--duration-s 2`).",
    rerun=["--down-ms", "300", "--clients", "jedis", "--duration-s", "2", "--bursts", "5", "--restart-variants", "jedis,lettuce", "--restart-run-s", "3"],
)

SPECS["S4_degradation"] = dict(
    question="Does the API (L1 -> L2 Redis -> L3 PostgreSQL) keep answering without 5xx and with P99 < 500 ms while Redis is "
             "down or hung, does it start with Redis down (< 5 s), and how fast does the L2 hit rate recover after Redis returns?",
    files=["metrics.csv", "degradation_timeline.csv", "breaker_transitions.csv"],
    analysis_md="Requests per phase and client by the tier that served them (Tablesaw `summarize ... by`), and the circuit breaker's transitions.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table t = csv(dir.resolve("degradation_timeline.csv"));
    System.out.println(t.summarize(List.of("requests", "l1_hits", "l2_hits", "l3_served", "http_non_2xx"), sum).by("client", "phase")
            .setName("requests by serving tier, per phase").printAll());
    System.out.println(t.summarize("service_p99_ms", max).by("client", "phase")
            .setName("worst per-second P99 (ms), plan while down " + Criterion.DEGRADED_LATENCY_MS.targetText()).printAll());
    Table b = csv(dir.resolve("breaker_transitions.csv"));
    System.out.println(b.countBy(b.stringColumn("client"), b.stringColumn("to")).setName("breaker transitions (to state)").printAll());
}
// phase starts of one client: up -> down (Redis killed) -> recovery (restarted) -> hung (SIGSTOP) -> resumed (SIGCONT)
void phases(XYChart c, Table t, double bottom, double top) {
    Map<String, String> names = Map.of("down", "Redis killed", "recovery", "Redis restarted", "hung", "Redis frozen (SIGSTOP)", "resumed", "Redis resumed");
    Color[] colors = {Color.RED, new Color(0, 140, 0), Color.MAGENTA, Color.BLUE};
    int i = 0;
    for (String p : List.of("down", "recovery", "hung", "resumed")) {
        Table rows = only(t, "phase", p);
        if (rows.rowCount() > 0) event(c, names.get(p), rows.numberColumn("t_s").min() - 0.5, bottom, top, colors[i]);
        i++;
    }
}''',
    charts_md="1. Who served the requests of each sample window (1 s; 0.5 s in quick runs) for the first client: L1, L2 (Redis), L3 (PostgreSQL) stacked, with the kill, "
              "restart, freeze and resume marked. 2. Per-second service P99 per client through the same phases, with the 500 ms line.",
    charts=["s4Tiers", "s4Latency"],
    chart_code=r'''XYChart s4Tiers(Path dir) throws Exception {
    Table all = csv(dir.resolve("degradation_timeline.csv"));
    String client = distinct(all, "client").get(0);
    Table t = only(all, "client", client);
    XYChart c = xy("S4 requests by serving tier, " + client + " (" + which(dir) + ")", "time (s)", "requests per sample window (stacked)");
    double[] x = col(t, "t_s"), l1 = col(t, "l1_hits"), l2 = col(t, "l2_hits"), l3 = col(t, "l3_served");
    double[] l12 = new double[x.length], l123 = new double[x.length];
    for (int i = 0; i < x.length; i++) { l12[i] = l1[i] + l2[i]; l123[i] = l12[i] + l3[i]; }
    // drawn from the top of the stack down, each area over the previous one
    Object[][] layers = {{"L3 PostgreSQL", l123, new Color(230, 120, 40)}, {"L2 Redis", l12, new Color(50, 110, 200)}, {"L1 in-process", l1, new Color(90, 180, 90)}};
    for (Object[] l : layers) {
        XYSeries s = c.addSeries((String) l[0], x, (double[]) l[1]);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area); s.setMarker(SeriesMarkers.NONE);
        s.setFillColor((Color) l[2]); s.setLineColor((Color) l[2]);
    }
    phases(c, t, 0, Arrays.stream(l123).max().orElse(100));
    return c;
}
XYChart s4Latency(Path dir) throws Exception {
    Table all = csv(dir.resolve("degradation_timeline.csv"));
    XYChart c = xy("S4 service P99 per second (" + which(dir) + ")", "time (s)", "service P99 (ms, log)");
    c.getStyler().setYAxisLogarithmic(true);
    for (String client : distinct(all, "client")) {
        Table t = only(all, "client", client);
        t = t.where(t.numberColumn("service_p99_ms").isGreaterThan(0));
        c.addSeries(client, col(t, "t_s"), col(t, "service_p99_ms")).setMarker(SeriesMarkers.NONE);
    }
    threshold(c, Criterion.DEGRADED_LATENCY_MS, 0, all.numberColumn("t_s").max());
    Table positive = all.where(all.numberColumn("service_p99_ms").isGreaterThan(0)); // log axis: the marks start at the lowest P99
    phases(c, only(all, "client", distinct(all, "client").get(0)), positive.numberColumn("service_p99_ms").min(),
            Math.max(1000, all.numberColumn("service_p99_ms").max()));
    return c;
}''',
    rerun_md="Changed: `--l1-size 20` (a smaller L1 than the 100 entries: more of the load falls on L2, then on PostgreSQL while Redis is away), "
             "one client, short phases.",
    rerun=["--l1-size", "20", "--clients", "jedis", "--chunks", "100", "--up-seconds", "2", "--down-seconds", "2", "--hung-seconds", "2",
           "--resumed-seconds", "2", "--tier-reads", "100"],
)

SPECS["S5_eviction"] = dict(
    question="With maxmemory and allkeys-lru, do clients see no OOM error, does memory stay at maxmemory while keys are evicted, "
             "and do the hot (recently read) keys survive while cold ones go?",
    files=["metrics.csv", "eviction_timeline.csv", "survival.csv"],
    analysis_md="Survival of hot vs cold keys per fill (Tablesaw sums per test, then ratios), and the highest memory per fill.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table s = csv(dir.resolve("survival.csv"));
    Table sums = s.summarize("cold_written", "cold_survived", "hot_written", "hot_survived", sum).by("test");
    sums.addColumns(sums.numberColumn("Sum [cold_survived]").divide(sums.numberColumn("Sum [cold_written]")).multiply(100).setName("cold_survived_pct"),
            sums.numberColumn("Sum [hot_survived]").divide(sums.numberColumn("Sum [hot_written]")).multiply(100).setName("hot_survived_pct"));
    System.out.println(sums.setName("keys surviving the fill").printAll());
    Table t = csv(dir.resolve("eviction_timeline.csv"));
    System.out.println(t.summarize("used_memory_mb", "evicted_keys", "written_mb", max).by("test").setName("per fill").printAll());
}
double maxmemoryMb(Path dir) throws Exception {
    for (String l : Files.readAllLines(dir.resolve("run.csv"))) if (l.startsWith("maxmemory_mb,")) return Double.parseDouble(l.split(",")[1]);
    return Double.NaN;
}''',
    charts_md="1. Used memory against bytes written, per fill, with maxmemory drawn: LRU fills flatten at the line, `noeviction` stops there. "
              "2. Share of keys surviving per age decile (0 = oldest), hot vs cold, per LRU sample size.",
    charts=["s5Memory", "s5Survival"],
    chart_code=r'''XYChart s5Memory(Path dir) throws Exception {
    Table t = csv(dir.resolve("eviction_timeline.csv"));
    XYChart c = xy("S5 used memory vs written (" + which(dir) + ")", "value MB written", "used_memory (MB)");
    for (String test : distinct(t, "test")) {
        Table s = only(t, "test", test);
        c.addSeries(test, col(s, "written_mb"), col(s, "used_memory_mb")).setMarker(SeriesMarkers.NONE);
    }
    double mm = maxmemoryMb(dir);
    if (!Double.isNaN(mm)) {
        XYSeries s = c.addSeries("maxmemory " + mm + " MB", new double[] {0, t.numberColumn("written_mb").max()}, new double[] {mm, mm});
        s.setMarker(SeriesMarkers.NONE); s.setLineStyle(SeriesLines.DASH_DASH); s.setLineColor(Color.RED);
    }
    return c;
}
XYChart s5Survival(Path dir) throws Exception {
    Table s = csv(dir.resolve("survival.csv"));
    XYChart c = xy("S5 keys surviving the fill, hot vs cold (" + which(dir) + ")", "age decile (0 = written first)", "survived (%)");
    c.getStyler().setYAxisMin(0.0); c.getStyler().setYAxisMax(105.0);
    for (String test : distinct(s, "test")) {
        Table t = only(s, "test", test);
        double[] x = col(t, "age_decile"), hot = new double[x.length], cold = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            hot[i] = 100 * t.numberColumn("hot_survived").getDouble(i) / Math.max(1, t.numberColumn("hot_written").getDouble(i));
            cold[i] = 100 * t.numberColumn("cold_survived").getDouble(i) / Math.max(1, t.numberColumn("cold_written").getDouble(i));
        }
        c.addSeries(test + " hot", x, hot);
        c.addSeries(test + " cold", x, cold).setLineStyle(SeriesLines.DASH_DASH);
    }
    return c;
}''',
    rerun_md="Changed: `--hot-percent 30` (three times as many hot keys: do they still all survive?), `--maxmemory-mb 5`, one LRU sample size, a 3 s fill.",
    rerun=["--hot-percent", "30", "--maxmemory-mb", "5", "--fill-seconds", "3", "--samples", "5", "--steady-ops", "1000"],
)

SPECS["Q1_warming"] = dict(
    question="Does pre-warming the cache at start-up keep the API's start-up under 5 s, and how much does it raise the hit rate "
             "of the first requests, as the number of warmed entries grows?",
    files=["metrics.csv", "warming.csv"],
    analysis_md="Start-up time and first-requests hit rate, warm vs cold, per size (Tablesaw pivots of `warming.csv`).",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table w = csv(dir.resolve("warming.csv"));
    w.addColumns(w.column("warm").asStringColumn().map(v -> v.equals("true") ? "warm" : "cold").setName("variant"));
    System.out.println(w.pivot("chunks", "variant", "startup_ms", max).setName("start-up (ms), plan " + Criterion.WARM_STARTUP_MS.targetText()).printAll());
    System.out.println(w.pivot("chunks", "variant", "first_hit_rate_pct", mean).setName("hit rate of the first requests (%)").printAll());
    System.out.println(w.pivot("chunks", "variant", "first_requests_p99_ms", max).setName("first requests P99 (ms)").printAll());
}
Table warmTable(Path dir) throws Exception {
    Table w = csv(dir.resolve("warming.csv"));
    w.addColumns(w.column("warm").asStringColumn().map(v -> v.equals("true") ? "warm" : "cold").setName("variant"));
    return w;
}''',
    charts_md="1. Start-up time against warmed entries (log-log), warm vs cold, with the 5 s line. 2. Hit rate of the first requests against entries.",
    charts=["q1Startup", "q1HitRate"],
    chart_code=r'''XYChart q1Startup(Path dir) throws Exception {
    Table w = warmTable(dir);
    XYChart c = xy("Q1 start-up time vs entries (" + which(dir) + ")", "chunks in the cache (log)", "start-up (ms, log)");
    c.getStyler().setXAxisLogarithmic(true); c.getStyler().setYAxisLogarithmic(true);
    for (String v : distinct(w, "variant")) { Table t = only(w, "variant", v); c.addSeries(v, col(t, "chunks"), col(t, "startup_ms")); }
    threshold(c, Criterion.WARM_STARTUP_MS, w.numberColumn("chunks").min(), w.numberColumn("chunks").max());
    return c;
}
XYChart q1HitRate(Path dir) throws Exception {
    Table w = warmTable(dir);
    XYChart c = xy("Q1 hit rate of the first requests (" + which(dir) + ")", "chunks in the cache (log)", "hit rate (%)");
    c.getStyler().setXAxisLogarithmic(true); c.getStyler().setYAxisMin(0.0); c.getStyler().setYAxisMax(105.0);
    for (String v : distinct(w, "variant")) { Table t = only(w, "variant", v); c.addSeries(v, col(t, "chunks"), col(t, "first_hit_rate_pct")); }
    return c;
}''',
    rerun_md="Changed: `--sizes 20,200` (smaller caches than the quick run's 100 and 1000).",
    rerun=["--sizes", "20,200"],
)

SPECS["Q2_key_versioning"] = dict(
    question="Across a schema change rolled out instance by instance, do version-prefixed keys give no wrong or failed read, "
             "and what do they cost in hit rate and PostgreSQL loads compared with unversioned keys?",
    files=["metrics.csv", "rolling.csv"],
    analysis_md="Per key scheme over the whole rolling deploy: wrong and failed reads, L3 loads and the mean hit rate (Tablesaw `summarize ... by scheme`).",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table r = csv(dir.resolve("rolling.csv"));
    System.out.println(r.summarize(List.of("requests", "wrong", "failed", "misses", "l3_loads"), sum).by("scheme")
            .setName("rolling deploy, plan for versioned keys: wrong + failed " + Criterion.VERSIONED_WRONG_READS.targetText()).printAll());
    System.out.println(r.summarize("hit_rate_pct", mean, min).by("scheme").setName("hit rate (%) per window").printAll());
}''',
    charts_md="1. Hit rate per window of the rolling deploy, per key scheme (the x axis also gives how many instances run v2). "
              "2. Wrong or failed reads per window, per scheme: the versioned line must stay at 0.",
    charts=["q2HitRate", "q2Wrong"],
    chart_code=r'''XYChart q2HitRate(Path dir) throws Exception {
    Table r = csv(dir.resolve("rolling.csv"));
    XYChart c = xy("Q2 hit rate through a rolling deploy (" + which(dir) + ")", "window of the deploy", "hit rate (%)");
    c.getStyler().setYAxisMin(0.0); c.getStyler().setYAxisMax(105.0);
    for (String s : distinct(r, "scheme")) { Table t = only(r, "scheme", s); c.addSeries(s, col(t, "window"), col(t, "hit_rate_pct")); }
    return c;
}
XYChart q2Wrong(Path dir) throws Exception {
    Table r = csv(dir.resolve("rolling.csv"));
    XYChart c = xy("Q2 wrong or failed reads per window (" + which(dir) + ")", "window of the deploy", "wrong + failed reads");
    for (String s : distinct(r, "scheme")) {
        Table t = only(r, "scheme", s);
        c.addSeries(s, col(t, "window"), t.numberColumn("wrong").add(t.numberColumn("failed")).asDoubleArray());
    }
    threshold(c, Criterion.VERSIONED_WRONG_READS, 0, r.numberColumn("window").max());
    return c;
}''',
    rerun_md="Changed: `--instances 2` (a deploy over two instances instead of four: a shorter mixed-version period), `--keys 300`.",
    rerun=["--instances", "2", "--keys", "300"],
)

SPECS["Q3_persistence"] = dict(
    question="Does RDB snapshotting (or AOF everysec) slow SETs down: is the P99 with RDB on within 1 ms of RDB off, "
             "and what do the forks do to the tail?",
    files=["metrics.csv", "spectra.csv", "timeline.csv"],
    analysis_md="Response-time P99 per mode and client (pivot), its delta against `rdb_off` computed in Tablesaw, and the forks seen while measuring.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table m = readMetrics(dir.resolve("metrics.csv"));
    Table p99 = m.where(m.stringColumn("metric").isEqualTo("response_time_p99")).pivot("client", "test", "value", mean);
    if (p99.columnNames().contains("rdb_off")) {
        for (String mode : p99.columnNames()) {
            if (mode.equals("client") || mode.equals("rdb_off")) continue;
            p99.addColumns(p99.numberColumn(mode).subtract(p99.numberColumn("rdb_off")).setName(mode + " - rdb_off"));
        }
    }
    System.out.println(p99.setName("SET response time P99 (ms); plan: delta " + Criterion.RDB_DELTA_MS.targetText()).printAll());
    Table forks = m.where(m.stringColumn("metric").isIn("forks_during_measure", "latest_fork_max"));
    System.out.println(forks.pivot("test", "metric", "value", max).setName("forks while measuring (worst client)").printAll());
}''',
    charts_md="1. SET response-time spectra of the modes overlaid for each client, with the `rdb_off` P99 + 1 ms line of the first client "
              "(the plan's threshold is a delta). 2. Per-second P99 of the first client per mode (forks happen when RDB/AOF rewrites).",
    charts=["q3Spectra", "q3Timeline"],
    chart_code=r'''XYChart q3Spectra(Path dir) throws Exception {
    Table sp = csv(dir.resolve("spectra.csv"));
    XYChart c = spectrum("Q3 SET response time per persistence mode (" + which(dir) + ")");
    double right = 3;
    for (String client : distinct(sp, "client"))
        for (String mode : distinct(sp, "test"))
            right = Math.max(right, spectrumSeries(c, client + " " + mode, only(only(sp, "client", client), "test", mode)));
    Table m = readMetrics(dir.resolve("metrics.csv"));
    String first = distinct(sp, "client").get(0);
    Table off = m.where(m.stringColumn("test").isEqualTo("rdb_off").and(m.stringColumn("client").isEqualTo(first))
            .and(m.stringColumn("metric").isEqualTo("response_time_p99")));
    if (off.rowCount() > 0) {
        double y = off.numberColumn("value").getDouble(0) + Criterion.RDB_DELTA_MS.target;
        XYSeries s = c.addSeries("plan: " + first + " rdb_off P99 + " + Criterion.RDB_DELTA_MS.target + " ms", new double[] {0, right}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE); s.setLineStyle(SeriesLines.DASH_DASH); s.setLineColor(Color.RED);
    }
    return c;
}
XYChart q3Timeline(Path dir) throws Exception {
    Table t = csv(dir.resolve("timeline.csv"));
    String first = distinct(t, "client").get(0);
    t = only(t, "client", first);
    XYChart c = xy("Q3 SET P99 per second, " + first + " (" + which(dir) + ")", "time (s)", "P99 (ms, log)");
    c.getStyler().setYAxisLogarithmic(true);
    for (String mode : distinct(t, "test")) {
        Table s = only(t, "test", mode);
        s = s.where(s.numberColumn("p99_ms").isGreaterThan(0).and(s.numberColumn("ok").isGreaterThan(0)));
        if (s.rowCount() > 0) c.addSeries(mode, col(s, "t_s"), col(s, "p99_ms"));
    }
    return c;
}''',
    rerun_md="Changed: `--rate 3000` SETs/s (three times the reference), RDB off vs on only, one client, a 5 MB dataset and 2 s per mode.",
    rerun=["--rate", "3000", "--modes", "rdb_off,rdb_on", "--clients", "jedis", "--preload-mb", "5", "--duration-s", "2"],
)

SPECS["I1_integration"] = dict(
    question="Does the API meet the plan's Integration criteria: its Redis connections opened at start-up and all closed, "
             "with no client thread left, at shutdown; no blocking call on the async client's event-loop threads on an async "
             "read path (BlockHound); and every request answered, with no uncaught exception, while Redis is killed and "
             "restarted and while L2 holds values that do not decode?",
    files=["metrics.csv", "timeline.csv"],
    analysis_md="The lifecycle counts per client (a Tablesaw pivot of `metrics.csv`), the detector's set-up check and the "
                "fault phases' requests and failures per client.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table m = readMetrics(dir.resolve("metrics.csv"));
    Table life = m.where(m.stringColumn("test").isEqualTo("lifecycle").andNot(m.stringColumn("metric").endsWith("_rate_upper95")));
    System.out.println(life.pivot("metric", "client", "value", max).setName("lifecycle per client (counts; startup_connection_seen_ms in ms)").printAll());
    Table setup = m.where(m.stringColumn("test").isIn("setup_check", "load").and(m.stringColumn("metric").containsString("control")
            .or(m.stringColumn("metric").isEqualTo("event_loop_blocking_calls"))));
    System.out.println(setup.selectColumns("client", "test", "metric", "value", "status")
            .setName("blocking calls on the event loop, plan " + Criterion.EVENT_LOOP_BLOCKING_CALLS.targetText()).printAll());
    Table phases = m.where(m.stringColumn("test").isIn("redis_killed", "redis_restarted", "l2_corrupt")
            .and(m.stringColumn("metric").isIn("scheduled", "errors", "unfinished")));
    System.out.println(phases.pivot("test", "metric", "value", sum).setName("requests per fault phase (both clients)").printAll());
}''',
    charts_md="Requests that failed (not a 200 with the chunk) per phase and client, stacked on those answered: "
              "the plan's graceful fallback is a failed bar of 0 in every fault phase.",
    charts=["i1Phases"],
    chart_code=r'''CategoryChart i1Phases(Path dir) throws Exception {
    Table t = csv(dir.resolve("timeline.csv"));
    CategoryChart c = bars("I1 requests per phase: answered / failed (" + which(dir) + ")", "phase and client", "requests");
    c.getStyler().setStacked(true);
    c.getStyler().setXAxisLabelRotation(25);
    List<String> x = new ArrayList<>();
    List<Double> ok = new ArrayList<>(), failed = new ArrayList<>();
    for (String test : distinct(t, "test"))
        for (String client : distinct(only(t, "test", test), "client")) {
            Table w = only(only(t, "test", test), "client", client);
            x.add(test + " " + client);
            ok.add(w.numberColumn("ok").sum());
            failed.add(w.numberColumn("errors").sum());
        }
    c.addSeries("answered (200, decodes)", x, ok);
    c.addSeries("failed (plan " + Criterion.FAULT_REQUESTS_FAILED.targetText() + ")", x, failed);
    return c;
}''',
    rerun_md="Changed: `--inject-blocking` (a deliberate bug: the async path continues on the event loop, so an L2 miss runs "
             "its PostgreSQL query there; the blocking-call count must become non-zero) and `--clients lettuce`.",
    rerun=["--inject-blocking", "--clients", "lettuce"],
)

SPECS["E1_clock_skew"] = dict(
    question="When API instances' clocks disagree, how far from the intended TTL does a key expire for each way of setting "
             "the expiry (relative PX, absolute PXAT, logical expiry by local or server time)? Plan: max |error| <= 500 ms.",
    files=["metrics.csv", "expiry_samples.csv"],
    analysis_md="The skew between writer and reader (a computed column), then the worst and mean |error| per strategy and skew (Tablesaw `summarize ... by`).",
    analysis=r'''Table e1Errors(Path dir) throws Exception {
    Table t = csv(dir.resolve("expiry_samples.csv"));
    DoubleColumn reader = t.numberColumn("reader_offset_ms").asDoubleColumn().copy();
    reader.set(reader.isMissing(), 0.0); // one instance writes and reads
    t.addColumns(t.numberColumn("writer_offset_ms").subtract(reader).asIntColumn().setName("skew_ms"),
            t.numberColumn("error_ms").abs().setName("abs_error_ms"));
    return t.summarize("abs_error_ms", max, mean).by("strategy", "skew_ms").sortOn("strategy", "skew_ms");
}
void analyse(Path dir) throws Exception {
    System.out.println(e1Errors(dir).setName("expiry error (ms), plan " + Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS.targetText()).printAll());
}''',
    charts_md="Worst |expiry error| against the clock skew (writer - reader), one line per strategy, log scale, with the 500 ms line: "
              "a strategy that follows the skew crosses it.",
    charts=["e1Chart"],
    chart_code=r'''XYChart e1Chart(Path dir) throws Exception {
    Table s = e1Errors(dir);
    XYChart c = xy("E1 worst expiry error vs clock skew (" + which(dir) + ")", "writer clock - reader clock (ms)", "max |observed - TTL| (ms, log)");
    c.getStyler().setYAxisLogarithmic(true);
    for (String strategy : distinct(s, "strategy")) {
        Table t = only(s, "strategy", strategy);
        double[] y = col(t, "Max [abs_error_ms]");
        for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0.01); // log axis: 0 drawn at 0.01 ms
        c.addSeries(strategy, col(t, "skew_ms"), y);
    }
    threshold(c, Criterion.CLOCK_SKEW_EXPIRY_ERROR_MS, s.numberColumn("skew_ms").min(), s.numberColumn("skew_ms").max());
    return c;
}''',
    rerun_md="Changed: `--offsets -1000,0,1000` (1 s of skew instead of 2 s), `--ttl-ms 1000`, 2 keys each.",
    rerun=["--offsets=-1000,0,1000", "--ttl-ms", "1000", "--samples", "2"],
)

SPECS["E2_partition"] = dict(
    question="After a subscriber is cut off while invalidations are published, how many stale reads does its L1 serve, "
             "and do the mitigations (a version check per read, flushing L1 on reconnect) bring that to 0?",
    files=["metrics.csv"],
    analysis_md="The partition's outcome per mitigation (rows) and client (a Tablesaw pivot of the relevant metrics).",
    analysis=r'''Table e2Metrics(Path dir) throws Exception {
    Table m = readMetrics(dir.resolve("metrics.csv"));
    return m.where(m.stringColumn("metric").isIn("cut_ms", "lost_B", "stale_keys", "stale_reads_after_reconnect", "staleness_window_max", "still_stale_at_end"));
}
void analyse(Path dir) throws Exception {
    Table m = e2Metrics(dir);
    for (String client : distinct(m, "client"))
        System.out.println(only(m, "client", client).pivot("test", "metric", "value", max).setName(client + ": after the cut").printAll());
}''',
    charts_md="Stale reads served after the reconnect, per mitigation and client (labels give the count; the plan wants 0 for the mitigated variants).",
    charts=["e2Chart"],
    chart_code=r'''CategoryChart e2Chart(Path dir) throws Exception {
    Table m = e2Metrics(dir);
    Table stale = m.where(m.stringColumn("metric").isEqualTo("stale_reads_after_reconnect"));
    CategoryChart c = bars("E2 stale reads after the reconnect (" + which(dir) + "); plan for mitigations: "
            + Criterion.STALE_READS_MITIGATED.targetText(), "mitigation", "stale reads");
    for (String client : distinct(stale, "client")) {
        Table t = only(stale, "client", client);
        c.addSeries(client, t.stringColumn("test").asList(), Arrays.stream(col(t, "value")).boxed().toList());
    }
    return c;
}''',
    rerun_md="Changed: `--cut-seconds 0.5` (a third of the quick run's 1.5 s partition: fewer missed invalidations, fewer stale reads?), one client.",
    rerun=["--cut-seconds", "0.5", "--observe-seconds", "0.5", "--clients", "jedis"],
)

SPECS["E3_thundering_herd"] = dict(
    question="When 100 requests miss the same key at once, how many PostgreSQL queries follow, without and with request "
             "coalescing (plan: exactly 1 with coalescing), and what does waiting cost the requests?",
    files=["metrics.csv", "herd_rounds.csv", "spectra.csv"],
    analysis_md="Queries and latency per variant over the rounds (Tablesaw `summarize ... by variant`).",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table h = csv(dir.resolve("herd_rounds.csv"));
    System.out.println(h.summarize("db_queries", mean, min, max).by("variant").setName("PostgreSQL queries per herd, plan with coalescing "
            + Criterion.HERD_DB_QUERIES.targetText()).printAll());
    System.out.println(h.summarize("coalesced_waits", "p99_ms", max).by("variant").setName("waits and worst P99 (ms)").printAll());
}''',
    charts_md="1. PostgreSQL queries per herd (round), coalesced vs not, with the plan's 1 query. 2. Latency spectrum of the herd's requests per variant.",
    charts=["e3Queries", "e3Latency"],
    chart_code=r'''XYChart e3Queries(Path dir) throws Exception {
    Table h = csv(dir.resolve("herd_rounds.csv"));
    XYChart c = xy("E3 PostgreSQL queries per herd (" + which(dir) + ")", "round (a fresh key each)", "queries");
    c.getStyler().setYAxisMin(0.0);
    for (String v : distinct(h, "variant")) { Table t = only(h, "variant", v); c.addSeries(v, col(t, "round"), col(t, "db_queries")); }
    threshold(c, Criterion.HERD_DB_QUERIES, h.numberColumn("round").min(), h.numberColumn("round").max());
    return c;
}
XYChart e3Latency(Path dir) throws Exception {
    Table sp = csv(dir.resolve("spectra.csv"));
    XYChart c = spectrum("E3 herd request latency (" + which(dir) + ")");
    for (String v : distinct(sp, "client")) spectrumSeries(c, v, only(sp, "client", v));
    return c;
}''',
    rerun_md="Changed: `--concurrency 20` (a herd of 20 instead of 100), 2 rounds.",
    rerun=["--concurrency", "20", "--rounds", "2"],
)

SPECS["E4_embedding_size"] = dict(
    question="How large is a cache entry holding N chunks with their embeddings, per encoding (JSON, binary, compressed), and "
             "when does reading it pass the plan's 10 ms GET P99 (compress above)?",
    files=["metrics.csv", "curve.csv", "recommendations.csv"],
    analysis_md="Bytes per encoding and size, and the total read time (GET + decode) per encoding and size: Tablesaw pivots of `curve.csv` "
                "for the first client; then the script's recommendation per size.",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table c = csv(dir.resolve("curve.csv"));
    Table one = only(c, "client", distinct(c, "client").get(0));
    System.out.println(one.pivot("chunks", "encoding", "bytes", max).setName("entry size (bytes), " + distinct(c, "client").get(0)).printAll());
    System.out.println(c.pivot("chunks", "encoding", "get_ms_p99", max).setName("GET P99 (ms, worst client), plan "
            + Criterion.EMBEDDING_GET_MS.targetText()).printAll());
    System.out.println(csv(dir.resolve("recommendations.csv")).selectColumns("client", "chunks", "recommended", "bytes", "total_read_ms_p50")
            .setName("recommended encoding per size").printAll());
}''',
    charts_md="1. Entry size against chunks per encoding (log-log). 2. GET P99 against chunks per encoding (first client, log-log), with the 10 ms line.",
    charts=["e4Size", "e4Get"],
    chart_code=r'''XYChart e4Size(Path dir) throws Exception {
    Table c = csv(dir.resolve("curve.csv"));
    Table one = only(c, "client", distinct(c, "client").get(0));
    XYChart ch = xy("E4 entry size per encoding (" + which(dir) + ")", "chunks per entry (log)", "bytes (log)");
    ch.getStyler().setXAxisLogarithmic(true); ch.getStyler().setYAxisLogarithmic(true);
    for (String e : distinct(one, "encoding")) { Table t = only(one, "encoding", e); ch.addSeries(e, col(t, "chunks"), col(t, "bytes")); }
    return ch;
}
XYChart e4Get(Path dir) throws Exception {
    Table c = csv(dir.resolve("curve.csv"));
    String client = distinct(c, "client").get(0);
    Table one = only(c, "client", client);
    XYChart ch = xy("E4 GET P99 per encoding, " + client + " (" + which(dir) + ")", "chunks per entry (log)", "GET P99 (ms, log)");
    ch.getStyler().setXAxisLogarithmic(true); ch.getStyler().setYAxisLogarithmic(true);
    for (String e : distinct(one, "encoding")) { Table t = only(one, "encoding", e); ch.addSeries(e, col(t, "chunks"), col(t, "get_ms_p99")); }
    threshold(ch, Criterion.EMBEDDING_GET_MS, one.numberColumn("chunks").min(), one.numberColumn("chunks").max());
    return ch;
}''',
    rerun_md="Changed: `--encodings json,binary+lz4` (the largest and one compact encoding), sizes 1, 10, 100, one client, 20 repetitions.",
    rerun=["--encodings", "json,binary+lz4", "--chunks", "1,10,100", "--clients", "jedis", "--reps", "20"],
)

SPECS["X1_invalidation"] = dict(
    question="Which invalidation mechanism should carry L1 invalidations: Pub/Sub, Streams, client-side tracking or broadcast "
             "tracking? Propagation latency (plan: P99 < 100 ms) and messages lost across a cut connection.",
    files=["metrics.csv", "comparison.csv"],
    analysis_md="The comparison table pivoted: one row per mechanism, one column per metric (worst client).",
    analysis=r'''void analyse(Path dir) throws Exception {
    Table c = csv(dir.resolve("comparison.csv"));
    Table sel = c.where(c.stringColumn("metric").isIn("propagation_p99", "rate100_loss_pct", "cut_loss_pct", "loss_after_reconnect_pct", "stale_l1_entries_after_cut"));
    System.out.println(sel.pivot("mechanism", "metric", "value", max).setName("per mechanism (worst client)").printAll());
}''',
    charts_md="1. Propagation P99 per mechanism and client (log), with the plan's 100 ms. 2. Messages lost across the cut per mechanism and client.",
    charts=["x1Latency", "x1Loss"],
    chart_code=r'''// one value per mechanism, null (no bar) where a client has no row (Jedis has no broadcast tracking)
List<Double> perMechanism(Table t, List<String> mechs) {
    List<Double> out = new ArrayList<>();
    for (String m : mechs) { Table r = only(t, "mechanism", m); out.add(r.rowCount() == 0 ? null : r.numberColumn("value").getDouble(0)); }
    return out;
}
CategoryChart x1Latency(Path dir) throws Exception {
    Table c = csv(dir.resolve("comparison.csv"));
    Table p = c.where(c.stringColumn("metric").isEqualTo("propagation_p99"));
    List<String> mechs = distinct(p, "mechanism");
    CategoryChart ch = bars("X1 propagation P99 per mechanism (" + which(dir) + ")", "mechanism", "P99 (ms, log)");
    ch.getStyler().setYAxisLogarithmic(true);
    ch.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter); // bars would start at 0, off a log axis
    ch.getStyler().setMarkerSize(10);
    for (String client : distinct(p, "client")) {
        Table t = only(p, "client", client);
        ch.addSeries(client, mechs, perMechanism(t, mechs));
    }
    CategorySeries limit = ch.addSeries("plan " + Criterion.PUBSUB_P99_MS.targetText() + " (PUBSUB_P99_MS)",
            mechs, mechs.stream().map(m -> Criterion.PUBSUB_P99_MS.target).toList());
    limit.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
    limit.setLineColor(Color.RED); limit.setLineStyle(SeriesLines.DASH_DASH); limit.setMarker(SeriesMarkers.NONE);
    return ch;
}
CategoryChart x1Loss(Path dir) throws Exception {
    Table c = csv(dir.resolve("comparison.csv"));
    Table p = c.where(c.stringColumn("metric").isEqualTo("cut_loss_pct"));
    CategoryChart ch = bars("X1 invalidations lost across the cut (" + which(dir) + ")", "mechanism", "lost (%)");
    for (String client : distinct(p, "client")) {
        Table t = only(p, "client", client);
        ch.addSeries(client, distinct(p, "mechanism"), perMechanism(t, distinct(p, "mechanism")));
    }
    return ch;
}''',
    rerun_md="Changed: `--cut-seconds 2` (a cut twice the quick run's), Pub/Sub vs Streams only, one client, fewer messages.",
    rerun=["--cut-seconds", "2", "--mechanisms", "pubsub,streams", "--clients", "jedis", "--messages", "20", "--seconds", "1"],
)

SPECS["X2_saturation"] = dict(
    question="At which offered rate does a client configuration stop holding the plan's 20 ms P99 (and stop achieving the "
             "offered rate), for Jedis at several concurrencies and Lettuce?",
    files=["metrics.csv", "saturation.csv"],
    analysis_md="One configuration = client and concurrency (a computed column); per configuration the highest offered rate that was "
                "achieved (>= 99.5 %) with P99 under 20 ms (Tablesaw filter, then `summarize ... by`).",
    analysis=r'''Table x2Table(Path dir) throws Exception {
    Table s = csv(dir.resolve("saturation.csv"));
    s.addColumns(s.stringColumn("client").concatenate(s.numberColumn("concurrency").asStringColumn().map(v -> v.equals("0") ? "" : " x" + v)).setName("config"));
    return s;
}
void analyse(Path dir) throws Exception {
    Table s = x2Table(dir);
    Table held = s.where(s.numberColumn("p99_ms").isLessThan(Criterion.GET_P99_MS.target)
            .and(s.numberColumn("achieved_rate").isGreaterThanOrEqualTo(s.numberColumn("offered_rate").multiply(0.995))));
    System.out.println(held.summarize("offered_rate", max).by("config").setName("highest offered rate held (req/s): achieved and P99 "
            + Criterion.GET_P99_MS.targetText()).printAll());
    System.out.println(s.pivot("offered_rate", "config", "p99_ms", max).setName("P99 (ms) per offered rate").printAll());
}''',
    charts_md="1. Response-time P99 against offered rate, one line per client configuration (log-log), with the 20 ms line. "
              "2. Achieved against offered rate per configuration; the dashed diagonal is 'achieved = offered'.",
    charts=["x2P99", "x2Achieved"],
    chart_code=r'''XYChart x2P99(Path dir) throws Exception {
    Table s = x2Table(dir);
    XYChart c = xy("X2 P99 vs offered rate per configuration (" + which(dir) + ")", "offered rate (req/s, log)", "P99 (ms, log)");
    c.getStyler().setXAxisLogarithmic(true); c.getStyler().setYAxisLogarithmic(true);
    for (String cfg : distinct(s, "config")) {
        Table t = only(s, "config", cfg);
        t = t.where(t.numberColumn("p99_ms").isGreaterThan(0));
        if (t.rowCount() > 0) c.addSeries(cfg, col(t, "offered_rate"), col(t, "p99_ms"));
    }
    threshold(c, Criterion.GET_P99_MS, s.numberColumn("offered_rate").min(), s.numberColumn("offered_rate").max());
    return c;
}
XYChart x2Achieved(Path dir) throws Exception {
    Table s = x2Table(dir);
    XYChart c = xy("X2 achieved vs offered rate (" + which(dir) + ")", "offered rate (req/s, log)", "achieved rate (req/s, log)");
    c.getStyler().setXAxisLogarithmic(true); c.getStyler().setYAxisLogarithmic(true);
    for (String cfg : distinct(s, "config")) {
        Table t = only(s, "config", cfg);
        t = t.where(t.numberColumn("achieved_rate").isGreaterThan(0));
        if (t.rowCount() > 0) c.addSeries(cfg, col(t, "offered_rate"), col(t, "achieved_rate"));
    }
    double lo = s.numberColumn("offered_rate").min(), hi = s.numberColumn("offered_rate").max();
    XYSeries d = c.addSeries("achieved = offered", new double[] {lo, hi}, new double[] {lo, hi});
    d.setMarker(SeriesMarkers.NONE); d.setLineStyle(SeriesLines.DASH_DASH); d.setLineColor(Color.GRAY);
    return c;
}''',
    rerun_md="Changed: `--p99-limit-ms 50` (where is the knee when a step may reach a 50 ms P99 before it counts as bent? "
             "the sweep stops at the first bent step), Jedis at one concurrency (`--jedis-concurrency 8`).",
    rerun=["--p99-limit-ms", "50", "--clients", "jedis", "--jedis-concurrency", "8"],
)

# The overview notebook's servers part (appended to 00_overview.ipynb by make_notebooks.py): the servers side by side
# through lab.report.ServerComparison, the same code as RESULTS.md's "Servers side by side", so nothing is computed twice.
OVERVIEW_SERVERS = [
    ("md", "## Servers side by side\n\n"
           "The same scripts on each server (`data/<script>/` for Redis, `data/<server>/<script>/` for another), grouped by the server "
           "each `run.csv` names. Everything below comes from `lab.report.ServerComparison` and `lab.Decision`, as in `RESULTS.md`."),
    ("code", r'''import lab.report.ServerComparison;
List<ServerComparison.ServerData> servers = ServerComparison.load(data);
for (ServerComparison.ServerData s : servers) System.out.println(s.title() + ": " + s.dirs().size() + " runs, scripts " + s.scripts());
if (servers.size() < 2) System.out.println("one server in " + data + ": ./jbang scripts/RunAll.java --servers redis,valkey measures a second one");'''),
    ("md", "### Each criterion per server, and the difference with its interval\n\n"
           "Worst row per server over the rows measured on both (like for like). The difference (second server − first) carries a 95 % "
           "interval: two-sample (Mann-Whitney shift) where both rows are medians across trials, a rate difference (Newcombe) where both "
           "are counts out of N, else the plain difference of single runs. Rows measured on one server only are named, not compared."),
    ("code", r'''Table sideBySide(ServerComparison.ServerData a, ServerComparison.ServerData b) {
    StringColumn criterion = StringColumn.create("criterion"), target = StringColumn.create("target"), onA = StringColumn.create(a.title()),
            onB = StringColumn.create(b.title()), diff = StringColumn.create("difference"), changed = StringColumn.create("verdict changed"),
            oneSided = StringColumn.create("measured on one server only");
    for (ServerComparison.CriterionComparison c : ServerComparison.criteria(a, b)) {
        criterion.append(c.criterion().name()); target.append(c.criterion().targetText());
        onA.append(c.a().text()); onB.append(c.b().text()); diff.append(c.difference().text());
        changed.append(!c.measuredOnBoth() ? "-" : c.verdictChanged() ? "YES: " + c.a().status() + " -> " + c.b().status() : "no");
        oneSided.append(c.oneSided());
    }
    return Table.create(a.title() + " vs " + b.title(), criterion, target, onA, onB, diff, changed, oneSided);
}
for (ServerComparison.ServerData b : servers.subList(Math.min(1, servers.size()), servers.size()))
    System.out.println(sideBySide(servers.get(0), b).printAll());'''),
    ("md", "### The decision tree on each server\n\n"
           "`lab.Decision` on each server's own rows, then the tree's alternative leaves answered with the data where it exists, "
           "or with the command that measures them where it does not."),
    ("code", r'''for (ServerComparison.ServerData s : servers) {
    Decision.Result ds = Decision.evaluate(s.rows());
    System.out.println(s.title() + ": " + ds.outcomeText());
    System.out.println("  path: " + ds.path());
    for (Decision.Point p : ds.points()) System.out.println("  decision point " + p.number() + " (" + p.title() + "): " + p.answer() + " -> " + p.choice());
}
System.out.println();
if (!servers.isEmpty()) for (String alt : List.of("valkey", "dragonfly", "keydb")) System.out.println("- " + ServerComparison.leafAnswer(alt, servers) + "\n");'''),
    ("md", "### Behaviour differences\n\n"
           "Computed from the data, not typed: `run.csv` settings that differ, rows recorded on one server only, verdicts that differ, "
           "and differences whose interval excludes zero."),
    ("code", r'''for (ServerComparison.ServerData b : servers.subList(Math.min(1, servers.size()), servers.size())) {
    List<ServerComparison.Behaviour> found = ServerComparison.behaviour(servers.get(0), b);
    Table t = Table.create(servers.get(0).title() + " vs " + b.title(), StringColumn.create("kind", found.stream().map(ServerComparison.Behaviour::kind).toList()),
            StringColumn.create("where", found.stream().map(ServerComparison.Behaviour::where).toList()),
            StringColumn.create("what", found.stream().map(ServerComparison.Behaviour::text).toList()));
    System.out.println(t.countBy("kind").printAll());
    System.out.println(t.where(t.stringColumn("kind").isNotEqualTo(ServerComparison.Behaviour.ONE_SIDED)).printAll());
}'''),
    ("md", "### Does the server change any verdict?\n\n"
           "Each criterion as worst measured / threshold on one log axis (left of 1 passes), one marker per server on one line: "
           "a label in red is a verdict that changes with the server; one that names a server was measured on the other only."),
    ("code", r'''for (ServerComparison.ServerData b : servers.subList(Math.min(1, servers.size()), servers.size()))
    show(ServerComparison.chart(servers.get(0), b).chart());'''),
]
