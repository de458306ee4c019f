package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LandscapeFiguresTest {

    @Test
    void longTitlesAreBrokenAtSpacesIntoLinesThatFitTheFigure() {
        String title = "balanced-subnet (ratio 0.05, M -100.0, A -1.00, kept edit) / memorized";
        String wrapped = LandscapeFigures.wrapped(title, 44);
        String[] lines = wrapped.split("<br>");
        assertTrue(lines.length >= 2, wrapped);
        for (String line : lines) assertTrue(line.length() <= 44, line);
        assertEquals(title, String.join(" ", lines), "only spaces become line breaks");
        assertEquals("original / clean", LandscapeFigures.wrapped("original / clean", 44));
        assertEquals("a<br>verylongword<br>b", LandscapeFigures.wrapped("a verylongword b", 5));
    }
}
