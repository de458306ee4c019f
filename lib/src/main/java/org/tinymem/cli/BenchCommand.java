package org.tinymem.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.tinymem.data.Artifact;
import org.tinymem.data.TinyMemData;
import org.tinymem.data.TrainRow;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.model.NextTokenLoss;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tinymem bench train}: median milliseconds per training step; {@code tinymem bench unlearn}:
 * seconds of one unlearning method; {@code tinymem bench neox-layer}: seconds of one synthetic
 * GPT-NeoX block of a given width (benchmarks, not tests).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = Table1Bench.class, description = "Benchmarks: 'bench train' times training steps (and their GFLOPS),"
        + " 'bench eval' memorization decoding with and without the KV cache, 'bench matmul' this machine's GFLOPS,"
        + " 'bench unlearn' an unlearning method, 'bench neox-layer' one GPT-NeoX (Pythia) block of a given width,"
        + " 'bench table1 [--dry-run]' the estimated (and measured) wall time of 'tinymem table1'.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "what to time: train, eval (memorization decoding with and without the KV cache),"
            + " matmul (this machine's GFLOPS), unlearn or neox-layer; 'bench table1' estimates (and times) Table 1")
    String what;

    @Option(names = "--data", defaultValue = "math-mult", description = "math-add, math-mult or lang (quick-profile rows; default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--layers", description = "transformer blocks (default: 4 for train; 32 for neox-layer's estimates)")
    Integer layers;

    @Option(names = "--batch", description = "rows per step (default: 128 for train, 1 for neox-layer)")
    Integer batch;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps (train) or products (matmul; the median counts) (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--loss", defaultValue = "auto", description = "bench train: the LM head's loss, sliced, full"
            + " (whole-batch logits) or auto (sliced from 4,096 tokens of vocabulary on; default: ${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--regularizer", defaultValue = "none", description = "bench train: also time a train-time regularizer"
            + " (§3.1) at its middle grid value, against plain steps: spectral-norm, loss-truncation, example-tied-dropout,"
            + " all, or none (default: ${DEFAULT-VALUE})")
    String regularizer;

    @Option(names = "--method", defaultValue = "balanced-subnet", description = "bench unlearn: the method (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--ladder", split = ",", paramLabel = "EPOCHS", description = "bench unlearn: epoch counts (e.g. 1,10,20) run"
            + " separately and then from one shared run (subnet, balanced-subnet)")
    List<Integer> ladder;

    @Option(names = "--model", description = "bench unlearn and eval: a run directory (default: unlearn trains a smoke 4-layer model first;"
            + " eval decodes an untrained model of --data's quick shape)")
    java.nio.file.Path model;

    @Option(names = "--hidden", defaultValue = "4096", description = "bench neox-layer: hidden_size (default: ${DEFAULT-VALUE}, Pythia-6.9B)")
    int hidden;

    @Option(names = "--heads", defaultValue = "32", description = "bench neox-layer: attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--intermediate", defaultValue = "16384", description = "bench neox-layer: MLP width (default: ${DEFAULT-VALUE})")
    int intermediate;

    @Option(names = "--vocab", defaultValue = "50432", description = "bench neox-layer: LM-head rows for the head timing (default: ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--tokens", defaultValue = "80", description = "bench neox-layer: tokens per row; the generation estimate"
            + " is a prompt of half of them plus the rest greedily (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--repeats", defaultValue = "3", description = "bench neox-layer and eval: timed repeats after one warm-up (eval reports the best; default: ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() {
        if (what == null) throw new IllegalArgumentException("say what to time: train, eval, matmul, unlearn, neox-layer or table1");
        if (what.equals("unlearn")) return UnlearnBench.run(method, model, ladder == null ? List.of() : ladder);
        if (what.equals("eval")) return EvalBench.run(data, layers == null ? 4 : layers, model, repeats);
        if (what.equals("matmul")) return MatmulBench.run(4800, 512, 512, steps);
        if (what.equals("neox-layer")) {
            return NeoxLayerBench.run(hidden, heads, intermediate, vocab, tokens, batch == null ? 1 : batch,
                    layers == null ? 32 : layers, repeats);
        }
        if (!what.equals("train")) throw new IllegalArgumentException("unknown benchmark '" + what + "': use train, eval, matmul, unlearn or neox-layer");
        if (layers == null) layers = 4;
        if (batch == null) batch = 128;
        if (batch <= 0 || steps <= 0 || warmup < 0) throw new IllegalArgumentException("--batch and --steps must be positive");
        if (!List.of("auto", "sliced", "full").contains(loss)) {
            throw new IllegalArgumentException("unknown --loss '" + loss + "': use auto, sliced or full");
        }
        List<RegularizerSpec> variants = new java.util.ArrayList<>();
        variants.add(null);
        if (regularizer.equals("all")) {
            for (RegularizerSpec.Kind kind : RegularizerSpec.Kind.values()) variants.add(new RegularizerSpec(kind, kind.defaultValue()));
        } else if (!regularizer.equals("none")) {
            RegularizerSpec.Kind kind = RegularizerSpec.Kind.parse(regularizer);
            variants.add(new RegularizerSpec(kind, kind.defaultValue()));
        }
        var plan = TrainRun.Plan.of(new RunSpec(data, Artifact.Kind.NOISE, layers, Profile.QUICK, 0));
        TinyMemData tinyMem = plan.buildData();
        List<TrainRow> rows = new java.util.ArrayList<>(tinyMem.train());
        if (Boolean.getBoolean("bench.shuffle")) java.util.Collections.shuffle(rows, new java.util.Random(1));
        double baseline = Double.NaN;
        for (RegularizerSpec variant : variants) {
            double median = timeSteps(plan, rows, variant);
            if (variant == null) baseline = median;
            else System.out.printf("RESULT regularizer=%s %s=%s ms_per_step=%.1f overhead=%+.1f%%%n", variant.kind().cliName(),
                    variant.kind().parameter(), variant.value(), median, 100 * (median / baseline - 1));
        }
        System.out.printf("peak RSS %.0f MiB (VmHWM)%n", peakRssMiB());
        return 0;
    }

    /**
     * Median milliseconds of one training step (forward, backward, AdamW) from a fresh model; with a
     * regularizer, its intervention and objective as the {@link org.tinymem.train.Trainer} applies them.
     */
    private double timeSteps(TrainRun.Plan plan, List<TrainRow> rows, RegularizerSpec variant) {
        boolean sliced = loss.equals("auto") ? plan.model().vocabSize() >= NextTokenLoss.CHUNKED_VOCAB : loss.equals("sliced");
        org.tinymem.experiment.StepTimer.Timing timing = org.tinymem.experiment.StepTimer.time(plan, rows, variant, batch, warmup,
                steps, sliced);
        double[] millis = timing.millis();
        long tokensPerStep = timing.tokensPerStep();
        double median = timing.median();
        if (variant == null) {
            System.out.printf("bench train: data=%s layers=%d batch=%d loss=%s tokens/step=%d threads=%s LD_PRELOAD=%s%n", data,
                    layers, batch, loss, tokensPerStep, System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getenv("LD_PRELOAD"));
            System.out.printf("min %.1f ms, median %.1f ms, max %.1f ms over %d steps%n", millis[0], median, millis[steps - 1], steps);
            System.out.printf("RESULT ms_per_step=%.1f tokens_per_s=%.0f%n", median, tokensPerStep / (median / 1000));
            if (plan.model() instanceof org.tinymem.model.GptConfig gpt) {
                double gflop = trainingStepFlops(gpt, batch, tokensPerStep / batch) / 1e9;
                int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
                double peak = MatmulBench.gflops(4800, 512, 512, 10);
                System.out.printf("%.1f GFLOP per step (analytic); matmul peak at %d thread(s) %.1f GFLOPS (bench matmul's shape)%n",
                        gflop, threads, peak);
                System.out.printf("RESULT train_gflops=%.1f peak_gflops=%.1f percent_of_peak=%.1f%n", gflop / (median / 1000), peak,
                        100 * gflop / (median / 1000) / peak);
            }
        }
        return median;
    }

    /**
     * Floating-point operations of one training step of a TinyMem GPT (forward + backward ≈ 3 ×
     * forward, the usual count): per token 2 × (12·d² per block + d·V for the head) and per block the
     * two attention products, 2 × 2·S²·d per row (computed in full, mask or not). Layer norms,
     * softmax, GELU and the optimizer are left out (a few % at these shapes).
     */
    static double trainingStepFlops(org.tinymem.model.GptConfig config, int rows, long seqLen) {
        double d = config.embedDim();
        double tokens = (double) rows * seqLen;
        double forward = 2 * tokens * (12 * d * d * config.layers() + d * config.vocabSize())
                + config.layers() * 4.0 * rows * seqLen * seqLen * d;
        return 3 * forward;
    }

    /** The process's peak resident set (Linux VmHWM), or NaN where /proc is unavailable. */
    static double peakRssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
