package org.tinymem.experiment;

import org.tinymem.data.MathData;
import org.tinymem.data.MathDataConfig;
import org.tinymem.data.MathTask;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;
import org.tinymem.model.GptConfig;
import org.tinymem.train.TrainConfig;

/**
 * Math sequence models (§2.3, App. A.1.1): the additive or multiplicative task with its auxiliary
 * tasks, 14-token vocabulary, measured by token accuracy; a sweep's best run minimises M + |A|.
 *
 * @param operation the primary task's operation ({@code math-add} or {@code math-mult})
 */
public record MathKind(MathTask.Operation operation) implements ModelKind {
    public MathKind {
        java.util.Objects.requireNonNull(operation, "operation");
    }

    @Override
    public String name() {
        return operation == MathTask.Operation.ADD ? "math-add" : "math-mult";
    }

    @Override
    public Measures measures() {
        return MathMeasures.INSTANCE;
    }

    @Override
    public Selection.Criterion criterion() {
        return Selection.Criterion.math();
    }

    @Override
    public boolean usesCorpus() {
        return false;
    }

    @Override
    public GptConfig model(int layers) {
        return GptConfig.math(layers);
    }

    @Override
    public TrainConfig training(RunSpec spec) {
        return spec.profile().mathTraining(operation, spec.artifact(), spec.seed());
    }

    @Override
    public MathDataConfig dataConfig(RunSpec spec) {
        return spec.profile().mathData(operation, spec.artifact(), spec.seed());
    }

    @Override
    public TinyMemData buildData(RunSpec spec) {
        return MathData.build(dataConfig(spec));
    }
}
