#!/usr/bin/env python3
"""The PyTorch baseline of bench/transformer_llc.sh: SGLD for λ̂ on the induction transformer (2 attention-only layers,
d_model 32, 1 head, vocabulary 32, context 32; the model of bench/python/transformer_step.py) as a plain loop, the
chains one after another, each step one forward and backward of one chain at batch 32:
    w ← w − (ε/2)(nβ ∇L_B + γ (w − w*)) + √ε ξ
with the losses kept in a tensor and read once per chain (the loop of bench/python/gpu_llc_transformer.py, on the CPU).
Tokens: n random sequences (uniform ids; the cost does not depend on them), w* ~ N(0, 0.02²).

Prints ms per chain-step for C chains run one after another (C from the command line) and its spread over REPS runs.
Usage: transformer_llc_sequential.py [steps] [chains,...] [reps] [induction|mid]   (mid: 2 layers, 8 heads, d_model 128,
context 128, vocabulary 512)
"""
import math
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpu_llc_transformer import sgld_chain  # noqa: E402  (the same loop as the GPU baseline)
from transformer_step import layout  # noqa: E402

SIZES = {"induction": (2, 1, 32, 32, 32), "mid": (2, 8, 128, 128, 512)}


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    chain_counts = [int(c) for c in (sys.argv[2] if len(sys.argv) > 2 else "1,4,8").split(",")]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    LAYERS, HEADS, D, CTX, VOCAB = SIZES[sys.argv[4] if len(sys.argv) > 4 else "induction"]
    n = 32768
    torch.manual_seed(0)
    shapes = layout(LAYERS, HEADS, D, CTX, VOCAB)
    size = sum(math.prod(s) for _, s in shapes)
    wstar = torch.randn(size) * 0.02
    tokens = torch.randint(0, VOCAB, (n, CTX + 1))
    X, Y = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    future = torch.triu(torch.ones(CTX, CTX, dtype=torch.bool), 1)
    s = {"seed": 3, "batch": 32, "epsilon": 1e-4, "gamma": 100.0, "nbeta": 100.0, "layers": LAYERS, "d_model": D}
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), cpu; P = {size}, batch 32, n = {n}")
    sgld_chain(0, wstar, X, Y, s, shapes, future, torch.device("cpu"), max(20, steps // 5))  # warm-up
    for c in chain_counts:
        per = []
        for _ in range(reps):
            started = time.perf_counter()
            for chain in range(c):
                sgld_chain(chain, wstar, X, Y, s, shapes, future, torch.device("cpu"), steps).sum().item()
            per.append((time.perf_counter() - started) * 1e3 / (steps * c))
        print(f"sequential C = {c}: {statistics.median(per):.3f} ms per chain-step (runs: {', '.join(f'{p:.3f}' for p in per)})")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
