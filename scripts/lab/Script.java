package lab;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * Every experiment script of the lab, once: its name (the picocli {@code @Command} name, the file
 * {@code scripts/<name>.java} and the output folder {@code data/<name>/}), its title in the research
 * plan, and by declaration order its place in RunAll and in the report.
 *
 * <p>A new scenario adds one line here; LabBuildTest checks that every script file has its line and
 * that the {@code @Command} name matches.
 */
public enum Script {
    S1_basic("Scenario 1: Basic Operations"),
    S2_pubsub("Scenario 2: Pub/Sub Multi-Instance Invalidation"),
    S3_pool("Scenario 3: Connection Pooling Under Load"),
    S4_degradation("Scenario 4: Graceful Degradation"),
    S5_eviction("Scenario 5: Memory and Eviction"),
    E1_clock_skew("Edge Case 1: Clock Skew Between API Instances"),
    E2_partition("Edge Case 2: Network Partition During Pub/Sub"),
    E3_thundering_herd("Edge Case 3: Thundering Herd on Cache Miss"),
    E4_embedding_size("Edge Case 4: Embedding Size"),
    Q1_warming("Deep Question 1: Cache Warming Strategy"),
    Q2_key_versioning("Deep Question 2: Cache Key Versioning"),
    Q3_persistence("Deep Question 3: Redis Persistence (RDB vs AOF)"),
    I1_integration("Integration Criteria: lifecycle, async compatibility, error handling"),
    X1_invalidation("Beyond the seed: invalidation channels compared"),
    X2_saturation("Beyond the seed: saturation knee");

    private final String title;

    Script(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public static Optional<Script> find(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }

    /** The script a picocli command object stands for, by its {@code @Command(name = ...)}. */
    public static Script of(Object command) {
        Command c = command.getClass().getAnnotation(Command.class);
        if (c == null) throw new LabException(command.getClass().getName() + " has no @Command");
        return find(c.name()).orElseThrow(() -> new LabException("no script '" + c.name() + "' in lab.Script: add a line for it there"));
    }

    /**
     * Report and RunAll order: the scripts above in their order, then any other name (a folder of
     * another version of the lab) by kind (scenario, edge case, deep question, extra) and name.
     */
    public static final Comparator<String> ORDER = Comparator
            .comparingInt((String n) -> find(n).map(Script::ordinal).orElse(values().length))
            .thenComparingInt(n -> {
                int kind = "SEQX".indexOf(n.isEmpty() ? '?' : n.charAt(0));
                return kind < 0 ? 9 : kind;
            })
            .thenComparing(Comparator.naturalOrder());
}
