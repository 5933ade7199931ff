#!/usr/bin/python3
"""Writes the optimiser fixture that OptimizerTorchReferenceTest reads: torch.optim.AdamW and torch.optim.SGD
run for a few steps on float32 parameters with given gradients, and torch.optim.lr_scheduler.OneCycleLR's
learning rates, so the Java optimisers and schedules are compared with torch's own implementation.

Parameters and gradients are float32 values of closed forms; the fixture stores them exactly (float32 values
printed as the float64 numbers they are), so the Java test reads the very same inputs.

Usage: /usr/bin/python3 src/test/resources/train/optim_fixture.py [OUT]   (default src/test/resources/train/torch_optim.json)
"""
import json
import math
import sys

import torch

P = 37
STEPS = 6


def initial():
    return torch.tensor([math.sin(0.7 * i + 0.3) for i in range(P)], dtype=torch.float32)


def gradient(t):
    # Mixed signs and magnitudes across four decades, so that the second moment and ε both matter.
    return torch.tensor([math.cos(0.37 * i + 1.1 * t) * 10.0 ** ((i % 5) - 3) for i in range(P)], dtype=torch.float32)


def run(make):
    w = torch.nn.Parameter(initial().clone())
    opt = make([w])
    grads, params = [], []
    for t in range(STEPS):
        g = gradient(t)
        w.grad = g.clone()
        opt.step()
        grads.append(g.tolist())
        params.append(w.detach().clone().tolist())
    state = {k: v.tolist() for k, v in opt.state[w].items() if torch.is_tensor(v) and v.dim() > 0}
    return {"initial": initial().tolist(), "gradients": grads, "params": params, "state": state}


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/train/torch_optim.json"
    cases = []
    for lr, betas, eps, wd in [(1e-2, (0.9, 0.999), 1e-8, 0.1), (3e-3, (0.8, 0.95), 1e-6, 0.0)]:
        c = run(lambda ps: torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd))
        c.update({"optimizer": "adamw", "lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps, "weight_decay": wd})
        cases.append(c)
    for lr, momentum, dampening, wd, nesterov in [(0.1, 0.9, 0.0, 0.01, False), (0.05, 0.9, 0.0, 0.0, True),
                                                  (0.2, 0.0, 0.0, 0.05, False), (0.1, 0.8, 0.1, 0.0, False)]:
        c = run(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd,
                                           nesterov=nesterov))
        c.update({"optimizer": "sgd", "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": wd,
                  "nesterov": nesterov})
        cases.append(c)

    schedules = []
    for max_lr, total, pct, div, final_div in [(0.1, 50, 0.3, 25.0, 1e4), (2e-3, 17, 0.25, 10.0, 100.0)]:
        w = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([w], lr=max_lr)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total, pct_start=pct,
                                                    div_factor=div, final_div_factor=final_div, cycle_momentum=False)
        lrs = []
        for _ in range(total):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        schedules.append({"schedule": "onecycle", "max_lr": max_lr, "total_steps": total, "pct_start": pct,
                          "div_factor": div, "final_div_factor": final_div, "lrs": lrs})

    with open(out_path, "w") as f:
        json.dump({"torch_version": torch.__version__, "optimizers": cases, "schedules": schedules}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
