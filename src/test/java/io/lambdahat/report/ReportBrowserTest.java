package io.lambdahat.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdahat.trajectory.RunRecords;
import io.lambdahat.workflow.RunReportWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * report.html in headless Chromium: it renders with no console error and opens in ≤ 1 s; the λ̂ series holds every
 * record's λ̂; hovering a checkpoint shows its step, loss, λ̂ ± se, MALA, R̂ and findings, and moves the cursor of the
 * other charts to the same step; zoom, pan and the log/linear switch act on every chart at once; the legend hides a
 * series; band labels never overlap; the diagnostics table sorts by value. Screenshots go to target/report-browser/.
 * Skipped where chromium is not installed (Debian: apt-get install -y chromium).
 */
class ReportBrowserTest {
    private static final Path SHOTS = Path.of("target", "report-browser");
    private static Path chromium;

    @BeforeAll
    static void findChromium() {
        chromium = HeadlessChromium.executable();
        assumeTrue(chromium != null, "chromium is not installed, so report.html is not checked in a browser "
                + "(Debian: apt-get install -y chromium; or set LAMBDAHAT_CHROMIUM to the browser's path)");
    }

    /** Waits for the page's script to finish its first drawing. */
    private static double ready(HeadlessChromium browser, double loaded) throws Exception {
        long t0 = System.nanoTime();
        while (!browser.eval("!!(window.lambdahatReport && window.lambdahatReport.ready)").asBoolean()) {
            if (System.nanoTime() - t0 > 10_000_000_000L) fail("the page's script never finished: " + browser.errors());
            Thread.sleep(10);
        }
        return loaded + (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void aHundredCheckpointRunReadsRightUnderTheMouse(@TempDir Path run) throws Exception {
        SyntheticRun.write(run, 100, true);
        Path html = RunReportWriter.write(run).html();
        List<RunRecords.Entry> entries = RunRecords.read(run);
        try (HeadlessChromium browser = new HeadlessChromium(chromium, 1200, 1400)) {
            double opened = ready(browser, browser.open(html.toUri().toString()));
            System.out.printf("report.html of 100 checkpoints with per-head λ̂ (%d bytes) opened in Chromium in %.3f s%n", Files.size(html), opened);
            assertEquals(List.of("main", "metric:held_out_loss", "metric:mode_1", "metric:mode_2", "metric:mode_3", "heads"),
                    strings(browser.eval("Object.keys(lambdahatReport.charts)")));

            // every record's λ̂ is in the λ̂ series; the checkpoint that is not a local minimum is a marker instead
            JsonNode chart = browser.eval("(function(){var u=lambdahatReport.charts.main;return {x:u.data[0],llc:u.data[2],"
                    + "notLocal:u.data[3],names:u.series.map(function(s){return s.label;})};})()");
            assertEquals(List.of("step", "loss", "λ̂", "not a local minimum (no λ̂)", "diagnostic warning"), strings(chart.get("names")));
            for (int i = 0; i < entries.size(); i++) {
                RunRecords.Entry e = entries.get(i);
                assertEquals(Math.max(e.step(), 1), chart.get("x").get(i).asDouble(), 0);
                if (i == SyntheticRun.NOT_LOCAL) {
                    assertTrue(chart.get("llc").get(i).isNull(), "no λ̂ drawn at step " + e.step());
                    assertFalse(chart.get("notLocal").get(i).isNull());
                } else {
                    assertEquals(e.llcMean(), chart.get("llc").get(i).asDouble(), 0, "λ̂ at step " + e.step());
                }
            }

            // hovering checkpoint 60 shows its numbers, and the per-head chart's cursor follows to the same step
            int i = 60;
            RunRecords.Entry e = entries.get(i);
            hover(browser, "main", i);
            JsonNode tip = browser.eval("(function(){var t=document.querySelector('#lh-chart-main .lh-tip');"
                    + "return {display:t.style.display,text:t.textContent,idx:lambdahatReport.charts.main.cursor.idx,"
                    + "heads:lambdahatReport.charts.heads.cursor.idx};})()");
            assertEquals("block", tip.get("display").asText());
            assertEquals(i, tip.get("idx").asInt());
            assertEquals(i, tip.get("heads").asInt(), "the per-head chart's cursor is at the same step");
            String text = tip.get("text").asText();
            System.out.println("tooltip at checkpoint " + i + ":\n" + text);
            for (String want : List.of("step " + e.step(), "loss " + RunReport.fmt(e.loss()), "λ̂ " + RunReport.fmt(e.llcMean()) + " ± "
                    + RunReport.fmt(e.llcStderr()), "MALA " + RunReport.fmt(e.malaAcceptance()), "R̂ " + RunReport.fmt(e.raw().get("rhat").asDouble()),
                    "findings: none")) {
                assertTrue(text.contains(want), "tooltip has '" + want + "': " + text);
            }
            assertTrue(browser.eval("lambdahatReport.tooltip('main'," + SyntheticRun.WARNED + ")").asText().contains("findings: low acceptance"));
            assertTrue(browser.eval("lambdahatReport.tooltip('main'," + SyntheticRun.NOT_LOCAL + ")").asText().contains("not a local minimum"));

            // the per-head chart: head L1H2 at checkpoint 80
            hover(browser, "heads", 80);
            String headTip = browser.eval("document.querySelector('#lh-chart-heads .lh-tip').textContent").asText();
            double l1h2 = io.lambdahat.trajectory.HeadTrajectory.read(run).get("L1H2").mean()[80];
            assertTrue(headTip.startsWith("step " + entries.get(80).step()) && headTip.contains("L1H2 " + RunReport.fmt(l1h2) + " ± 0.0500"), headTip);

            // zoom with the wheel over the λ̂ chart: every chart takes the same, narrower step range
            JsonNode before = ranges(browser);
            JsonNode at = browser.eval("(function(){var u=lambdahatReport.charts.main;u.root.scrollIntoView();var r=u.over.getBoundingClientRect();"
                    + "return {x:r.left+r.width/2,y:r.top+r.height/2};})()");
            browser.wheel(at.get("x").asDouble(), at.get("y").asDouble(), -300);
            JsonNode zoomed = ranges(browser);
            assertSameRange(zoomed);
            double wide = Math.log10(before.get(0).get(1).asDouble() / before.get(0).get(0).asDouble());
            double narrow = Math.log10(zoomed.get(0).get(1).asDouble() / zoomed.get(0).get(0).asDouble());
            assertEquals(0.8 * wide, narrow, 1e-6 * wide, "one wheel step zooms to 80 % of the decades shown");
            // pan later by a quarter of the view, on all charts
            browser.eval("document.querySelectorAll('#lh-controls button')[2].click()");
            JsonNode panned = ranges(browser);
            assertSameRange(panned);
            assertEquals(Math.log10(zoomed.get(0).get(0).asDouble()) + 0.25 * narrow, Math.log10(panned.get(0).get(0).asDouble()), 1e-6);
            // the whole run again, then a linear step axis on every chart and back
            browser.eval("lambdahatReport.resetZoom()");
            assertEquals(before, ranges(browser));
            browser.eval("document.querySelectorAll('#lh-controls button')[0].click()");
            assertEquals(List.of(1, 1, 1, 1, 1, 1), ints(browser.eval("Object.keys(lambdahatReport.charts).map(function(k){return lambdahatReport.charts[k].scales.x.distr;})")));
            assertEquals(0, ranges(browser).get(0).get(0).asDouble(), 0, "the linear axis starts at step 0");
            browser.eval("document.querySelectorAll('#lh-controls button')[0].click()");
            assertEquals(3, browser.eval("lambdahatReport.charts.main.scales.x.distr").asInt());

            // the legend hides and shows λ̂
            browser.eval("document.querySelectorAll('#lh-chart-main .u-legend .u-series')[2].querySelector('th').click()");
            assertFalse(browser.eval("lambdahatReport.charts.main.series[2].show").asBoolean());
            browser.eval("document.querySelectorAll('#lh-chart-main .u-legend .u-series')[2].querySelector('th').click()");
            assertTrue(browser.eval("lambdahatReport.charts.main.series[2].show").asBoolean());

            // band labels: the three task metrics change close together, so their labels need rows; none overlap
            JsonNode labels = browser.eval("(function(){var o={};Object.keys(lambdahatReport.charts).forEach(function(k){var u=lambdahatReport.charts[k];"
                    + "o[k]={labels:u._lhLabels,left:u.bbox.left/devicePixelRatio,right:(u.bbox.left+u.bbox.width)/devicePixelRatio};});return o;})()");
            int maxLane = 0;
            for (var c : labels.properties()) {
                JsonNode ls = c.getValue().get("labels");
                for (JsonNode a : ls) {
                    maxLane = Math.max(maxLane, a.get("lane").asInt());
                    assertTrue(a.get("left").asDouble() >= c.getValue().get("left").asDouble() - 1e-6
                            && a.get("right").asDouble() <= c.getValue().get("right").asDouble() + 1e-6, c.getKey() + ": " + a);
                    for (JsonNode b : ls) {
                        if (a == b) continue;
                        boolean apart = a.get("right").asDouble() <= b.get("left").asDouble() || b.get("right").asDouble() <= a.get("left").asDouble()
                                || a.get("bottom").asDouble() <= b.get("top").asDouble() || b.get("bottom").asDouble() <= a.get("top").asDouble();
                        assertTrue(apart, c.getKey() + ": " + a + " overlaps " + b);
                    }
                }
            }
            assertTrue(labels.get("main").get("labels").size() >= 4, labels.get("main").toString());
            assertTrue(maxLane >= 1, "the close task-metric bands take a second row: " + labels.get("main"));

            // the diagnostics table sorts by λ̂: lowest first (the checkpoint whose chains ran downhill), then highest first
            String sortByLlc = "(function(){var th=[].filter.call(document.querySelectorAll('table.lh-sortable th'),function(h){return h.textContent==='λ̂';})[0];"
                    + "th.click();return document.querySelector('table.lh-sortable tbody tr').cells[0].textContent;})()";
            assertEquals(Long.toString(entries.get(SyntheticRun.NOT_LOCAL).step()), browser.eval(sortByLlc).asText());
            RunRecords.Entry top = entries.stream().max(java.util.Comparator.comparingDouble(RunRecords.Entry::llcMean)).orElseThrow();
            assertEquals(Long.toString(top.step()), browser.eval(sortByLlc).asText());

            // what a reader sees: the λ̂ chart with the tooltip of checkpoint 60, and the per-head chart; then the whole page
            hover(browser, "main", i);
            browser.screenshotViewport(SHOTS.resolve("report-100-checkpoints-hover.png"));
            hover(browser, "heads", 80);
            browser.screenshotViewport(SHOTS.resolve("report-100-checkpoints-heads.png"));
            browser.eval("window.scrollTo(0,0)");
            Path shot = SHOTS.resolve("report-100-checkpoints.png");
            browser.screenshot(shot);
            System.out.println("screenshot: " + shot.toAbsolutePath() + " (" + Files.size(shot) + " bytes)");
            assertEquals(List.of(), browser.errors(), "no console error");
            assertTrue(opened <= 1.0, "opened in " + opened + " s");
        }
    }

    @Test
    void aRunWithNoRecordsSaysSoInTheBrowser(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("config.json"), "{}");
        Path html = RunReportWriter.write(run, note -> { }, false).html();
        try (HeadlessChromium browser = new HeadlessChromium(chromium, 1000, 700)) {
            ready(browser, browser.open(html.toUri().toString()));
            assertTrue(browser.eval("document.getElementById('lh-main').textContent").asText().startsWith("This run has no λ̂ records yet"));
            assertEquals(0, browser.eval("Object.keys(lambdahatReport.charts).length").asInt());
            browser.screenshot(SHOTS.resolve("report-no-records.png"));
            assertEquals(List.of(), browser.errors(), "no console error");
        }
    }

    /** Moves the mouse onto data index i of a chart (scrolled into view), from outside it so that it enters. */
    private static void hover(HeadlessChromium browser, String chart, int i) throws Exception {
        JsonNode p = browser.eval("(function(){var u=lambdahatReport.charts['" + chart + "'];u.root.scrollIntoView();var r=u.over.getBoundingClientRect();"
                + "return {x:r.left+u.valToPos(u.data[0][" + i + "],'x'),y:r.top+r.height/2,top:r.top};})()");
        browser.mouseMove(p.get("x").asDouble(), p.get("top").asDouble() - 40);
        browser.mouseMove(p.get("x").asDouble(), p.get("y").asDouble());
    }

    /** Every chart's step range, [min, max], in chart order. */
    private static JsonNode ranges(HeadlessChromium browser) throws Exception {
        return browser.eval("Object.keys(lambdahatReport.charts).map(function(k){var s=lambdahatReport.charts[k].scales.x;return [s.min,s.max];})");
    }

    private static void assertSameRange(JsonNode ranges) {
        for (JsonNode r : ranges) assertEquals(ranges.get(0), r, "every chart shows the same steps: " + ranges);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
