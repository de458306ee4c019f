package org.tinymem.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.tinymem.eval.Scorecard;
import org.tinymem.experiment.RegularizerSelection;
import org.tinymem.experiment.Selection;
import org.tinymem.notebook.PaperTable1.Entry;
import org.tinymem.train.RegularizerSpec;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.components.Symbol;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Our Table 1 beside the paper's ({@link PaperTable1}): the rows of {@code tinymem table1}
 * ({@code table1-all.csv}, every run; {@code table1-selected.csv}, each unlearning method's run
 * selected by App. A.3.5's rule M + |A| under the time limit) turned into one {@link Entry} per
 * artifact and method, averaged over seeds as the paper's; the two side by side, a Fig. 3-style
 * scatter and a verdict per method computed from both.
 *
 * <p>Our rows: the baseline is the training without a regularizer; each regularizer is its grid value
 * with the best seed average by App. A.2.1's rule ({@link RegularizerSelection}); each fine-tuning
 * recipe is its one run; each unlearning method is its selected run.
 */
public final class Table1Comparison {
    private Table1Comparison() {}

    /**
     * A method "removes" memorization when at most this % of the artifact sequences stays memorized
     * (ours, a choice): the paper's Table 1 rows it reads as successful on noise all end below it
     * (Durable 0.76, SOU 0.81, Subnet 0.82, Durable-agg 0.98, BalancedSubnet 0.06), while those it
     * reads as failing stay above it (Greedy 5.98, Slim 2.98, HC 9.11).
     */
    public static final double REMOVED_AT_MOST_PERCENT = 1.0;

    /**
     * A method "keeps accuracy" when it loses at most this many accuracy points against its own
     * baseline (ours, a choice): more than the losses of the paper's methods that keep accuracy on
     * noise (BalancedSubnet 0.87, Greedy 1.10, Durable-agg 2.64, Durable 2.71 points), less than
     * those that lose it (Clean FT 9.19, SOU 9.96, Act 9.57 points).
     */
    public static final double KEPT_WITHIN_POINTS = 3.0;

    /** Our entries from the two CSV files of {@code tinymem table1} (a missing selected file: no unlearning rows). */
    public static List<Entry> ours(Path all, Path selected) {
        List<Map<String, String>> rows = read(all).stream().filter(r -> "done".equals(r.get("status"))).toList();
        Map<String, String> artifactOfTraining = new LinkedHashMap<>();
        rows.stream().filter(r -> r.get("command").equals("train")).forEach(r -> artifactOfTraining.put(r.get("index"), r.get("artifact")));
        List<Entry> entries = new ArrayList<>();
        for (String artifact : new LinkedHashSet<>(artifactOfTraining.values())) {
            List<Map<String, String>> trainings = rows.stream()
                    .filter(r -> r.get("command").equals("train") && artifact.equals(r.get("artifact"))).toList();
            List<Map<String, String>> baselines = trainings.stream().filter(r -> blank(r.get("regularizer"))).toList();
            if (!baselines.isEmpty()) {
                entries.add(mean(artifact, PaperTable1.BASELINE, "baseline", "", baselines, "percent_memorized", "accuracy", "train_seconds"));
            }
            for (RegularizerSpec.Kind kind : RegularizerSpec.Kind.values()) {
                bestRegularized(artifact, kind, trainings).ifPresent(entries::add);
            }
            Predicate<Map<String, String>> onThisArtifact = r -> artifact.equals(artifactOfTraining.get(r.get("model")));
            Map<String, List<Map<String, String>>> recipes = rows.stream()
                    .filter(r -> r.get("command").equals("finetune") && onThisArtifact.test(r))
                    .collect(Collectors.groupingBy(r -> r.get("recipe"), LinkedHashMap::new, Collectors.toList()));
            recipes.forEach((recipe, runs) -> entries.add(mean(artifact, "fine-tuning", recipe, "", runs,
                    "after_percent_memorized", "after_accuracy", "seconds")));
            if (Files.isRegularFile(selected)) {
                Map<String, List<Map<String, String>>> methods = read(selected).stream().filter(onThisArtifact)
                        .collect(Collectors.groupingBy(r -> r.get("method"), LinkedHashMap::new, Collectors.toList()));
                methods.forEach((method, runs) -> entries.add(mean(artifact, unlearningFamily(method), method,
                        runs.stream().map(Table1Comparison::unlearnSetting).distinct().collect(Collectors.joining("; ")),
                        runs, "after_percent_memorized", "after_accuracy", "seconds")));
            }
        }
        return entries;
    }

    /** The grid value of {@code kind} with the best seed-averaged score (App. A.2.1), or empty when none was trained. */
    private static Optional<Entry> bestRegularized(String artifact, RegularizerSpec.Kind kind, List<Map<String, String>> trainings) {
        Map<String, List<Map<String, String>>> bySetting = trainings.stream()
                .filter(r -> kind.cliName().equals(r.get("regularizer")))
                .collect(Collectors.groupingBy(r -> kind.parameter() + " = " + r.get(kind.parameter()), LinkedHashMap::new, Collectors.toList()));
        List<Entry> settings = new ArrayList<>();
        bySetting.forEach((setting, runs) -> settings.add(mean(artifact, "regularizer", kind.cliName(), setting, runs,
                "percent_memorized", "accuracy", "train_seconds")));
        Optional<RegularizerSelection.Candidate> best = RegularizerSelection.best(settings.stream()
                .map(e -> new RegularizerSelection.Candidate(e.setting(), e.accuracy(), e.percentMemorized())).toList(), Selection.Kind.MATH);
        return best.flatMap(b -> settings.stream().filter(e -> e.setting().equals(b.label())).findFirst());
    }

    private static String unlearningFamily(String method) {
        return PaperTable1.entries().stream().filter(e -> e.method().equals(method)).map(Entry::family).findFirst()
                .orElse("unlearning (not in the paper)");
    }

    /** The selected grid point of an unlearning run, from the options the plan gave it. */
    private static String unlearnSetting(Map<String, String> row) {
        List<String> parts = new ArrayList<>();
        for (String option : List.of("ratio", "epochs", "loss_weight", "lr")) {
            if (!blank(row.get(option))) parts.add(option.replace('_', ' ') + " " + row.get(option));
        }
        return String.join(", ", parts);
    }

    private static Entry mean(String artifact, String family, String method, String setting, List<Map<String, String>> runs,
                              String memorized, String accuracy, String seconds) {
        return new Entry(artifact, family, method, mean(runs, memorized), mean(runs, accuracy), mean(runs, seconds), setting, runs.size(),
                sd(runs, memorized), sd(runs, accuracy));
    }

    private static double mean(List<Map<String, String>> runs, String column) {
        return values(runs, column).average().orElse(Double.NaN);
    }

    /** The sample standard deviation over seeds (n − 1; NaN for fewer than two), as "mean ± sd" over the paper's three seeds. */
    static double sd(List<Map<String, String>> runs, String column) {
        double[] v = values(runs, column).toArray();
        if (v.length < 2) return Double.NaN;
        double mean = java.util.Arrays.stream(v).average().getAsDouble();
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }

    private static java.util.stream.DoubleStream values(List<Map<String, String>> runs, String column) {
        return runs.stream().map(r -> r.get(column)).filter(v -> !blank(v)).mapToDouble(Double::parseDouble);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The CSV's rows as column → text maps (every column read as text; a blank cell is ""). */
    static List<Map<String, String>> read(Path csv) {
        Table table = Table.read().usingOptions(CsvReadOptions.builder(csv.toFile()).columnTypesToDetect(List.of(ColumnType.STRING)));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < table.rowCount(); i++) {
            Map<String, String> row = new LinkedHashMap<>();
            for (String column : table.columnNames()) row.put(column, table.column(column).getString(i));
            rows.add(row);
        }
        return rows;
    }

    /**
     * Table 1 for one artifact: every method of the paper in its order, then ours that it lacks; our
     * % memorized and accuracy (mean and sample sd over seeds, item 4 of issue 18) and seconds beside the
     * paper's means (NaN where a side has no row, and our sd with one seed).
     */
    public static Table table(String title, String artifact, List<Entry> paper, List<Entry> ours) {
        Map<String, Entry> paperRows = byMethod(paper, artifact);
        Map<String, Entry> ourRows = byMethod(ours, artifact);
        Set<String> methods = new LinkedHashSet<>(paperRows.keySet());
        methods.addAll(ourRows.keySet());
        Map<String, String> names = PaperTable1.paperNames();
        Table table = Table.create(title, StringColumn.create("family"), StringColumn.create("method"), StringColumn.create("setting (ours)"),
                IntColumn.create("seeds"), DoubleColumn.create("% Mem ↓"), DoubleColumn.create("% Mem sd"), DoubleColumn.create("paper % Mem"),
                DoubleColumn.create("Acc (%) ↑"), DoubleColumn.create("Acc sd"), DoubleColumn.create("paper Acc"),
                DoubleColumn.create("Time (s) ↓"), DoubleColumn.create("paper Time"));
        for (String method : methods) {
            Entry mine = ourRows.get(method);
            Entry theirs = paperRows.get(method);
            Entry any = mine != null ? mine : theirs;
            table.stringColumn(0).append(any.family());
            table.stringColumn(1).append(names.getOrDefault(method, method));
            table.stringColumn(2).append(mine == null ? "not run" : mine.setting());
            table.intColumn(3).append(mine == null ? 0 : mine.seeds());
            table.doubleColumn(4).append(mine == null ? Double.NaN : mine.percentMemorized());
            table.doubleColumn(5).append(mine == null ? Double.NaN : mine.percentMemorizedSd());
            table.doubleColumn(6).append(theirs == null ? Double.NaN : theirs.percentMemorized());
            table.doubleColumn(7).append(mine == null ? Double.NaN : mine.accuracy());
            table.doubleColumn(8).append(mine == null ? Double.NaN : mine.accuracySd());
            table.doubleColumn(9).append(theirs == null ? Double.NaN : theirs.accuracy());
            table.doubleColumn(10).append(mine == null ? Double.NaN : mine.seconds());
            table.doubleColumn(11).append(theirs == null ? Double.NaN : theirs.seconds());
        }
        return table;
    }

    private static Map<String, Entry> byMethod(List<Entry> entries, String artifact) {
        Map<String, Entry> rows = new LinkedHashMap<>();
        entries.stream().filter(e -> e.artifact().equals(artifact)).forEach(e -> rows.put(e.method(), e));
        return rows;
    }

    /** M and A of an entry against its own side's baseline (App. A.3.5; NaN without a baseline). */
    private static double[] differences(Entry entry, Map<String, Entry> rows) {
        Entry baseline = rows.get(PaperTable1.BASELINE);
        if (baseline == null) return new double[] {Double.NaN, Double.NaN};
        return new double[] {Scorecard.percentDifference(baseline.percentMemorized(), entry.percentMemorized()),
                Scorecard.percentDifference(baseline.accuracy(), entry.accuracy())};
    }

    /** App. A.3.5's selection score M + |A| of an entry (lower is better). */
    private static double score(Entry entry, Map<String, Entry> rows) {
        double[] ma = differences(entry, rows);
        return ma[0] + Math.abs(ma[1]);
    }

    /**
     * What our run of a method shows against the paper's, on one artifact.
     *
     * @param rank the method's rank by M + |A| among the methods both sides have (1 = best; 0 = no score)
     * @param paperRank the same in the paper
     * @param ranked how many methods were ranked
     * @param removes % memorized ≤ {@link #REMOVED_AT_MOST_PERCENT} (ours)
     * @param paperRemoves the same in the paper
     * @param accuracyLost accuracy points lost against our baseline
     * @param paperAccuracyLost the same in the paper
     * @param verdict the comparison in words, from the values above
     */
    public record Verdict(String artifact, String method, int rank, int paperRank, int ranked, double percentMemorized,
                          double paperPercentMemorized, boolean removes, boolean paperRemoves, double accuracyLost,
                          double paperAccuracyLost, String verdict) {
        /** Whether the method keeps accuracy (≤ {@link #KEPT_WITHIN_POINTS} points lost) here. */
        public boolean keepsAccuracy() {
            return accuracyLost <= KEPT_WITHIN_POINTS;
        }

        /** Whether it keeps accuracy in the paper. */
        public boolean paperKeepsAccuracy() {
            return paperAccuracyLost <= KEPT_WITHIN_POINTS;
        }

        /** Whether ours agrees with the paper on all three: rank, removal and kept accuracy. */
        public boolean agrees() {
            return rank == paperRank && removes == paperRemoves && keepsAccuracy() == paperKeepsAccuracy();
        }
    }

    /**
     * One verdict per method that both sides have (the baseline aside), per artifact: does it remove
     * memorization, does it keep accuracy, and is its rank by M + |A| the paper's?
     */
    public static List<Verdict> verdicts(List<Entry> paper, List<Entry> ours) {
        List<Verdict> verdicts = new ArrayList<>();
        for (String artifact : PaperTable1.ARTIFACTS) {
            Map<String, Entry> paperRows = byMethod(paper, artifact);
            Map<String, Entry> ourRows = byMethod(ours, artifact);
            if (!ourRows.containsKey(PaperTable1.BASELINE) || !paperRows.containsKey(PaperTable1.BASELINE)) continue;
            List<String> both = ourRows.keySet().stream()
                    .filter(m -> !m.equals(PaperTable1.BASELINE) && paperRows.containsKey(m)).toList();
            List<String> scored = both.stream().filter(m -> Double.isFinite(score(ourRows.get(m), ourRows))
                    && Double.isFinite(score(paperRows.get(m), paperRows))).toList();
            for (String method : both) {
                Entry mine = ourRows.get(method);
                Entry theirs = paperRows.get(method);
                int rank = scored.contains(method) ? rank(method, scored, ourRows) : 0;
                int paperRank = scored.contains(method) ? rank(method, scored, paperRows) : 0;
                double lost = ourRows.get(PaperTable1.BASELINE).accuracy() - mine.accuracy();
                double paperLost = paperRows.get(PaperTable1.BASELINE).accuracy() - theirs.accuracy();
                boolean removes = mine.percentMemorized() <= REMOVED_AT_MOST_PERCENT;
                boolean paperRemoves = theirs.percentMemorized() <= REMOVED_AT_MOST_PERCENT;
                verdicts.add(new Verdict(artifact, method, rank, paperRank, scored.size(), mine.percentMemorized(),
                        theirs.percentMemorized(), removes, paperRemoves, lost, paperLost,
                        words(rank, paperRank, scored.size(), mine, theirs, removes, paperRemoves, lost, paperLost)));
            }
        }
        return verdicts;
    }

    private static int rank(String method, List<String> methods, Map<String, Entry> rows) {
        double own = score(rows.get(method), rows);
        return 1 + (int) methods.stream().filter(m -> score(rows.get(m), rows) < own).count();
    }

    private static String words(int rank, int paperRank, int ranked, Entry mine, Entry theirs, boolean removes, boolean paperRemoves,
                                double lost, double paperLost) {
        List<String> same = new ArrayList<>();
        List<String> differs = new ArrayList<>();
        String removal = String.format("%s memorization (%.2f %% left; paper %.2f %%)", removes ? "removes" : "keeps",
                mine.percentMemorized(), theirs.percentMemorized());
        (removes == paperRemoves ? same : differs).add(removal);
        boolean keeps = lost <= KEPT_WITHIN_POINTS;
        String accuracy = String.format("%s accuracy (%.2f points lost; paper %.2f)", keeps ? "keeps" : "loses", lost, paperLost);
        (keeps == (paperLost <= KEPT_WITHIN_POINTS) ? same : differs).add(accuracy);
        if (rank == 0) {
            differs.add("no rank by M + |A| (a baseline memorizes nothing)");
        } else {
            (rank == paperRank ? same : differs).add(String.format("rank %d of %d by M + |A| (paper %d)", rank, ranked, paperRank));
        }
        return (same.isEmpty() ? "" : "as the paper: " + String.join(", ", same))
                + (same.isEmpty() || differs.isEmpty() ? "" : "; ")
                + (differs.isEmpty() ? "" : "differs: " + String.join(", ", differs));
    }

    /** The verdicts as a table. */
    public static Table verdictTable(String title, List<Verdict> verdicts) {
        Map<String, String> names = PaperTable1.paperNames();
        return Table.create(title,
                StringColumn.create("artifact", verdicts.stream().map(Verdict::artifact)),
                StringColumn.create("method", verdicts.stream().map(v -> names.getOrDefault(v.method(), v.method()))),
                IntColumn.create("rank", verdicts.stream().mapToInt(Verdict::rank).toArray()),
                IntColumn.create("paper rank", verdicts.stream().mapToInt(Verdict::paperRank).toArray()),
                BooleanColumn.create("removes", verdicts.stream().map(Verdict::removes).toList()),
                BooleanColumn.create("paper removes", verdicts.stream().map(Verdict::paperRemoves).toList()),
                BooleanColumn.create("keeps accuracy", verdicts.stream().map(Verdict::keepsAccuracy).toList()),
                BooleanColumn.create("paper keeps accuracy", verdicts.stream().map(Verdict::paperKeepsAccuracy).toList()),
                BooleanColumn.create("agrees", verdicts.stream().map(Verdict::agrees).toList()),
                StringColumn.create("verdict", verdicts.stream().map(Verdict::verdict)));
    }

    /**
     * Fig. 3-style: one point per method (the baseline aside) and artifact; x = M (−100 = all
     * memorization removed), y = A (0 = no accuracy lost), each against its own side's baseline, so
     * that a baseline memorizing more or less than the paper's does not shift the points. Ours are
     * filled circles, the paper's diamonds; colour is the artifact. The best sit at the top left.
     */
    public static Figure scatter(String title, List<Entry> paper, List<Entry> ours) {
        List<Trace> traces = new ArrayList<>();
        Map<String, String> colours = Map.of("noise", "#1f77b4", "backdoor", "#d62728");
        Map<String, String> names = PaperTable1.paperNames();
        for (String artifact : PaperTable1.ARTIFACTS) {
            for (boolean isOurs : List.of(true, false)) {
                Map<String, Entry> rows = byMethod(isOurs ? ours : paper, artifact);
                Map<Entry, double[]> ma = new LinkedHashMap<>();
                rows.values().stream().filter(e -> !e.method().equals(PaperTable1.BASELINE)).forEach(e -> ma.put(e, differences(e, rows)));
                ma.values().removeIf(d -> !Double.isFinite(d[0]) || !Double.isFinite(d[1]));
                if (ma.isEmpty()) continue;
                List<Entry> points = List.copyOf(ma.keySet());
                traces.add(ScatterTrace.builder(ma.values().stream().mapToDouble(d -> d[0]).toArray(),
                                ma.values().stream().mapToDouble(d -> d[1]).toArray())
                        .mode(ScatterTrace.Mode.MARKERS).name((isOurs ? "ours, " : "paper, ") + artifact)
                        .marker(Marker.builder().size(isOurs ? 10 : 12).color(colours.get(artifact))
                                .symbol(isOurs ? Symbol.CIRCLE : Symbol.DIAMOND).build())
                        .text(points.stream().map(e -> String.format("%s (%s): %.2f %% memorized, %.2f %% accuracy%s",
                                names.getOrDefault(e.method(), e.method()), isOurs ? "ours" : "paper", e.percentMemorized(),
                                e.accuracy(), e.setting().isEmpty() ? "" : ", " + e.setting())).toArray(String[]::new))
                        .build());
            }
        }
        Layout layout = Layout.builder().title(title).width(760).height(480)
                .xAxis(Axis.builder().title("M: % difference in % memorized (−100 = all removed)").build())
                .yAxis(Axis.builder().title("A: % difference in accuracy (0 = none lost)").build()).build();
        return new Figure(layout, traces.toArray(Trace[]::new));
    }
}
