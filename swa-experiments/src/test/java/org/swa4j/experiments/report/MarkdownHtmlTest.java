package org.swa4j.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Markdown subset of geometry.md against HTML written out by hand. */
class MarkdownHtmlTest {

    @Test
    void headingsParagraphsTablesImagesAndLinks() {
        String md = """
                ## Geometry: the SGD and SWA solutions

                **Distances** ([distances.csv](geometry/seed1/distances.csv)): ||w_SWA - w_SGD|| = 3.5000.
                second line of the same paragraph

                | solution | error (%) |
                |---|---|
                | SGD (t = 0) | 10.00 |
                | **mismatch** | a < b & c |

                ![test error along the line](geometry/seed1/line-test-error.png)
                """;
        String expected = "<h2>Geometry: the SGD and SWA solutions</h2>\n"
                + "<p><strong>Distances</strong> (<a href=\"geometry/seed1/distances.csv\">distances.csv</a>): "
                + "||w_SWA - w_SGD|| = 3.5000. second line of the same paragraph</p>\n"
                + "<table>\n"
                + "<tr><th>solution</th><th>error (%)</th></tr>\n"
                + "<tr><td>SGD (t = 0)</td><td>10.00</td></tr>\n"
                + "<tr><td><strong>mismatch</strong></td><td>a &lt; b &amp; c</td></tr>\n"
                + "</table>\n"
                + "<p><img src=\"geometry/seed1/line-test-error.png\" alt=\"test error along the line\"></p>\n";
        assertEquals(expected, MarkdownHtml.toHtml(md));
    }

    @Test
    void rawHtmlIsEscapedAndCellsKeepEmptyOnes() {
        assertEquals("<p>&lt;script&gt;x&lt;/script&gt; <code>a</code></p>\n", MarkdownHtml.toHtml("<script>x</script> `a`"));
        assertEquals(List.of("a", "", "b"), MarkdownHtml.cells("| a | | b |"));
    }
}
