package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Scorecard;
import org.tinymem.util.Json;
import org.tinymem.experiment.Provenance;
import org.tinymem.experiment.Selection;
import org.tinymem.experiment.Sweep;
import org.tinymem.experiment.ModelKind;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Models;
import org.tinymem.unlearn.Unlearning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tinymem sweep grid}: one unlearning method over a hyper-parameter grid on one model (App. A.3.5),
 * every run against the same baseline; writes {@code sweep.csv} (one Scorecard row per run, with the
 * selection score) and {@code best.json} (the selected run, SPEC §8). Edited models are not kept.
 */
@Command(name = "grid", mixinStandardHelpOptions = true, description = "Run one unlearning method over a grid of hyper-parameters in this process and select the best run (App. A.3.5).")
final class SweepGridCommand implements Callable<Integer> {
    static final String TABLE = "sweep.csv";
    static final String BEST = "best.json";

    @Option(names = "--model", required = true, description = "a run directory written by 'tinymem train'")
    Path model;

    @Option(names = "--method", required = true, description = "greedy, durable, durable-agg, sou, subnet, balanced-subnet,"
            + " zero, act, slim, hc or ig")
    String method;

    @Mixin
    GridOptions axes = new GridOptions();

    @Option(names = "--paper-grid", description = "use the method's own App. A.3.5 grid for the axes not given")
    boolean paperGrid;

    @Option(names = "--retain-rows", defaultValue = "0",
            description = "clean training rows in the retain set, a seeded sample; 0 = all of them, as the reference code (default: ${DEFAULT-VALUE})")
    int retainRows;

    @Option(names = "--extra-seconds", description = "the 'Extra' fine-tuning time: runs slower than this are excluded"
            + " from selection unless none is faster (App. A.3.5)")
    Double extraSeconds;

    @Option(names = "--seed", defaultValue = "0", description = "seed of shuffling, scores and the retain sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "a new (or empty) directory for sweep.csv and best.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        UnlearnCommand.requireFresh(out);
        Sweep.Grid grid = axes.grid(method, seed, paperGrid);
        Sweep.methods(method, grid); // refuse bad values before loading anything
        ModelKind kind = TrainRun.specOf(model).kind();
        Selection.Criterion criterion = extraSeconds == null ? kind.criterion()
                : kind.criterion().withExtraFineTuneSeconds(extraSeconds);
        TinyMemData data = TrainRun.dataOf(model);
        Files.createDirectories(out);
        try (NDManager manager = NDManager.newBaseManager(); CausalLm gpt = Models.load(model, manager)) {
            Unlearning.Baseline baseline = kind.unlearningBaseline(gpt, data, retainRows, seed);
            String symbol = kind.utility().differenceSymbol();
            System.out.printf("sweep %s on %s: %d runs, %d memorized of %d probes, %d retain rows%n", method, model,
                    grid.points().size(), baseline.sets().unlearn().size(), data.probes().size(),
                    baseline.sets().retain().size());
            Sweep.Result result = Sweep.run(gpt, data, baseline, method, grid, criterion, row -> System.out.printf(
                    "  mem %.2f -> %.2f  %s %.2f -> %.2f  M %.1f " + symbol + " %.2f  score %.2f  %.1f s  %s%n",
                    row.memorizedBefore(), row.memorizedAfter(), row.performanceMeasure(), row.performanceBefore(),
                    row.performanceAfter(),
                    row.memorizationDifference(), row.performanceDifference(), Selection.score(row, criterion.kind()),
                    row.seconds(), row.parameters()));
            result.table().write().csv(out.resolve(TABLE).toFile());
            JsonObject best = new JsonObject();
            best.addProperty("method", method);
            best.addProperty("model", model.toAbsolutePath().toString());
            best.addProperty("criterion", kind.name() + ": " + criterion.kind().rule());
            best.addProperty("time_limit_waived", result.timeLimitWaived());
            best.addProperty("retain_rows", baseline.sets().retain().size());
            best.addProperty("runs", result.rows().size());
            result.best().ifPresent(row -> {
                best.add("row", new Gson().toJsonTree(row));
                best.addProperty("score", Selection.score(row, criterion.kind()));
                best.addProperty("M", row.memorizationDifference());
                best.addProperty(symbol, row.performanceDifference());
            });
            best.add("provenance", Provenance.of(Map.of("method", method, "grid", grid, "model",
                    model.toAbsolutePath().toString(), "retain_rows", retainRows), seed, data.fingerprint()));
            Json.write(out.resolve(BEST), best);
            result.best().ifPresent(row -> {
                System.out.println("best: " + row.parameters());
                UnlearnCommand.print(row);
            });
        }
        System.out.println("wrote " + out.resolve(TABLE) + ", " + out.resolve(BEST));
        return 0;
    }
}
