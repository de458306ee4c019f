package org.tinymem.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.tinymem.experiment.RunDirectory;
import org.tinymem.sweep.PlanCost;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import org.tinymem.sweep.SweepWatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tinymem table1}: Table 1 of the paper in one command — the math-mult noise and backdoor
 * models, the regularizers, fine-tunings and every unlearning method over its grid (App. A.3.5), run
 * here and tabulated with the selection rule of App. A.3.5. It is {@code sweep plan --preset table1}
 * ({@link SweepPlanCommand}), {@code sweep submit --engine local} ({@link SweepSubmitCommand}) and
 * {@code sweep collect} ({@link SweepCollectCommand}) in a row, on one directory. The result store
 * makes it resumable: a killed run, run again, reuses its plan and runs only what has no result.
 */
@Command(name = "table1", mixinStandardHelpOptions = true,
        description = "Reproduce Table 1: plan, run (local workers) and collect the math-mult sweep; run again to resume.")
final class Table1Command implements Callable<Integer> {
    /** Every run, one row each ({@code sweep collect}'s results.csv). */
    static final String ALL = "table1-all.csv";
    /** The selected run of each method on each model (App. A.3.5). */
    static final String SELECTED = "table1-selected.csv";

    @Option(names = "--out", description = "the sweep's directory (default: runs/PROFILE/table1)")
    Path out;

    @Mixin
    PlanOptions options = new PlanOptions();

    @Option(names = "--workers", defaultValue = "1", description = "runs at a time (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--threads", description = "PyTorch threads per run (default: $TINYMEM_THREADS, else cores / workers)")
    Integer threads;

    @Option(names = "--select-by", paramLabel = "MEASURE", defaultValue = "percent_memorized",
            description = "the memorization measure of the selection rule (see 'sweep collect --help'; default: ${DEFAULT-VALUE})")
    String selectBy;

    @Option(names = "--dry-run", description = "print the plan's size by stage and method; run nothing, write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        org.tinymem.eval.Measures.memorizationMeasure(selectBy);
        SweepPlan plan = plan(out, options);
        Path dir = plan.dir();
        boolean written = plan.isWritten(); // refuses another plan in dir, before anything runs
        if (dryRun) {
            System.out.println("plan " + SweepPlanCommand.describe(plan) + (written ? "" : " (not written)"));
            sizes(plan).forEach((stage, counts) -> {
                System.out.printf("stage %d: %d runs%n", stage, counts.values().stream().mapToLong(Long::longValue).sum());
                counts.forEach((what, n) -> System.out.printf("  %-32s %5d%n", what, n));
            });
            if (written) System.out.println("results so far: " + SweepWatch.counts(new ResultStore(plan)).line());
            return 0;
        }
        plan.write();
        System.out.println((written ? "reusing " : "wrote ") + SweepPlanCommand.describe(plan));
        int ran = SweepSubmitCommand.local(dir, workers, threads).call();
        int collected = SweepCollectCommand.of(dir, dir.resolve(ALL), dir.resolve(SELECTED), selectBy).call();
        return ran != 0 ? ran : collected;
    }

    /**
     * The Table 1 plan of {@code options} in {@code out} (default: runs/PROFILE/table1), with one seed
     * unless {@code --seeds} says otherwise (the paper's three: {@code --seeds 0,1,2}). Not written.
     */
    static SweepPlan plan(Path out, PlanOptions options) {
        if (options.seeds.isEmpty()) options.seeds = List.of(0L);
        Path dir = out != null ? out : RunDirectory.root().resolve(options.profileOrDefault()).resolve("table1");
        return SweepPlanCommand.of(dir, "table1", options).plan();
    }

    /** Runs per stage and per kind ({@link PlanCost#kind}): {@code train} (+ regularizer), {@code finetune RECIPE}, {@code unlearn METHOD}. */
    static Map<Integer, Map<String, Long>> sizes(SweepPlan plan) {
        Map<Integer, Map<String, Long>> sizes = new TreeMap<>();
        for (PlanEntry e : plan.entries()) {
            sizes.computeIfAbsent(e.stage(), s -> new LinkedHashMap<>()).merge(PlanCost.kind(e), 1L, Long::sum);
        }
        return sizes;
    }
}
