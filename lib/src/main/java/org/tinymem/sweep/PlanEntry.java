package org.tinymem.sweep;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tinymem.util.Sha256;

/**
 * One run of a sweep plan: a {@code tinymem} command ({@code train}, {@code finetune} or
 * {@code unlearn}) and its arguments, without {@code --out} (the result store gives it one). An
 * argument {@code @{KEY}} names the result of another entry of the same plan (an unlearning run on a
 * model the plan trains); such an entry sits in a later {@link #stage} than the one it needs.
 *
 * @param index the entry's position in the plan (Slurm's array index)
 * @param stage entries of stage s run after every entry of stage s - 1 has finished
 * @param command the {@code tinymem} command
 * @param args its arguments, in order
 * @param key the spec hash: the first 16 hex digits of SHA-256 over the command and arguments; the
 *            result store keys results by it, so a run is done once whatever its index
 */
public record PlanEntry(int index, int stage, String command, List<String> args, String key) {
    /** The commands a plan may hold. */
    public static final Set<String> COMMANDS = Set.of("train", "finetune", "unlearn");

    public PlanEntry {
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("a plan runs train, finetune or unlearn, not '" + command + "'");
        }
        args = List.copyOf(args);
        if (args.contains("--out")) throw new IllegalArgumentException("a plan entry has no --out: the result store gives it one");
        if (stage < 0 || index < 0) throw new IllegalArgumentException("index and stage must be >= 0");
    }

    /** An entry keyed by the hash of its command and arguments. */
    public static PlanEntry of(int index, int stage, String command, List<String> args) {
        return new PlanEntry(index, stage, command, args, keyOf(command, args));
    }

    /** The spec hash of a command line. */
    public static String keyOf(String command, List<String> args) {
        MessageDigest sha = Sha256.digest();
        sha.update(command.getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            sha.update((byte) 0);
            sha.update(arg.getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(sha).substring(0, 16);
    }

    /** The reference to this entry's result, for the arguments of a later entry. */
    public String reference() {
        return "@{" + key + "}";
    }

    /** The keys of the entries this one needs. */
    public List<String> needs() {
        List<String> keys = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("@{") && arg.endsWith("}")) keys.add(arg.substring(2, arg.length() - 1));
        }
        return keys;
    }

    /** The value following {@code --option}, or null. */
    public String option(String option) {
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    /** A short human label, e.g. {@code unlearn balanced-subnet --ratio 0.1 --epochs 10}. */
    public String label() {
        StringBuilder label = new StringBuilder(command);
        for (String arg : args) {
            if (arg.startsWith("@{")) continue;
            label.append(' ').append(arg);
        }
        return label.toString().replace(" --model", "");
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("index", index);
        json.addProperty("stage", stage);
        json.addProperty("command", command);
        JsonArray array = new JsonArray();
        args.forEach(array::add);
        json.add("args", array);
        json.addProperty("key", key);
        json.addProperty("result", SweepPlan.RESULTS + "/" + key);
        return json;
    }

    static PlanEntry fromJson(JsonObject json) {
        List<String> args = new ArrayList<>();
        json.getAsJsonArray("args").forEach(a -> args.add(a.getAsString()));
        String command = json.get("command").getAsString();
        String key = json.get("key").getAsString();
        if (!key.equals(keyOf(command, args))) {
            throw new IllegalArgumentException("entry " + json.get("index") + " has key " + key + " but its command hashes to "
                    + keyOf(command, args) + " (was the plan edited by hand? write it again with 'tinymem sweep plan')");
        }
        return new PlanEntry(json.get("index").getAsInt(), json.get("stage").getAsInt(), command, args, key);
    }
}
