package org.tinymem.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tinymem.data.TrainRow;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Intervention;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.model.Safetensors;

/**
 * A train-time memorization mitigation (§3.1, App. A.2): the {@link Trainer} asks it, for every
 * batch, which intervention the forward pass uses and which objective is minimised; it sees the
 * batch's {@link TrainRow}s, so it can key on example ids. Implementations: {@link SpectralNorm},
 * {@link LossTruncation}, {@link ExampleTiedDropout}; {@link #NONE} is plain training.
 */
public interface Regularizer {
    /** Plain training: no intervention, the mean token loss. */
    Regularizer NONE = () -> "none";

    /** The name used on the command line and in result files. */
    String name();

    /** The intervention of the training forward pass for this batch (default: none). */
    default Intervention intervention(List<TrainRow> batch) {
        return Intervention.NONE;
    }

    /** The objective minimised for this batch (default: the mean next-token loss of SPEC §1). */
    default NDArray objective(NextTokenLoss.Terms terms, List<TrainRow> batch) {
        return terms.mean();
    }

    /**
     * The model that is evaluated during training and saved at the end. Default: {@code model}
     * itself; a regularizer that changes the network at test time returns a new copy (the caller
     * closes it).
     */
    default CausalLm deployed(CausalLm model) {
        return model;
    }

    /** Applies {@code use} to {@link #deployed(CausalLm)} and closes the deployed model if it is a copy. */
    default <T> T withDeployed(CausalLm model, Function<CausalLm, T> use) {
        CausalLm deployed = deployed(model);
        try {
            return use.apply(deployed);
        } finally {
            if (deployed != model) deployed.close();
        }
    }

    /**
     * Numbers worth watching during training (for example spectral norm's Σσ), recorded with every
     * evaluation in the history and {@code metrics.json} (default: none).
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }

    /** State that a resumed run needs (saved in checkpoints; default: none). */
    default Map<String, Safetensors.Tensor> state() {
        return Map.of();
    }

    /** Restores what {@link #state()} saved. */
    default void restore(Map<String, Safetensors.Tensor> state) {}
}
