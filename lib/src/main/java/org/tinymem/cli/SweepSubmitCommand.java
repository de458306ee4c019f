package org.tinymem.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinymem.sweep.Engine;
import org.tinymem.sweep.Launcher;
import org.tinymem.sweep.LocalEngine;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SlurmEngine;
import org.tinymem.sweep.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tinymem sweep submit PLAN}: runs (local) or submits (Slurm) every entry that has no result and
 * is not running, so running it again after a failure or a kill resubmits exactly what is missing.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Run the unfinished entries of a plan with local workers, or submit them as Slurm job arrays.")
final class SweepSubmitCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Option(names = "--engine", defaultValue = "local", description = "local (default: run here now) or slurm (sbatch job arrays)")
    String engine;

    @Option(names = "--indices", split = ",", description = "only these entries (default: every unfinished one)")
    List<Integer> indices = new ArrayList<>();

    @Option(names = "--workers", defaultValue = "1", description = "local: runs at a time (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--threads", description = "local: PyTorch threads per run (default: $TINYMEM_THREADS, else cores / workers)")
    Integer threads;

    @Option(names = "--cpus-per-task", defaultValue = "1", description = "slurm: cores (and PyTorch threads) per task (default: ${DEFAULT-VALUE})")
    int cpusPerTask;

    @Option(names = "--mem", description = "slurm: memory per task, e.g. 8G")
    String memory;

    @Option(names = "--time", description = "slurm: time limit per task, e.g. 02:00:00")
    String time;

    @Option(names = "--partition", description = "slurm: partition")
    String partition;

    @Option(names = "--account", description = "slurm: account")
    String account;

    @Option(names = "--parallel", description = "slurm: most tasks of an array running at once (%%K)")
    Integer parallel;

    @Option(names = "--sbatch-arg", description = "slurm: any other sbatch option, e.g. --sbatch-arg=--qos=short (repeatable)")
    List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--setup", description = "slurm: a shell line each task runs first, e.g. 'module load java/17' (repeatable)")
    List<String> setup = new ArrayList<>();

    /** {@code sweep submit PLAN --engine local --workers N [--threads T]} (as {@code table1} runs it). */
    static SweepSubmitCommand local(Path plan, int workers, Integer threads) {
        SweepSubmitCommand command = new SweepSubmitCommand();
        command.plan = plan;
        command.engine = "local";
        command.workers = workers;
        command.threads = threads;
        return command;
    }

    @Override
    public Integer call() throws Exception {
        SweepPlan sweep = SweepPlan.read(plan);
        ResultStore store = new ResultStore(sweep);
        for (int i : indices) sweep.entry(i);
        List<PlanEntry> todo = new ArrayList<>();
        int done = 0;
        int running = 0;
        StringBuilder stale = new StringBuilder();
        for (PlanEntry e : sweep.entries()) {
            if (!indices.isEmpty() && !indices.contains(e.index())) continue;
            ResultStore.Status status = store.status(e);
            if (status == ResultStore.Status.STALE) {
                stale.append(String.format("%n  #%d %s: %s", e.index(), e.label(), store.staleMessage(e)));
                continue;
            }
            if (status == ResultStore.Status.DONE) done++;
            else if (status == ResultStore.Status.RUNNING) running++;
            else todo.add(e);
        }
        if (stale.length() > 0) {
            throw new IllegalStateException(sweep.dir() + ": results made from a model that has changed since; nothing was run"
                    + " and nothing deleted:" + stale);
        }
        System.out.printf("%s: %d entries, %d done, %d running elsewhere, %d to run%n", sweep.dir(), sweep.entries().size(), done, running,
                todo.size());
        if (todo.isEmpty()) return 0;
        Engine chosen = switch (engine) {
            case "local" -> {
                int perRun = threads != null ? threads : envThreads() != null ? envThreads()
                        : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
                yield new LocalEngine(workers, Launcher.current(perRun));
            }
            case "slurm" -> new SlurmEngine(new SlurmEngine.Options(cpusPerTask, memory, time, partition, account, parallel,
                    sbatchArgs, setup), Launcher.current(cpusPerTask));
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "': use local or slurm");
        };
        chosen.submit(store, todo, System.out);
        if (chosen instanceof LocalEngine) {
            long failed = todo.stream().filter(e -> store.status(e) != ResultStore.Status.DONE).count();
            System.out.printf("done: %d of %d runs finished%s%n", todo.size() - failed, todo.size(),
                    failed == 0 ? "" : "; " + failed + " did not (see 'tinymem sweep status " + plan + "'; submit again to retry them)");
            return failed == 0 ? 0 : 1;
        }
        System.out.println("follow with: ./tinymem sweep status " + plan);
        return 0;
    }

    private static Integer envThreads() {
        String value = System.getenv("TINYMEM_THREADS");
        if (value == null || value.isBlank()) return null;
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TINYMEM_THREADS must be a number, got '" + value + "'");
        }
    }
}
