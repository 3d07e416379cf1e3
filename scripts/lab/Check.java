package lab;

/** Option checks before anything is measured: one check, one message naming the option and the bad value. */
public final class Check {
    private Check() {}

    public static int atLeast(String option, int value, int min) {
        if (value < min) throw new LabException(option + " must be >= " + min + ", not " + value);
        return value;
    }

    public static long atLeast(String option, long value, long min) {
        if (value < min) throw new LabException(option + " must be >= " + min + ", not " + value);
        return value;
    }

    public static double atLeast(String option, double value, double min) {
        if (!(value >= min)) throw new LabException(option + " must be >= " + min + ", not " + value);
        return value;
    }

    public static double positive(String option, double value) {
        if (!(value > 0)) throw new LabException(option + " must be > 0, not " + value);
        return value;
    }
}
