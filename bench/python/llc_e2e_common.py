"""Shared pieces of the end-to-end λ̂ references (llc_devinterp_style.py, llc_batched.py): the command line, loading a
task written by llc_e2e_data.py, L_n(w*), divergence marking and the JSON summary line. Both references follow the
estimator lambdahat implements (docs/SCIENCE.md §2): the loss recorded at a step is the minibatch loss before that step's update,
λ̂_c = nβ·(mean over draws of L_t − L_init) with L_init = L_n(w*) over the full data, nβ = n/ln n unless given, and a
chain is diverged at the first step whose loss is non-finite or above 1e8·(1 + |L_init|) (lambdahat's rule), its λ̂
then being NaN and left out of the mean and std over chains.
"""
import argparse
import json
import math
import os
import statistics

import numpy as np
import torch

EXPLODED = 1e8


class Task:
    def __init__(self, directory):
        with open(os.path.join(directory, "task.json")) as f:
            meta = json.load(f)
        self.kind = meta["task"]
        self.widths = meta["widths"]
        self.rank = meta.get("rank")
        self.x = torch.from_numpy(np.load(os.path.join(directory, "x.npy")))
        self.y = torch.from_numpy(np.load(os.path.join(directory, "y.npy")))
        self.wstar = torch.from_numpy(np.load(os.path.join(directory, "wstar.npy")))
        self.n = self.x.shape[0]
        self.layout = []  # (name, shape, offset, size) in lambdahat's flat order
        offset = 0
        for l in range(len(self.widths) - 1):
            shapes = [("layers.%d.weight" % l, (self.widths[l + 1], self.widths[l]))]
            if self.kind == "mlp":
                shapes.append(("layers.%d.bias" % l, (self.widths[l + 1],)))
            for name, shape in shapes:
                size = math.prod(shape)
                self.layout.append((name, shape, offset, size))
                offset += size
        if offset != self.wstar.numel():
            raise SystemExit(f"wstar.npy has {self.wstar.numel()} values, widths {self.widths} need {offset}")
        self.parameters = offset

    def describe(self):
        return ("MLP %s relu" if self.kind == "mlp" else "DLN %s") % self.widths


def parser(description):
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="directory written by llc_e2e_data.py")
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--burnin", type=int, required=True)
    p.add_argument("--draws", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--eps", type=float, required=True, help="step size ε")
    p.add_argument("--gamma", type=float, required=True, help="localisation γ")
    p.add_argument("--nbeta", type=float, default=None, help="nβ (default n/ln n)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=1, help="estimates in this process, each timed")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--label", default=None)
    return p


def nbeta_of(args, n):
    return args.nbeta if args.nbeta is not None else n / math.log(n)


def first_divergence(losses, init_loss):
    """losses: [steps] of one chain; the first step at which lambdahat would mark the chain diverged, or None."""
    limit = EXPLODED * (1 + abs(init_loss))
    for t, v in enumerate(losses):
        if not math.isfinite(v) or v > limit:
            return t
    return None


def summary(impl, task, args, nbeta, init_loss, step_losses, seconds, cpu_seconds, run):
    """step_losses: [chains][steps] minibatch loss before each update (a chain stopped at its divergence may be
    shorter); seconds and cpu_seconds: wall and thread CPU time of the estimate."""
    per_chain, diverged = [], []
    for c, trace in enumerate(step_losses):
        t = first_divergence(trace, init_loss)
        if t is not None:
            diverged.append({"chain": c, "step": t})
            per_chain.append(float("nan"))
        else:
            assert len(trace) == args.burnin + args.draws
            per_chain.append(nbeta * (statistics.fmean(trace[args.burnin:]) - init_loss))
    healthy = [v for v in per_chain if math.isfinite(v)]
    mean = statistics.fmean(healthy) if healthy else float("nan")
    std = statistics.stdev(healthy) if len(healthy) > 1 else float("nan")
    return {"impl": impl, "label": args.label, "model": task.describe(), "parameters": task.parameters, "n": task.n,
            "chains": args.chains, "batch": args.batch, "burnin": args.burnin, "draws": args.draws, "eps": args.eps,
            "gamma": args.gamma, "nbeta": nbeta, "init_loss": init_loss, "run": run, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "steps": args.burnin + args.draws, "llc_mean": mean, "llc_std": std,
            "llc_stderr": std / math.sqrt(len(healthy)) if len(healthy) > 1 else float("nan"),
            "llc_chains": per_chain, "diverged": diverged, "threads": torch.get_num_threads(),
            "torch": torch.__version__}


def emit(record):
    print(json.dumps(record, allow_nan=True), flush=True)
