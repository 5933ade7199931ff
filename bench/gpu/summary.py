#!/usr/bin/env python3
"""Prints the table of a bench/gpu/run.sh run from OUT/java.json, OUT/python.json and the JUnit reports in OUT/junit,
with the ratios of this run, and writes OUT/summary.json. Usage: python3 bench/gpu/summary.py OUT"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def tests(out):
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    failed = []
    for report in glob.glob(os.path.join(out, "junit", "*.xml")):
        for suite in ET.parse(report).getroot().iter("testsuite"):
            for key in counts:
                counts[key] += int(suite.get(key, 0))
            for case in suite.iter("testcase"):
                if case.find("failure") is not None or case.find("error") is not None:
                    failed.append(f"{case.get('classname')}.{case.get('name')}")
    return counts, failed


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/gpu-out"
    java, py = load(os.path.join(out, "java.json")), load(os.path.join(out, "python.json"))
    counts, failed = tests(out)
    result = {"tests": counts, "failed": failed}
    print(f"GPU tests: {counts['tests']} run, {counts['failures'] + counts['errors']} failed, {counts['skipped']} skipped"
          + (f" ({', '.join(failed)})" if failed else ""))
    if java is None:
        print("benchmark: no java.json (the Java benchmark did not finish)")
    else:
        s = java["settings"]
        where = (py or {}).get("gpu") or s["device"]
        print(f"benchmark on {where}: {s['layers']}-layer attention-only transformer, d_model {s['d_model']}, {s['heads']} heads, "
              f"context {s['context']}, vocabulary {s['vocab']}, P = {java['parameters']}; batch {s['batch']}")
        print(f"{'':44s}{'Java':>14s}{'PyTorch':>14s}{'ratio':>9s}  target")
        steps = java["llc"]["steps_per_chain"]
        jl, pl = java["llc"]["seconds"], (py or {}).get("llc", {}).get("seconds")
        label = f"λ̂, {s['chains']} chains × {steps} steps (s)"
        ratio = pl / jl if pl else None
        print(f"{label:44s}{jl:14.2f}{pl if pl is not None else float('nan'):14.2f}{ratio if ratio else float('nan'):8.2f}×  ≥ 4× (PyTorch s / Java s)")
        jt, pt = java["train"]["tokens_per_second"], (py or {}).get("train", {}).get("tokens_per_second")
        tratio = jt / pt if pt else None
        print(f"{'training throughput (tokens/s)':44s}{jt:14.0f}{pt if pt is not None else float('nan'):14.0f}"
              f"{tratio if tratio else float('nan'):8.2f}×  ≥ 1× (Java / PyTorch)")
        jc, pc = java["check_loss"], (py or {}).get("check_loss")
        print(f"{'check loss at w* (same model: equal)':44s}{jc:14.6f}{pc if pc is not None else float('nan'):14.6f}")
        jm, js = java["llc"]["llc_mean"], java["llc"]["llc_stderr"]
        pm, ps = (py or {}).get("llc", {}).get("llc_mean", float("nan")), (py or {}).get("llc", {}).get("llc_stderr", float("nan"))
        print(f"{'λ̂ ± SE (same settings: close)':44s}{f'{jm:.2f} ± {js:.2f}':>14s}{f'{pm:.2f} ± {ps:.2f}':>14s}")
        result.update({"device": where, "llc_speedup": ratio, "train_ratio": tratio, "java": java, "python": py})
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
