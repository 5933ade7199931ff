package io.lambdahat.report;

import java.util.Base64;
import java.util.List;

/** Builds one self-contained HTML page: charts are embedded as base64 PNGs, so the file can be mailed or archived alone. */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

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

    /** {@return the complete HTML document, with its style sheet inline} */
    public String render() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n<style>"
                + "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                + "img{max-width:100%;border:1px solid #ddd;margin:.5em 0}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                + "th{background:#f4f4f4}</style></head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "</body></html>\n";
    }
}
