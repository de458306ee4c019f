package org.tinymem.train;

import com.google.gson.JsonObject;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Gpt;

/**
 * Which regularizer a run trains with and its one hyper-parameter (App. A.2.1): spectral norm λ,
 * loss truncation dropc, or example-tied dropout p_mem. Recorded in {@code run.json}.
 *
 * @param kind the regularizer
 * @param value its hyper-parameter
 */
public record RegularizerSpec(Kind kind, double value) {

    public enum Kind {
        SPECTRAL_NORM(SpectralNorm.NAME, "lambda", 0.01),
        LOSS_TRUNCATION(LossTruncation.NAME, "dropc", 0.05),
        EXAMPLE_TIED_DROPOUT(ExampleTiedDropout.NAME, "p_mem", 0.05);

        private final String cliName;
        private final String parameter;
        private final double defaultValue;

        Kind(String cliName, String parameter, double defaultValue) {
            this.cliName = cliName;
            this.parameter = parameter;
            this.defaultValue = defaultValue;
        }

        public String cliName() {
            return cliName;
        }

        /** The hyper-parameter's name (λ → "lambda", "dropc", "p_mem"). */
        public String parameter() {
            return parameter;
        }

        /** The middle of the paper's grid. */
        public double defaultValue() {
            return defaultValue;
        }

        /** App. A.2.1's grid: λ ∈ {0.001, 0.01, 0.1}, dropc ∈ {0.01, 0.05, 0.1}, p_mem ∈ {0.01, 0.05, 0.1}. */
        public java.util.List<Double> paperGrid() {
            return this == SPECTRAL_NORM ? java.util.List.of(0.001, 0.01, 0.1) : java.util.List.of(0.01, 0.05, 0.1);
        }

        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.cliName.equalsIgnoreCase(name)) return kind;
            }
            throw new IllegalArgumentException("unknown regularizer '" + name
                    + "': use spectral-norm, loss-truncation or example-tied-dropout");
        }
    }

    public RegularizerSpec {
        if (kind == null) throw new IllegalArgumentException("a regularizer spec needs a kind");
        boolean valid = switch (kind) {
            case SPECTRAL_NORM -> value > 0 && Double.isFinite(value);
            case LOSS_TRUNCATION -> value > 0 && value < 1;
            case EXAMPLE_TIED_DROPOUT -> value > 0 && value <= 1;
        };
        if (!valid) {
            String range = switch (kind) {
                case SPECTRAL_NORM -> "> 0";
                case LOSS_TRUNCATION -> "in (0, 1)";
                case EXAMPLE_TIED_DROPOUT -> "in (0, 1]";
            };
            throw new IllegalArgumentException(kind.parameter + " of " + kind.cliName + " must be " + range + ", got " + value);
        }
    }

    /** A new regularizer for {@code model} (seeded with the run's seed). */
    public Regularizer create(CausalLm network, long seed) {
        if (!(network instanceof Gpt model)) {
            throw new IllegalArgumentException(kind.cliName + " is implemented for the TinyMem GPT-2 model (ReLU MLP, Conv1D"
                    + " layout); train " + network.getClass().getSimpleName() + " runs without a regularizer");
        }
        return switch (kind) {
            case SPECTRAL_NORM -> new SpectralNorm(model.parameters(), model.config().heads(), value, seed, model.manager());
            case LOSS_TRUNCATION -> new LossTruncation(value);
            case EXAMPLE_TIED_DROPOUT -> ExampleTiedDropout.of(model, value, seed);
        };
    }

    /** {@code {"name": "spectral-norm", "lambda": 0.01}}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("name", kind.cliName);
        json.addProperty(kind.parameter, value);
        return json;
    }

    public static RegularizerSpec fromJson(JsonObject json) {
        Kind kind = Kind.parse(json.get("name").getAsString());
        if (!json.has(kind.parameter)) throw new IllegalArgumentException("regularizer " + json + " lacks " + kind.parameter);
        return new RegularizerSpec(kind, json.get(kind.parameter).getAsDouble());
    }
}
