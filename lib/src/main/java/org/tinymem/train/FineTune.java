package org.tinymem.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.model.CausalLm;
import org.tinymem.util.Progress;

/**
 * Fine-tuning recipes (§3.2, SPEC §6): five more epochs of a trained model on a curated set, with the
 * training optimizer (a fresh AdamW with the run's hyper-parameters and batch size).
 * <ul>
 * <li>{@link Recipe#CLEAN}: the clean twins of the artifact sequences;</li>
 * <li>{@link Recipe#EXTRA}: all non-artifact training data;</li>
 * <li>{@link Recipe#BOTH}: the union.</li>
 * </ul>
 * The learning rate is the run's peak rate, constant (the paper's recipe has no schedule; restarting
 * a warm-up/cosine schedule sized for training would spend a short fine-tune warming up). Time is
 * the fine-tuning wall time, evaluation excluded (§2.1 "Time").
 */
public final class FineTune {
    /** Epochs of every recipe (§5). */
    public static final int EPOCHS = 5;

    private FineTune() {}

    public enum Recipe {
        CLEAN, EXTRA, BOTH;

        public String cliName() {
            return name().toLowerCase();
        }

        public static Recipe parse(String name) {
            for (Recipe recipe : values()) {
                if (recipe.cliName().equalsIgnoreCase(name)) return recipe;
            }
            throw new IllegalArgumentException("unknown recipe '" + name + "': use clean, extra or both");
        }
    }

    /**
     * A finished fine-tune.
     *
     * @param recipe which rows were used
     * @param rows how many
     * @param epochs passes over them
     * @param seconds fine-tuning wall time (evaluation excluded)
     * @param before the evaluator's measures before fine-tuning
     * @param after the same measures after
     */
    public record Result(Recipe recipe, int rows, int epochs, double seconds, Map<String, Double> before,
                         Map<String, Double> after) {
        public Result {
            before = Map.copyOf(before);
            after = Map.copyOf(after);
        }
    }

    /** The rows a recipe trains on. */
    public static List<TrainRow> rows(TinyMemData data, Recipe recipe) {
        List<TrainRow> rows = new ArrayList<>();
        if (recipe != Recipe.CLEAN) rows.addAll(data.train().stream().filter(row -> !row.isArtifact()).toList());
        if (recipe != Recipe.EXTRA) rows.addAll(cleanTwins(data));
        return rows;
    }

    /**
     * The clean twins as rows, each with the example id of its artifact: {@code cleanTwins} holds one
     * twin per artifact example, in the order the examples first appear in {@code train}.
     */
    static List<TrainRow> cleanTwins(TinyMemData data) {
        List<Integer> ids = data.train().stream().filter(TrainRow::isArtifact).map(TrainRow::exampleId).distinct().toList();
        if (ids.size() != data.cleanTwins().size()) {
            throw new IllegalStateException(data.name() + " has " + ids.size() + " artifact examples but "
                    + data.cleanTwins().size() + " clean twins");
        }
        List<TrainRow> twins = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) twins.add(new TrainRow(data.cleanTwins().get(i), ids.get(i), TrainRow.Kind.CLEAN));
        return twins;
    }

    /** The run's optimizer and batch size for {@link #EPOCHS} epochs at its constant peak rate, measured at the end. */
    public static TrainConfig recipe(TrainConfig training) {
        return new TrainConfig(EPOCHS, training.batchSize(), training.learningRate(), training.beta1(), training.beta2(),
                training.eps(), training.weightDecay(), 0, 1.0, EPOCHS, EPOCHS, training.seed());
    }

    /** Fine-tunes {@code model} in place with {@code recipe} and measures it before and after. */
    public static Result run(CausalLm model, TinyMemData data, Recipe recipe, TrainConfig training, Evaluator evaluator,
                             Progress progress) {
        List<TrainRow> rows = rows(data, recipe);
        Map<String, Double> before = evaluator.evaluate(model);
        Trainer.Result result = new Trainer(recipe(training), evaluator, null, progress).train(model, rows);
        return new Result(recipe, rows.size(), result.epochs(), result.trainSeconds(), before, result.last().metrics());
    }
}
