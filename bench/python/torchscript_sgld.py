#!/usr/bin/env python3
"""The devinterp-style baseline for bench/torchscript_llc.sh: plain PyTorch SGLD over the same scripted module, the
chains run one after another (as devinterp does), each step a minibatch forward/backward and the localised update
w ← w − ε/2 (nβ ∇L + γ (w − w*)) + N(0, ε). Prints the seconds per chain-step as JSON.
Usage: torchscript_sgld.py MODEL.pt CHECKPOINT.safetensors DATA.safetensors CHAINS DRAWS BATCH"""
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

# the example's reader of the safetensors files it writes
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "python"))
from train_induction import load_safetensors  # noqa: E402


def main():
    model_file, ckpt, data_file, chains, draws, batch = sys.argv[1:7]
    chains, draws, batch = int(chains), int(draws), int(batch)
    torch.set_num_threads(torch.get_num_threads())
    model = torch.jit.load(model_file).eval()
    state = load_safetensors(ckpt)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(state[name])
    data = load_safetensors(data_file)
    x, y = data["x"], data["y"]
    eps, gamma, nbeta = 1e-4, 100.0, 100.0
    centre = [p.detach().clone() for p in model.parameters()]
    g = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for c in range(chains):
        with torch.no_grad():
            for p, w in zip(model.parameters(), centre):
                p.copy_(w)
        for step in range(draws):
            idx = torch.randint(0, x.size(0), (batch,), generator=g)
            logits = model(x[idx])
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y[idx].reshape(-1))
            grads = torch.autograd.grad(loss, list(model.parameters()))
            with torch.no_grad():
                for p, gr, w in zip(model.parameters(), grads, centre):
                    p.add_(-0.5 * eps * (nbeta * gr + gamma * (p - w)) + torch.randn(p.shape, generator=g) * eps ** 0.5)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds_per_chain_step": seconds / (chains * draws), "chains": chains, "draws": draws}))


if __name__ == "__main__":
    main()
