package io.lambdahat.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdahat.sweep.SweepComparison;
import io.lambdahat.workflow.RunReportWriter;
import io.lambdahat.workflow.RunStages;
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
 * The sweep report ({@code lambdahat compare}) in headless Chromium: per setting, λ̂ and loss charts whose median and
 * band are the comparison's, with every seed's curve; hovering shows the median, its band and each seed; each run's
 * report is linked where it exists; the PNGs for papers stay in the file; no console error. A screenshot goes to
 * target/report-browser/. Skipped where chromium is not installed.
 */
class SweepReportBrowserTest {
    @BeforeAll
    static void findChromium() {
        assumeTrue(HeadlessChromium.executable() != null, "chromium is not installed, so the sweep report is not checked in a browser "
                + "(Debian: apt-get install -y chromium; or set LAMBDAHAT_CHROMIUM to the browser's path)");
    }

    @Test
    void settingsBandsSeedsAndLinksToEachRun(@TempDir Path sweep) throws Exception {
        Files.writeString(sweep.resolve("sweep.json"), "{\"task\": \"dln\", \"seeds\": [0, 1, 2], \"train\": {\"lr\": [0.05, 0.1]}}");
        for (int seed = 0; seed < 3; seed++) {
            for (String lr : List.of("0.05", "0.1")) SyntheticRun.write(sweep.resolve("cells/seed-" + seed + "_lr-" + lr), 30, false, seed + (lr.equals("0.1") ? 3 : 0));
        }
        Path withReport = sweep.resolve("cells/seed-1_lr-0.05");
        RunReportWriter.write(withReport);
        SweepComparison.Comparison c = SweepComparison.compare(sweep, run -> {
            RunStages.Analysis a = RunStages.analyse(run, note -> { }, false);
            return new SweepComparison.CellStages(a.stages(), a.metrics());
        });
        Path page = SweepReport.write(sweep.resolve("report.html"), c);
        String html = Files.readString(page);
        assertEquals(c.settings().size() * 2 + c.settings().stream().filter(s -> !s.transitions().isEmpty()).count(),
                html.split("data:image/png;base64,", -1).length - 1, "the PNGs for papers stay in the file");
        System.out.printf("sweep report of %d settings × 3 seeds: %d bytes%n", c.settings().size(), Files.size(page));

        try (HeadlessChromium browser = new HeadlessChromium(HeadlessChromium.executable(), 1200, 1400)) {
            browser.open(page.toUri().toString());
            long t0 = System.nanoTime();
            while (!browser.eval("!!(window.lambdahatReport && window.lambdahatReport.ready)").asBoolean()) {
                if (System.nanoTime() - t0 > 10_000_000_000L) fail("the page's script never finished: " + browser.errors());
                Thread.sleep(10);
            }
            List<String> ids = new ArrayList<>();
            browser.eval("Object.keys(lambdahatReport.charts)").forEach(n -> ids.add(n.asText()));
            assertEquals(List.of("lh-setting-0:llc", "lh-setting-0:loss", "lh-setting-1:llc", "lh-setting-1:loss"), ids);
            for (int k = 0; k < c.settings().size(); k++) {
                SweepComparison.Setting s = c.settings().get(k);
                JsonNode d = browser.eval("lambdahatReport.charts['lh-setting-" + k + ":llc'].data");
                assertEquals(s.llc().steps().length, d.get(0).size());
                for (int i = 0; i < s.llc().steps().length; i++) {
                    assertEquals(s.llc().median()[i], d.get(1).get(i).asDouble(), 0, "median at step " + s.llc().steps()[i]);
                    for (int r = 0; r < s.runs().size(); r++) {
                        double want = SweepPageData.onto(s.llc().steps(), s.runs().get(r).steps(), s.runs().get(r).llc())[i];
                        if (Double.isNaN(want)) assertTrue(d.get(2 + r).get(i).isNull());
                        else assertEquals(want, d.get(2 + r).get(i).asDouble(), 0, "seed " + s.runs().get(r).seed());
                    }
                }
            }
            // hover the λ̂ chart of the first setting at its 20th step
            SweepComparison.Setting s = c.settings().getFirst();
            JsonNode p = browser.eval("(function(){var u=lambdahatReport.charts['lh-setting-0:llc'];u.root.scrollIntoView();"
                    + "var r=u.over.getBoundingClientRect();return {x:r.left+u.valToPos(u.data[0][20],'x'),y:r.top+r.height/2,top:r.top};})()");
            browser.mouseMove(p.get("x").asDouble(), p.get("top").asDouble() - 40);
            browser.mouseMove(p.get("x").asDouble(), p.get("y").asDouble());
            String tip = browser.eval("document.querySelector('#lh-chart-lh-setting-0\\\\:llc .lh-tip').textContent").asText();
            assertTrue(tip.startsWith("step " + s.llc().steps()[20] + "\nmedian " + RunReport.fmt(s.llc().median()[20]) + " [25–75 %: "
                    + RunReport.fmt(s.llc().low()[20]) + "–" + RunReport.fmt(s.llc().high()[20]) + "] over 3 runs"), tip);
            for (SweepComparison.Run r : s.runs()) assertTrue(tip.contains("seed " + r.seed() + " "), tip);
            browser.screenshotViewport(SweepReportTestShots.path("sweep-report-hover.png"));

            // the run that has a report is linked, relative to the sweep's page; the others say how to make theirs
            JsonNode links = browser.eval("[].map.call(document.querySelectorAll('a'),function(a){return a.getAttribute('href');})");
            List<String> hrefs = new ArrayList<>();
            links.forEach(n -> hrefs.add(n.asText()));
            assertTrue(hrefs.contains("cells/seed-1_lr-0.05/report.html"), hrefs.toString());
            assertTrue(Files.isRegularFile(page.getParent().resolve("cells/seed-1_lr-0.05/report.html")));
            assertTrue(html.contains("seed 0 (seed-0_lr-0.05): no report yet; 'lambdahat report --run " + sweep.resolve("cells/seed-0_lr-0.05")), "how to make it");
            browser.eval("window.scrollTo(0,0)");
            browser.screenshot(SweepReportTestShots.path("sweep-report.png"));
            assertEquals(List.of(), browser.errors(), "no console error");
        }
    }

    /** Where the screenshots go: target/report-browser/, kept as CI artifacts. */
    static final class SweepReportTestShots {
        static Path path(String name) {
            return Path.of("target", "report-browser", name);
        }
    }
}
