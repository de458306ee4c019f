package org.tinymem.notebook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's Table 1 (4-layer multiplicative math model; % memorized, test accuracy and seconds
 * for the noise and the backdoor model; each value averaged over three seeds), as data: the
 * resource {@code paper-table1.csv} beside this class, transcribed from the paper's text. Methods
 * carry our command-line names ({@code spectral-norm}, {@code clean}, {@code balanced-subnet}, ...)
 * so that they join with the rows of {@code tinymem table1} ({@link Table1Comparison}).
 */
public final class PaperTable1 {
    private PaperTable1() {}

    /** The artifacts of Table 1, in its column order. */
    public static final List<String> ARTIFACTS = List.of("noise", "backdoor");

    /** The family of the unmitigated model's row. */
    public static final String BASELINE = "baseline";

    /**
     * One cell group of Table 1 (or of our reproduction of it).
     *
     * @param artifact noise or backdoor
     * @param family baseline, regularizer, fine-tuning, neuron unlearning or weight unlearning
     * @param method our command-line name of the method
     * @param percentMemorized % memorized (Eq. 1), after the mitigation
     * @param accuracy test accuracy (%), after the mitigation
     * @param seconds the mitigation's time (NaN for the baseline)
     * @param setting the selected hyper-parameters ("" when not known, as for the paper's rows)
     * @param seeds how many seeds the values average
     * @param percentMemorizedSd sample sd of % memorized over the seeds (NaN: one seed, or not reported)
     * @param accuracySd sample sd of accuracy over the seeds (NaN: one seed, or not reported)
     */
    public record Entry(String artifact, String family, String method, double percentMemorized, double accuracy,
                        double seconds, String setting, int seeds, double percentMemorizedSd, double accuracySd) {
        /** An entry whose spread over seeds is not known (the paper reports means only). */
        public Entry(String artifact, String family, String method, double percentMemorized, double accuracy, double seconds,
                     String setting, int seeds) {
            this(artifact, family, method, percentMemorized, accuracy, seconds, setting, seeds, Double.NaN, Double.NaN);
        }
    }

    /** The paper's rows: 18 methods (the baseline and 17 mitigations) × 2 artifacts, in the table's order. */
    public static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (String artifact : ARTIFACTS) {
            for (String[] row : rows()) {
                int at = 3 + 3 * ARTIFACTS.indexOf(artifact);
                entries.add(new Entry(artifact, row[2], row[0], number(row[at]), number(row[at + 1]), number(row[at + 2]), "", 3));
            }
        }
        return entries;
    }

    /** The paper's name of each method ({@code balanced-subnet} → {@code BalancedSubnet}), in the table's order. */
    public static Map<String, String> paperNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String[] row : rows()) names.put(row[0], row[1]);
        return names;
    }

    private static double number(String cell) {
        return cell.isBlank() ? Double.NaN : Double.parseDouble(cell);
    }

    /** The data rows of the resource (comment lines start with {@code #}; the first other line is the header). */
    private static List<String[]> rows() {
        try (InputStream in = PaperTable1.class.getResourceAsStream("paper-table1.csv")) {
            if (in == null) throw new IllegalStateException("paper-table1.csv is missing from the library");
            List<String[]> rows = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).skip(1)
                        .map(line -> line.split(",", -1)).forEach(rows::add);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
