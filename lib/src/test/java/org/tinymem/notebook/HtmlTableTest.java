package org.tinymem.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class HtmlTableTest {

    @Test
    void realsKeepFourSignificantDigits() {
        assertEquals("0.1235", HtmlTable.formatReal(0.123456));
        assertEquals("12,350", HtmlTable.formatReal(12345.678));
        assertEquals("1.5", HtmlTable.formatReal(1.5));
        assertEquals("-3", HtmlTable.formatReal(-3.0));
        assertEquals("0.001234", HtmlTable.formatReal(0.00123449));
        assertEquals("1.235e-07", HtmlTable.formatReal(1.23456e-7));
        assertEquals("1.000e+20", HtmlTable.formatReal(1e20));
        assertEquals("0", HtmlTable.formatReal(0.0));
        assertEquals("NaN", HtmlTable.formatReal(Double.NaN));
    }

    @Test
    void integersGetThousandsSeparators() {
        assertEquals("1,234,567", HtmlTable.formatInteger(1_234_567));
        assertEquals("-12", HtmlTable.formatInteger(-12));
    }

    @Test
    void htmlShowsFormattedCellsEscapedTextAndShape() {
        Table table = Table.create("runs",
                StringColumn.create("method", "<dropout>", "slim"),
                DoubleColumn.create("memorized", 0.987654, Double.NaN),
                IntColumn.create("tokens", 1_500_000, 42));
        String html = HtmlTable.html(table);
        assertTrue(html.contains("<caption>runs</caption>"), html);
        assertTrue(html.contains("<th>memorized</th>"), html);
        assertTrue(html.contains("&lt;dropout&gt;"), html);
        assertTrue(html.contains(">0.9877</td>"), html);
        assertTrue(html.contains(">1,500,000</td>"), html);
        assertTrue(html.contains("2 rows × 3 columns"), html);
        assertFalse(html.contains("NaN"), "missing values show empty: " + html);
    }

    @Test
    void longTablesShowHeadAndTail() {
        Table table = Table.create("long", IntColumn.create("i", java.util.stream.IntStream.range(0, 1000).toArray()));
        String html = HtmlTable.html(table);
        assertTrue(html.contains(">29</td>") && html.contains(">999</td>") && html.contains("…"), html);
        assertFalse(html.contains(">500</td>"), html);
        assertTrue(html.contains("1,000 rows"), html);
    }

    @Test
    void textAlignsColumnsAndRightAlignsNumbers() {
        Table table = Table.create("t", StringColumn.create("name", "a", "bbb"), IntColumn.create("n", 5, 1000));
        assertEquals("name      n\na         5\nbbb   1,000\n2 rows × 2 columns", HtmlTable.text(table));
    }
}
