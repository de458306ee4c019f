package org.tinymem.unlearn;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.eval.Measures;
import org.tinymem.model.CausalLm;
import org.tinymem.train.TrainConfig;
import org.tinymem.train.Trainer;
import org.tinymem.util.Json;
import org.tinymem.util.Progress;

/**
 * The relearning test (issue #16; not in the paper): does an edit remove memorization, or only hide
 * it? After the edit, the model is fine-tuned for a few steps on clean training rows (the "Extra"
 * recipe's data, none of them an artifact) and measured again. Memorization that comes back without
 * ever seeing the artifacts was suppressed, not removed (after Lynch et al. 2024 and Hu et al. 2024,
 * who relearn unlearned knowledge from a little related data).
 *
 * <p>Recovered % = (M_relearned − M_edited) / (M_before − M_edited) · 100, M being % memorized: 0 =
 * nothing came back, 100 = all of it. It can be negative (clean fine-tuning removes memorization by
 * itself, as the Extra recipe shows) or above 100. When the edit removed nothing (M_before = M_edited)
 * there is nothing to recover and it is not a number (an earlier version said 100, which read as "all of it
 * came back" for edits that had done nothing).
 */
public final class Relearning {
    private Relearning() {}

    /**
     * @param steps optimizer steps (ours: 50)
     * @param batchSize rows per step (ours: 32, the quick profile's training batch)
     * @param seed seed of the row sample and of the shuffling
     */
    public record Params(int steps, int batchSize, long seed) {
        public Params {
            UnlearnParams.checkPositive("relearn steps", steps);
            UnlearnParams.checkPositive("relearn batch size", batchSize);
        }

        public static Params defaults() {
            return new Params(50, 32, 0);
        }
    }

    /**
     * @param steps optimizer steps taken
     * @param seconds wall time of the fine-tuning (measures excluded)
     * @param after every measure of the relearned model
     * @param percentMemorized % memorized after relearning (Eq. 1)
     * @param recoveredPercent recovered % (see the class comment)
     */
    public record Result(long steps, double seconds, Map<String, Double> after, double percentMemorized,
                         double recoveredPercent) {
        /** Adds {@code relearn_steps}, {@code relearn_seconds}, {@code relearn_percent_memorized}, {@code recovered_percent} and {@code relearn_after}. */
        public void annotate(JsonObject json) {
            json.addProperty("relearn_steps", steps);
            json.addProperty("relearn_seconds", seconds);
            json.addProperty("relearn_percent_memorized", percentMemorized);
            json.addProperty("recovered_percent", recoveredPercent);
            json.add("relearn_after", Json.of(after));
        }
    }

    /** Recovered % from % memorized before the edit, after it, and after relearning (NaN when the edit removed nothing). */
    public static double recoveredPercent(double before, double edited, double relearned) {
        return before == edited ? Double.NaN : 100 * (relearned - edited) / (before - edited);
    }

    /**
     * Fine-tunes {@code edited} in place for {@code params.steps()} steps on clean training rows with the
     * run's optimizer settings ({@code training}: AdamW betas, ε, weight decay and peak learning rate,
     * constant, as the fine-tuning recipes use them) and measures it again.
     *
     * @param before the measures before the edit
     * @param afterEdit the measures of the edited model
     */
    public static Result run(CausalLm edited, TinyMemData data, Measures measurer, TrainConfig training, Params params,
                             Map<String, Double> before, Map<String, Double> afterEdit) {
        List<int[]> clean = new ArrayList<>(data.cleanTrainTokens());
        if (clean.isEmpty()) throw new IllegalArgumentException("relearning needs clean training rows; " + data.name() + " has none");
        Collections.shuffle(clean, new Random(params.seed()));
        List<TrainRow> rows = new ArrayList<>();
        for (int i = 0; i < params.steps() * params.batchSize(); i++) { // one epoch of exactly `steps` batches
            rows.add(new TrainRow(clean.get(i % clean.size()), i, TrainRow.Kind.CLEAN));
        }
        TrainConfig config = new TrainConfig(1, params.batchSize(), training.learningRate(), training.beta1(), training.beta2(),
                training.eps(), training.weightDecay(), 0, 1.0, 1, 1, params.seed());
        Trainer.Result trained = new Trainer(config, model -> Map.of(), null, Progress.silent()).train(edited, rows);
        Map<String, Double> after = measurer.measure(edited, data);
        double relearned = after.get(Measures.PERCENT_MEMORIZED);
        return new Result(trained.steps(), trained.trainSeconds(), after, relearned, recoveredPercent(
                before.get(Measures.PERCENT_MEMORIZED), afterEdit.get(Measures.PERCENT_MEMORIZED), relearned));
    }
}
