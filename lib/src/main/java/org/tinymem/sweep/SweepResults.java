package org.tinymem.sweep;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Scorecard;
import org.tinymem.experiment.Selection;
import org.tinymem.experiment.TrainRun;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.util.AtomicFiles;
import org.tinymem.util.Json;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * {@code sweep collect}: one row per plan entry — its index, stage, command, key and status, its
 * options (one column per {@code --option}, named without the dashes; a reference to another
 * entry's result becomes that entry's index) and, for a finished run, the numbers of its result file
 * ({@code metrics.json}, {@code finetune.json} or {@code unlearn.json}: top-level values, and one
 * level of nested objects as {@code before_accuracy}, {@code params_ratio}, ...) and how it ran
 * ({@code run_seconds}, {@code run_host}, {@code run_engine}, {@code run_slurm_job}).
 */
public final class SweepResults {
    private SweepResults() {}

    /** The result file of each command. */
    static String resultFile(String command) {
        return switch (command) {
            case "train" -> "metrics.json";
            case "finetune" -> "finetune.json";
            default -> "unlearn.json";
        };
    }

    /** The rows, in plan order, each a column → value map. */
    public static List<Map<String, String>> rows(ResultStore store) {
        SweepPlan plan = store.plan();
        List<Map<String, String>> rows = new ArrayList<>();
        for (PlanEntry e : plan.entries()) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("index", Integer.toString(e.index()));
            row.put("stage", Integer.toString(e.stage()));
            row.put("command", e.command());
            row.put("key", e.key());
            ResultStore.Status status = store.status(e);
            row.put("status", status.label());
            for (int i = 0; i < e.args().size(); i++) {
                String arg = e.args().get(i);
                if (!arg.startsWith("--")) continue;
                String value = i + 1 < e.args().size() && !e.args().get(i + 1).startsWith("--") ? e.args().get(i + 1) : "true";
                if (value.startsWith("@{")) value = Integer.toString(plan.byKey(value.substring(2, value.length() - 1)).index());
                row.put(arg.substring(2).replace('-', '_'), value);
            }
            if (status == ResultStore.Status.DONE || status == ResultStore.Status.STALE) { // stale: shown, never selected
                Path result = plan.result(e);
                Path file = result.resolve(resultFile(e.command()));
                if (Files.isRegularFile(file)) flatten(Json.read(file), "", row, 2); // e.g. neurons_attribution_seconds
                Path entry = result.resolve(ResultStore.ENTRY);
                if (Files.isRegularFile(entry)) {
                    JsonObject how = Json.read(entry);
                    for (String field : List.of("seconds", "host", "engine", "slurm_job")) {
                        if (how.has(field)) row.put("run_" + field, how.get(field).getAsString());
                    }
                }
            } else if (Files.isRegularFile(plan.failure(e))) {
                row.put("failure", Json.read(plan.failure(e)).get("message").getAsString());
            }
            rows.add(row);
        }
        return rows;
    }

    private static void flatten(JsonObject json, String prefix, Map<String, String> row, int depth) {
        for (Map.Entry<String, JsonElement> field : json.entrySet()) {
            String name = prefix + field.getKey();
            JsonElement value = field.getValue();
            if (value.isJsonPrimitive()) {
                JsonPrimitive p = value.getAsJsonPrimitive();
                row.putIfAbsent(name, p.getAsString());
            } else if (value.isJsonObject() && depth > 0) {
                flatten(value.getAsJsonObject(), name + "_", row, depth - 1);
            }
        }
    }

    /** The rows as CSV text (every column of every row, in first-seen order; blanks where a row has no value). */
    public static String csv(List<Map<String, String>> rows) {
        return csv(columnsOf(rows), rows);
    }

    private static Set<String> columnsOf(List<Map<String, String>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        return columns;
    }

    private static String csv(Set<String> columns, List<Map<String, String>> rows) {
        StringBuilder csv = new StringBuilder(String.join(",", columns.stream().map(SweepResults::cell).toList())).append('\n');
        for (Map<String, String> row : rows) {
            csv.append(String.join(",", columns.stream().map(c -> cell(row.getOrDefault(c, ""))).toList())).append('\n');
        }
        return csv.toString();
    }

    private static String cell(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) return "\"" + value.replace("\"", "\"\"") + "\"";
        return value;
    }


    /**
     * Each unlearning method's selected run on each model (App. A.3.5): among a plan's finished
     * {@code unlearn} entries with the same {@code --model} and {@code --method}, the one
     * {@link Selection#bestIndex} picks under the model kind's criterion (math: M + |A|; language:
     * M + |P| + t), with runs slower than the same model's {@code finetune --recipe extra} entry
     * excluded when the plan has one (the paper's time limit). One row per (model, method): the
     * selected entry's row as in {@link #rows}, plus {@code score}, {@code candidates} and
     * {@code time_limit_s}.
     */
    public static List<Map<String, String>> selected(ResultStore store) {
        return selected(store, rows(store));
    }

    /** As {@link #selected(ResultStore)}, from the plan's {@link #rows} already collected. */
    public static List<Map<String, String>> selected(ResultStore store, List<Map<String, String>> all) {
        return selected(store, all, Measures.PERCENT_MEMORIZED);
    }

    /**
     * As {@link #selected(ResultStore, List)} with M taken from {@code memorization} (one of
     * {@link Measures#MEMORIZATION_MEASURES}; the paper's is {@link Measures#PERCENT_MEMORIZED}); each row
     * records it as {@code selected_by}.
     */
    public static List<Map<String, String>> selected(ResultStore store, List<Map<String, String>> all, String memorization) {
        Measures.memorizationMeasure(memorization);
        SweepPlan plan = store.plan();
        Map<String, List<PlanEntry>> groups = new LinkedHashMap<>();
        for (PlanEntry e : plan.entries()) {
            if (e.command().equals("unlearn") && done(all, e)) {
                groups.computeIfAbsent(e.option("--model") + " | " + e.option("--method"), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, Double> extraSeconds = extraFineTuneSeconds(plan, all);
        List<Map<String, String>> selected = new ArrayList<>();
        for (List<PlanEntry> group : groups.values()) {
            PlanEntry first = group.get(0);
            Selection.Criterion criterion = criterionOf(plan, first, extraSeconds);
            List<Scorecard.Row> rows = group.stream().map(e -> unlearnRow(plan, e, memorization)).toList();
            OptionalInt best = Selection.bestIndex(rows, criterion);
            if (best.isEmpty()) continue;
            Map<String, String> row = new LinkedHashMap<>(all.get(group.get(best.getAsInt()).index()));
            row.put("score", Double.toString(Selection.score(rows.get(best.getAsInt()), criterion.kind())));
            row.put("candidates", Integer.toString(group.size()));
            row.put("time_limit_s", criterion.maxSeconds().isEmpty() ? "" : Double.toString(criterion.maxSeconds().getAsDouble()));
            row.put("selected_by", memorization);
            selected.add(row);
        }
        return selected;
    }

    /**
     * The selection rule of the model an {@code unlearn} entry ran on: a production model (Pythia, no
     * run.json) is picked by App. A.4.2's rule (M + |P| + t, perplexity < 500), a TinyMem run by its kind's.
     */
    private static Selection.Criterion criterionOf(SweepPlan plan, PlanEntry e, Map<String, Double> extraSeconds) {
        Selection.Criterion criterion = e.option("--memorized") != null ? Selection.Criterion.production()
                : TrainRun.specOf(Path.of(plan.resolvedArgs(e).get(e.args().indexOf("--model") + 1))).kind().criterion();
        Double limit = extraSeconds.get(e.option("--model"));
        return limit == null ? criterion : criterion.withExtraFineTuneSeconds(limit);
    }

    /** The seconds of each model's finished {@code finetune --recipe extra} entry: the paper's time limit. */
    private static Map<String, Double> extraFineTuneSeconds(SweepPlan plan, List<Map<String, String>> all) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (PlanEntry e : plan.entries()) {
            if (e.command().equals("finetune") && "extra".equals(e.option("--recipe")) && done(all, e)) {
                seconds.put(e.option("--model"), Json.read(plan.result(e).resolve(resultFile("finetune"))).get("seconds").getAsDouble());
            }
        }
        return seconds;
    }

    private static boolean done(List<Map<String, String>> all, PlanEntry e) {
        return ResultStore.Status.DONE.label().equals(all.get(e.index()).get("status"));
    }

    /** A finished {@code unlearn} entry's record as a scorecard row, with M from {@code memorization}. */
    private static Scorecard.Row unlearnRow(SweepPlan plan, PlanEntry e, String memorization) {
        return UnlearnRuns.row(Json.read(plan.result(e).resolve(resultFile("unlearn"))), memorization);
    }

    /** One run of a pooled setting and what its own model's rule makes of it. */
    private record Scored(Scorecard.Row row, Selection.Candidate candidate) {}

    /**
     * Each unlearning setting pooled over the models (and unlearning seeds) it ran on: the choice of one
     * default for several models (issue 18: "a point of its paper grid, chosen by the paper's selection rule
     * on the quick models"). A setting is an {@code unlearn} entry's arguments without {@code --model} and
     * {@code --seed}; its runs are scored one by one by their model kind's rule ({@link Selection#score}:
     * M + |A| for math, M + |P| + t for language, M from {@code memorization}) and the setting gets the mean.
     * Only a setting with a finished run on every (model, seed) that the method has finished runs on, and a
     * defined score on each, can be selected. Per method, {@link Selection#bestCandidate} picks as it does
     * per model: settings that edited something on every run first, then those whose every run met its
     * model's time limit (the model's {@code finetune --recipe extra} seconds, when the plan has that entry;
     * waived when no setting meets it), the lowest mean, ties to the earlier in the plan. The paper selects
     * per model ({@link #selected}); pooling is ours, for defaults.
     * One row per setting, in plan order: {@code method}, {@code setting}, {@code runs}, {@code subjects}
     * (the method's model × seed count), {@code complete}, {@code mean_score}, {@code max_after_<measure>}
     * (the most any run left memorized), {@code max_abs_<utility>_difference} (the largest |A| or |P| of its
     * runs, in %), {@code in_time} (every run within its model's time limit; true when there is none) and
     * {@code selected}.
     */
    public static List<Map<String, String>> pooled(ResultStore store, List<Map<String, String>> all, String memorization) {
        Measures.memorizationMeasure(memorization);
        SweepPlan plan = store.plan();
        Map<String, Double> extraSeconds = extraFineTuneSeconds(plan, all);
        Map<String, Map<String, List<Scored>>> runsBySetting = new LinkedHashMap<>(); // method → setting → runs
        Map<String, Set<String>> subjects = new LinkedHashMap<>(); // method → model|seed
        Map<String, Selection.Criterion> criteria = new LinkedHashMap<>(); // model → its rule, read once
        for (PlanEntry e : plan.entries()) {
            if (!e.command().equals("unlearn") || !done(all, e)) continue;
            String method = e.option("--method");
            Scorecard.Row row = unlearnRow(plan, e, memorization);
            Selection.Criterion criterion = criteria.computeIfAbsent(e.option("--model"), m -> criterionOf(plan, e, extraSeconds));
            runsBySetting.computeIfAbsent(method, k -> new LinkedHashMap<>()).computeIfAbsent(settingOf(e), k -> new ArrayList<>())
                    .add(new Scored(row, Selection.Candidate.of(row, criterion)));
            subjects.computeIfAbsent(method, k -> new LinkedHashSet<>()).add(e.option("--model") + "|" + e.option("--seed"));
        }
        List<Map<String, String>> pooled = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Scored>>> byMethod : runsBySetting.entrySet()) {
            String method = byMethod.getKey();
            int subjectCount = subjects.get(method).size();
            List<Map<String, String>> settings = new ArrayList<>();
            List<Selection.Candidate> candidates = new ArrayList<>();
            for (Map.Entry<String, List<Scored>> bySetting : byMethod.getValue().entrySet()) {
                List<Scorecard.Row> rows = bySetting.getValue().stream().map(Scored::row).toList();
                List<Selection.Candidate> runs = bySetting.getValue().stream().map(Scored::candidate).toList();
                boolean complete = runs.size() == subjectCount;
                double mean = runs.stream().mapToDouble(Selection.Candidate::score).average().orElse(Double.NaN);
                boolean inTime = runs.stream().allMatch(Selection.Candidate::inTime);
                candidates.add(new Selection.Candidate(complete ? mean : Double.NaN, runs.stream().allMatch(Selection.Candidate::edited),
                        inTime, runs.stream().allMatch(Selection.Candidate::underCap)));
                Map<String, String> row = new LinkedHashMap<>();
                row.put("method", method);
                row.put("setting", bySetting.getKey());
                row.put("runs", Integer.toString(runs.size()));
                row.put("subjects", Integer.toString(subjectCount));
                row.put("complete", Boolean.toString(complete));
                row.put("mean_score", Double.toString(mean));
                row.put("max_after_" + memorization, Double.toString(rows.stream().mapToDouble(Scorecard.Row::memorizedAfter).max().orElseThrow()));
                row.put("max_abs_" + rows.get(0).performanceMeasure() + "_difference",
                        Double.toString(rows.stream().mapToDouble(r -> Math.abs(r.performanceDifference())).max().orElseThrow()));
                row.put("in_time", Boolean.toString(inTime));
                row.put("selected", "false");
                settings.add(row);
            }
            Selection.bestCandidate(candidates).ifPresent(i -> settings.get(i).put("selected", "true"));
            pooled.addAll(settings);
        }
        return pooled;
    }

    /** An {@code unlearn} entry's arguments without {@code --model M} and {@code --seed S}: what a default would fix. */
    static String settingOf(PlanEntry e) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < e.args().size(); i++) {
            String arg = e.args().get(i);
            if (arg.equals("--model") || arg.equals("--seed")) {
                i++;
                continue;
            }
            kept.add(arg);
        }
        return String.join(" ", kept);
    }

    /** The columns {@link #selected} adds to a run's row. */
    public static final List<String> SELECTION_COLUMNS = List.of("score", "candidates", "time_limit_s", "selected_by");

    /** A selection CSV with no row: the header {@link #selected} would write (every run column, then the selection's). */
    public static String emptySelection(List<Map<String, String>> all) {
        Set<String> columns = columnsOf(all);
        columns.addAll(SELECTION_COLUMNS);
        return csv(columns, List.of());
    }

    /**
     * The collected results as a Tablesaw table (for notebooks). A column written as floating-point numbers
     * ({@link #decimalColumns}) is a {@code DoubleColumn} even when every value is whole: Tablesaw alone reads
     * "-100.0" as an integer, so a sweep whose runs all removed everything (M = −100, A = 0) gave integer columns and
     * a notebook's {@code doubleColumn("memorization_difference")} failed (measured: notebook 06 under smoke).
     */
    public static Table table(ResultStore store) {
        List<Map<String, String>> rows = rows(store);
        Set<String> decimal = decimalColumns(rows);
        return Table.read().usingOptions(CsvReadOptions.builder(new StringReader(csv(rows)))
                .tableName(store.plan().dir().getFileName().toString())
                .columnTypesPartial(name -> decimal.contains(name) ? Optional.of(ColumnType.DOUBLE) : Optional.empty()));
    }

    /**
     * The columns whose every value is a number and at least one is written as a floating-point number (with a
     * decimal point or an exponent, or NaN / Infinity), as Gson writes a double; blanks are allowed. Counts and indices
     * ("3") and text are not among them.
     */
    static Set<String> decimalColumns(List<Map<String, String>> rows) {
        Set<String> decimal = new LinkedHashSet<>();
        Set<String> notNumeric = new java.util.HashSet<>();
        for (Map<String, String> row : rows) {
            row.forEach((column, value) -> {
                if (value.isEmpty() || notNumeric.contains(column)) return;
                try {
                    Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    notNumeric.add(column);
                    return;
                }
                if (value.contains(".") || value.contains("e") || value.contains("E") || value.endsWith("NaN") || value.endsWith("Infinity")) {
                    decimal.add(column);
                }
            });
        }
        decimal.removeAll(notNumeric);
        return decimal;
    }
}
