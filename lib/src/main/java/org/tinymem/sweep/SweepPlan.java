package org.tinymem.sweep;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.util.AtomicFiles;

/**
 * A sweep as data: one JSON line per run ({@link PlanEntry}), in a directory that also holds its
 * result store. Layout of the directory (everything relative to it, so a plan moves with its
 * results):
 * <pre>
 *   plan.jsonl            the plan (written once; the same command writes the same bytes)
 *   results/KEY/          a finished run: the command's output plus sweep-entry.json (renamed into place)
 *   work/KEY/             a run in progress or interrupted (a training resumes from its checkpoints)
 *   locks/KEY.lock        held (an OS file lock) while a process runs the entry
 *   failed/KEY.json       the last failure of an entry that has no result
 *   logs/INDEX.log        the output of every attempt
 *   slurm/                job scripts and submitted job ids
 * </pre>
 */
public record SweepPlan(Path dir, List<PlanEntry> entries) {
    public static final String FILE = "plan.jsonl";
    public static final String RESULTS = "results";

    public SweepPlan {
        dir = dir.toAbsolutePath().normalize();
        entries = List.copyOf(entries);
        Set<String> keys = new HashSet<>();
        Map<String, Integer> stageOf = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            PlanEntry e = entries.get(i);
            if (e.index() != i) throw new IllegalArgumentException("plan entry " + i + " has index " + e.index());
            if (!keys.add(e.key())) {
                throw new IllegalArgumentException("plan entry " + i + " repeats an earlier run (" + e.label() + ")");
            }
            for (String need : e.needs()) {
                Integer stage = stageOf.get(need);
                if (stage == null) throw new IllegalArgumentException("plan entry " + i + " needs @{" + need + "}, which no earlier entry is");
                if (stage >= e.stage()) {
                    throw new IllegalArgumentException("plan entry " + i + " (stage " + e.stage() + ") needs an entry of stage " + stage);
                }
            }
            stageOf.put(e.key(), e.stage());
        }
    }

    /** Builds a plan from entries given in order, numbering them. */
    public static SweepPlan of(Path dir, List<Draft> drafts) {
        List<PlanEntry> entries = new ArrayList<>();
        for (Draft d : drafts) entries.add(PlanEntry.of(entries.size(), d.stage(), d.command(), d.args()));
        return new SweepPlan(dir, entries);
    }

    /** An entry before it has an index. */
    public record Draft(int stage, String command, List<String> args) {
        public String key() {
            return PlanEntry.keyOf(command, args);
        }
    }

    /** Reads {@code plan.jsonl} from a plan directory (or the file itself). */
    public static SweepPlan read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE) : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a sweep plan; write one with 'tinymem sweep plan --out DIR'");
        }
        List<PlanEntry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                entries.add(PlanEntry.fromJson(JsonParser.parseString(line).getAsJsonObject()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            throw new IllegalArgumentException(file + " is not a sweep plan (line " + (entries.size() + 1) + "): " + e.getMessage());
        }
        return new SweepPlan(file.toAbsolutePath().getParent(), entries);
    }

    /** The plan's text: one compact JSON object per line. */
    public String text() {
        Gson gson = new Gson();
        StringBuilder text = new StringBuilder();
        for (PlanEntry e : entries) text.append(gson.toJson(e.toJson())).append('\n');
        return text.toString();
    }

    /**
     * Writes {@code plan.jsonl}. Writing the same plan again is a no-op; a different plan over an
     * existing one is refused (its results would no longer match their entries).
     */
    public void write() {
        if (!isWritten()) AtomicFiles.writeString(dir.resolve(FILE), text());
    }

    /**
     * Whether {@code plan.jsonl} already holds this plan (false: there is none); a different plan
     * there is refused, as by {@link #write}.
     */
    public boolean isWritten() {
        Path file = dir.resolve(FILE);
        try {
            if (!Files.exists(file)) return false;
            if (Files.readString(file).equals(text())) return true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        throw new IllegalArgumentException(file + " holds another plan; choose a new --out (a plan and its results are never overwritten)");
    }

    public PlanEntry entry(int index) {
        if (index < 0 || index >= entries.size()) {
            throw new IllegalArgumentException("no entry " + index + " in " + dir.resolve(FILE) + " (0.." + (entries.size() - 1) + ")");
        }
        return entries.get(index);
    }

    public PlanEntry byKey(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no entry with key " + key + " in " + dir.resolve(FILE)));
    }

    /** The stages, in order. */
    public List<Integer> stages() {
        TreeSet<Integer> stages = new TreeSet<>();
        entries.forEach(e -> stages.add(e.stage()));
        return List.copyOf(stages);
    }

    public Path result(PlanEntry e) {
        return dir.resolve(RESULTS).resolve(e.key());
    }

    public Path work(PlanEntry e) {
        return dir.resolve("work").resolve(e.key());
    }

    public Path lock(PlanEntry e) {
        return dir.resolve("locks").resolve(e.key() + ".lock");
    }

    public Path failure(PlanEntry e) {
        return dir.resolve("failed").resolve(e.key() + ".json");
    }

    public Path log(PlanEntry e) {
        return dir.resolve("logs").resolve(e.index() + ".log");
    }

    /**
     * The entries one shared run serves with {@code e} (issue 17, item 1): {@code unlearn} entries of the
     * same stage whose arguments equal {@code e}'s except the {@code --epochs} value, for a method whose
     * epoch counts come from one run ({@link UnlearnMethods#sharesEpochs}); {@code e} included, in
     * increasing epoch count. Just {@code e} for any other entry, and for one evaluated while it unlearns
     * ({@code --eval-every}): its early stopping and kept snapshot belong to its own epoch count.
     */
    public List<PlanEntry> ladder(PlanEntry e) {
        int at = e.args().indexOf("--epochs");
        String method = e.option("--method");
        if (!e.command().equals("unlearn") || at < 0 || at + 1 >= e.args().size() || method == null
                || e.args().contains("--eval-every")
                || !UnlearnMethods.sharesEpochs(method) || epochCount(e) == null) {
            return List.of(e);
        }
        List<PlanEntry> group = new ArrayList<>();
        for (PlanEntry other : entries) {
            if (other.stage() != e.stage() || !other.command().equals(e.command()) || other.args().size() != e.args().size()
                    || epochCount(other) == null || other.args().indexOf("--epochs") != at) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < e.args().size() && same; i++) same = i == at + 1 || e.args().get(i).equals(other.args().get(i));
            if (same) group.add(other);
        }
        group.sort(java.util.Comparator.comparingInt(SweepPlan::epochCount));
        return List.copyOf(group);
    }

    /** An entry's {@code --epochs} value as one count, or null if it has none or another form. */
    private static Integer epochCount(PlanEntry e) {
        String value = e.option("--epochs");
        if (value == null || !value.matches("[0-9]+")) return null;
        return Integer.valueOf(value);
    }

    /** The arguments with every {@code @{KEY}} replaced by that entry's result directory. */
    public List<String> resolvedArgs(PlanEntry e) {
        List<String> args = new ArrayList<>();
        for (String arg : e.args()) {
            if (arg.startsWith("@{") && arg.endsWith("}")) {
                PlanEntry needed = byKey(arg.substring(2, arg.length() - 1));
                args.add(result(needed).toString());
            } else {
                args.add(arg);
            }
        }
        return args;
    }
}
