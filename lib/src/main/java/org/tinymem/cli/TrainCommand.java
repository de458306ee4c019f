package org.tinymem.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinymem.data.Artifact;
import org.tinymem.experiment.RunSpec;
import org.tinymem.experiment.TrainRun;
import org.tinymem.train.Profile;
import org.tinymem.train.RegularizerSpec;
import org.tinymem.util.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tinymem train}: train a TinyMem model into a run directory (resumes if interrupted). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a TinyMem model with a noise or backdoor artifact.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "math-add, math-mult, lang, or tiny-memorizer (a model certain to memorize, in seconds: tests and smoke sweeps)")
    String data;

    @Option(names = "--artifact", required = true, description = "noise or backdoor")
    String artifact;

    @Option(names = "--layers", defaultValue = "4", description = "transformer blocks (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--profile", defaultValue = "quick", description = "smoke, quick or paper (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--seed", defaultValue = "0", description = "seed of data, initialisation and shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--corpus", description = "lang only: brown (default, fetched by data/fetch-brown.sh), wikitext or dir")
    String corpus;

    @Option(names = "--corpus-dir", description = "lang only: the WikiText directory (wiki.*.tokens) or a directory of *.txt files")
    Path corpusDir;

    @Option(names = "--out", description = "run directory; re-running with the same options resumes (default:"
            + " runs/<profile>/<data>-<artifact>-<layers>l-seed<seed>[-<regularizer>-<value>], shared with the notebooks)")
    Path out;

    @Option(names = "--regularizer", description = "train-time regularizer (§3.1): spectral-norm, loss-truncation or example-tied-dropout;"
            + " goldfish (Hans et al. 2024, not in the paper)")
    String regularizer;

    @Option(names = "--lambda", description = "spectral-norm penalty weight λ > 0 (default 0.01)")
    Double lambda;

    @Option(names = "--dropc", description = "loss-truncation share of sequences dropped, in (0, 1) (default 0.05)")
    Double dropc;

    @Option(names = "--p-mem", description = "example-tied-dropout keep probability of memorization units, in (0, 1] (default 0.05)")
    Double pMem;

    @Option(names = "--k", description = "goldfish: drop 1 token in k from the loss, an integer ≥ 2 (default 4)")
    Integer goldfishK;

    @Option(names = "--h", description = "goldfish: context width of the token hash (default 13)")
    Integer goldfishContext;

    @Option(names = "--without-artifacts", description = "the retrained reference: the same run (seed, data, about the same"
            + " number of steps) with the artifact rows left out of training; recorded in run.json, its own run directory")
    boolean withoutArtifacts;

    @Override
    public Integer call() {
        RunSpec spec = new RunSpec(data, Artifact.Kind.parse(artifact), layers, Profile.parse(profile), seed, corpus,
                corpusDir == null ? null : corpusDir.toString(), regularizerSpec());
        if (withoutArtifacts) spec = spec.reference();
        if (out == null) out = org.tinymem.experiment.RunDirectory.of(spec);
        boolean existing = TrainRun.claim(out, spec);
        System.out.println((existing ? "resuming " : "training ") + spec.toJson() + " into " + out);
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainRun.Outcome outcome = TrainRun.run(spec, out, manager, new TerminalProgress("train"));
            Reports.printMeasures(outcome.metrics(), outcome.result().trainSeconds(), outcome.result().epochs());
        }
        System.out.println("wrote " + out.resolve("model.safetensors") + ", metrics.json, history.csv, provenance.json");
        return 0;
    }

    /** The regularizer and its one hyper-parameter; a hyper-parameter of another (or no) regularizer is an error. */
    private RegularizerSpec regularizerSpec() {
        Map<RegularizerSpec.Kind, Double> given = new EnumMap<>(RegularizerSpec.Kind.class);
        if (lambda != null) given.put(RegularizerSpec.Kind.SPECTRAL_NORM, lambda);
        if (dropc != null) given.put(RegularizerSpec.Kind.LOSS_TRUNCATION, dropc);
        if (pMem != null) given.put(RegularizerSpec.Kind.EXAMPLE_TIED_DROPOUT, pMem);
        if (goldfishK != null) given.put(RegularizerSpec.Kind.GOLDFISH, goldfishK.doubleValue());
        RegularizerSpec.Kind kind = regularizer == null ? null : RegularizerSpec.Kind.parse(regularizer);
        for (RegularizerSpec.Kind other : given.keySet()) {
            if (other != kind) {
                throw new IllegalArgumentException(other.option() + " needs --regularizer " + other.cliName());
            }
        }
        if (goldfishContext != null && kind != RegularizerSpec.Kind.GOLDFISH) throw new IllegalArgumentException("--h needs --regularizer goldfish");
        if (kind == null) return null;
        double value = given.getOrDefault(kind, kind.defaultValue());
        return goldfishContext == null ? new RegularizerSpec(kind, value) : new RegularizerSpec(kind, value, goldfishContext);
    }
}
