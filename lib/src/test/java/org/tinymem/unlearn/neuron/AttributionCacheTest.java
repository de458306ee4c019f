package org.tinymem.unlearn.neuron;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.unlearn.Edit;
import org.tinymem.unlearn.MemorizingModel;
import org.tinymem.unlearn.UnlearnSets;

/** The attribution is computed once per (weights, rows, method, parameters but the ratio) and reused, bit for bit, by the other ratios. */
class AttributionCacheTest {
    static MemorizingModel fixture;
    static UnlearnSets sets;

    @BeforeAll
    static void train() {
        fixture = MemorizingModel.get();
        sets = fixture.memorizedWithRoles();
    }

    private static IntegratedGradients ig(double ratio, int steps) {
        return new IntegratedGradients(new IntegratedGradients.Params(ratio, steps, 64));
    }

    private static List<int[]> units(NeuronUnlearner method) {
        try (Edit edit = method.unlearn(fixture.model, sets)) {
            return method.lastAblation().units();
        }
    }

    @Test
    void anotherRatioReadsTheScoresAndAblatesWhatAFreshAttributionWould(@TempDir Path dir) throws Exception {
        AttributionCache cache = new AttributionCache(dir);
        NeuronUnlearner first = ig(0.05, 1).cachingAttributions(cache);
        units(first);
        assertFalse(first.lastAblation().attribution().reused(), "the first run computes");
        double computeSeconds = first.lastAblation().attribution().seconds();
        assertTrue(computeSeconds > 0);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "one record");
        }

        NeuronUnlearner second = ig(0.1, 1).cachingAttributions(cache);
        Edit edit = second.unlearn(fixture.model, sets);
        List<int[]> reused = second.lastAblation().units();
        AttributionCache.Attribution attribution = second.lastAblation().attribution();
        assertTrue(attribution.reused(), "another ratio reads the record");
        assertEquals(computeSeconds, attribution.seconds(), 1e-9);
        assertTrue(edit.seconds() >= computeSeconds, "the reported time counts the attribution it reused");
        edit.close();

        List<int[]> fresh = units(ig(0.1, 1)); // no cache
        assertEquals(fresh.size(), reused.size());
        for (int l = 0; l < fresh.size(); l++) assertArrayEquals(fresh.get(l), reused.get(l), "layer " + l);
    }

    @Test
    void otherParametersOrRowsGetTheirOwnRecordAndABrokenRecordIsRecomputed(@TempDir Path dir) throws Exception {
        AttributionCache cache = new AttributionCache(dir);
        NeuronUnlearner one = ig(0.05, 1).cachingAttributions(cache);
        units(one);
        NeuronUnlearner two = ig(0.05, 2).cachingAttributions(cache);
        units(two);
        assertFalse(two.lastAblation().attribution().reused(), "IG steps change the scores: not reused");
        UnlearnSets fewer = new UnlearnSets(sets.unlearn().subList(0, 3), sets.retain(), sets.roles().subList(0, 3));
        assertNotEquals(AttributionCache.key(one, fixture.model, sets), AttributionCache.key(one, fixture.model, fewer));
        assertEquals(AttributionCache.key(ig(0.05, 1), fixture.model, sets), AttributionCache.key(ig(0.1, 1), fixture.model, sets));
        assertNotEquals(AttributionCache.key(ig(0.05, 1), fixture.model, sets),
                AttributionCache.key(new Act(new Act.Params(0.05, 64)), fixture.model, sets), "the method is in the key");

        Path record;
        try (var files = Files.list(dir)) {
            List<Path> records = files.toList();
            assertEquals(2, records.size());
            record = records.stream().filter(p -> p.toString().contains(AttributionCache.key(one, fixture.model, sets).substring(0, 24)))
                    .findFirst().orElseThrow();
        }
        Files.writeString(record, "{ broken");
        NeuronUnlearner again = ig(0.1, 1).cachingAttributions(cache);
        units(again);
        assertFalse(again.lastAblation().attribution().reused(), "a broken record is computed again");
        NeuronUnlearner after = ig(0.05, 1).cachingAttributions(cache);
        units(after);
        assertTrue(after.lastAblation().attribution().reused(), "and replaced");
    }
}
