package org.tinymem.cli;

import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tinymem}: the command line. Every command prints one clear line and exits non-zero on bad
 * input; no command deletes or overwrites an existing result.
 */
@Command(name = "tinymem", mixinStandardHelpOptions = true, versionProvider = TinyMemCli.Version.class,
        description = "Train TinyMem models, measure memorization, and mitigate it.",
        subcommands = {InfoCommand.class, TrainCommand.class, EvalCommand.class, GenerateCommand.class, BenchCommand.class,
                UnlearnCommand.class, FinetuneCommand.class, SweepCommand.class, Table1Command.class, LandscapeCommand.class})
public final class TinyMemCli implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        try {
            org.tinymem.eval.Energy.current(); // a bad TINYMEM_ENERGY_PRESET / TINYMEM_PUE ... fails now, not after a run
        } catch (IllegalArgumentException e) {
            System.err.println("tinymem: error: " + e.getMessage());
            return 1;
        }
        CommandLine line = new CommandLine(new TinyMemCli());
        line.setParameterExceptionHandler((ex, arguments) -> {
            System.err.println("tinymem: " + ex.getMessage() + " (see 'tinymem " + commandName(ex) + " --help')");
            return 2;
        });
        line.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException
                    || ex instanceof IllegalStateException) {
                System.err.println("tinymem: error: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return line.execute(args);
    }

    private static String commandName(CommandLine.ParameterException ex) {
        String name = ex.getCommandLine().getCommandName();
        return name.equals("tinymem") ? "" : name;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tinymem " + org.tinymem.experiment.Provenance.version()};
        }
    }
}
