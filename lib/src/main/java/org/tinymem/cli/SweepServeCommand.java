package org.tinymem.cli;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.tinymem.sweep.LocalEngine;
import org.tinymem.sweep.PlanEntry;
import org.tinymem.sweep.ResultStore;
import org.tinymem.sweep.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tinymem sweep serve PLAN}: a local engine's worker. Reads one entry index per line from
 * standard input and runs it as {@code sweep run} would (same result store, same lock), in this JVM,
 * with the entry's output appended to {@code logs/INDEX.log}; answers each with one line
 * {@value LocalEngine#RESULT} INDEX STATUS EXIT. One JVM for many runs saves the start-up of the
 * JVM and the PyTorch engine per run (most of a small run's time).
 */
@Command(name = "serve", hidden = true, mixinStandardHelpOptions = true, description = "Run plan entries named on standard input (local engine worker).")
final class SweepServeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the plan's directory (or its plan.jsonl)")
    Path plan;

    @Override
    public Integer call() throws Exception {
        SweepPlan sweep = SweepPlan.read(plan);
        ResultStore store = new ResultStore(sweep);
        PrintStream protocol = System.out;
        PrintStream err = System.err;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            PlanEntry entry = sweep.entry(Integer.parseInt(line.trim()));
            Path log = sweep.log(entry);
            Files.createDirectories(log.getParent());
            ResultStore.Outcome outcome;
            try (PrintStream out = new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8)) {
                System.setOut(out);
                System.setErr(out);
                out.println("== " + Instant.now() + " local worker " + ProcessHandle.current().pid() + ": " + entry.label());
                outcome = store.run(entry, SweepRunCommand.IN_PROCESS, "local");
                out.printf("sweep entry %d: %s (%s, %.1f s)%n", entry.index(), outcome.status().label(), outcome.message(), outcome.seconds());
            } finally {
                System.setOut(protocol);
                System.setErr(err);
            }
            protocol.println(LocalEngine.RESULT + " " + entry.index() + " " + outcome.status().name() + " " + outcome.exitCode());
            protocol.flush();
        }
        return 0;
    }
}
