#!/usr/bin/python3
"""The baseline for TransformerStepBench: the same attention-only transformer in plain PyTorch (pre-LayerNorm with a
gain and no bias, causal multi-head attention with an explicit head axis, final LayerNorm, no biases), timing one
training step (forward, mean next-token cross-entropy, backward; then the whole step with torch.optim.AdamW) at batch
32, and printing the loss of the same
deterministic weights and tokens as the Java main, so that equal numbers show the two compute the same model.

Usage: /usr/bin/python3 bench/python/transformer_step.py [threads] [steps]
"""
import math
import sys
import time

import torch
import torch.nn.functional as F

CONFIGS = [  # layers, heads, d_model, context, vocab
    (2, 1, 32, 32, 32),
    (2, 4, 64, 64, 64),
]


def layout(layers, heads, d, ctx, vocab):
    dh = d // heads
    shapes = [("embed.W_E", (vocab, d)), ("pos_embed.W_pos", (ctx, d))]
    for l in range(layers):
        shapes += [(f"blocks.{l}.ln1.w", (d,)),
                   (f"blocks.{l}.attn.W_Q", (heads, d, dh)), (f"blocks.{l}.attn.W_K", (heads, d, dh)),
                   (f"blocks.{l}.attn.W_V", (heads, d, dh)), (f"blocks.{l}.attn.W_O", (heads, dh, d))]
    shapes += [("ln_final.w", (d,)), ("unembed.W_U", (d, vocab))]
    return shapes


def unflatten(flat, shapes):
    params, at = {}, 0
    for name, shape in shapes:
        n = math.prod(shape)
        params[name] = flat[at:at + n].view(shape)
        at += n
    return params


def loss(p, x, y, layers, d, future=None):
    """Mean next-token cross-entropy; future: a [≥T, ≥T] causal mask made once by the caller, else one is made here."""
    b, t = x.shape
    h = p["embed.W_E"][x] + p["pos_embed.W_pos"][:t]
    future = torch.triu(torch.ones(t, t, dtype=torch.bool, device=x.device), 1) if future is None else future[:t, :t]
    for l in range(layers):
        n = F.layer_norm(h, (d,), p[f"blocks.{l}.ln1.w"], None, 1e-5)
        q = torch.einsum("btd,hde->bhte", n, p[f"blocks.{l}.attn.W_Q"])
        k = torch.einsum("btd,hde->bhte", n, p[f"blocks.{l}.attn.W_K"])
        v = torch.einsum("btd,hde->bhte", n, p[f"blocks.{l}.attn.W_V"])
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        z = scores.masked_fill(future, float("-inf")).softmax(-1) @ v
        h = h + torch.einsum("bhte,hed->btd", z, p[f"blocks.{l}.attn.W_O"])
    logits = F.layer_norm(h, (d,), p["ln_final.w"], None, 1e-5) @ p["unembed.W_U"]
    return F.cross_entropy(logits.reshape(b * t, -1), y.reshape(-1))


def token(b, t, v):
    return (7 * b + 3 * t + b * t % 5) % v


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    torch.set_num_threads(threads)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), cpu, batch 32, float32")
    for layers, heads, d, ctx, vocab in CONFIGS:
        shapes = layout(layers, heads, d, ctx, vocab)
        size = sum(math.prod(s) for _, s in shapes)
        w = torch.tensor([0.05 * math.sin(0.37 * i + 0.1) for i in range(size)], dtype=torch.float64)
        x = torch.tensor([[token(b, t, vocab) for t in range(ctx)] for b in range(4)])
        y = torch.tensor([[token(b, t + 1, vocab) for t in range(ctx)] for b in range(4)])
        check = loss(unflatten(w, shapes), x, y, layers, d).item()
        print(f"{layers}L {heads}H d{d} ctx{ctx} vocab{vocab}: P = {size}, check loss (float64) = {check:.12f}")

        torch.manual_seed(1)
        flat = (torch.randn(size) * 0.02).requires_grad_(True)
        xb = torch.randint(0, vocab, (32, ctx))
        yb = torch.randint(0, vocab, (32, ctx))
        warmup = max(10, steps // 5)
        for i in range(warmup + steps):
            if i == warmup:
                start, cpu_start = time.perf_counter(), time.thread_time()
            loss(unflatten(flat, shapes), xb, yb, layers, d).backward()
            flat.grad = None
        ms = (time.perf_counter() - start) * 1e3 / steps
        cpu = (time.thread_time() - cpu_start) * 1e3 / steps
        print(f"  C = 1: {ms:8.3f} ms/step wall, {cpu:8.3f} ms/step CPU of the calling thread")

        # a whole training step as PyTorch code is usually written: one nn.Parameter per weight tensor and
        # torch.optim.AdamW over them (forward, backward, optimiser step, zero_grad)
        torch.manual_seed(1)
        named = {name: torch.nn.Parameter(torch.randn(shape) * 0.02) for name, shape in shapes}
        opt = torch.optim.AdamW(named.values(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
        for i in range(warmup + steps):
            if i == warmup:
                start, cpu_start = time.perf_counter(), time.thread_time()
            loss(named, xb, yb, layers, d).backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
        ms = (time.perf_counter() - start) * 1e3 / steps
        cpu = (time.thread_time() - cpu_start) * 1e3 / steps
        print(f"  training step with AdamW: {ms:8.3f} ms/step wall, {cpu:8.3f} ms/step CPU of the calling thread")


if __name__ == "__main__":
    main()
