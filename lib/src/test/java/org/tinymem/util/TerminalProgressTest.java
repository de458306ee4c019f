package org.tinymem.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void lineShowsBarCountsPercentElapsedEtaAndStatus() {
        String line = TerminalProgress.line("train", 512, 1024, "loss 1.234", 42 * SECOND);
        assertEquals("train [##########----------] 512/1,024  50.0%  0:42 < 0:42  loss 1.234", line);
    }

    @Test
    void etaIsUnknownBeforeTheFirstUnitAndHoursAppearWhenNeeded() {
        assertTrue(TerminalProgress.line("x", 0, 10, "", 0).endsWith("0:00 < ?"));
        assertEquals("2:03:09", TerminalProgress.clock(7389 * SECOND));
    }

    @Test
    void redrawsInPlaceAtMostFiveTimesASecondAndEndsWithNewline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (TerminalProgress progress = new TerminalProgress("eval", new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get)) {
            for (int step = 1; step <= 100; step++) {
                now.addAndGet(SECOND / 100);
                progress.update(step, 100, "step " + step);
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 5 && redraws <= 6, "one second of updates gives about 5 redraws, not " + redraws);
        assertTrue(out.contains("100/100 100.0%"), out);
        assertTrue(out.endsWith("step 100\n"), "the final state is always drawn: " + out);
    }

    @Test
    void shorterLinesBlankOutTheRestOfTheLongerOne() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        TerminalProgress progress = new TerminalProgress("p", new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        progress.update(1, 3, "a long status message");
        now.addAndGet(SECOND);
        progress.update(2, 3, "short");
        String[] draws = bytes.toString(StandardCharsets.UTF_8).split("\r");
        assertEquals(draws[1].length(), draws[2].length());
    }
}
