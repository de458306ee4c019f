package org.tinymem.unlearn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tinymem.unlearn.baseline.GradientAscent;
import org.tinymem.unlearn.baseline.GradientDifference;
import org.tinymem.unlearn.baseline.NegativePreference;
import org.tinymem.unlearn.baseline.Training;
import org.tinymem.unlearn.neuron.Act;
import org.tinymem.unlearn.neuron.HardConcrete;
import org.tinymem.unlearn.neuron.IntegratedGradients;
import org.tinymem.unlearn.neuron.RandomUnits;
import org.tinymem.unlearn.neuron.Slim;
import org.tinymem.unlearn.neuron.Zero;
import org.tinymem.unlearn.weight.BalancedSubnet;
import org.tinymem.unlearn.weight.Durable;
import org.tinymem.unlearn.weight.DurableAgg;
import org.tinymem.unlearn.weight.Greedy;
import org.tinymem.unlearn.weight.SecondOrder;
import org.tinymem.unlearn.weight.Subnet;

/**
 * Every unlearning method by its command-line name, built from the paper's defaults with the
 * overrides a user gave. An override that a method does not have is an error, not silently ignored.
 */
public final class UnlearnMethods {
    private static final Map<String, Function<Options, Unlearner>> METHODS = new LinkedHashMap<>();
    /**
     * Variants kept to explain a published number, not methods of their own: {@link #create} builds them,
     * {@link #names} does not list them, so no notebook or table runs them unasked.
     */
    private static final Map<String, Function<Options, Unlearner>> DIAGNOSTICS = new LinkedHashMap<>();

    static {
        METHODS.put("greedy", o -> {
            o.only("greedy", Set.of("ratio", "seed"));
            Greedy.Params d = Greedy.Params.defaults();
            return new Greedy(new Greedy.Params(o.ratio(d.ratio()), d.batchSize(), d.tensors(), o.seed()));
        });
        METHODS.put("durable", o -> new Durable(durable(o, "durable")));
        METHODS.put("durable-agg", o -> new DurableAgg(durable(o, "durable-agg")));
        METHODS.put("sou", o -> {
            o.only("sou", Set.of("ratio"));
            SecondOrder.Params d = SecondOrder.Params.defaults();
            return new SecondOrder(new SecondOrder.Params(o.ratio(d.ratio()), d.blockSize(), d.damping(), d.gradients(),
                    d.tensors()));
        });
        METHODS.put("subnet", o -> {
            o.only("subnet", Set.of("ratio", "epochs", "lr", "seed", "batch-size", "tokens", "forget"));
            return new Subnet(subnet(o, Subnet.Params.defaults()));
        });
        METHODS.put("balanced-subnet", o -> {
            BalancedSubnet.Params d = BalancedSubnet.Params.defaults();
            return new BalancedSubnet(new BalancedSubnet.Params(subnet(o, d.mask()),
                    o.lossWeight == null ? d.lossWeight() : o.lossWeight));
        });
        // neuron-level methods (Chang et al. 2024), unit = MLP hidden units
        METHODS.put("zero", o -> {
            o.only("zero", Set.of("ratio"));
            return new Zero(zero(o));
        });
        // the reference code's Zero, which keeps one unit and zeroes the rest of its layer (Zero's Javadoc)
        DIAGNOSTICS.put("zero-keep-one", o -> {
            o.only("zero-keep-one", Set.of("ratio"));
            return Zero.keepOne(zero(o));
        });
        // a control: as many units per layer as a neuron method removes, chosen at random (RandomUnits); without
        // --ratio it takes Zero's default ratio (ours: a control has no default of its own; compare it at the ratio
        // of the row it controls)
        DIAGNOSTICS.put("random-units", o -> {
            o.only("random-units", Set.of("ratio", "seed"));
            return new RandomUnits(new RandomUnits.Params(o.ratio(Zero.Params.defaults().ratio()), o.seed()));
        });
        METHODS.put("act", o -> {
            o.only("act", Set.of("ratio"));
            Act.Params d = Act.Params.defaults();
            return new Act(new Act.Params(o.ratio(d.ratio()), d.batchSize()));
        });
        METHODS.put("slim", o -> {
            o.only("slim", Set.of("ratio", "epochs", "lambda", "lr"));
            return new Slim(slim(o));
        });
        // the reference code's Slim: LM loss over the whole row, c clamped only when read (Slim's Javadoc)
        DIAGNOSTICS.put("slim-reference", o -> {
            o.only("slim-reference", Set.of("ratio", "epochs", "lambda", "lr"));
            return Slim.reference(slim(o));
        });
        METHODS.put("hc", o -> {
            o.only("hc", Set.of("ratio", "epochs", "lambda", "lr"));
            HardConcrete.Params d = HardConcrete.Params.defaults();
            return new HardConcrete(new HardConcrete.Params(o.ratio(d.ratio()), o.epochs == null ? d.epochs() : o.epochs,
                    o.lambda == null ? d.lambda() : o.lambda, o.learningRate == null ? d.learningRate() : o.learningRate,
                    d.batchSize(), d.initialKeep(), o.seed()));
        });
        METHODS.put("ig", o -> {
            o.only("ig", Set.of("ratio", "ig-steps"));
            IntegratedGradients.Params d = IntegratedGradients.Params.defaults();
            return new IntegratedGradients(new IntegratedGradients.Params(o.ratio(d.ratio()),
                    o.igSteps == null ? d.steps() : o.igSteps, d.batchSize()));
        });
        // baselines from the unlearning literature, not in the paper: fine-tuning, unit = optimizer steps
        METHODS.put("ga", o -> {
            o.only("ga", Set.of("epochs", "lr", "seed", "batch-size"));
            return new GradientAscent(new GradientAscent.Params(training(o)));
        });
        METHODS.put("gd", o -> {
            o.only("gd", Set.of("epochs", "lr", "seed", "batch-size", "loss-weight"));
            GradientDifference.Params d = GradientDifference.Params.defaults();
            return new GradientDifference(new GradientDifference.Params(training(o),
                    o.lossWeight == null ? d.lossWeight() : o.lossWeight));
        });
        METHODS.put("npo", o -> {
            o.only("npo", Set.of("epochs", "lr", "seed", "batch-size", "loss-weight"));
            NegativePreference.Params d = NegativePreference.Params.defaults();
            return new NegativePreference(new NegativePreference.Params(training(o), d.beta(),
                    o.lossWeight == null ? d.lossWeight() : o.lossWeight));
        });
    }

    /** The neuron-level methods (Chang et al. 2024; {@code NeuronUnlearner}): their unit is MLP hidden units. */
    public static final Set<String> NEURONS = Set.of("zero", "act", "slim", "hc", "ig");

    /** The names of the methods that are not in the paper (baselines from the unlearning literature). */
    public static final Set<String> BASELINES = Set.of("ga", "gd", "npo");

    private UnlearnMethods() {}

    /**
     * Overrides of the defaults; null means "the method's default".
     *
     * @param ratio fraction to ablate
     * @param epochs passes (Subnet, BalancedSubnet)
     * @param lossWeight w of BalancedSubnet
     * @param learningRate score learning rate (Subnet, BalancedSubnet), gate learning rate (Slim, HC)
     * @param seed seed of shuffling and initialisation
     * @param batchSize rows per batch (Subnet, BalancedSubnet)
     * @param tokens forget-term tokens of a memorized row (Subnet, BalancedSubnet)
     * @param forget forget quantity: ascent (paper) or unlikelihood (Subnet, BalancedSubnet)
     * @param lambda sparsity weight λ (Slim, HC)
     * @param igSteps integration steps (IG)
     */
    public record Options(Double ratio, Integer epochs, Double lossWeight, Double learningRate, long seed,
                          Integer batchSize, UnlearnTokens tokens, ForgetLoss forget, Double lambda, Integer igSteps) {
        public Options(Double ratio, Integer epochs, Double lossWeight, Double learningRate, long seed) {
            this(ratio, epochs, lossWeight, learningRate, seed, null, null, null);
        }

        /** Without the neuron methods' options. */
        public Options(Double ratio, Integer epochs, Double lossWeight, Double learningRate, long seed,
                       Integer batchSize, UnlearnTokens tokens, ForgetLoss forget) {
            this(ratio, epochs, lossWeight, learningRate, seed, batchSize, tokens, forget, null, null);
        }

        public static Options defaults() {
            return new Options(null, null, null, null, 0);
        }

        double ratio(double fallback) {
            return ratio == null ? fallback : ratio;
        }

        /** Refuses overrides outside {@code allowed} (names as on the command line). */
        void only(String method, Set<String> allowed) {
            List<String> given = new ArrayList<>();
            if (ratio != null && !allowed.contains("ratio")) given.add("--ratio");
            if (epochs != null && !allowed.contains("epochs")) given.add("--epochs");
            if (lossWeight != null && !allowed.contains("loss-weight")) given.add("--loss-weight");
            if (learningRate != null && !allowed.contains("lr")) given.add("--lr");
            if (batchSize != null && !allowed.contains("batch-size")) given.add("--batch-size");
            if (tokens != null && !allowed.contains("tokens")) given.add("--tokens");
            if (forget != null && !allowed.contains("forget")) given.add("--forget");
            if (lambda != null && !allowed.contains("lambda")) given.add("--lambda");
            if (igSteps != null && !allowed.contains("ig-steps")) given.add("--ig-steps");
            if (!given.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", given) + " does not apply to " + method);
            }
        }
    }

    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    /**
     * Whether runs of {@code name} that differ only in their epoch count come from one run to the largest
     * ({@link EpochLadder}: Subnet, BalancedSubnet); false for unknown names.
     */
    public static boolean sharesEpochs(String name) {
        Function<Options, Unlearner> factory = METHODS.get(name);
        return factory != null && factory.apply(Options.defaults()) instanceof EpochLadder;
    }

    /** The method named {@code name} with {@code options} applied; unknown names and bad values are errors. */
    public static Unlearner create(String name, Options options) {
        Function<Options, Unlearner> factory = METHODS.containsKey(name) ? METHODS.get(name) : DIAGNOSTICS.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown method '" + name + "': use one of " + String.join(", ", names())
                    + " (diagnostic variants: " + String.join(", ", DIAGNOSTICS.keySet()) + ")");
        }
        return factory.apply(options);
    }

    private static Zero.Params zero(Options o) {
        Zero.Params d = Zero.Params.defaults();
        return new Zero.Params(o.ratio(d.ratio()), d.rowsPerPass());
    }

    private static Slim.Params slim(Options o) {
        Slim.Params d = Slim.Params.defaults();
        return new Slim.Params(o.ratio(d.ratio()), o.epochs == null ? d.epochs() : o.epochs,
                o.lambda == null ? d.lambda() : o.lambda, o.learningRate == null ? d.learningRate() : o.learningRate,
                d.batchSize());
    }

    private static Durable.Params durable(Options o, String method) {
        o.only(method, Set.of("ratio"));
        Durable.Params d = Durable.Params.defaults();
        return new Durable.Params(o.ratio(d.ratio()), d.batchSize(), d.tensors());
    }

    private static Training training(Options o) {
        Training d = Training.defaults();
        return new Training(o.learningRate == null ? d.learningRate() : o.learningRate, o.epochs == null ? d.epochs() : o.epochs,
                o.batchSize == null ? d.batchSize() : o.batchSize, d.weightDecay(), o.seed());
    }

    private static Subnet.Params subnet(Options o, Subnet.Params d) {
        return new Subnet.Params(o.ratio(d.ratio()), o.epochs == null ? d.epochs() : o.epochs,
                o.learningRate == null ? d.learningRate() : o.learningRate, d.momentum(), d.weightDecay(),
                o.batchSize == null ? d.batchSize() : o.batchSize, d.tensors(), o.seed(),
                o.tokens == null ? d.tokens() : o.tokens, o.forget == null ? d.forget() : o.forget);
    }
}
