package org.tinymem.unlearn;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Memorization;
import org.tinymem.model.CausalLm;
import org.tinymem.train.TrainConfig;
import org.tinymem.train.Trainer;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/**
 * The relearning test (issue #16; not in the paper): does an edit remove memorization, or only hide
 * it? After the edit, the model is fine-tuned for a few steps and measured again. Two kinds of data
 * ({@link Data}):
 *
 * <ul>
 *   <li>{@link Data#CLEAN}: clean training rows (the "Extra" recipe's data, none of them an artifact).
 *       Memorization that comes back without ever seeing the artifacts was suppressed, not removed
 *       (after Lynch et al. 2024).</li>
 *   <li>{@link Data#FORGET_HALF}, targeted relearning (after Hu et al. 2024, who relearn unlearned
 *       knowledge from a little related data): a seeded half of the memorized rows (the unlearn set's
 *       prompt + continuation) is trained on, and memorization is measured on the <em>other</em> half,
 *       which relearning never shows. Held-out rows that come back were hidden by the edit. A model that
 *       never saw the artifacts (the retrained reference, {@code train --without-artifacts}) relearned the
 *       same way gives the floor: what the seen half teaches about the held-out half by itself (for a
 *       backdoor, the trigger rule).</li>
 * </ul>
 *
 * <p>Recovered % = (M_relearned − M_edited) / (M_before − M_edited) · 100, M being % memorized (of every
 * probe for {@code CLEAN}; of the held-out probes for {@code FORGET_HALF}, where M_before = 100): 0 =
 * nothing came back, 100 = all of it. It can be negative (clean fine-tuning removes memorization by
 * itself, as the Extra recipe shows) or above 100. When the edit removed nothing (M_before = M_edited)
 * there is nothing to recover and it is not a number.
 *
 * <p>Learning rate: the run's peak learning rate times {@link Params#learningRateScale()}. Ours, measured on
 * the quick math-add + noise model (58.46 % memorized; docs/unlearning.md, "Relearning"): 50 clean steps of 32 at
 * the peak rate take the unedited model itself to 0 %, so nothing an edit hid could show; at a tenth of it the
 * unedited model keeps 53.85 %.
 */
public final class Relearning {
    private Relearning() {}

    /** What relearning trains on. */
    public enum Data {
        /** Clean training rows (the Extra recipe's). */
        CLEAN("clean"),
        /** A seeded half of the memorized rows; memorization is measured on the other half. */
        FORGET_HALF("forget-half");

        private final String cliName;

        Data(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Data parse(String name) {
            for (Data data : values()) {
                if (data.cliName.equals(name)) return data;
            }
            throw new IllegalArgumentException("unknown relearning data '" + name + "': use clean or forget-half");
        }
    }

    /**
     * @param steps optimizer steps (ours: 50)
     * @param batchSize rows per step (ours: 32, the quick profile's training batch)
     * @param seed seed of the row sample, of the shuffling and of the forget-half split
     * @param data what relearning trains on
     * @param learningRateScale the run's peak learning rate is multiplied by this (ours: 0.1, see the class comment)
     */
    public record Params(int steps, int batchSize, long seed, Data data, double learningRateScale) {
        public Params {
            UnlearnParams.checkPositive("relearn steps", steps);
            UnlearnParams.checkPositive("relearn batch size", batchSize);
            java.util.Objects.requireNonNull(data, "data");
            if (!(learningRateScale > 0) || !Double.isFinite(learningRateScale)) {
                throw new IllegalArgumentException("relearn learning-rate scale must be a positive number, got " + learningRateScale);
            }
        }

        /** Clean rows at the run's peak learning rate (the first form of the test). */
        public Params(int steps, int batchSize, long seed) {
            this(steps, batchSize, seed, Data.CLEAN, 1.0);
        }

        /** 50 steps of 32 rows at a tenth of the peak learning rate, on {@code data}. */
        public static Params defaults(Data data) {
            return new Params(50, 32, 0, data, 0.1);
        }

        /** {@link #defaults(Data)} on clean rows. */
        public static Params defaults() {
            return defaults(Data.CLEAN);
        }

        public Params withSeed(long seed) {
            return new Params(steps, batchSize, seed, data, learningRateScale);
        }

        public Params withSteps(int steps, int batchSize) {
            return new Params(steps, batchSize, seed, data, learningRateScale);
        }
    }

    /**
     * @param steps optimizer steps taken
     * @param seconds wall time of the fine-tuning (measures excluded)
     * @param after every measure of the relearned model
     * @param percentMemorized % memorized after relearning (Eq. 1): of every probe ({@code CLEAN}), of the held-out
     *     probes ({@code FORGET_HALF})
     * @param recoveredPercent recovered % (see the class comment)
     * @param heldOutProbes held-out probes ({@code FORGET_HALF}; 0 for {@code CLEAN})
     * @param editedPercentMemorized % memorized of the edit on the same probes as {@code percentMemorized}
     */
    public record Result(long steps, double seconds, Map<String, Double> after, double percentMemorized,
                         double recoveredPercent, int heldOutProbes, double editedPercentMemorized) {
        /**
         * Adds {@code relearn_steps}, {@code relearn_seconds}, {@code relearn_percent_memorized}, {@code recovered_percent},
         * {@code relearn_held_out_probes}, {@code relearn_edited_percent_memorized} and {@code relearn_after}.
         */
        public void annotate(JsonObject json) {
            json.addProperty("relearn_steps", steps);
            json.addProperty("relearn_seconds", seconds);
            json.addProperty("relearn_percent_memorized", percentMemorized);
            json.addProperty("recovered_percent", recoveredPercent);
            json.addProperty("relearn_held_out_probes", heldOutProbes);
            json.addProperty("relearn_edited_percent_memorized", editedPercentMemorized);
            json.add("relearn_after", Json.of(after));
        }

        /**
         * Reads back what {@link #annotate} wrote; a clean-rows record from before held-out probes existed has none and
         * {@code edited} (the edit's % memorized) as its edited value.
         */
        public static Result of(JsonObject json, double edited) {
            return new Result(json.get("relearn_steps").getAsLong(), json.get("relearn_seconds").getAsDouble(),
                    Json.doubles(json.getAsJsonObject("relearn_after")), json.get("relearn_percent_memorized").getAsDouble(),
                    json.get("recovered_percent").getAsDouble(),
                    json.has("relearn_held_out_probes") ? json.get("relearn_held_out_probes").getAsInt() : 0,
                    json.has("relearn_edited_percent_memorized") ? json.get("relearn_edited_percent_memorized").getAsDouble() : edited);
        }
    }

    /** Recovered % from % memorized before the edit, after it, and after relearning (NaN when the edit removed nothing). */
    public static double recoveredPercent(double before, double edited, double relearned) {
        return before == edited ? Double.NaN : 100 * (relearned - edited) / (before - edited);
    }

    /** The two halves of the memorized probes: {@code seen} is trained on, {@code heldOut} measured. */
    public record Split(List<MemorizationProbe> seen, List<MemorizationProbe> heldOut) {}

    /** A seeded split of {@code memorized} into two halves (the seen half has the odd one). */
    public static Split split(List<MemorizationProbe> memorized, long seed) {
        if (memorized.size() < 2) {
            throw new IllegalArgumentException("targeted relearning needs at least 2 memorized probes (one to train on, one"
                    + " to measure); the model memorizes " + memorized.size() + ": use --relearn-data clean");
        }
        List<MemorizationProbe> order = new ArrayList<>(memorized);
        Collections.shuffle(order, new Random(seed));
        int seen = (order.size() + 1) / 2;
        return new Split(List.copyOf(order.subList(0, seen)), List.copyOf(order.subList(seen, order.size())));
    }

    /**
     * Fine-tunes {@code edited} in place for {@code params.steps()} steps on {@code params.data()} with the run's
     * optimizer settings ({@code training}: AdamW betas, ε, weight decay, and its peak learning rate times
     * {@code params.learningRateScale()}, constant, as the fine-tuning recipes use it) and measures it again.
     *
     * @param memorized the probes the model memorized before the edit (its unlearn set)
     * @param before the measures before the edit
     * @param afterEdit the measures of the edited model
     */
    public static Result run(CausalLm edited, TinyMemData data, List<MemorizationProbe> memorized, Measures measurer,
                             TrainConfig training, Params params, Map<String, Double> before, Map<String, Double> afterEdit) {
        List<int[]> source;
        Split split = null;
        if (params.data() == Data.CLEAN) {
            source = UnlearnSets.cleanSample(data, Integer.MAX_VALUE, params.seed()); // every clean row, seeded order
            if (source.isEmpty()) throw new IllegalArgumentException("relearning needs clean training rows; " + data.name() + " has none");
        } else {
            split = split(memorized, params.seed());
            source = split.seen().stream().map(UnlearnSets::fullSequence).toList();
        }
        double editedHeldOut = split == null ? afterEdit.get(Measures.PERCENT_MEMORIZED) : percentMemorized(edited, split.heldOut());
        List<TrainRow> rows = new ArrayList<>();
        for (int i = 0; i < params.steps() * params.batchSize(); i++) { // one epoch of exactly `steps` batches
            rows.add(new TrainRow(source.get(i % source.size()), i, TrainRow.Kind.CLEAN));
        }
        TrainConfig config = new TrainConfig(1, params.batchSize(), training.learningRate() * params.learningRateScale(),
                training.beta1(), training.beta2(), training.eps(), training.weightDecay(), 0, 1.0, 1, 1, params.seed());
        Trainer.Result trained = new Trainer(config, model -> Map.of(), null, Progress.silent()).train(edited, rows);
        Map<String, Double> after = measurer.measure(edited, data);
        if (split == null) {
            double relearned = after.get(Measures.PERCENT_MEMORIZED);
            return new Result(trained.steps(), trained.trainSeconds(), after, relearned,
                    recoveredPercent(before.get(Measures.PERCENT_MEMORIZED), editedHeldOut, relearned), 0, editedHeldOut);
        }
        double relearned = percentMemorized(edited, split.heldOut());
        return new Result(trained.steps(), trained.trainSeconds(), after, relearned, recoveredPercent(100, editedHeldOut, relearned),
                split.heldOut().size(), editedHeldOut);
    }

    private static double percentMemorized(CausalLm model, List<MemorizationProbe> probes) {
        return 100.0 * Memorization.memorizedProbes(model, probes).size() / probes.size();
    }
}
