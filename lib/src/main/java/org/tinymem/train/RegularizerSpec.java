package org.tinymem.train;

import com.google.gson.JsonObject;
import org.tinymem.model.CausalLm;
import org.tinymem.model.Gpt;

/**
 * Which regularizer a run trains with and its hyper-parameter (App. A.2.1): spectral norm λ,
 * loss truncation dropc, or example-tied dropout p_mem; beyond the paper, Goldfish loss k (issue #16)
 * with its context width h. Recorded in {@code run.json}.
 *
 * @param kind the regularizer
 * @param value its hyper-parameter
 * @param context Goldfish's hash context width h (Hans et al. 2024: 13); 0 for every other regularizer
 */
public record RegularizerSpec(Kind kind, double value, int context) {

    public enum Kind {
        SPECTRAL_NORM(SpectralNorm.NAME, "lambda", 0.01),
        LOSS_TRUNCATION(LossTruncation.NAME, "dropc", 0.05),
        EXAMPLE_TIED_DROPOUT(ExampleTiedDropout.NAME, "p_mem", 0.05),
        /** Not in the paper: Goldfish loss (Hans et al. 2024), drop 1 token in k from the loss. */
        GOLDFISH(Goldfish.NAME, "k", 4);

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

        /** The train command's option for the hyper-parameter: {@code --lambda}, {@code --dropc}, {@code --p-mem}, {@code --k}. */
        public String option() {
            return "--" + parameter.replace('_', '-');
        }

        /** The middle of the paper's grid (Goldfish: Hans et al.'s k = 4). */
        public double defaultValue() {
            return defaultValue;
        }

        /**
         * App. A.2.1's grid: λ ∈ {0.001, 0.01, 0.1}, dropc ∈ {0.01, 0.05, 0.1}, p_mem ∈ {0.01, 0.05, 0.1};
         * Goldfish (not from the paper, ours around Hans et al.'s k = 4): k ∈ {2, 3, 4, 8}.
         */
        public java.util.List<Double> paperGrid() {
            return switch (this) {
                case SPECTRAL_NORM -> java.util.List.of(0.001, 0.01, 0.1);
                case GOLDFISH -> java.util.List.of(2.0, 3.0, 4.0, 8.0);
                default -> java.util.List.of(0.01, 0.05, 0.1);
            };
        }

        /** The paper's three (App. A.2), without the regularizers added beyond it. */
        public static java.util.List<Kind> paper() {
            return java.util.List.of(SPECTRAL_NORM, LOSS_TRUNCATION, EXAMPLE_TIED_DROPOUT);
        }

        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.cliName.equalsIgnoreCase(name)) return kind;
            }
            throw new IllegalArgumentException("unknown regularizer '" + name
                    + "': use spectral-norm, loss-truncation, example-tied-dropout or goldfish");
        }
    }

    public RegularizerSpec {
        if (kind == null) throw new IllegalArgumentException("a regularizer spec needs a kind");
        boolean valid = switch (kind) {
            case SPECTRAL_NORM -> value > 0 && Double.isFinite(value);
            case LOSS_TRUNCATION -> value > 0 && value < 1;
            case EXAMPLE_TIED_DROPOUT -> value > 0 && value <= 1;
            case GOLDFISH -> value >= 2 && value <= Integer.MAX_VALUE && value == Math.rint(value);
        };
        if (!valid) {
            String range = switch (kind) {
                case SPECTRAL_NORM -> "> 0";
                case LOSS_TRUNCATION -> "in (0, 1)";
                case EXAMPLE_TIED_DROPOUT -> "in (0, 1]";
                case GOLDFISH -> "an integer ≥ 2";
            };
            throw new IllegalArgumentException(kind.parameter + " of " + kind.cliName + " must be " + range + ", got " + value);
        }
        if (kind == Kind.GOLDFISH && context < 1) throw new IllegalArgumentException("h of goldfish must be ≥ 1, got " + context);
        if (kind != Kind.GOLDFISH && context != 0) throw new IllegalArgumentException("h applies to goldfish only, not " + kind.cliName);
    }

    /** {@code kind} at {@code value}, Goldfish with Hans et al.'s context width h = 13. */
    public RegularizerSpec(Kind kind, double value) {
        this(kind, value, kind == Kind.GOLDFISH ? Goldfish.PAPER_CONTEXT : 0);
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
            case GOLDFISH -> new Goldfish((int) value, context);
        };
    }

    /** {@code {"name": "spectral-norm", "lambda": 0.01}}; Goldfish also has {@code "h"}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("name", kind.cliName);
        json.addProperty(kind.parameter, value);
        if (kind == Kind.GOLDFISH) json.addProperty("h", context);
        return json;
    }

    public static RegularizerSpec fromJson(JsonObject json) {
        Kind kind = Kind.parse(json.get("name").getAsString());
        if (!json.has(kind.parameter)) throw new IllegalArgumentException("regularizer " + json + " lacks " + kind.parameter);
        double value = json.get(kind.parameter).getAsDouble();
        return json.has("h") ? new RegularizerSpec(kind, value, json.get("h").getAsInt()) : new RegularizerSpec(kind, value);
    }
}
