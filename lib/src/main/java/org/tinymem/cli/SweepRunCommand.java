package org.tinymem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tinymem sweep run PLAN --index I}: runs one entry of a plan in this process, under the result
 * store's rules (lock, skip if done, atomic result). Engines call it; it is safe to call by hand.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one entry of a sweep plan (what each worker or Slurm task does).")
final class SweepRunCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Option(names = "--index", required = true, description = "the entry's index (Slurm: $SLURM_ARRAY_TASK_ID)")
    int index;

    /** Runs an entry's command in this JVM with {@code --out} set to the store's work folder. */
    static final ResultStore.Runner IN_PROCESS = (command, args, out) -> {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(args);
        line.add("--out");
        line.add(out.toString());
        return TinyMemCli.run(line.toArray(String[]::new));
    };

    @Override
    public Integer call() {
        SweepPlan sweep = SweepPlan.read(plan);
        PlanEntry entry = sweep.entry(index);
        String engine = System.getenv("SLURM_JOB_ID") != null ? "slurm" : "local";
        System.out.println("sweep entry " + index + " [" + entry.key() + "]: " + entry.label());
        ResultStore.Outcome outcome = new ResultStore(sweep).run(entry, IN_PROCESS, engine);
        System.out.printf("sweep entry %d: %s (%s, %.1f s)%n", index, outcome.status().label(), outcome.message(), outcome.seconds());
        return switch (outcome.status()) {
            case DONE, RUNNING -> 0;
            default -> outcome.exitCode() == 0 ? 1 : outcome.exitCode();
        };
    }
}
