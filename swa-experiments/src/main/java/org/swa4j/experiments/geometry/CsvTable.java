package org.swa4j.experiments.geometry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.swa4j.experiments.results.AtomicFiles;

/**
 * A small CSV table (comma-separated, header first, numbers as {@link Double#toString} (full
 * precision), {@code NaN} written as an empty field) written atomically. Rejects rows whose length
 * differs from the header's.
 */
public final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public CsvTable(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; numbers are formatted, {@code NaN}/{@code null} become empty fields. */
    public CsvTable add(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("row has " + values.length + " fields, header " + header + " has " + header.size());
        }
        List<String> row = new ArrayList<>(values.length);
        for (Object v : values) {
            row.add(format(v));
        }
        rows.add(row);
        return this;
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return d.isNaN() ? "" : Double.toString(d);
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        String s = v.toString();
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** The CSV text. */
    public String text() {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> row : rows) {
            sb.append(String.join(",", row)).append('\n');
        }
        return sb.toString();
    }

    /** Writes the table to {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, text());
    }
}
