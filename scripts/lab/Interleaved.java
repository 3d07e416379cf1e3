package lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order in which trial {@code trial} (0-based) visits the things it compares: as given in even
 * trials, reversed in odd ones (A B C, C B A, A B C, ...), so drift and order effects cancel across trials.
 */
public final class Interleaved {
    private Interleaved() {}

    public static <T> List<T> order(List<T> items, int trial) {
        List<T> o = new ArrayList<>(items);
        if (trial % 2 == 1) Collections.reverse(o);
        return o;
    }
}
