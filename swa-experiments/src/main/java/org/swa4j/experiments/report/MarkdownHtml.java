package org.swa4j.experiments.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML for the Markdown that swa4j itself writes (the {@code geometry.md} section of a report), so
 * that {@code report.html} shows the same section as {@code report.md}. It knows: ATX headings
 * ({@code #} to {@code ######}), pipe tables (a header row, a {@code |---|} separator row, body rows;
 * every line of the table starts with {@code |}), paragraphs (consecutive non-blank lines), and inline
 * images {@code ![alt](src)}, links {@code [text](href)}, {@code **bold**} and {@code `code`}.
 * Anything else is text: every character is HTML-escaped before the inline rules apply, so no raw
 * HTML passes through. Relative links stay relative (to the report's directory).
 */
final class MarkdownHtml {

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
    private static final Pattern SEPARATOR = Pattern.compile("^\\|?\\s*:?-+:?\\s*(\\|\\s*:?-+:?\\s*)*\\|?\\s*$");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\(([^)\\s]*)\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]*)\\)");
    private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private MarkdownHtml() {
    }

    /** The HTML of {@code markdown}, block by block. */
    static String toHtml(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
        StringBuilder h = new StringBuilder();
        List<String> paragraph = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            Matcher heading = HEADING.matcher(line);
            boolean table = line.startsWith("|");
            if (line.isEmpty() || heading.matches() || table) {
                flush(paragraph, h);
            }
            if (heading.matches()) {
                int level = heading.group(1).length();
                h.append("<h").append(level).append('>').append(inline(heading.group(2).strip()))
                        .append("</h").append(level).append(">\n");
            } else if (table) {
                List<String> rows = new ArrayList<>();
                while (i < lines.length && lines[i].strip().startsWith("|")) {
                    rows.add(lines[i].strip());
                    i++;
                }
                i--;
                table(rows, h);
            } else if (!line.isEmpty()) {
                paragraph.add(line);
            }
        }
        flush(paragraph, h);
        return h.toString();
    }

    private static void flush(List<String> paragraph, StringBuilder h) {
        if (!paragraph.isEmpty()) {
            h.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    private static void table(List<String> rows, StringBuilder h) {
        boolean header = rows.size() >= 2 && SEPARATOR.matcher(rows.get(1)).matches();
        h.append("<table>\n");
        for (int r = 0; r < rows.size(); r++) {
            if (header && r == 1) {
                continue;
            }
            String tag = header && r == 0 ? "th" : "td";
            h.append("<tr>");
            for (String cell : cells(rows.get(r))) {
                h.append('<').append(tag).append('>').append(inline(cell)).append("</").append(tag).append('>');
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** The cells of a table row: the text between the pipes, without the outer ones. */
    static List<String> cells(String row) {
        String s = row.strip();
        if (s.startsWith("|")) {
            s = s.substring(1);
        }
        if (s.endsWith("|")) {
            s = s.substring(0, s.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String c : s.split("\\|", -1)) {
            out.add(c.strip());
        }
        return out;
    }

    static String inline(String text) {
        String s = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        s = IMAGE.matcher(s).replaceAll("<img src=\"$2\" alt=\"$1\">");
        s = LINK.matcher(s).replaceAll("<a href=\"$2\">$1</a>");
        s = BOLD.matcher(s).replaceAll("<strong>$1</strong>");
        return CODE.matcher(s).replaceAll("<code>$1</code>");
    }
}
