package org.tinymem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tinymem sweep}: experiments as data. {@code grid} runs one method's grid in this process;
 * {@code plan} writes a plan (one JSON line per run), {@code run} runs one entry of it,
 * {@code submit} runs or submits the unfinished entries ({@code --engine local|slurm}),
 * {@code status}, {@code collect} and {@code cancel} follow it.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Hyper-parameter sweeps: in this process (grid) or as a plan run by local workers or Slurm job arrays.",
        subcommands = {SweepGridCommand.class, SweepPlanCommand.class, SweepRunCommand.class, SweepServeCommand.class, SweepSubmitCommand.class,
                SweepStatusCommand.class, SweepCollectCommand.class, SweepCancelCommand.class})
final class SweepCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }
}
