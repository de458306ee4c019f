package org.tinymem.sweep;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tinymem.util.AtomicFiles;

/**
 * Submits a plan to Slurm: one job array per stage ({@code #SBATCH --array=INDICES%K}), each task
 * running {@code tinymem sweep run PLAN --index $SLURM_ARRAY_TASK_ID} (see {@link Launcher}); stage
 * s + 1 waits for stage s ({@code --dependency=afterany}, so one failed task does not hold the rest
 * back: an entry whose model is missing fails clearly and is resubmitted later). Only entries without
 * a result are submitted, so submitting again resubmits exactly the failed and interrupted ones.
 * Tasks are requeueable: a requeued task takes the entry's lock again and resumes or restarts it.
 * The scripts and job ids are kept under {@code slurm/} in the plan directory.
 *
 * <p>A real cluster needs the checkout and the plan directory on a filesystem every node sees, and
 * usually a partition, an account, a time limit and module loads: pass them as options.
 */
public final class SlurmEngine implements Engine {
    /** The job array's resources; null = Slurm's default. */
    public record Options(int cpusPerTask, String memory, String time, String partition, String account, Integer parallel,
                          List<String> sbatchArgs, List<String> setup) {
        public Options {
            if (cpusPerTask < 1) throw new IllegalArgumentException("--cpus-per-task must be >= 1");
            if (parallel != null && parallel < 1) throw new IllegalArgumentException("--parallel must be >= 1");
            sbatchArgs = List.copyOf(sbatchArgs);
            setup = List.copyOf(setup);
        }
    }

    private final Options options;
    private final Launcher launcher;

    public SlurmEngine(Options options, Launcher launcher) {
        this.options = options;
        this.launcher = new Launcher(launcher.java(), launcher.classPath(), options.cpusPerTask());
    }

    @Override
    public String name() {
        return "slurm";
    }

    @Override
    public void submit(ResultStore store, List<PlanEntry> entries, PrintStream out) throws Exception {
        SweepPlan plan = store.plan();
        Files.createDirectories(plan.dir().resolve("logs"));
        Path slurm = Files.createDirectories(plan.dir().resolve("slurm"));
        String previous = null;
        for (int stage : plan.stages()) {
            List<Integer> indices = entries.stream().filter(e -> e.stage() == stage).map(PlanEntry::index).toList();
            if (indices.isEmpty()) continue;
            Path script = slurm.resolve(String.format("stage%d-%s.sbatch", stage, Instant.now().toString().replace(':', '-')));
            AtomicFiles.writeString(script, script(plan, stage, indices));
            List<String> sbatch = new ArrayList<>(List.of("sbatch", "--parsable"));
            if (previous != null) sbatch.add("--dependency=afterany:" + previous);
            sbatch.add(script.toString());
            String job = call(sbatch).trim();
            if (job.contains(";")) job = job.substring(0, job.indexOf(';')); // "jobid;cluster"
            if (!job.matches("\\d+")) throw new IllegalStateException("sbatch answered '" + job + "', not a job id");
            JsonObject record = new JsonObject();
            record.addProperty("job", job);
            record.addProperty("stage", stage);
            JsonArray array = new JsonArray();
            indices.forEach(array::add);
            record.add("indices", array);
            record.addProperty("script", plan.dir().relativize(script).toString());
            record.addProperty("submitted", Instant.now().toString());
            Files.writeString(slurm.resolve(JOBS), record + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            out.printf("stage %d: submitted job %s, array %s (%d runs)%s%n", stage, job, arraySpec(indices), indices.size(),
                    previous == null ? "" : ", after job " + previous);
            previous = job;
        }
    }

    static final String JOBS = "jobs.jsonl";

    /** The job script of one stage. */
    String script(SweepPlan plan, int stage, List<Integer> indices) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("# TinyMem sweep ").append(plan.dir()).append(", stage ").append(stage).append(" (written by 'tinymem sweep submit')\n");
        sbatch(s, "--job-name=tinymem-" + plan.dir().getFileName() + "-s" + stage);
        sbatch(s, "--array=" + arraySpec(indices) + (options.parallel() == null ? "" : "%" + options.parallel()));
        sbatch(s, "--cpus-per-task=" + options.cpusPerTask());
        sbatch(s, "--ntasks=1");
        if (options.memory() != null) sbatch(s, "--mem=" + options.memory());
        if (options.time() != null) sbatch(s, "--time=" + options.time());
        if (options.partition() != null) sbatch(s, "--partition=" + options.partition());
        if (options.account() != null) sbatch(s, "--account=" + options.account());
        sbatch(s, "--output=" + plan.dir().resolve("logs") + "/%a.log");
        sbatch(s, "--open-mode=append");
        sbatch(s, "--requeue");
        options.sbatchArgs().forEach(a -> sbatch(s, a));
        s.append("set -euo pipefail\n");
        options.setup().forEach(line -> s.append(line).append('\n'));
        for (Map.Entry<String, String> env : launcher.environment().entrySet()) {
            if (env.getKey().equals("OMP_NUM_THREADS") || env.getKey().equals("TINYMEM_THREADS")) continue;
            s.append("export ").append(env.getKey()).append('=').append(quote(env.getValue())).append('\n');
        }
        s.append("export OMP_NUM_THREADS=").append(options.cpusPerTask()).append(" TINYMEM_THREADS=").append(options.cpusPerTask()).append('\n');
        s.append("echo \"== $(date -u +%FT%TZ) slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)\"\n");
        List<String> command = launcher.command(plan.dir(), "INDEX");
        s.append("exec");
        for (String part : command) s.append(' ').append(part.equals("INDEX") ? "\"$SLURM_ARRAY_TASK_ID\"" : quote(part));
        s.append('\n');
        return s.toString();
    }

    private static void sbatch(StringBuilder s, String option) {
        if (option.contains("\n")) throw new IllegalArgumentException("an sbatch option cannot span lines: " + option);
        s.append("#SBATCH ").append(option).append('\n');
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Indices as Slurm's array syntax: {@code 0-5,8,10-12}. */
    static String arraySpec(List<Integer> indices) {
        StringBuilder spec = new StringBuilder();
        int i = 0;
        while (i < indices.size()) {
            int j = i;
            while (j + 1 < indices.size() && indices.get(j + 1) == indices.get(j) + 1) j++;
            if (spec.length() > 0) spec.append(',');
            spec.append(indices.get(i));
            if (j > i) spec.append('-').append(indices.get(j));
            i = j + 1;
        }
        return spec.toString();
    }

    /** The job ids this plan submitted, oldest first. */
    public static List<String> jobs(SweepPlan plan) {
        Path file = plan.dir().resolve("slurm").resolve(JOBS);
        List<String> jobs = new ArrayList<>();
        if (!Files.isRegularFile(file)) return jobs;
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) jobs.add(JsonParser.parseString(line).getAsJsonObject().get("job").getAsString());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return jobs;
    }

    /**
     * What Slurm's queue says of this plan's tasks: plan index → state (PENDING, RUNNING, ...), from
     * {@code squeue}; empty when no task is queued or squeue is not here. Finished tasks leave the
     * queue; the result store says how they ended.
     */
    public static Map<Integer, String> queue(SweepPlan plan) {
        Map<Integer, String> states = new TreeMap<>();
        List<String> jobs = jobs(plan);
        if (jobs.isEmpty()) return states;
        Map<String, Boolean> ours = new LinkedHashMap<>();
        jobs.forEach(j -> ours.put(j, true));
        String listing;
        try {
            listing = call(List.of("squeue", "-h", "-r", "-o", "%i|%T"));
        } catch (IllegalStateException e) {
            return states;
        }
        for (String line : listing.split("\n")) {
            String[] parts = line.trim().split("\\|");
            if (parts.length != 2 || !parts[0].contains("_")) continue;
            String job = parts[0].substring(0, parts[0].indexOf('_'));
            String task = parts[0].substring(parts[0].indexOf('_') + 1);
            if (ours.containsKey(job) && task.matches("\\d+")) states.put(Integer.parseInt(task), parts[1]);
        }
        return states;
    }

    /** Runs a Slurm command; its standard output, or a clear error. */
    static String call(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(2, command.size())))
                    + " failed (exit " + code + "): " + stderr.trim());
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " not found: is Slurm installed here (module load slurm)? For a"
                    + " one-node test cluster run environment/slurm/start-local-cluster.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command.get(0) + " interrupted", e);
        }
    }

    /** Cancels array tasks of this plan ({@code scancel JOB_INDEX}); used by tests and by {@code sweep cancel}. */
    public static void cancel(SweepPlan plan) {
        List<String> jobs = jobs(plan);
        if (!jobs.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("scancel"));
            command.addAll(jobs);
            call(command);
        }
    }
}
