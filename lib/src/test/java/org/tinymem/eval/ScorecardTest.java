package org.tinymem.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ScorecardTest {

    @Test
    void rowsGiveThePapersPercentDifferencesAndOneTableRowEach() {
        Scorecard.Row row = new Scorecard.Row("durable", "ratio=0.01", "accuracy", 40, 10, 95, 90.25, 655, "weights", 1.5);
        assertEquals(-75, row.memorizationDifference(), 1e-9);
        assertEquals(-5, row.performanceDifference(), 1e-9);
        assertEquals(0, Scorecard.percentDifference(0, 0));
        assertTrue(Double.isNaN(Scorecard.percentDifference(0, 3)));
        Table table = Scorecard.table(List.of(row, row));
        assertEquals(2, table.rowCount());
        assertEquals(-75, table.doubleColumn("M").get(0), 1e-9);
        assertEquals(655L, table.longColumn("ablated").get(1));
        assertEquals("durable", table.stringColumn("method").get(0));
    }
}
