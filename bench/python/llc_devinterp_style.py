#!/usr/bin/python3
"""λ̂ by SGLD structured the way the field's Python library (devinterp 1.x) runs it, as the baseline of the end-to-end
benchmark: a shuffling DataLoader over a TensorDataset (cycled, a fresh shuffle each pass), chains one after another,
a deep copy of the model per chain with its own seed, an SGLD optimiser whose step loops over the parameter tensors
(drift nβ·g, localisation γ·(w − w*) and noise √ε·ξ applied with add_ per tensor), and the minibatch loss recorded
before the update. Prints one JSON line per estimate (see llc_e2e_common.summary), with each chain's wall time
(the chains run one after another, so they are also repeated timings of one chain).

Usage: /usr/bin/python3 bench/python/llc_devinterp_style.py --data DIR --burnin 100 --draws 200 --batch 100 \
           --eps 1e-3 --gamma 100 [--chains 4] [--nbeta X] [--repeats 3] [--threads 1] [--stop-at-divergence]
"""
import copy
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import llc_e2e_common as common


class Net(nn.Module):
    """nn.Linear layers (biases for the MLP, none for the DLN), ReLU between the MLP's layers."""

    def __init__(self, task):
        super().__init__()
        self.relu = task.kind == "mlp"
        self.layers = nn.ModuleList(nn.Linear(task.widths[l], task.widths[l + 1], bias=task.kind == "mlp")
                                    for l in range(len(task.widths) - 1))
        with torch.no_grad():
            params = dict(self.named_parameters())
            for name, shape, offset, size in task.layout:
                params[name].copy_(task.wstar[offset:offset + size].view(shape))

    def forward(self, x):
        for l, layer in enumerate(self.layers):
            x = layer(x)
            if self.relu and l + 1 < len(self.layers):
                x = torch.relu(x)
        return x


class SGLD(torch.optim.Optimizer):
    """w ← w − (ε/2)·(nβ·g + γ·(w − w*)) + √ε·ξ, one parameter tensor at a time, w* saved per tensor."""

    def __init__(self, params, lr, localization, nbeta, noise_level=1.0):
        super().__init__(params, dict(lr=lr, localization=localization, nbeta=nbeta, noise_level=noise_level))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["initial_param"] = p.data.clone().detach()

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                dw = p.grad.mul(group["nbeta"])
                if group["localization"] != 0:
                    dw.add_(p - self.state[p]["initial_param"], alpha=group["localization"])
                p.add_(dw, alpha=-0.5 * group["lr"])
                noise = torch.normal(mean=0.0, std=group["noise_level"], size=dw.size(), device=dw.device)
                p.add_(noise, alpha=group["lr"] ** 0.5)


def cycle(loader):
    while True:
        for batch in loader:
            yield batch


def sample_single_chain(ref_model, loader, criterion, steps, optimizer_kwargs, seed, stop_limit=None):
    model = copy.deepcopy(ref_model)
    optimizer = SGLD(model.parameters(), **optimizer_kwargs)
    torch.manual_seed(seed)
    model.train()
    losses = []
    for _, (xb, yb) in zip(range(steps), cycle(loader)):
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        losses.append(loss.item())
        if stop_limit is not None and not losses[-1] <= stop_limit:
            break
        optimizer.step()
    return losses


def estimate(task, args, nbeta, seed):
    started, cpu = time.perf_counter(), time.thread_time()
    model = Net(task)
    criterion = nn.MSELoss()
    with torch.no_grad():
        init_loss = criterion(model(task.x), task.y).item()
    loader = DataLoader(TensorDataset(task.x, task.y), batch_size=args.batch, shuffle=True, drop_last=True)
    kwargs = dict(lr=args.eps, localization=args.gamma, nbeta=nbeta)
    stop = common.EXPLODED * (1 + abs(init_loss)) if args.stop_at_divergence else None
    traces, chain_seconds = [], []
    for c in range(args.chains):
        chain_started = time.perf_counter()
        traces.append(sample_single_chain(model, loader, criterion, args.burnin + args.draws, kwargs, seed + c, stop))
        chain_seconds.append(time.perf_counter() - chain_started)
    return init_loss, traces, time.perf_counter() - started, time.thread_time() - cpu, chain_seconds


def main():
    p = common.parser(__doc__)
    p.add_argument("--stop-at-divergence", action="store_true",
                   help="end a chain at its first diverged loss (for divergence checks only: saves the time of NaN steps)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    task = common.Task(args.data)
    nbeta = common.nbeta_of(args, task.n)
    for run in range(args.repeats):
        init_loss, traces, seconds, cpu_seconds, chain_seconds = estimate(task, args, nbeta, args.seed + 1000 * run)
        record = common.summary("python-devinterp-style", task, args, nbeta, init_loss, traces, seconds, cpu_seconds, run)
        record["chain_seconds"] = chain_seconds
        record["stopped_at_divergence"] = args.stop_at_divergence
        common.emit(record)


if __name__ == "__main__":
    main()
