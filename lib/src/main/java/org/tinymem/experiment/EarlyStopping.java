package org.tinymem.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.tinymem.data.MemorizationProbe;
import org.tinymem.data.TinyMemData;
import org.tinymem.eval.Measures;
import org.tinymem.eval.Memorization;
import org.tinymem.eval.Scorecard;
import org.tinymem.model.CausalLm;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.EpochWatched;
import org.tinymem.unlearn.UnlearnMethods;
import org.tinymem.unlearn.Unlearner;
import org.tinymem.unlearn.Unlearning;

/**
 * Evaluation while unlearning, with early stopping and best-snapshot selection (issue 17, item 2). Ours,
 * not in the paper: its numbers are made without it, and it is off unless asked for. After every
 * {@code every}-th epoch (and the last) the edit as it stands is measured — % memorized and the utility,
 * nothing else — and scored by the selection rule of App. A.3.5 ({@link Selection#score}: M + |A| for
 * math, M + |P| + t for language) against the unedited baseline. The run stops when nothing is memorized
 * any more and the utility has stopped moving, and returns its last edit or the best-scored snapshot.
 *
 * <p>Only what the score needs is measured: % memorized of the data's probes, counting the probes of the
 * unlearn set (the ones the unedited model memorized; a probe outside it would have to become memorized
 * by the edit to count), and the utility ({@link Measures#measureUtility}). The kept edit is then measured
 * in full, as every edit is. Looking does not change the run ({@link EpochWatched}): a run that does not
 * stop, with {@link Keep#LAST}, gives bit for bit the edit of the same method without evaluation.
 *
 * @param every evaluate after every {@code every}-th epoch and after the last (default 1, ours)
 * @param patience stop at an evaluation where % memorized is 0 and the utility's % difference from the
 *     baseline (A, or P) is within {@code tolerance} of its value at each of the {@code patience}
 *     evaluations before; 0 stops at the first evaluation with nothing memorized (default 3, ours)
 * @param tolerance how far A (or P), in percentage points, may move and still count as not moving
 *     (default 0.5, ours)
 * @param keep the edit the run returns: its last ({@link Keep#LAST}, default, ours) or its best-scored
 *     evaluated snapshot ({@link Keep#BEST})
 */
public record EarlyStopping(int every, int patience, double tolerance, Keep keep) {

    /** Which edit an evaluated run returns. */
    public enum Keep {
        /** The run's final edit: at the stop, or after its last epoch. */
        LAST,
        /** The evaluated snapshot with the lowest selection score (ties: the earlier one). */
        BEST;

        /** {@code last} or {@code best}; anything else is an error naming them. */
        public static Keep parse(String name) {
            for (Keep keep : values()) {
                if (keep.name().equalsIgnoreCase(name)) return keep;
            }
            throw new IllegalArgumentException("unknown --keep '" + name + "': use best or last");
        }

        /** The name on the command line and in {@code unlearn.json}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public EarlyStopping {
        if (every < 1) throw new IllegalArgumentException("evaluation interval (--eval-every) must be at least 1 epoch, got " + every);
        if (patience < 0) throw new IllegalArgumentException("patience (--patience) must be ≥ 0 evaluations, got " + patience);
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance (--tolerance) must be a finite number ≥ 0 (percentage points), got "
                    + tolerance);
        }
        java.util.Objects.requireNonNull(keep, "keep");
    }

    /** Our defaults (not the paper's; it does not evaluate while unlearning): every epoch, patience 3, tolerance 0.5, keep last. */
    public static EarlyStopping defaults() {
        return new EarlyStopping(1, 3, 0.5, Keep.LAST);
    }

    /** The methods that can be evaluated while they run (those implementing {@link EpochWatched}). */
    public static List<String> supportedMethods() {
        return UnlearnMethods.names().stream()
                .filter(name -> UnlearnMethods.create(name, UnlearnMethods.Options.defaults()) instanceof EpochWatched)
                .toList();
    }

    /** {@code method} as one that can be evaluated while it runs; otherwise an error naming the methods that can. */
    public static EpochWatched requireSupported(Unlearner method) {
        if (method instanceof EpochWatched watched) return watched;
        throw new IllegalArgumentException("evaluation while unlearning (--eval-every, --patience, --tolerance, --keep)"
                + " applies to " + String.join(", ", supportedMethods()) + ", not to " + method.method());
    }

    /**
     * One evaluation of the edit while it trains.
     *
     * @param epoch epochs done (1-based)
     * @param percentMemorized % of the data's probes memorized (counted on the unlearn set's probes)
     * @param utility accuracy (math) or perplexity (language)
     * @param score the selection score against the baseline (lower is better; NaN when undefined)
     * @param seconds the method's time up to here, evaluation left out
     */
    public record Point(int epoch, double percentMemorized, double utility, double score, double seconds) {}

    /**
     * An evaluated unlearning run; close it to free the kept edit.
     *
     * @param result the kept edit, measured in full against the baseline
     * @param settings the evaluation settings
     * @param utilityMetric {@code accuracy} or {@code perplexity}, the curve's utility
     * @param curve one point per evaluation, in epoch order
     * @param epochs the epochs the method was set to run
     * @param stoppedAt the epoch it stopped at, or null when it ran every epoch
     * @param keptEpoch the epoch of the edit kept
     * @param probesEvaluated the probes generated at each evaluation (the unlearn set's) of {@code probes}
     * @param probes the data's probes, the denominator of % memorized
     * @param evaluationSeconds time spent evaluating (not in the method's seconds)
     */
    public record Evaluated(Unlearning.Result result, EarlyStopping settings, String utilityMetric, List<Point> curve,
                            int epochs, Integer stoppedAt, int keptEpoch, int probesEvaluated, int probes,
                            double evaluationSeconds) implements AutoCloseable {
        public Evaluated {
            curve = List.copyOf(curve);
        }

        /**
         * Adds the {@code early_stopping} entry of {@code unlearn.json}: the settings, {@code stopped_early},
         * {@code epochs_run} (and {@code stopped_at_epoch} when it stopped), {@code kept_epoch} and the curve.
         */
        public void annotate(JsonObject json) {
            JsonObject entry = new JsonObject();
            entry.addProperty("used", true);
            entry.addProperty("origin", "ours, not in the paper (issue 17)");
            entry.addProperty("every", settings.every());
            entry.addProperty("patience", settings.patience());
            entry.addProperty("tolerance", settings.tolerance());
            entry.addProperty("keep", settings.keep().label());
            entry.addProperty("epochs", epochs);
            entry.addProperty("stopped_early", stoppedAt != null);
            entry.addProperty("epochs_run", curve.get(curve.size() - 1).epoch()); // the last epoch run is always evaluated
            if (stoppedAt != null) entry.addProperty("stopped_at_epoch", stoppedAt);
            entry.addProperty("kept_epoch", keptEpoch);
            entry.addProperty("evaluation_seconds", evaluationSeconds);
            entry.addProperty("probes_evaluated", probesEvaluated);
            entry.addProperty("probes", probes);
            JsonArray points = new JsonArray();
            for (Point point : curve) {
                JsonObject p = new JsonObject();
                p.addProperty("epoch", point.epoch());
                p.addProperty(Measures.PERCENT_MEMORIZED, point.percentMemorized());
                p.addProperty(utilityMetric, point.utility());
                p.addProperty("score", point.score());
                p.addProperty("seconds", point.seconds());
                points.add(p);
            }
            entry.add("curve", points);
            json.add("early_stopping", entry);
        }

        @Override
        public void close() {
            result.close();
        }
    }

    /** The {@code early_stopping} entry of a run made without evaluation (the paper's way). */
    public static void annotateOff(JsonObject json) {
        JsonObject entry = new JsonObject();
        entry.addProperty("used", false);
        json.add("early_stopping", entry);
    }

    /**
     * Runs {@code method} on a copy of {@code model}, evaluated as these settings say, and measures the kept
     * edit against {@code baseline}. {@code criterion} is the model kind's selection rule (its time limit is
     * not used: snapshots of one run are compared by score); {@code onPoint} sees each evaluation as it is
     * made (a live curve). A method that cannot be evaluated while it runs is an error naming those that can.
     */
    public Evaluated apply(CausalLm model, TinyMemData data, Unlearning.Baseline baseline, Unlearner method,
                           Selection.Criterion criterion, Consumer<Point> onPoint) {
        EpochWatched watched = requireSupported(method);
        List<MemorizationProbe> probes = baseline.sets().unlearnProbes(data.probes());
        int allProbes = data.probes().size();
        String metric = baseline.utility().metric();
        Selection.Criterion byScore = new Selection.Criterion(criterion.kind(), OptionalDouble.empty(),
                criterion.maxPerformanceAfter());
        List<Scorecard.Row> rows = new ArrayList<>();
        List<Point> curve = new ArrayList<>();
        Edit[] best = {null};
        int[] bestEpoch = {0};
        int[] planned = {0};
        Integer[] stoppedAt = {null};
        long[] evaluationNanos = {0};
        Edit last;
        try {
            last = watched.unlearnWatched(model, baseline.sets(), every, (epoch, epochs, edit) -> {
                long started = System.nanoTime();
                planned[0] = epochs;
                Edit snapshot = edit.get();
                try {
                    double percentMemorized = 100.0 * Memorization.measure(snapshot.model(), probes).memorized() / allProbes;
                    double utility = baseline.measurer().measureUtility(snapshot.model(), data);
                    Scorecard.Row row = Unlearning.row(baseline, method, snapshot, percentMemorized, utility);
                    rows.add(row);
                    Point point = new Point(epoch, percentMemorized, utility, Selection.score(row, criterion.kind()),
                            snapshot.seconds());
                    curve.add(point);
                    if (keep == Keep.BEST && Selection.bestIndex(rows, byScore).orElse(-1) == rows.size() - 1) {
                        if (best[0] != null) best[0].close();
                        best[0] = snapshot;
                        bestEpoch[0] = epoch;
                        snapshot = null; // kept
                    }
                    onPoint.accept(point);
                    if (stops(rows)) stoppedAt[0] = epoch;
                    return stoppedAt[0] == null;
                } finally {
                    if (snapshot != null) snapshot.close();
                    evaluationNanos[0] += System.nanoTime() - started;
                }
            });
        } catch (RuntimeException e) {
            if (best[0] != null) best[0].close();
            throw e;
        }
        int lastEpoch = curve.get(curve.size() - 1).epoch(); // the last epoch run is always evaluated
        Edit kept = last;
        if (best[0] != null && bestEpoch[0] != lastEpoch) {
            kept = best[0];
            last.close();
        } else if (best[0] != null) {
            best[0].close(); // the same weights as the run's own last edit, which is kept
        }
        int keptEpoch = kept == last ? lastEpoch : bestEpoch[0];
        Unlearning.Result result = Unlearning.measure(data, baseline, method, kept);
        return new Evaluated(result, this, metric, curve, planned[0], stoppedAt[0], keptEpoch, probes.size(), allProbes,
                evaluationNanos[0] / 1e9);
    }

    /**
     * The stopping rule on the evaluations so far: nothing memorized at the latest, and its utility's %
     * difference (A or P) within {@link #tolerance} of each of the {@link #patience} before it.
     */
    private boolean stops(List<Scorecard.Row> rows) {
        int latest = rows.size() - 1;
        if (rows.get(latest).memorizedAfter() != 0 || latest < patience) return false;
        double now = rows.get(latest).performanceDifference();
        for (int i = latest - patience; i < latest; i++) {
            if (!(Math.abs(rows.get(i).performanceDifference() - now) <= tolerance)) return false;
        }
        return true;
    }
}
