#!/usr/bin/env python3
"""The PyTorch baseline of bench/gpu: the same attention-only transformer as io.lambdahat.nn.Transformer (pre-LayerNorm
with a gain and no bias, causal multi-head attention with an explicit head axis, final LayerNorm, no biases; the flat
parameter layout of bench/python/transformer_step.py), on the tokens and w* that io.lambdahat.gpu.GpuBenchmark wrote.

1. λ̂ by SGLD as a plain loop: the chains one after another, each step one forward and backward of one chain,
   w ← w − (ε/2)(nβ ∇L_B + γ (w − w*)) + √ε ξ; the losses stay on the device until the chain ends (no per-step sync).
   L(w*) is the mean of the chains' first minibatch losses, as on the Java side (MINIBATCH_MEAN).
2. Training throughput: torch.optim.AdamW on the same flat parameter vector, batch B, minibatches from a permutation
   per epoch, the loss summed on the device and read once at the end.

Reads OUT/java.json for the settings (so both sides run the same sizes), writes OUT/python.json.
Needs only torch (no numpy: the .npy files are parsed here).
Usage: python3 bench/python/gpu_llc_transformer.py OUT [device]
"""
import ast
import json
import math
import os
import sys
import time

import torch

# the same named layout (and flat views of it) and the same model as the CPU transformer benchmark: one definition
from transformer_step import layout, loss as loss_fn, unflatten as unflatten_views


def load_npy(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:6] != b"\x93NUMPY":
        raise ValueError(f"{path} is not a .npy file")
    major = raw[6]
    header_len = int.from_bytes(raw[8:10], "little") if major == 1 else int.from_bytes(raw[8:12], "little")
    start = 10 if major == 1 else 12
    header = ast.literal_eval(raw[start:start + header_len].decode("latin1"))
    dtype = {"<f4": torch.float32, "<f8": torch.float64, "<i8": torch.int64}[header["descr"]]
    if header["fortran_order"]:
        raise ValueError(f"{path}: Fortran order is not supported")
    data = bytearray(raw[start + header_len:])
    return torch.frombuffer(data, dtype=dtype).reshape(header["shape"]).clone()


def unflatten(flat, shapes):
    at = sum(math.prod(shape) for _, shape in shapes)
    if at != flat.numel():
        raise ValueError(f"the layout has {at} parameters, w* has {flat.numel()}")
    return unflatten_views(flat, shapes)


def minibatches(n, b, seed, device):
    """Endless minibatch indices: a fresh permutation of the n sequences (CPU generator, then moved) per epoch."""
    order = torch.Generator()
    order.manual_seed(seed)
    while True:
        perm = torch.randperm(n, generator=order).to(device)
        for cursor in range(0, n - b + 1, b):
            yield perm[cursor:cursor + b]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def sgld_chain(chain, wstar, X, Y, s, shapes, future, device, steps):
    gen = torch.Generator(device=device)
    gen.manual_seed(s["seed"] * 1000 + chain)
    batches = minibatches(X.shape[0], s["batch"], s["seed"] * 1000 + chain, device)
    eps, gamma, nbeta = s["epsilon"], s["gamma"], s["nbeta"]
    w = wstar.clone().requires_grad_(True)
    losses = torch.empty(steps, device=device)
    for t in range(steps):
        idx = next(batches)
        loss = loss_fn(unflatten(w, shapes), X[idx], Y[idx], s["layers"], s["d_model"], future)
        (grad,) = torch.autograd.grad(loss, w)
        with torch.no_grad():
            losses[t] = loss.detach()
            drift = grad.mul(nbeta).add_(w - wstar, alpha=gamma)
            w.add_(drift, alpha=-eps / 2)
            w.add_(torch.randn(w.shape, generator=gen, device=device), alpha=math.sqrt(eps))
    return losses


def llc(wstar, X, Y, s, shapes, future, device, chains, burnin, draws):
    traces = [sgld_chain(c, wstar, X, Y, s, shapes, future, device, burnin + draws) for c in range(chains)]
    traces = torch.stack(traces).double().cpu()
    init = traces[:, 0].mean().item()
    per_chain = s["nbeta"] * (traces[:, burnin:].mean(1) - init)
    mean = per_chain.mean().item()
    se = (per_chain.std(unbiased=True) / math.sqrt(chains)).item() if chains > 1 else float("nan")
    return mean, se, init


def train(wstar, X, Y, s, shapes, future, device, steps):
    flat = wstar.clone().requires_grad_(True)
    opt = torch.optim.AdamW([flat], lr=s["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    batches = minibatches(X.shape[0], s["batch"], s["seed"], device)
    total = torch.zeros((), device=device)
    for t in range(steps):
        idx = next(batches)
        loss = loss_fn(unflatten(flat, shapes), X[idx], Y[idx], s["layers"], s["d_model"], future)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.detach()
    return total.item() / steps


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/gpu-out"
    with open(os.path.join(out, "java.json")) as f:
        s = json.load(f)["settings"]
    device = torch.device(sys.argv[2] if len(sys.argv) > 2 else s["device"])
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("python: CUDA asked for but torch " + torch.__version__ + " sees no GPU")
    torch.backends.cuda.matmul.allow_tf32 = False  # float32 matmuls, as libtorch's default in the Java run
    shapes = layout(s["layers"], s["heads"], s["d_model"], s["context"], s["vocab"])
    tokens = load_npy(os.path.join(out, "tokens.npy")).to(device)
    wstar = load_npy(os.path.join(out, "wstar.npy")).to(device)
    X, Y = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    future = torch.triu(torch.ones(s["context"], s["context"], dtype=torch.bool, device=device), 1)
    result = {"torch": torch.__version__, "device": str(device),
              "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None}
    with torch.no_grad():
        check = loss_fn(unflatten(wstar, shapes), X[:4], Y[:4], s["layers"], s["d_model"], future).item()
    result["check_loss"] = check
    print(f"python: torch {torch.__version__} on {device}, P = {wstar.numel()}")
    print(f"  check loss at w* (4 sequences) = {check:.6f}")

    llc(wstar, X, Y, s, shapes, future, device, 1, 2, 4)  # warm-up
    sync(device)
    started = time.perf_counter()
    mean, se, init = llc(wstar, X, Y, s, shapes, future, device, s["chains"], s["burnin"], s["draws"])
    sync(device)
    seconds = time.perf_counter() - started
    steps = s["burnin"] + s["draws"]
    print(f"  λ̂ {s['chains']} chains one after another × {steps} steps: {seconds:.2f} s, λ̂ = {mean:.3f} ± {se:.3f}")
    result["llc"] = {"seconds": seconds, "steps_per_chain": steps, "llc_mean": mean, "llc_stderr": se, "init_loss": init}

    train(wstar, X, Y, s, shapes, future, device, max(2, s["train_steps"] // 10))  # warm-up
    sync(device)
    started = time.perf_counter()
    mean_loss = train(wstar, X, Y, s, shapes, future, device, s["train_steps"])
    sync(device)
    seconds = time.perf_counter() - started
    tps = s["train_steps"] * s["batch"] * s["context"] / seconds
    print(f"  trained {s['train_steps']} steps in {seconds:.2f} s (mean train loss {mean_loss:.4f}): {tps:.0f} tokens/s")
    result["train"] = {"seconds": seconds, "steps": s["train_steps"], "tokens_per_second": tps, "mean_train_loss": mean_loss}
    with open(os.path.join(out, "python.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
