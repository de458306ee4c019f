package org.tinymem.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.sweep.SweepResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tinymem sweep collect PLAN}: every entry's options and results in one CSV. */
@Command(name = "collect", mixinStandardHelpOptions = true, description = "Gather a sweep plan's results into one CSV (one row per entry) and each method's selected run into selected.csv.")
final class SweepCollectCommand implements Callable<Integer> {
    static final String CSV = "results.csv";
    static final String BEST = "selected.csv";
    static final String POOLED = "pooled.csv";

    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Option(names = "--out", description = "the CSV file (default: PLAN/" + CSV + ", rewritten each time)")
    Path out;

    @Option(names = "--selected", description = "the selected runs' CSV (default: " + BEST + " beside the CSV file, rewritten each time)")
    Path selectedOut;

    @Option(names = "--select-by", paramLabel = "MEASURE", defaultValue = "percent_memorized",
            description = "the memorization measure whose %% difference is M in the selection rule: percent_memorized"
                    + " (Eq. 1, the paper's; default), or ours: percent_approx_memorized, extraction_strength, token_match, rouge_l")
    String selectBy;

    @Option(names = "--pooled", description = "also pool each unlearning setting over the models (and seeds) it ran on"
            + " and select, per method, the setting with the lowest mean score over all of them (one default for"
            + " several models; ours, the paper selects per model): " + POOLED + " beside the CSV file")
    boolean pooled;

    /** {@code sweep collect PLAN --out CSV --selected CSV --select-by MEASURE} (as {@code table1} runs it). */
    static SweepCollectCommand of(Path plan, Path out, Path selected, String selectBy) {
        SweepCollectCommand command = new SweepCollectCommand();
        command.plan = plan;
        command.out = out;
        command.selectedOut = selected;
        command.selectBy = selectBy;
        return command;
    }

    /** "model of entry #3" when the model is one a plan entry trains (the CSV holds its index), else its path. */
    static String modelLabel(String model) {
        return model != null && !model.isEmpty() && model.chars().allMatch(Character::isDigit) ? "model of entry #" + model : "model " + model;
    }

    @Override
    public Integer call() {
        org.tinymem.eval.Measures.memorizationMeasure(selectBy);
        SweepPlan sweep = SweepPlan.read(plan);
        Path file = out != null ? out : sweep.dir().resolve(CSV);
        ResultStore store = new ResultStore(sweep);
        var rows = SweepResults.rows(store);
        org.tinymem.util.AtomicFiles.writeString(file, SweepResults.csv(rows));
        long done = rows.stream().filter(r -> r.get("status").equals(ResultStore.Status.DONE.label())).count();
        long stale = rows.stream().filter(r -> r.get("status").equals(ResultStore.Status.STALE.label())).count();
        System.out.printf("wrote %s: %d rows, %d with results%s%n", file, rows.size(), done, stale == 0 ? ""
                : " (and " + stale + " stale: made from a model that has changed since, left out of the selection; see sweep status)");
        var selected = SweepResults.selected(store, rows, selectBy);
        // Rewritten every time, also with no row: a selection from an earlier collect must not outlive its runs.
        Path best = selectedOut != null ? selectedOut : file.resolveSibling(BEST);
        org.tinymem.util.AtomicFiles.writeString(best, selected.isEmpty() ? SweepResults.emptySelection(rows) : SweepResults.csv(selected));
        if (selected.isEmpty()) {
            System.out.printf("wrote %s with no row: %s%n", best, done == 0 ? "no run has finished"
                    : "no run passed the selection rule (a score needs a defined M and utility difference; production"
                    + " models also need perplexity after < 500, App. A.4.2); results.csv has every run");
        } else {
            System.out.printf("wrote %s: each method's selected run per model (App. A.3.5; M from %s)%n", best, selectBy);
            for (var row : selected) {
                System.out.printf("  %s  %-16s #%s  score %s  of %s runs%n", modelLabel(row.get("model")), row.get("method"), row.get("index"),
                        String.format("%.2f", Double.parseDouble(row.get("score"))), row.get("candidates"));
            }
        }
        if (pooled) writePooled(store, rows, file.resolveSibling(POOLED));
        return 0;
    }

    private void writePooled(ResultStore store, java.util.List<java.util.Map<String, String>> rows, Path file) {
        var settings = SweepResults.pooled(store, rows, selectBy);
        org.tinymem.util.AtomicFiles.writeString(file, settings.isEmpty() ? "method,setting\n" : SweepResults.csv(settings));
        System.out.printf("wrote %s: %d unlearning settings pooled over their models and seeds (ours; M from %s)%n", file,
                settings.size(), selectBy);
        for (var row : settings) {
            if (!row.get("selected").equals("true")) continue;
            System.out.printf("  %-16s mean score %.2f over %s runs: %s%n", row.get("method"), Double.parseDouble(row.get("mean_score")),
                    row.get("runs"), row.get("setting"));
        }
    }
}
