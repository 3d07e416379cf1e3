package lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order in which the things a script compares (clients, strategies, variants) are measured in one
 * trial: as given in even trials, reversed in odd ones (A B C, C B A, A B C, ...), so that drift over the
 * run and the cost of going first or last fall on every one of them alike ({@link Trials}).
 */
public final class TrialOrder {
    private TrialOrder() {}

    /** {@code items} in trial {@code trial}'s order (0-based): as given, reversed every other trial. */
    public static <T> List<T> of(List<T> items, int trial) {
        List<T> o = new ArrayList<>(items);
        if (trial % 2 == 1) Collections.reverse(o);
        return o;
    }
}
