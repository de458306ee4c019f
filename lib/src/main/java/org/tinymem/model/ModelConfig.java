package org.tinymem.model;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;

/**
 * The shape of a network a run trains: the TinyMem GPT-2-style model ({@link GptConfig}) or a
 * GPT-NeoX (Pythia-architecture) model. Training, checkpoints and provenance need only this.
 */
public interface ModelConfig {

    /** A freshly initialised model; the same seed gives the same weights. */
    CausalLm initialize(long seed, NDManager manager);

    /** Token ids 0 … vocabSize − 1. */
    int vocabSize();

    /** Transformer blocks. */
    int layers();

    /** Trainable parameters (a tied head counted once). */
    long parameterCount();

    /** The HuggingFace {@code config.json} of this shape. */
    JsonObject toHuggingFace();
}
