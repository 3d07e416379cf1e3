package lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the lab's CSV files (data/README.md: header row, RFC 4180 quoting, '.' decimals) and turns
 * metrics.csv back into {@link Results.Row}s. Every problem is a {@link LabException} with one line
 * naming the file and the row, so the report and the notebooks fail clearly on bad data.
 */
public final class Csv {

    /** A CSV file in memory: its header and its rows (every row as wide as the header). */
    public record Table(Path file, List<String> columns, List<List<String>> rows) {
        public int col(String name) {
            int i = columns.indexOf(name);
            if (i < 0) throw new LabException(file + ": no column '" + name + "' (columns: " + String.join(",", columns) + ")");
            return i;
        }

        public boolean has(String name) {
            return columns.contains(name);
        }

        /** The cell as a number; "NaN" and empty are NaN; anything else unparsable is an error. */
        public double num(List<String> row, String column) {
            return number(file, rows.indexOf(row) + 2, column, row.get(col(column)));
        }

        public String str(List<String> row, String column) {
            return row.get(col(column));
        }
    }

    private Csv() {}

    public static Table read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LabException("missing CSV file: " + file);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage());
        }
        List<List<String>> records = parse(file, text);
        if (records.isEmpty()) throw new LabException("malformed CSV " + file + ": empty file (no header row)");
        List<String> header = records.get(0);
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isBlank() || !seen.add(h)) throw new LabException("malformed CSV " + file + ": bad header " + header);
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> r = records.get(i);
            if (r.size() != header.size()) {
                throw new LabException("malformed CSV " + file + " line " + (i + 1) + ": " + r.size() + " cells, header has " + header.size());
            }
            rows.add(List.copyOf(r));
        }
        return new Table(file, List.copyOf(header), List.copyOf(rows));
    }

    /** RFC 4180 records; a trailing newline does not make an empty record. */
    static List<List<String>> parse(Path file, String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false, any = false;
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') { cell.append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; cell.append(c); }
                continue;
            }
            if (c == '"') { quoted = true; any = true; }
            else if (c == ',') { cur.add(cell.toString()); cell.setLength(0); any = true; }
            else if (c == '\r') { /* CRLF */ }
            else if (c == '\n') {
                cur.add(cell.toString());
                out.add(cur);
                cur = new ArrayList<>();
                cell.setLength(0);
                any = false;
                line++;
            } else { cell.append(c); any = true; }
        }
        if (quoted) throw new LabException("malformed CSV " + file + " line " + line + ": unterminated quote");
        if (any || cell.length() > 0) { cur.add(cell.toString()); out.add(cur); }
        return out;
    }

    static double number(Path file, int line, String column, String s) {
        return number(file + " line " + line, column, s);
    }

    /** {@code where} names the file and line (or row) for the error message. */
    static double number(String where, String column, String s) {
        if (s.isEmpty() || s.equals("NaN")) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new LabException("malformed CSV " + where + ": column " + column + " is not a number: '" + s + "'");
        }
    }

    /**
     * metrics.csv as rows: the columns of {@link Results#METRICS_COLUMNS} (columns added later are allowed),
     * or the older {@link Results#METRICS_COLUMNS_V1} (files without trials and intervals: every row is a
     * single value). Every stored verdict is re-derived ({@link #rederive}); a contradiction is an error
     * naming the file and line.
     */
    public static List<Results.Row> metrics(Path file) {
        Table t = read(file);
        boolean v1 = t.columns().containsAll(Results.METRICS_COLUMNS_V1) && !t.columns().contains("trials");
        if (!v1 && !t.columns().containsAll(Results.METRICS_COLUMNS)) {
            throw new LabException("malformed CSV " + file + ": columns " + t.columns() + ", expected at least " + Results.METRICS_COLUMNS);
        }
        int[] c = (v1 ? Results.METRICS_COLUMNS_V1 : Results.METRICS_COLUMNS).stream().mapToInt(t::col).toArray();
        List<Results.Row> rows = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> r = t.rows().get(i);
            String where = file + " line " + (i + 2);
            Results.Row row = metricRow(where, r.get(c[0]), r.get(c[1]), r.get(c[2]), r.get(c[3]), r.get(c[4]), r.get(c[5]), r.get(c[8]), r.get(c[9]));
            if (!v1) row = withInterval(where, row, r.get(c[10]), r.get(c[11]), r.get(c[12]), r.get(c[13]));
            String wrong = rederive(where, row, r.get(c[8]), r.get(c[7]), r.get(c[6]));
            if (wrong != null) throw new LabException("inconsistent CSV " + where + " (" + row.metric() + "): " + wrong);
            if (row.criterion() != null && Double.isNaN(row.value())) {
                Progress.line(where + ": criterion " + row.criterion() + " (" + row.metric() + ") has no value: counted as MISSING");
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The stored verdict against the one re-derived from the row: from its interval when it has one
     * ({@link Verdict#judge}), else from value, comparator and target ({@link Criterion#contradiction}).
     * Null when they agree; the reason otherwise.
     */
    static String rederive(String where, Results.Row row, String storedText, String comparator, String target) {
        Criterion.Status stored = statusOf(where, storedText);
        if (row.criterion() != null && row.hasInterval() && !Double.isNaN(row.value())) {
            if (stored != Criterion.Status.PASS && stored != Criterion.Status.FAIL && stored != Criterion.Status.INCONCLUSIVE) return null;
            Verdict v = Verdict.judge(row.criterion(), new Trials.Estimate(row.value(), row.ciLow(), row.ciHigh(), row.interval(), new double[row.trials()]));
            return v.status() == stored ? null : "status " + stored + " contradicts the interval: " + v.text() + " is " + v.status();
        }
        return Criterion.contradiction(stored, row.value(), comparator, target);
    }

    static Criterion.Status statusOf(String where, String status) {
        try {
            return Criterion.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new LabException("malformed CSV " + where + ": unknown status '" + status + "' (PASS, FAIL, INCONCLUSIVE, INFO, MISSING)");
        }
    }

    /** Adds the trials/ci_low/ci_high/interval cells to a row read by {@link #metricRow}. */
    public static Results.Row withInterval(String where, Results.Row row, String trials, String ciLow, String ciHigh, String interval) {
        int n;
        try {
            n = trials == null || trials.isBlank() ? 1 : Integer.parseInt(trials.trim());
        } catch (NumberFormatException e) {
            throw new LabException("malformed CSV " + where + ": column trials is not a whole number: '" + trials + "'");
        }
        if (n < 0) throw new LabException("malformed CSV " + where + ": column trials is negative: " + n);
        double lo = number(where, "ci_low", ciLow == null ? "" : ciLow.trim());
        double hi = number(where, "ci_high", ciHigh == null ? "" : ciHigh.trim());
        if (lo > hi) throw new LabException("malformed CSV " + where + ": ci_low " + lo + " > ci_high " + hi);
        return new Results.Row(row.scenario(), row.test(), row.client(), row.metric(), row.unit(), row.value(), row.criterion(),
                row.status(), n, lo, hi, interval == null ? "" : interval);
    }

    /**
     * One metrics row from its text cells (also used by the notebooks, which read the CSV with Tablesaw).
     * A criterion row whose value is NaN is MISSING whatever its status says: missing is never a pass.
     */
    public static Results.Row metricRow(String where, String scenario, String test, String client, String metric, String unit,
                                        String value, String status, String criterion) {
        double v = number(where, "value", value == null ? "" : value.trim());
        Criterion c = null;
        if (criterion != null && !criterion.isBlank()) {
            try {
                c = Criterion.valueOf(criterion.trim());
            } catch (IllegalArgumentException e) {
                throw new LabException("malformed CSV " + where + ": unknown criterion '" + criterion + "'");
            }
        }
        Criterion.Status st;
        try {
            st = Criterion.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new LabException("malformed CSV " + where + ": unknown status '" + status + "' (PASS, FAIL, INCONCLUSIVE, INFO, MISSING)");
        }
        if (c == null && st != Criterion.Status.INFO && st != Criterion.Status.MISSING) {
            throw new LabException("malformed CSV " + where + ": status " + st + " without a criterion");
        }
        if (c != null && st == Criterion.Status.INFO) {
            throw new LabException("malformed CSV " + where + ": criterion " + c + " with status INFO");
        }
        if (c != null && Double.isNaN(v)) st = Criterion.Status.MISSING;
        return new Results.Row(scenario, test, client, metric, unit, v, c, st);
    }
}
