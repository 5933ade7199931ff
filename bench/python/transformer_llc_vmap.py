#!/usr/bin/env python3
"""Today's PyTorch peer of bench/transformer_llc.sh: SGLD for λ̂ on the same attention-only transformer with all C
chains in one call, torch.func.vmap(torch.func.grad_and_value(loss)) over the chain axis of the weights [C, P] and
of the minibatches [C, B, T], the update fused over [C, P]:
    w ← w − (ε/2)(nβ ∇L_B + γ (w − w*)) + √ε ξ
optionally under torch.compile (inductor, which compiles C++ for the CPU; its first calls are left out as warm-up).

Prints ms per chain-step at each C. Sizes: "induction" (2 layers, 1 head, d_model 32, context 32, vocabulary 32,
P = 11 360, the bench's model) or "mid" (2 layers, 8 heads, d_model 128, context 128, vocabulary 512, P = 278 912).
Usage: transformer_llc_vmap.py STEPS CHAINS[,...] THREADS eager|compile [induction|mid]
"""
import math
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transformer_step import layout, loss as model_loss, unflatten  # noqa: E402

SIZES = {"induction": (2, 1, 32, 32, 32), "mid": (2, 8, 128, 128, 512)}


def main():
    steps = int(sys.argv[1])
    chain_counts = [int(c) for c in sys.argv[2].split(",")]
    threads = int(sys.argv[3])
    mode = sys.argv[4]
    size_name = sys.argv[5] if len(sys.argv) > 5 else "induction"
    layers, heads, d, ctx, vocab = SIZES[size_name]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    shapes = layout(layers, heads, d, ctx, vocab)
    size = sum(math.prod(s) for _, s in shapes)
    n = 4096
    tokens = torch.randint(0, vocab, (n, ctx + 1))
    X, Y = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    future = torch.triu(torch.ones(ctx, ctx, dtype=torch.bool), 1)
    batch, eps, gamma, nbeta = 32, 1e-4, 100.0, 100.0

    def chain_loss(w, x, y):
        return model_loss(unflatten(w, shapes), x, y, layers, d, future)

    step_fn = torch.func.vmap(torch.func.grad_and_value(chain_loss))
    if mode == "compile":
        step_fn = torch.compile(step_fn)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), cpu; {size_name}: P = {size}, batch {batch}; "
          f"vmap(grad) over the chains, {'torch.compile' if mode == 'compile' else 'eager'}")
    wstar = torch.randn(size) * 0.02
    gen = torch.Generator().manual_seed(3)
    for c in chain_counts:
        w = wstar.expand(c, size).clone()
        centre = wstar.expand(c, size)

        def step(w):
            idx = torch.randint(0, n, (c, batch), generator=gen)
            g, l = step_fn(w, X[idx], Y[idx])
            with torch.no_grad():
                drift = g.mul(nbeta).add_(w - centre, alpha=gamma)
                w = w.add(drift, alpha=-eps / 2).add_(torch.randn(w.shape, generator=gen), alpha=math.sqrt(eps))
            return w, l

        started = time.perf_counter()
        for _ in range(max(5, steps // 5)):  # warm-up (and compilation, for this C)
            w, l = step(w)
        warm = time.perf_counter() - started
        per = []
        for _ in range(3):
            started = time.perf_counter()
            losses = []
            for _ in range(steps):
                w, l = step(w)
                losses.append(l)
            torch.stack(losses).sum().item()
            per.append((time.perf_counter() - started) * 1e3 / (steps * c))
        print(f"vmap {mode} C = {c}: {statistics.median(per):.3f} ms per chain-step (runs: {', '.join(f'{p:.3f}' for p in per)}; "
              f"warm-up {warm:.1f} s)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
