#!/usr/bin/python3
"""Writes the teacher tasks of the end-to-end λ̂ benchmark as .npy files, so that the Python references and lambdahat
sample from identical data: x.npy [n, d_in] float32, y.npy [n, d_out] float32, wstar.npy [P] float32 (the teacher's
weights flattened in lambdahat's layout order: layers.0.weight, layers.0.bias, layers.1.weight, …, torch's [out, in]
row-major), and task.json describing them. The files are reproducible bit for bit from the seed.

The teachers are built the way io.lambdahat.tasks.Teachers builds them: Gaussian weights scaled by 1/√fan-in, zero
biases (MLP); for a DLN the first layer is the product of two Gaussian factors of inner width r scaled by 1/√(fan-in·r),
so that the end-to-end map has rank r. Inputs are U[−range, range], targets are noiseless.

Usage: /usr/bin/python3 bench/python/llc_e2e_data.py --task mlp --widths 8,16,3 --n 1000 --range 1 --out DIR
       /usr/bin/python3 bench/python/llc_e2e_data.py --task dln --widths 6,5,4,6 --rank 2 --n 10000 --range 10 --out DIR
"""
import argparse
import json
import math
import os

import numpy as np
import torch


def teacher(task, widths, rank, g):
    layers = []
    for l in range(len(widths) - 1):
        fan_in, out = widths[l], widths[l + 1]
        if task == "dln" and l == 0:
            if rank == 0:
                w = torch.zeros(out, fan_in)
            else:
                a = torch.randn(out, rank, generator=g).double()
                b = torch.randn(rank, fan_in, generator=g).double()
                w = ((a @ b) / math.sqrt(fan_in * rank)).float()
        else:
            w = torch.randn(out, fan_in, generator=g) / math.sqrt(fan_in)
        layers.append((w, torch.zeros(out) if task == "mlp" else None))
    return layers


def forward(task, layers, x):
    h = x
    for l, (w, b) in enumerate(layers):
        h = h @ w.T
        if b is not None:
            h = h + b
        if task == "mlp" and l + 1 < len(layers):
            h = torch.relu(h)
    return h


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", choices=["mlp", "dln"], required=True)
    p.add_argument("--widths", required=True, help="comma-separated widths, input first")
    p.add_argument("--rank", type=int, default=0, help="DLN teacher rank")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--range", type=float, default=10.0, help="inputs are U[-range, range]")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    widths = [int(v) for v in a.widths.split(",")]
    if a.task == "dln" and not 0 <= a.rank <= min(widths):
        p.error(f"--rank must be between 0 and the narrowest width {min(widths)}")
    g = torch.Generator().manual_seed(a.seed)
    layers = teacher(a.task, widths, a.rank, g)
    x = torch.rand(a.n, widths[0], generator=g) * (2 * a.range) - a.range
    # Products in float64, rounded once to float32: the files come out bit for bit the same whichever BLAS kernel
    # the machine picks (float32 products differed in the last bit between runs on the shared machine).
    y = forward(a.task, [(w.double(), None if b is None else b.double()) for w, b in layers], x.double()).float()
    flat = []
    for w, b in layers:
        flat.append(w.reshape(-1))
        if b is not None:
            flat.append(b)
    wstar = torch.cat(flat)
    os.makedirs(a.out, exist_ok=True)
    np.save(os.path.join(a.out, "x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(a.out, "y.npy"), y.numpy().astype(np.float32))
    np.save(os.path.join(a.out, "wstar.npy"), wstar.numpy().astype(np.float32))
    meta = {"task": a.task, "widths": widths, "rank": a.rank, "n": a.n, "input_range": a.range, "seed": a.seed,
            "parameters": int(wstar.numel()), "activation": "relu" if a.task == "mlp" else None}
    with open(os.path.join(a.out, "task.json"), "w") as f:
        json.dump(meta, f)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
