package io.lambdahat.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.torchscript.TorchScriptFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Rank-normalised split-R̂, bulk ESS and tail ESS against ArviZ on the same draws (src/test/python/convergence_reference.py:
 * AR(1) chains that agree and that do not, an odd length, ties, 2 to 8 chains), and the normal quantile against its
 * known values.
 */
class ConvergenceTest {
    @Test
    void rankRhatAndBulkAndTailEssAreArviZs() throws Exception {
        Path out = Path.of("target/convergence-reference.json");
        TorchScriptFixtures.python(Path.of("src/test/python/convergence_reference.py"), out.toString());
        JsonNode ref = new ObjectMapper().readTree(Files.readString(out));
        int i = 0;
        for (JsonNode c : ref.get("cases")) {
            JsonNode rows = c.get("draws");
            double[][] draws = new double[rows.size()][];
            for (int k = 0; k < draws.length; k++) {
                draws[k] = new double[rows.get(k).size()];
                for (int t = 0; t < draws[k].length; t++) draws[k][t] = rows.get(k).get(t).asDouble();
            }
            double rhat = Convergence.rankRhat(draws), bulk = Convergence.essBulk(draws), tail = Convergence.essTail(draws);
            System.out.printf("case %d (%d chains × %d): R̂ %.6f (ArviZ %s %.6f), ESS bulk %.3f (%.3f), tail %.3f (%.3f)%n", i,
                    draws.length, draws[0].length, rhat, ref.get("arviz").asText(), c.get("rhat_rank").asDouble(), bulk,
                    c.get("ess_bulk").asDouble(), tail, c.get("ess_tail").asDouble());
            assertEquals(c.get("rhat_rank").asDouble(), rhat, 1e-7, "case " + i + " R̂");
            assertEquals(c.get("ess_bulk").asDouble(), bulk, 1e-6 * c.get("ess_bulk").asDouble(), "case " + i + " bulk ESS");
            assertEquals(c.get("ess_tail").asDouble(), tail, 1e-6 * c.get("ess_tail").asDouble(), "case " + i + " tail ESS");
            i++;
        }
        assertEquals(8, i);
    }

    @Test
    void theNormalQuantileHasItsKnownValues() {
        assertEquals(0, Convergence.normalQuantile(0.5), 1e-15);
        assertEquals(1.959963984540054, Convergence.normalQuantile(0.975), 2e-9 * 1.96);
        assertEquals(-2.326347874040841, Convergence.normalQuantile(0.01), 2e-9 * 2.33);
        assertEquals(-4.264890793922825, Convergence.normalQuantile(1e-5), 2e-9 * 4.27);
        assertThrows(IllegalArgumentException.class, () -> Convergence.normalQuantile(1));
    }

    @Test
    void tooFewChainsOrDrawsGiveNaN() {
        assertTrue(Double.isNaN(Convergence.rankRhat(new double[][] {{1, 2, 3, 4, 5}})));
        assertTrue(Double.isNaN(Convergence.essBulk(new double[][] {{1, 2, 3}})));
        assertTrue(Double.isNaN(Convergence.rankRhat(new double[][] {{1, 2, 3, 4}, {1, 2, Double.NaN, 4}})));
    }
}
