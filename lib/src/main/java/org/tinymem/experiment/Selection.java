package org.tinymem.experiment;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.tinymem.eval.Scorecard;

/**
 * The "best run" of a hyper-parameter sweep (SPEC §8, App. A.3.5 and A.4.2).
 *
 * <ul>
 *   <li><b>Math</b>: minimise {@code M + |A|}, where M is the % difference in % memorized (−100 =
 *   all removed) and A the % difference in mean accuracy. The paper writes "score = M + P" for math
 *   (a typo: it then defines A) and never says how the sign of A enters; a signed A would
 *   <em>reward</em> losing accuracy (an accuracy drop makes A negative and the score smaller), which
 *   contradicts the paper's reading of A as "closer to 0 is better" (Fig. 3, 5, 8, 9). Ours:
 *   the absolute value, so any change of accuracy is a penalty.</li>
 *   <li><b>Language / production</b>: minimise {@code M + |P| + t} with P the % difference in
 *   perplexity and t = 100 when memorization did not change (M = 0), so that a run that removes
 *   nothing loses to any run that removes something. The absolute value again follows "closer to 0
 *   is better"; for perplexity the usual case (an increase) is the same as the signed form.</li>
 *   <li><b>Inclusion</b>: a run qualifies when its mitigation time is ≤ the "Extra" fine-tuning
 *   time (when that time is known); if no run of the sweep qualifies the criterion is waived
 *   ("we do not enforce the inclusion criteria for that particular unlearning method"). Production
 *   models also require perplexity after the edit &lt; 500 ({@link Criterion#maxPerformanceAfter}).</li>
 *   <li><b>No-op settings</b> (ours): a row that ablated nothing (a ratio that rounds to zero units of
 *   a narrow model, e.g. 0.001 × 512 neurons) is not a setting of the method but the unedited model;
 *   it never wins while some row of the grid edited something. Without this rule, when no setting lowers
 *   memorization, the no-op scores 100 + 0 and beats every real edit (measured on TinyPythia, notebook 07).</li>
 *   <li>Rows whose score is not a number (e.g. a model that memorized nothing before) never win;
 *   ties keep the earlier row (the sweep's order).</li>
 * </ul>
 */
public final class Selection {
    private Selection() {}

    /** Which score: math models (accuracy) or language / production models (perplexity); a {@link ModelKind} says which. */
    public enum Kind {
        MATH, LANGUAGE;

        /** The text of the rule, as {@code best.json} records it. */
        public String rule() {
            return this == MATH ? "minimise M + |A| (App. A.3.5)" : "minimise M + |P| + t, t = 100 when M = 0 (App. A.3.5)";
        }
    }

    /**
     * @param kind math or language scoring
     * @param maxSeconds the "Extra" fine-tuning time when known (inclusion criterion, waivable)
     * @param maxPerformanceAfter a hard cap on the measure after the edit (production: perplexity &lt; 500)
     */
    public record Criterion(Kind kind, OptionalDouble maxSeconds, OptionalDouble maxPerformanceAfter) {
        public Criterion {
            java.util.Objects.requireNonNull(kind, "kind");
            java.util.Objects.requireNonNull(maxSeconds, "maxSeconds");
            java.util.Objects.requireNonNull(maxPerformanceAfter, "maxPerformanceAfter");
        }

        public static Criterion math() {
            return new Criterion(Kind.MATH, OptionalDouble.empty(), OptionalDouble.empty());
        }

        public static Criterion language() {
            return new Criterion(Kind.LANGUAGE, OptionalDouble.empty(), OptionalDouble.empty());
        }

        /** Production (Pythia) models: language scoring, perplexity after the edit below 500 (App. A.4.2). */
        public static Criterion production() {
            return new Criterion(Kind.LANGUAGE, OptionalDouble.empty(), OptionalDouble.of(500));
        }

        /** The same criterion with the "Extra" fine-tuning time as the inclusion limit. */
        public Criterion withExtraFineTuneSeconds(double seconds) {
            return new Criterion(kind, OptionalDouble.of(seconds), maxPerformanceAfter);
        }

        /** Whether a run of {@code seconds} meets the inclusion time limit (always, when there is none). */
        public boolean inTime(double seconds) {
            return maxSeconds.isEmpty() || seconds <= maxSeconds.getAsDouble();
        }
    }

    /** The score of one run (lower is better); NaN when M or the performance difference is undefined. */
    public static double score(Scorecard.Row row, Kind kind) {
        double m = row.memorizationDifference();
        double performance = Math.abs(row.performanceDifference());
        return switch (kind) {
            case MATH -> m + performance;
            case LANGUAGE -> m + performance + (m == 0 ? 100 : 0);
        };
    }

    /** The best row under {@code criterion}, or empty when no row has a defined score. */
    public static Optional<Scorecard.Row> best(List<Scorecard.Row> rows, Criterion criterion) {
        OptionalInt index = bestIndex(rows, criterion);
        return index.isPresent() ? Optional.of(rows.get(index.getAsInt())) : Optional.empty();
    }

    /** The index of the best row in {@code rows} (see {@link #best}). */
    public static OptionalInt bestIndex(List<Scorecard.Row> rows, Criterion criterion) {
        return bestCandidate(rows.stream().map(row -> Candidate.of(row, criterion)).toList());
    }

    /**
     * What the rule needs to know of one candidate: a run, or a setting pooled over several runs.
     *
     * @param score the score (lower is better; NaN never wins)
     * @param edited whether it edited something (no-op settings only win when nothing else ran)
     * @param inTime whether it met the inclusion time limit (waived when no candidate does)
     * @param underCap whether it met the hard cap on the measure after the edit
     */
    public record Candidate(double score, boolean edited, boolean inTime, boolean underCap) {
        /** One run under {@code criterion}. */
        public static Candidate of(Scorecard.Row row, Criterion criterion) {
            return new Candidate(Selection.score(row, criterion.kind()), row.ablated() > 0, criterion.inTime(row.seconds()),
                    criterion.maxPerformanceAfter().isEmpty() || row.performanceAfter() < criterion.maxPerformanceAfter().getAsDouble());
        }
    }

    /**
     * The index of the best candidate: among those with a defined score under the cap, the edited ones
     * (if any), of those the ones in time (if any: the waiver), the lowest score; ties keep the earlier.
     */
    public static OptionalInt bestCandidate(List<Candidate> all) {
        List<Integer> candidates = java.util.stream.IntStream.range(0, all.size()).boxed()
                .filter(i -> !Double.isNaN(all.get(i).score()) && all.get(i).underCap())
                .toList();
        List<Integer> edited = candidates.stream().filter(i -> all.get(i).edited()).toList();
        if (!edited.isEmpty()) candidates = edited; // no-op settings only when nothing else ran
        List<Integer> inTime = candidates.stream().filter(i -> all.get(i).inTime()).toList();
        if (!inTime.isEmpty()) candidates = inTime; // waived when no run qualifies
        return candidates.stream()
                .min(Comparator.comparingDouble((Integer i) -> all.get(i).score()).thenComparingInt(i -> i))
                .map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    /** Whether the inclusion criterion had to be waived for {@code rows} (no run within the time limit). */
    public static boolean timeLimitWaived(List<Scorecard.Row> rows, Criterion criterion) {
        return criterion.maxSeconds().isPresent() && rows.stream().noneMatch(r -> criterion.inTime(r.seconds()));
    }

}
