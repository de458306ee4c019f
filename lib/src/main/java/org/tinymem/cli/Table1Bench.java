package org.tinymem.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tinymem.sweep.PlanCost;
import org.tinymem.sweep.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tinymem bench table1}: the wall time of {@code tinymem table1} with the same options, estimated
 * from costs measured here ({@link PlanCost}; issue 17, item 5). With {@code --dry-run} it stops there;
 * without, it then runs the table ({@link Table1Command}) and prints the measured wall time beside the
 * estimate.
 */
@Command(name = "table1", mixinStandardHelpOptions = true,
        description = "Estimate the wall time of 'tinymem table1' (same options) from costs measured here; without --dry-run,"
                + " then run it and compare.")
final class Table1Bench implements Callable<Integer> {
    @Option(names = "--out", description = "the table's directory (default: runs/PROFILE/table1); finished trainings there"
            + " are used to time the unlearning methods")
    Path out;

    @Mixin
    PlanOptions options = new PlanOptions();

    @Option(names = "--workers", defaultValue = "1", description = "runs at a time, as table1 --workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--threads", description = "table1 --threads (the estimate is measured at this process's threads)")
    Integer threads;

    @Option(names = "--steps", defaultValue = "3", description = "training steps timed per model shape and regularizer (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--dry-run", description = "estimate only; run nothing of the table, write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        SweepPlan plan = Table1Command.plan(out, options);
        System.out.printf("bench table1: %s, %d worker(s), PyTorch threads here %s%n", SweepPlanCommand.describe(plan), workers,
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        long t0 = System.nanoTime();
        PlanCost.Estimate estimate = new PlanCost(plan, steps, System.out::println).estimate(workers);
        System.out.printf("%n%-32s %6s %6s %12s%n", "runs", "count", "items", "est. s");
        for (PlanCost.Line line : estimate.lines()) {
            System.out.printf("%-32s %6d %6d %12.0f%n", line.what(), line.runs(), line.items(), line.seconds());
        }
        estimate.stageSeconds().forEach((stage, s) -> System.out.printf("stage %d: %.0f s on %d worker(s)%n", stage, s, workers));
        System.out.printf("RESULT estimated_wall_s=%.0f work_s=%.0f workers=%d measured_in_s=%.0f%n", estimate.wallSeconds(),
                estimate.workSeconds(), workers, (System.nanoTime() - t0) / 1e9);
        if (dryRun) return 0;
        Table1Command table = new Table1Command();
        table.out = plan.dir();
        table.options = options;
        table.workers = workers;
        table.threads = threads;
        table.selectBy = org.tinymem.eval.Measures.PERCENT_MEMORIZED;
        long started = System.nanoTime();
        int code = table.call();
        double wall = (System.nanoTime() - started) / 1e9;
        System.out.printf("RESULT table1_wall_s=%.0f estimated_wall_s=%.0f ratio=%.2f exit=%d%n", wall, estimate.wallSeconds(),
                wall / estimate.wallSeconds(), code);
        return code;
    }
}
