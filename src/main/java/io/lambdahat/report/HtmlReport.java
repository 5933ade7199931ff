package io.lambdahat.report;

import java.util.Base64;
import java.util.List;

/**
 * Builds one self-contained HTML page: static charts are embedded as base64 PNGs, and an interactive page carries its
 * data, the chart library and its script inline ({@link #interactive}), so the file can be mailed or archived alone.
 */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;
    private String data;

    /**
     * An empty page.
     *
     * @param title the page's title and top heading (plain text, escaped here)
     */
    public HtmlReport(String title) {
        this.title = title;
    }

    /**
     * Escapes text for HTML content and attribute values.
     *
     * @param s plain text
     * @return the text with &amp;, &lt;, &gt; and " replaced by entities
     */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Appends a section heading.
     *
     * @param text plain text (escaped here)
     * @return this page
     */
    public HtmlReport heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    /**
     * Appends a paragraph.
     *
     * @param text plain text (escaped here)
     * @return this page
     */
    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * Appends an image embedded as a base64 data URI.
     *
     * @param png the image as PNG bytes
     * @param alt its alternative text (escaped here)
     * @return this page
     */
    public HtmlReport image(byte[] png, String alt) {
        body.append("<img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        return this;
    }

    /**
     * Appends a table.
     *
     * @param header the column headings (plain text)
     * @param rows   the rows, each a list of cells (plain text)
     * @return this page
     */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table><thead><tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr></thead><tbody>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            for (String cell : row) body.append("<td>").append(escape(cell)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /**
     * A table cell that sorts by a number: the diagnostics table sorts by value, not by the printed text.
     *
     * @param text  what the cell shows (plain text)
     * @param value the number it sorts by; NaN for none (such cells sort last)
     */
    public record Cell(String text, double value) {
        /**
         * A cell of text, sorted as text.
         *
         * @param text what the cell shows
         * @return the cell
         */
        public static Cell text(String text) {
            return new Cell(text, Double.NaN);
        }
    }

    /**
     * Appends a table whose columns the reader sorts by clicking their headings (on an interactive page).
     *
     * @param header the column headings (plain text)
     * @param rows   the rows, each a list of cells
     * @return this page
     */
    public HtmlReport sortableTable(List<String> header, List<List<Cell>> rows) {
        body.append("<table class=\"lh-sortable\"><thead><tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr></thead><tbody>\n");
        for (List<Cell> row : rows) {
            body.append("<tr>");
            for (Cell c : row) {
                if (Double.isFinite(c.value())) body.append("<td data-v=\"").append(c.value()).append("\">");
                else body.append("<td class=\"lh-text\">");
                body.append(escape(c.text())).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /**
     * Appends an empty element that the page's script fills (a chart's place, the chart controls).
     *
     * @param id the element's id, as report.js knows it
     * @return this page
     */
    public HtmlReport placeholder(String id) {
        body.append("<div id=\"").append(escape(id)).append("\"></div>\n");
        return this;
    }

    /**
     * Makes the page interactive: the data, the chart library (with its licence) and the page's script go inline.
     *
     * @param json the page's data as JSON (see {@link RunPageData}), safe inside a script element
     * @return this page
     */
    HtmlReport interactive(String json) {
        this.data = json;
        return this;
    }

    /**
     * Opens a section the reader unfolds (closed by {@link #endDetails()}): material kept in the file but out of the way.
     *
     * @param summary the line shown while it is folded (plain text)
     * @return this page
     */
    public HtmlReport details(String summary) {
        body.append("<details><summary>").append(escape(summary)).append("</summary>\n");
        return this;
    }

    /**
     * Closes the section opened by {@link #details(String)}.
     *
     * @return this page
     */
    public HtmlReport endDetails() {
        body.append("</details>\n");
        return this;
    }

    /**
     * Appends a link.
     *
     * @param href the target, usually a file next to the page
     * @param text the link's text (plain text)
     * @return this page
     */
    public HtmlReport link(String href, String text) {
        body.append("<a href=\"").append(escape(href)).append("\">").append(escape(text)).append("</a> \n");
        return this;
    }

    /** {@return the complete HTML document, with its style sheets and (on an interactive page) its scripts inline} */
    public String render() {
        StringBuilder page = new StringBuilder(body.length() + (data == null ? 1024 : data.length() + PageAssets.CHART_LIBRARY.length() + 40_000));
        page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
                .append(escape(title)).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("img{max-width:100%;border:1px solid #ddd;margin:.5em 0}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f4f4f4}</style>\n");
        if (data != null) page.append("<style>").append(PageAssets.CHART_STYLE).append("\n").append(PageAssets.PAGE_STYLE).append("</style>\n");
        page.append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n").append(body);
        if (data != null) {
            page.append("<script type=\"application/json\" id=\"lh-data\">").append(data).append("</script>\n");
            // the library's licence travels with its copy (MIT asks for the notice in every copy)
            page.append("<script>/*! uPlot ").append(PageAssets.CHART_VERSION).append(" (npm uplot), inlined by lambdahat's report.\n")
                    .append(PageAssets.CHART_LICENCE.replace("*/", "* /")).append("*/\n")
                    .append(PageAssets.inlinable(PageAssets.CHART_LIBRARY)).append("</script>\n");
            page.append("<script>").append(PageAssets.inlinable(PageAssets.PAGE_SCRIPT)).append("</script>\n");
        }
        return page.append("</body></html>\n").toString();
    }
}
