#!/usr/bin/env python3
"""ArviZ's rank-normalised split-R̂, bulk ESS and tail ESS on a set of draws, the oracle of ConvergenceTest.
Cases: AR(1) chains (φ from 0 to 0.95) that agree or whose means differ, an odd number of draws, ties, 2 to 8 chains.
Usage: convergence_reference.py OUT.json"""
import json
import sys

import numpy as np
import arviz as az


def ar1(rng, chains, draws, phi, shifts):
    x = np.empty((chains, draws))
    for c in range(chains):
        e = rng.standard_normal(draws)
        x[c, 0] = e[0]
        for t in range(1, draws):
            x[c, t] = phi * x[c, t - 1] + np.sqrt(1 - phi * phi) * e[t]
        x[c] += shifts[c]
    return x


def main(out):
    rng = np.random.default_rng(7)
    cases = []
    specs = [  # chains, draws, phi, shift of the last chain, rounding (ties)
        (4, 200, 0.0, 0.0, None), (4, 200, 0.9, 0.0, None), (4, 201, 0.5, 0.0, None), (2, 64, 0.3, 0.0, None),
        (8, 500, 0.95, 0.0, None), (4, 300, 0.5, 1.5, None), (3, 100, 0.2, 0.0, 1), (4, 400, 0.7, 0.3, None)]
    for chains, draws, phi, shift, rounding in specs:
        shifts = [0.0] * (chains - 1) + [shift]
        x = ar1(rng, chains, draws, phi, shifts)
        if rounding is not None:
            x = np.round(x, rounding)
        cases.append({"draws": x.tolist(),
                      "rhat_rank": float(az.rhat(x, method="rank")),
                      "ess_bulk": float(az.ess(x, method="bulk")),
                      "ess_tail": float(az.ess(x, method="tail"))})
    with open(out, "w") as f:
        json.dump({"arviz": az.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main(sys.argv[1])
