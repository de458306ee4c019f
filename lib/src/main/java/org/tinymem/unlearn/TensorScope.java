package org.tinymem.unlearn;

import java.util.List;
import org.tinymem.model.CausalLm;

/** Which tensors a weight-level method may edit (SPEC §7: MLP weights and biases by default). */
public enum TensorScope {
    /** Weights and biases of every block's MLP. */
    MLP,
    /** MLP plus the attention projections of every block. */
    MLP_AND_ATTENTION;

    public List<String> names(CausalLm model) {
        if (this == MLP) return model.mlpParameterNames();
        return model.parameters().keySet().stream().filter(n -> n.contains(".mlp.") || n.contains(".attn.")).toList();
    }
}
