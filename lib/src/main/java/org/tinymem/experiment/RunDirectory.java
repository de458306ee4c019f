package org.tinymem.experiment;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Where runs live, shared by the launcher's demo, the CLI and the notebooks so that a model trained
 * once is reused everywhere (a finished run directory makes {@link TrainRun#run} return at once):
 * {@code <root>/<profile>/<data>-<artifact>-<layers>l-seed<seed>}. The root is {@code $TINYMEM_RUNS}
 * if set (tests point it at a temporary directory), else {@code $TINYMEM_HOME/runs}, else {@code runs}.
 */
public final class RunDirectory {
    private RunDirectory() {}

    public static Path root() {
        return root(System.getenv());
    }

    static Path root(Map<String, String> env) {
        String runs = env.get("TINYMEM_RUNS");
        if (runs != null && !runs.isBlank()) return Paths.get(runs).toAbsolutePath();
        String home = env.get("TINYMEM_HOME");
        return (home != null && !home.isBlank() ? Paths.get(home).resolve("runs") : Paths.get("runs")).toAbsolutePath();
    }

    /** The run's directory under {@link #root()}. */
    public static Path of(RunSpec spec) {
        return root().resolve(spec.profile().cliName()).resolve(name(spec));
    }

    /**
     * {@code math-add-noise-4l-seed0}; with a regularizer its name and value follow, e.g.
     * {@code math-add-noise-4l-seed0-spectral-norm-0.01}, so that a grid of regularized runs and the
     * baseline live side by side.
     */
    public static String name(RunSpec spec) {
        String base = spec.data() + "-" + spec.artifact().cliName() + "-" + spec.layers() + "l-seed" + spec.seed()
                + (spec.withoutArtifacts() ? "-without-artifacts" : ""); // the retrained reference
        if (spec.regularizer() == null) return base;
        return base + "-" + spec.regularizer().kind().cliName() + "-"
                + java.math.BigDecimal.valueOf(spec.regularizer().value()).stripTrailingZeros().toPlainString()
                + (spec.regularizer().context() == 0 || spec.regularizer().context() == org.tinymem.train.Goldfish.PAPER_CONTEXT
                        ? "" : "-h" + spec.regularizer().context()); // goldfish with another context width
    }
}
