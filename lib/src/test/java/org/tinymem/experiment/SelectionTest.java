package org.tinymem.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinymem.eval.Scorecard;

class SelectionTest {

    private static Scorecard.Row math(String name, double memAfter, double accAfter, double seconds) {
        return new Scorecard.Row("m", name, "accuracy", 50, memAfter, 90, accAfter, 10, "weights", seconds);
    }

    private static Scorecard.Row language(String name, double memAfter, double pplAfter, double seconds) {
        return new Scorecard.Row("m", name, "perplexity", 20, memAfter, 50, pplAfter, 10, "weights", seconds);
    }

    @Test
    void mathScoreIsMPlusAbsoluteAccuracyDifference() {
        // M = -100, A = -10 (90 -> 81): a loss of accuracy is a penalty, never a reward
        assertEquals(-90, Selection.score(math("a", 0, 81, 1), Selection.Kind.MATH), 1e-9);
        // an accuracy gain is also a change: |A| = 10
        assertEquals(-90, Selection.score(math("b", 0, 99, 1), Selection.Kind.MATH), 1e-9);
        assertEquals(0, Selection.score(math("c", 50, 90, 1), Selection.Kind.MATH), 1e-9);
    }

    @Test
    void mathBestTradesMemorizationAgainstAccuracy() {
        List<Scorecard.Row> rows = List.of(
                math("nothing", 50, 90, 1),        // 0
                math("all but broken", 0, 45, 1),  // -100 + 50 = -50
                math("most, intact", 5, 89.1, 1),  // -90 + 1 = -89
                math("all, slight", 0, 85.5, 1));  // -100 + 5 = -95
        assertEquals("all, slight", Selection.best(rows, Selection.Criterion.math()).orElseThrow().parameters());
        // with a signed A the broken model would have scored -150 and won: the test that the penalising form is used
        assertNotEquals("all but broken", Selection.best(rows, Selection.Criterion.math()).orElseThrow().parameters());
    }

    @Test
    void languagePenalisesRunsThatRemoveNothing() {
        List<Scorecard.Row> rows = List.of(
                language("untouched", 20, 50, 1),  // 0 + 0 + 100
                language("some", 15, 70, 1));      // -25 + 40 = 15
        assertEquals(100, Selection.score(rows.get(0), Selection.Kind.LANGUAGE), 1e-9);
        assertEquals("some", Selection.best(rows, Selection.Criterion.language()).orElseThrow().parameters());
        // the model kind of a run says which rule applies
        assertEquals(Selection.Kind.LANGUAGE, ModelKind.of("lang").criterion().kind());
        assertEquals(Selection.Kind.MATH, ModelKind.of("math-mult").criterion().kind());
    }

    @Test
    void slowRunsAreExcludedUnlessNoRunIsFastEnough() {
        List<Scorecard.Row> rows = List.of(math("slow, best", 0, 90, 100), math("fast, worse", 10, 90, 5));
        Selection.Criterion limited = Selection.Criterion.math().withExtraFineTuneSeconds(25);
        assertEquals("fast, worse", Selection.best(rows, limited).orElseThrow().parameters());
        assertFalse(Selection.timeLimitWaived(rows, limited));
        Selection.Criterion tight = Selection.Criterion.math().withExtraFineTuneSeconds(1);
        assertEquals("slow, best", Selection.best(rows, tight).orElseThrow().parameters(), "waived: no run qualifies");
        assertTrue(Selection.timeLimitWaived(rows, tight));
        assertEquals("slow, best", Selection.best(rows, Selection.Criterion.math()).orElseThrow().parameters());
    }

    @Test
    void productionCapsPerplexityAndUndefinedScoresNeverWin() {
        List<Scorecard.Row> rows = List.of(language("exploded", 0, 900, 1), language("fine", 10, 55, 1));
        assertEquals("fine", Selection.best(rows, Selection.Criterion.production()).orElseThrow().parameters());
        Scorecard.Row undefined = new Scorecard.Row("m", "nan", "accuracy", 0, 5, 90, 90, 0, "weights", 1);
        assertTrue(Double.isNaN(Selection.score(undefined, Selection.Kind.MATH)));
        assertTrue(Selection.best(List.of(undefined), Selection.Criterion.math()).isEmpty());
        assertEquals("ok", Selection.best(List.of(undefined, math("ok", 40, 90, 1)), Selection.Criterion.math())
                .orElseThrow().parameters());
        assertTrue(Selection.best(List.of(), Selection.Criterion.math()).isEmpty());
    }

    @Test
    void tiesKeepTheSweepOrder() {
        List<Scorecard.Row> rows = List.of(math("first", 0, 90, 1), math("second", 0, 90, 1));
        assertEquals("first", Selection.best(rows, Selection.Criterion.math()).orElseThrow().parameters());
    }

    @Test
    void regularizerGridPrefersLittleMemorizationAtHighAccuracy() {
        var memorizes = new RegularizerSelection.Candidate("λ = 0.001", 96, 40);
        var forgetsButFails = new RegularizerSelection.Candidate("λ = 0.1", 40, 0);
        var balanced = new RegularizerSelection.Candidate("λ = 0.01", 95, 5);
        var broken = new RegularizerSelection.Candidate("diverged", Double.NaN, Double.NaN);
        List<RegularizerSelection.Candidate> grid = List.of(broken, memorizes, forgetsButFails, balanced);
        assertEquals("λ = 0.01", RegularizerSelection.best(grid, Selection.Kind.MATH).orElseThrow().label());
        // Language (Eq. 2): lowest perplexity + % memorized.
        var lowPerplexity = new RegularizerSelection.Candidate("a", 50, 20);
        var lowMemorization = new RegularizerSelection.Candidate("b", 60, 0);
        assertEquals("b", RegularizerSelection.best(List.of(lowPerplexity, lowMemorization), Selection.Kind.LANGUAGE)
                .orElseThrow().label());
        assertTrue(RegularizerSelection.best(List.of(broken), Selection.Kind.MATH).isEmpty());
    }

    /** A setting that ablated nothing is the unedited model: it loses to any real edit, even a useless one. */
    @Test
    void aRunThatAblatedNothingNeverWinsOverOneThatEditedSomething() {
        Scorecard.Row noOp = new Scorecard.Row("hc", "ratio 0.001", "perplexity", 100, 100, 2000, 2000, 0, "neurons", 0.01);
        Scorecard.Row useless = new Scorecard.Row("hc", "ratio 0.01", "perplexity", 100, 100, 2000, 2010, 20, "neurons", 1);
        assertEquals("ratio 0.01", Selection.best(List.of(noOp, useless), Selection.Criterion.language())
                .orElseThrow().parameters());
        assertEquals("ratio 0.001", Selection.best(List.of(noOp), Selection.Criterion.language())
                .orElseThrow().parameters(), "with nothing else, the no-op is still reported");
    }
}
