package org.tinymem.notebook;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Renders a Tablesaw table as HTML and aligned text. Tablesaw has no HTML writer, and its own
 * printing shows doubles with all their digits; results read better with 4 significant digits and
 * thousands separators. Long tables show their head and tail only, like pandas.
 */
final class HtmlTable {

    /** Tables up to this many rows are shown whole. */
    static final int MAX_ROWS = 40;

    private static final int HEAD_ROWS = 30;
    private static final int TAIL_ROWS = 5;
    private static final MathContext SIGNIFICANT = new MathContext(4);
    private static final DecimalFormatSymbols SYMBOLS = DecimalFormatSymbols.getInstance(Locale.ROOT);

    private HtmlTable() {}

    static Map<String, String> bundle(Table table) {
        return Map.of("text/html", html(table), "text/plain", text(table));
    }

    static String html(Table table) {
        StringBuilder html = new StringBuilder("<table class=\"tinymem-table\">\n");
        if (table.name() != null && !table.name().isBlank()) {
            html.append("<caption>").append(escape(table.name())).append("</caption>\n");
        }
        html.append("<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th>").append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (int row : shownRows(table)) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                if (row < 0) {
                    html.append("<td>…</td>");
                } else {
                    String align = isNumeric(column) ? " style=\"text-align:right\"" : "";
                    html.append("<td").append(align).append('>').append(escape(cell(column, row))).append("</td>");
                }
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n<p><small>")
                .append(formatInteger(table.rowCount())).append(" rows × ")
                .append(table.columnCount()).append(" columns</small></p>");
        return html.toString();
    }

    static String text(Table table) {
        List<String[]> lines = new ArrayList<>();
        lines.add(table.columnNames().toArray(String[]::new));
        for (int row : shownRows(table)) {
            String[] line = new String[table.columnCount()];
            for (int c = 0; c < line.length; c++) {
                line[c] = row < 0 ? "…" : cell(table.column(c), row);
            }
            lines.add(line);
        }
        int[] widths = new int[table.columnCount()];
        for (String[] line : lines) {
            for (int c = 0; c < line.length; c++) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder out = new StringBuilder();
            for (int c = 0; c < line.length; c++) {
                String padding = " ".repeat(widths[c] - line[c].length());
                boolean right = isNumeric(table.column(c));
                out.append(c == 0 ? "" : "  ").append(right ? padding + line[c] : line[c] + padding);
            }
            text.append(out.toString().stripTrailing()).append('\n');
        }
        return text.append(formatInteger(table.rowCount())).append(" rows × ")
                .append(table.columnCount()).append(" columns").toString();
    }

    /** Row indexes to show; -1 marks the elided middle of a long table. */
    private static int[] shownRows(Table table) {
        int rows = table.rowCount();
        if (rows <= MAX_ROWS) {
            return IntStream.range(0, rows).toArray();
        }
        int[] shown = new int[HEAD_ROWS + 1 + TAIL_ROWS];
        for (int i = 0; i < HEAD_ROWS; i++) {
            shown[i] = i;
        }
        shown[HEAD_ROWS] = -1;
        for (int i = 0; i < TAIL_ROWS; i++) {
            shown[HEAD_ROWS + 1 + i] = rows - TAIL_ROWS + i;
        }
        return shown;
    }

    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        Object value = column.get(row);
        if (value instanceof Double || value instanceof Float) {
            return formatReal(((Number) value).doubleValue());
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return formatInteger(((Number) value).longValue());
        }
        return column.getString(row);
    }

    /** Thousands separators, so that 1234567 reads as 1,234,567. */
    static String formatInteger(long value) {
        return new DecimalFormat("#,##0", SYMBOLS).format(value);
    }

    /**
     * Four significant digits: 0.123456 → 0.1235, 12345.678 → 12,350; very small or very large
     * magnitudes in scientific notation (1.235e-07).
     */
    static String formatReal(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        if (value == 0) {
            return "0";
        }
        double magnitude = Math.abs(value);
        if (magnitude < 1e-4 || magnitude >= 1e15) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros();
        DecimalFormat format = new DecimalFormat("#,##0", SYMBOLS);
        format.setMaximumFractionDigits(Math.max(0, rounded.scale()));
        return format.format(rounded);
    }

    private static boolean isNumeric(Column<?> column) {
        ColumnType type = column.type();
        return type == ColumnType.DOUBLE || type == ColumnType.FLOAT || type == ColumnType.INTEGER
                || type == ColumnType.LONG || type == ColumnType.SHORT;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
