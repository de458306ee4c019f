package org.tinymem.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tinymem.sweep.SlurmEngine;
import org.tinymem.sweep.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tinymem sweep cancel PLAN}: cancels the plan's Slurm jobs (finished results stay). */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a plan's Slurm jobs; finished results are kept.")
final class SweepCancelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Override
    public Integer call() {
        SweepPlan sweep = SweepPlan.read(plan);
        SlurmEngine.cancel(sweep);
        System.out.println("cancelled the Slurm jobs of " + sweep.dir() + " (" + SlurmEngine.jobs(sweep).size() + " submitted)");
        return 0;
    }
}
