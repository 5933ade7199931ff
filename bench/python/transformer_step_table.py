#!/usr/bin/python3
"""Summary of bench/transformer_step.sh: per model and round, ms per whole training step with AdamW (wall) of
lambdahat and of PyTorch, their ratio PyTorch / lambdahat, and the median ratio over the rounds.

Usage: transformer_step_table.py OUT_DIR ROUNDS
"""
import re
import statistics
import sys


def adamw_ms(path):
    """{model key ("2L 4H d64"): ms per step with AdamW} from one side's printout."""
    result, model = {}, None
    with open(path) as f:
        for line in f:
            header = re.match(r"^(\d+L \d+H d\d+)", line)
            if header:
                model = header.group(1)
            step = re.search(r"training step with AdamW:\s+([\d.]+) ms/step wall", line)
            if step and model:
                result[model] = float(step.group(1))
    return result


def main():
    out, rounds = sys.argv[1], int(sys.argv[2])
    print("\n== whole training step with AdamW, ms (wall); ratio = PyTorch / lambdahat; target ≥ 1.5 on 2L 4H d64")
    per_model = {}
    for r in range(1, rounds + 1):
        java, python = adamw_ms(f"{out}/java-{r}.txt"), adamw_ms(f"{out}/python-{r}.txt")
        for model in java:
            if model in python:
                per_model.setdefault(model, []).append((java[model], python[model]))
    for model, rows in per_model.items():
        ratios = [p / j for j, p in rows]
        cells = ", ".join(f"{j:.1f} vs {p:.1f} ({p / j:.2f}×)" for j, p in rows)
        print(f"{model:10s} rounds: {cells}; median ratio {statistics.median(ratios):.2f}×")


if __name__ == "__main__":
    main()
