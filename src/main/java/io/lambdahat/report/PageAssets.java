package io.lambdahat.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The scripts and style sheets an interactive page inlines, read once from the class path: the chart library (uPlot,
 * MIT; its licence goes into the page with it), the page's own script and style. They are copied into every page
 * rather than linked, so a report opens offline, mailed or archived as one file. The copy of uPlot under
 * {@code io/lambdahat/report/uplot/} is refreshed by {@code bin/update-chart-lib}; its VERSION file names the version.
 */
final class PageAssets {
    private static final String ROOT = "/io/lambdahat/report/";

    /** uPlot's minified script. */
    static final String CHART_LIBRARY = read("uplot/uPlot.iife.min.js");
    /** uPlot's style sheet. */
    static final String CHART_STYLE = read("uplot/uPlot.min.css");
    /** uPlot's licence text, as it ships in the npm package. */
    static final String CHART_LICENCE = read("uplot/LICENSE");
    /** The version of uPlot inlined, from its VERSION file. */
    static final String CHART_VERSION = read("uplot/VERSION").lines().filter(l -> l.startsWith("version="))
            .map(l -> l.substring("version=".length())).findFirst().orElse("unknown");
    /** The page's own script: the charts, tooltips, zoom and sorting. */
    static final String PAGE_SCRIPT = read("report.js");
    /** The page's own style sheet. */
    static final String PAGE_STYLE = read("report.css");

    private PageAssets() {}

    /**
     * A script made safe to inline: "&lt;/script" would end the element early, so it is split as a string escape.
     *
     * @param js script text
     * @return the same script, inlinable
     */
    static String inlinable(String js) {
        return js.replace("</script", "<\\/script");
    }

    private static String read(String name) {
        try (InputStream in = PageAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) throw new IllegalStateException("the report's asset " + ROOT + name + " is missing from the class path; rebuild lambdahat");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
