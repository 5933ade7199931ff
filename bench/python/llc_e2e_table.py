#!/usr/bin/python3
"""Prints the tables of the end-to-end λ̂ benchmark from the JSON lines that bench/llc-e2e.sh collected (one file,
lines from LlcEndToEnd and the Python references mixed): timings and ratios against lambdahat, every λ̂, the pooled λ̂
with a z-score against lambdahat's, chain scaling and the per-step profile.

Times: "warm" is the median over runs 1.. of a process (run 0, the first estimate in the process, is shown apart: for
the JVM it includes class loading and JIT compilation); with a single run, run 0 is used. Ratios are
reference time / lambdahat time, so > 1 means lambdahat is faster. Both wall and thread-CPU times are given: on a
shared machine wall time also measures the scheduler, CPU time does not.

Usage: /usr/bin/python3 bench/python/llc_e2e_table.py RESULTS.jsonl
"""
import json
import math
import statistics
import sys
from collections import OrderedDict, defaultdict

BASELINES = ["java", "java-nomala"]


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def warm(runs, key):
    values = [r[key] for r in runs if r["run"] >= 1] or [r[key] for r in runs]
    return statistics.median(values), min(values), max(values), len(values)


def fmt_time(t):
    return "%.3g" % t if t < 100 else "%.0f" % t


def pooled(runs):
    chains = [v for r in runs for v in r["llc_chains"] if v is not None and math.isfinite(v)]
    if len(chains) < 2:
        return float("nan"), float("nan"), float("nan"), len(chains)
    m, s = statistics.fmean(chains), statistics.stdev(chains)
    return m, s, s / math.sqrt(len(chains)), len(chains)


def divergence(runs):
    out = []
    for r in runs:
        if r.get("diverged"):
            out.append("run %d: %s" % (r["run"], ", ".join("c%d@%d" % (d["chain"], d["step"]) for d in r["diverged"])))
    return "; ".join(out) if out else "none"


def estimates_table(records):
    by = OrderedDict()
    for r in records:
        if "llc_chains" in r and "profile" not in r["impl"]:
            by.setdefault(r["label"], OrderedDict()).setdefault(r["impl"], []).append(r)
    print("== λ̂ end to end (libtorch on 1 thread everywhere; seconds per estimate; ratio = reference / lambdahat)")
    for label, impls in by.items():
        any_run = next(iter(impls.values()))[0]
        print("\n[%s] %s, n = %d, batch %d, %d chains, %d burn-in + %d draws, ε = %g, γ = %g, nβ = %.4g" % (
            label, any_run["model"], any_run["n"], any_run["batch"], any_run["chains"], any_run["burnin"],
            any_run["draws"], any_run["eps"], any_run["gamma"], any_run["nbeta"]))
        base = {b: impls[b] for b in BASELINES if b in impls}
        header = "%-24s %4s %22s %22s %9s" % ("implementation", "runs", "wall s warm [min–max]", "CPU s warm [min–max]",
                                             "1st wall")
        for b in base:
            header += " %13s" % ("÷%s w/cpu" % ("java" if b == "java" else "nomala"))
        reference = next(iter(base), None)
        print(header + "   λ̂ pooled mean ± std (se, chains)   z vs %s" % reference)
        java_pool = pooled(impls[reference]) if reference else None
        for impl, runs in impls.items():
            w, wmin, wmax, k = warm(runs, "seconds")
            c, cmin, cmax, _ = warm(runs, "cpu_seconds")
            first = [r for r in runs if r["run"] == 0]
            line = "%-24s %4d %22s %22s %9s" % (impl, len(runs), "%s [%s–%s]" % (fmt_time(w), fmt_time(wmin), fmt_time(wmax)),
                                                "%s [%s–%s]" % (fmt_time(c), fmt_time(cmin), fmt_time(cmax)),
                                                fmt_time(first[0]["seconds"]) if first else "-")
            for b, bruns in base.items():
                bw, bc = warm(bruns, "seconds")[0], warm(bruns, "cpu_seconds")[0]
                line += " %13s" % ("%.2f/%.2f" % (w / bw, c / bc))
            m, s, se, n = pooled(runs)
            z = float("nan")
            if java_pool and impl != reference and n > 1 and java_pool[3] > 1:
                z = (m - java_pool[0]) / math.sqrt(se ** 2 + java_pool[2] ** 2)
            line += "   %7.3f ± %.3f (%.3f, %d)   %s" % (m, s, se, n, "" if math.isnan(z) else "%+.2f" % z)
            print(line)
        for impl, runs in impls.items():
            if any(r.get("diverged") for r in runs):
                print("   diverged %-22s %s" % (impl, divergence(runs)))
    print("\n== every estimate: λ̂ mean ± std over chains (chains' λ̂), wall / CPU seconds")
    for label, impls in by.items():
        for impl, runs in impls.items():
            for r in runs:
                chains = ", ".join("%.3f" % v if v is not None and math.isfinite(v) else "NaN" for v in r["llc_chains"])
                extra = ""
                if r.get("mala_accept") is not None and not (isinstance(r["mala_accept"], float) and math.isnan(r["mala_accept"])):
                    extra = "  MALA %.3f" % r["mala_accept"]
                if r.get("chain_seconds"):
                    extra += "  per chain s: " + ", ".join("%.1f" % v for v in r["chain_seconds"])
                print("%-12s %-24s run %d  %8.3f / %8.3f s  λ̂ = %7.3f ± %.3f  (%s)%s" % (
                    label, impl, r["run"], r["seconds"], r["cpu_seconds"], r["llc_mean"], r["llc_std"], chains, extra))


TARGETS = [("python-devinterp-style", 10.0), ("python-batched", 1.5)]


def targets_table(records):
    """The issue's targets: lambdahat (default settings, MALA on) ≥ 10× the devinterp-style loop and ≥ 1.5× the
    batched PyTorch loop, on estimates that did not diverge."""
    by = OrderedDict()
    for r in records:
        if "llc_chains" in r and "profile" not in r["impl"] and not r.get("diverged"):
            by.setdefault(r["label"], OrderedDict()).setdefault(r["impl"], []).append(r)
    lines = []
    for label, impls in by.items():
        for java in BASELINES:
            if java not in impls:
                continue
            jw, jc = warm(impls[java], "seconds")[0], warm(impls[java], "cpu_seconds")[0]
            for ref, target in TARGETS:
                if ref in impls:
                    rw, rc = warm(impls[ref], "seconds")[0], warm(impls[ref], "cpu_seconds")[0]
                    met = "met" if min(rw / jw, rc / jc) >= target else ("wall only" if rw / jw >= target else (
                        "CPU only" if rc / jc >= target else "missed"))
                    lines.append("%-12s %-12s vs %-24s wall %6.2f×   CPU %6.2f×   target ≥ %g×: %s" % (
                        label, java, ref, rw / jw, rc / jc, target, met))
    if lines:
        print("\n== targets (how many times faster lambdahat is; warm medians)")
        print("\n".join(lines))


def scaling_table(records):
    groups = OrderedDict()
    for r in records:
        if r["impl"].startswith("java-scaling"):
            groups.setdefault((r["model"], r["impl"]), defaultdict(list))[r["chains"]].append(r)
    if not groups:
        return
    print("\n== chain scaling (lambdahat): time per SGLD step of all C chains; per chain-step relative to C = 1"
          " (target at C = 8: ≤ 0.5)")
    for (model, impl), by_c in groups.items():
        print("\n%s, %s, batch %d" % (model, "MALA off" if "nomala" in impl else "MALA on", next(iter(by_c.values()))[0]["batch"]))
        print("%4s %26s %26s %14s %18s" % ("C", "wall ms/step med [min–max]", "CPU ms/step med [min–max]",
                                         "CPU ms/chain-st", "per chain-step ÷ C=1 (CPU / wall)"))
        one, target = None, "no C = 8 measured"
        for c in sorted(by_c):
            wall = [r["seconds_per_step"] * 1e3 for r in by_c[c]]
            cpu = [r["cpu_seconds_per_step"] * 1e3 for r in by_c[c]]
            wm, cm = statistics.median(wall), statistics.median(cpu)
            if c == 1:
                one = (wm, cm)
            rel = "" if one is None else "%.3f / %.3f" % (cm / c / one[1], wm / c / one[0])
            print("%4d %26s %26s %14.3f %18s" % (c, "%.3f [%.3f–%.3f]" % (wm, min(wall), max(wall)),
                                                 "%.3f [%.3f–%.3f]" % (cm, min(cpu), max(cpu)), cm / c, rel))
            if c == 8 and one is not None:
                relc, relw = cm / c / one[1], wm / c / one[0]
                verdict = "met" if max(relc, relw) <= 0.5 else ("CPU only" if relc <= 0.5 else ("wall only" if relw <= 0.5 else "missed"))
                target = "target at C = 8 (per chain-step ≤ 0.5 × C = 1): CPU %.3f, wall %.3f: %s" % (relc, relw, verdict)
        print(target)


def profile_table(records):
    profiles = [r for r in records if "profile" in r["impl"]]
    if not profiles:
        return
    print("\n== where a step goes (CPU µs per SGLD step of 4 chains, a draw every step, MALA off; java-profile: the default"
          " fused Vector API update, -torchops: the libtorch-ops update)")
    for model in OrderedDict((r["model"], None) for r in profiles):
        rows = [r for r in profiles if r["model"] == model]
        phases = []
        for r in rows:
            for p in r["cpu_microseconds_per_step"]:
                if p not in phases:
                    phases.append(p)
        print("\n%s, batch %d" % (model, rows[0]["batch"]))
        print("%-20s" % "phase" + "".join("%24s" % r["impl"] for r in rows))
        for p in phases:
            print("%-20s" % p + "".join("%24s" % ("%.1f" % r["cpu_microseconds_per_step"][p]
                                                  if p in r["cpu_microseconds_per_step"] else "-") for r in rows))
        print("%-20s" % "total" + "".join("%24.1f" % sum(r["cpu_microseconds_per_step"].values()) for r in rows))
        print("%-20s" % "wall µs/step" + "".join("%24s" % ("%.1f" % r["wall_microseconds_per_step"]
                                                          if "wall_microseconds_per_step" in r else "-") for r in rows))
        print("%-20s" % "tensor handles/step" + "".join("%24s" % ("%.0f" % r["tensor_handles_per_step"]
                                                                 if "tensor_handles_per_step" in r else "-") for r in rows))
        noop = [r["noop_native_call_microseconds"] for r in rows if "noop_native_call_microseconds" in r]
        if noop:
            print("one libtorch round trip (view + free) from Java: %.2f CPU µs" % statistics.median(noop))


def main():
    records = load(sys.argv[1])
    estimates_table(records)
    targets_table(records)
    scaling_table(records)
    profile_table(records)


if __name__ == "__main__":
    main()
