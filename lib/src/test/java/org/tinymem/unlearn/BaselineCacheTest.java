package org.tinymem.unlearn;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinymem.eval.MathMeasures;
import org.tinymem.eval.Measures;

class BaselineCacheTest {

    @Test
    void theUneditedModelIsMeasuredOnceAndReadBackUntilItsWeightsChange(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        Unlearning.Baseline direct = Unlearning.Baseline.of(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3);

        BaselineCache.Lookup first = BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3, dir);
        assertEquals(BaselineCache.Outcome.MEASURED, first.outcome());
        assertTrue(Files.isRegularFile(first.file()));
        assertEquals(dir, first.file().getParent());
        assertEquals(direct.measures(), first.baseline().measures());
        assertSameSets(direct.sets(), first.baseline().sets());

        BaselineCache.Lookup again = BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3, dir);
        assertEquals(BaselineCache.Outcome.READ, again.outcome());
        assertEquals(direct.measures(), again.baseline().measures(), "read back exactly");
        assertSameSets(direct.sets(), again.baseline().sets());
        // another retain size and seed reuse the record: only the retain sample is drawn again
        BaselineCache.Lookup other = BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 7, 4, dir);
        assertEquals(BaselineCache.Outcome.READ, other.outcome());
        assertSameSets(Unlearning.Baseline.of(fixture.model, fixture.data, MathMeasures.INSTANCE, 7, 4).sets(), other.baseline().sets());

        // the record is what is read: an edited value shows through (so nothing was measured again)
        String text = Files.readString(first.file());
        double memorized = direct.measures().get(Measures.PERCENT_MEMORIZED);
        Files.writeString(first.file(), text.replace("\"" + Measures.PERCENT_MEMORIZED + "\": " + memorized,
                "\"" + Measures.PERCENT_MEMORIZED + "\": 12.5"));
        assertEquals(12.5, BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3, dir)
                .baseline().measures().get(Measures.PERCENT_MEMORIZED));

        // other weights: another record
        try (var changed = fixture.model.copy()) {
            changed.parameters().values().iterator().next().muli(1.0001f);
            BaselineCache.Lookup edited = BaselineCache.baseline(changed, fixture.data, MathMeasures.INSTANCE, 5, 3, dir);
            assertEquals(BaselineCache.Outcome.MEASURED, edited.outcome());
            assertNotEquals(first.file(), edited.file());
        }
        // a damaged record is measured again and replaced
        Files.writeString(first.file(), "{ not json");
        BaselineCache.Lookup repaired = BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3, dir);
        assertEquals(BaselineCache.Outcome.MEASURED, repaired.outcome());
        assertEquals(direct.measures(), repaired.baseline().measures());
        assertEquals(BaselineCache.Outcome.READ,
                BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 5, 3, dir).outcome());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "one record per weights, no temporary files left");
        }
    }

    @Test
    void anUnwritableFolderStillGivesTheBaseline(@TempDir Path dir) throws Exception {
        MemorizingModel fixture = MemorizingModel.get();
        Path blocked = dir.resolve("file");
        Files.writeString(blocked, "not a folder");
        BaselineCache.Lookup lookup = BaselineCache.baseline(fixture.model, fixture.data, MathMeasures.INSTANCE, 0, 0, blocked.resolve("cache"));
        assertEquals(BaselineCache.Outcome.MEASURED_NOT_SAVED, lookup.outcome());
        assertFalse(lookup.baseline().sets().unlearn().isEmpty());
    }

    private static void assertSameSets(UnlearnSets expected, UnlearnSets actual) {
        assertEquals(expected.unlearn().size(), actual.unlearn().size());
        assertEquals(expected.retain().size(), actual.retain().size());
        for (int i = 0; i < expected.unlearn().size(); i++) assertArrayEquals(expected.unlearn().get(i), actual.unlearn().get(i));
        for (int i = 0; i < expected.retain().size(); i++) assertArrayEquals(expected.retain().get(i), actual.retain().get(i));
    }
}
