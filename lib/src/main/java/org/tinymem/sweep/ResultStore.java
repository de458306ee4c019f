package org.tinymem.sweep;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.tinymem.unlearn.UnlearnRuns;
import org.tinymem.util.Json;
import org.tinymem.util.Sha256;

/**
 * The crash-safe result store of a {@link SweepPlan}. Each entry is run at most once to completion:
 * <ol>
 *   <li>a process takes the entry's OS file lock ({@code locks/KEY.lock}); the kernel releases it
 *       when the process dies, however it dies (SIGKILL, node failure, Slurm requeue), so a lock is
 *       never stale and two processes never run the same entry;</li>
 *   <li>under the lock it skips the entry if {@code results/KEY} exists, else runs the command into
 *       {@code work/KEY} (a training resumes there from its checkpoints; any other command starts
 *       over in an emptied folder);</li>
 *   <li>on success it adds {@code sweep-entry.json} and renames {@code work/KEY} to
 *       {@code results/KEY} in one atomic step. A result therefore exists completely or not at all,
 *       and a finished run is never run again.</li>
 * </ol>
 * A run made from an existing model ({@code --model M}: unlearning, fine-tuning) records the SHA-256 of
 * {@code M/model.safetensors} as it was when the run began. If that file changes later (the model was
 * retrained or replaced in place), the result is {@link Status#STALE}: shown, never selected, never
 * silently reused, and never deleted; a submission that includes it refuses and says what to do.
 */
public final class ResultStore {
    /** Where a finished run records how it ran. */
    public static final String ENTRY = "sweep-entry.json";
    /** {@value #ENTRY}'s field for the SHA-256 of the weights a run was made from. */
    static final String MODEL_SHA256 = "model_sha256";

    /** What the store knows about an entry. */
    public enum Status {
        /** {@code results/KEY} exists. */
        DONE,
        /** {@code results/KEY} exists, but was made from weights that have changed since ({@link #changedModel}). */
        STALE,
        /** another process holds the entry's lock. */
        RUNNING,
        /** the last attempt exited with an error ({@code failed/KEY.json}). */
        FAILED,
        /** an attempt began ({@code work/KEY}) and died without a word (killed). */
        INTERRUPTED,
        /** never started. */
        PENDING;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** Runs a command into an output directory; returns its exit code. */
    @FunctionalInterface
    public interface Runner {
        int run(String command, List<String> args, Path out) throws Exception;
    }

    /** How one attempt went. */
    public record Outcome(PlanEntry entry, Status status, int exitCode, double seconds, String message) {}

    private final SweepPlan plan;
    /** weights file → its last hash: each file is hashed once while it stays the same. */
    private final Map<Path, Hash> hashes = new ConcurrentHashMap<>();

    /** A file's SHA-256 and the stamp (size, modification time, file key) it was taken at. */
    private record Hash(String stamp, String sha256) {}

    /** The weights a run is made from: {@code --model}'s {@code model.safetensors} and its SHA-256 as the run began. */
    private record Weights(Path file, String sha256) {}

    public ResultStore(SweepPlan plan) {
        this.plan = plan;
    }

    public SweepPlan plan() {
        return plan;
    }

    public Status status(PlanEntry e) {
        if (Files.isDirectory(plan.result(e))) return changedModel(e).isPresent() ? Status.STALE : Status.DONE;
        if (isLocked(e)) return Status.RUNNING;
        if (Files.isRegularFile(plan.failure(e))) return Status.FAILED;
        if (Files.isDirectory(plan.work(e))) return Status.INTERRUPTED;
        return Status.PENDING;
    }

    /** Whether another process holds the entry's lock (probed by taking and releasing it). */
    private boolean isLocked(PlanEntry e) {
        Path lock = plan.lock(e);
        if (!Files.exists(lock)) return false;
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) return true;
            held.release();
            return false;
        } catch (OverlappingFileLockException ex) {
            return true; // this very process runs it
        } catch (IOException ex) {
            return false;
        }
    }

    /**
     * Runs one entry under its lock (see the class comment). Returns {@code DONE} when the entry
     * finished now or before, {@code RUNNING} when another process holds it, {@code FAILED} when the
     * command failed or an entry it needs has no result yet.
     */
    public Outcome run(PlanEntry e, Runner runner, String engine) {
        List<FileChannel> held = new ArrayList<>(); // closing a channel releases its lock
        try {
            Files.createDirectories(plan.lock(e).getParent());
            try {
                if (!tryLock(e, held)) return new Outcome(e, Status.RUNNING, 0, 0, "another process runs it");
                return runLocked(e, runner, engine);
            } finally {
                for (FileChannel channel : held) channel.close();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("sweep entry " + e.index() + ": " + ex.getMessage(), ex);
        }
    }

    private Outcome runLocked(PlanEntry e, Runner runner, String engine) throws IOException {
        if (Files.isDirectory(plan.result(e))) {
            Optional<Path> changed = changedModel(e);
            return changed.isEmpty() ? new Outcome(e, Status.DONE, 0, 0, "already done")
                    : new Outcome(e, Status.STALE, 4, 0, staleMessage(e, changed.get()));
        }
        for (String need : e.needs()) {
            PlanEntry needed = plan.byKey(need);
            if (!Files.isDirectory(plan.result(needed))) {
                String message = "needs entry " + needed.index() + " (" + needed.label() + "), which has no result yet";
                recordFailure(e, 3, message, engine);
                return new Outcome(e, Status.FAILED, 3, 0, message);
            }
        }
        List<PlanEntry> ladder = plan.ladder(e);
        if (ladder.size() > 1) {
            List<FileChannel> held = new ArrayList<>(); // closing a channel releases its lock
            try {
                List<PlanEntry> members = new ArrayList<>();
                for (PlanEntry m : ladder) {
                    if (m.key().equals(e.key())) {
                        members.add(m);
                    } else if (!Files.isDirectory(plan.result(m)) && tryLock(m, held) && !Files.isDirectory(plan.result(m))) {
                        members.add(m);
                    }
                }
                if (members.size() > 1) return runShared(e, members, runner, engine);
            } finally {
                for (FileChannel channel : held) channel.close();
            }
        }
        Path work = plan.work(e);
        if (!e.command().equals("train")) deleteTree(work); // only a training resumes a partial run
        Files.createDirectories(work.getParent());
        Weights weights = weightsOf(e); // as the run begins
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        int code;
        String message;
        try {
            code = runner.run(e.command(), plan.resolvedArgs(e), work);
            message = code == 0 ? "ok" : "exit code " + code;
        } catch (Exception ex) {
            code = 1;
            message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0 || !Files.isDirectory(work)) {
            if (code == 0) {
                code = 1;
                message = "the command wrote nothing";
            }
            recordFailure(e, code, message, engine);
            return new Outcome(e, Status.FAILED, code, seconds, message);
        }
        publish(e, work, engine, started, seconds, null, weights);
        return new Outcome(e, Status.DONE, 0, seconds, message);
    }

    /**
     * Makes {@code work} the result of {@code e}: adds {@value #ENTRY} (how it ran; {@code sharedRun}, when
     * not null, notes the shared run that made it; {@code weights}, when not null, what it was made from),
     * renames it to {@code results/KEY} in one atomic step and drops the entry's last failure.
     */
    private void publish(PlanEntry e, Path work, String engine, Instant started, double seconds, String sharedRun,
                         Weights weights) throws IOException {
        JsonObject record = describe(e, engine);
        if (weights != null) {
            record.addProperty("model_weights", weights.file().toString());
            record.addProperty(MODEL_SHA256, weights.sha256());
        }
        record.addProperty("started", started.toString());
        record.addProperty("finished", Instant.now().toString());
        record.addProperty("seconds", seconds);
        if (sharedRun != null) record.addProperty("shared_run", sharedRun);
        Json.write(work.resolve(ENTRY), record);
        Files.createDirectories(plan.result(e).getParent());
        try {
            Files.move(work, plan.result(e), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException ex) {
            throw new IOException("the result store needs work/ and results/ on one filesystem: " + ex.getMessage(), ex);
        }
        Files.deleteIfExists(plan.failure(e));
    }

    /** Takes {@code e}'s lock if no process holds it, adding its open channel to {@code held}. */
    private boolean tryLock(PlanEntry e, List<FileChannel> held) throws IOException {
        FileChannel channel = FileChannel.open(plan.lock(e), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException ex) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return false;
        }
        held.add(channel);
        return true;
    }

    /**
     * Runs {@code members} (entries of one {@link SweepPlan#ladder}, all locked by this process, {@code lead}
     * among them) as one {@code unlearn --epochs E1,E2,...} into {@code work/KEY-ladder}, then gives each
     * member its own result from the run's {@code epochs-E} snapshot, each renamed into place atomically.
     * The snapshots are exactly what separate runs give (issue 17, item 1; {@code EpochLadder}).
     */
    private Outcome runShared(PlanEntry lead, List<PlanEntry> members, Runner runner, String engine) throws IOException {
        Path work = plan.work(lead).resolveSibling(lead.key() + "-ladder");
        deleteTree(work);
        for (PlanEntry m : members) deleteTree(plan.work(m));
        Files.createDirectories(work.getParent());
        Weights weights = weightsOf(lead); // one model for the whole ladder, as the run begins
        List<String> args = new ArrayList<>(plan.resolvedArgs(lead));
        int at = lead.args().indexOf("--epochs");
        args.set(at + 1, String.join(",", members.stream().map(m -> m.option("--epochs")).toList()));
        String shared = "one run to " + members.get(members.size() - 1).option("--epochs") + " epochs for entries "
                + String.join(", ", members.stream().map(m -> Integer.toString(m.index())).toList());
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        int code;
        String message;
        try {
            code = runner.run(lead.command(), args, work);
            message = code == 0 ? "ok (" + shared + ")" : "exit code " + code + " (" + shared + ")";
        } catch (Exception ex) {
            code = 1;
            message = ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (" + shared + ")";
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code == 0) {
            for (PlanEntry m : members) {
                if (!Files.isDirectory(snapshot(work, m))) {
                    code = 1;
                    message = "the shared run wrote no " + work.relativize(snapshot(work, m)) + " (" + shared + ")";
                }
            }
        }
        if (code != 0) {
            for (PlanEntry m : members) recordFailure(m, code, message, engine);
            return new Outcome(lead, Status.FAILED, code, seconds, message);
        }
        for (PlanEntry m : members) publish(m, snapshot(work, m), engine, started, seconds, shared, weights);
        deleteTree(work);
        return new Outcome(lead, Status.DONE, 0, seconds, message);
    }

    /** The weights file of {@code e}'s {@code --model} ({@code model.safetensors}), if it has one that exists. */
    Optional<Path> modelWeights(PlanEntry e) {
        List<String> args = plan.resolvedArgs(e);
        int at = args.indexOf("--model");
        if (at < 0 || at + 1 >= args.size()) return Optional.empty();
        Path weights = Path.of(args.get(at + 1)).resolve("model.safetensors");
        return Files.isRegularFile(weights) ? Optional.of(weights) : Optional.empty();
    }

    /**
     * The weights file {@code e}'s result was made from, if it has changed since: its SHA-256 now differs from
     * the one recorded in {@value #ENTRY}. Empty when nothing changed, when the entry has no result or no model,
     * when the model is gone (nothing to compare), or when the result predates the record.
     */
    public Optional<Path> changedModel(PlanEntry e) {
        Path entry = plan.result(e).resolve(ENTRY);
        if (!Files.isRegularFile(entry)) return Optional.empty();
        JsonObject json = Json.read(entry);
        if (!json.has(MODEL_SHA256)) return Optional.empty();
        Optional<Path> weights = modelWeights(e);
        if (weights.isEmpty() || sha256(weights.get()).equals(json.get(MODEL_SHA256).getAsString())) return Optional.empty();
        return weights;
    }

    /** The weights {@code e} is made from now, or null when it has no {@code --model} with a weights file. */
    private Weights weightsOf(PlanEntry e) {
        return modelWeights(e).map(file -> new Weights(file, sha256(file))).orElse(null);
    }

    /** What {@code e}'s stale result means and what to do about it; {@code e} must be {@link Status#STALE}. */
    public String staleMessage(PlanEntry e) {
        return staleMessage(e, changedModel(e).orElseThrow(() -> new IllegalStateException("entry " + e.index() + " is not stale")));
    }

    private String staleMessage(PlanEntry e, Path weights) {
        return "its result was made from an earlier " + weights + " (the file has changed since: retrained or replaced?); "
                + "to run it on the model as it is now, move " + plan.result(e) + " out of the way or plan into a new directory";
    }

    private String sha256(Path file) {
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            String stamp = attributes.size() + ":" + attributes.lastModifiedTime() + ":" + attributes.fileKey(); // a rename changes the key
            Hash known = hashes.get(file);
            if (known != null && known.stamp().equals(stamp)) return known.sha256();
            String hex = Sha256.ofFile(file);
            hashes.put(file, new Hash(stamp, hex));
            return hex;
        } catch (IOException ex) {
            throw new UncheckedIOException("could not read " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static Path snapshot(Path work, PlanEntry m) {
        return work.resolve(UnlearnRuns.epochsDirectory(Integer.parseInt(m.option("--epochs"))));
    }

    /** Records a failure an engine saw from outside (a killed process), unless the entry finished after all. */
    public void recordFailure(PlanEntry e, int code, String message, String engine) {
        if (Files.isDirectory(plan.result(e))) return;
        JsonObject json = describe(e, engine);
        json.addProperty("exit_code", code);
        json.addProperty("message", message);
        json.addProperty("at", Instant.now().toString());
        Json.write(plan.failure(e), json);
    }

    private static JsonObject describe(PlanEntry e, String engine) {
        JsonObject json = new JsonObject();
        json.addProperty("index", e.index());
        json.addProperty("key", e.key());
        json.addProperty("command", e.command());
        JsonArray args = new JsonArray();
        e.args().forEach(args::add);
        json.add("args", args);
        json.addProperty("engine", engine);
        json.addProperty("host", host());
        String job = System.getenv("SLURM_ARRAY_JOB_ID");
        if (job != null) json.addProperty("slurm_job", job + "_" + System.getenv("SLURM_ARRAY_TASK_ID"));
        json.addProperty("pid", ProcessHandle.current().pid());
        return json;
    }

    static String host() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) return host;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
