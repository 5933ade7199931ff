#!/usr/bin/python3
"""λ̂ by SGLD written as fast as plain PyTorch allows, the strong baseline of the end-to-end benchmark: all chains in one
[C, P] leaf (layer weights are views of it) and one batched forward (bmm / baddbmm) and backward per step; each chain walks
its own random permutation of the data (reshuffled every epoch, as a shuffling loader does), minibatches are gathered
by one index_select; the gradient comes from torch.autograd.grad (no .grad to zero); the update is five in-place ops on
the whole [C, P] under torch.no_grad, with w*'s pull folded in:
    w ← (1 − εγ/2)·w + (εγ/2)·w* − (εnβ/2)·g + √ε·ξ
and per-step losses stay as tensors until the end (no host copy per step). Prints one JSON line per estimate.

Usage: /usr/bin/python3 bench/python/llc_batched.py --data DIR --burnin 100 --draws 200 --batch 100 \
           --eps 1e-3 --gamma 100 [--chains 4] [--nbeta X] [--repeats 3] [--threads 1] [--profile]
"""
import math
import time

import torch

import llc_e2e_common as common


PHASES = ["minibatch", "forward", "backward", "update"]


def estimate(task, args, nbeta, seed, profile=False):
    started, cpu = time.perf_counter(), time.thread_time()
    g = torch.Generator().manual_seed(seed)
    C, B, n, P = args.chains, args.batch, task.n, task.parameters
    x, y, wstar = task.x, task.y, task.wstar
    mlp = task.kind == "mlp"
    layers = len(task.widths) - 1
    # per parameter tensor: (narrow start, size, [chains, *shape]); the forward takes weights transposed to [C, in, out]
    views = [(offset, size, (-1,) + shape) for _, shape, offset, size in task.layout]

    def forward(flat, xb):
        h = xb
        parts = [flat.narrow(1, o, s).view(shape) for o, s, shape in views]
        for l in range(layers):
            if mlp:
                h = torch.baddbmm(parts[2 * l + 1].unsqueeze(1), h, parts[2 * l].transpose(1, 2))
                if l + 1 < layers:
                    h = torch.relu(h)
            else:
                h = torch.bmm(h, parts[l].transpose(1, 2))
        return h

    with torch.no_grad():
        init_loss = (forward(wstar.view(1, P), x.unsqueeze(0)) - y).square().mean().item()
    w = wstar.expand(C, P).clone().requires_grad_(True)
    pull = wstar.mul(args.eps * args.gamma / 2)
    shrink = 1 - args.eps * args.gamma / 2
    drift = -args.eps * nbeta / 2
    root_eps = math.sqrt(args.eps)
    noise = torch.empty(C, P)
    per_epoch = n // B
    steps = args.burnin + args.draws
    losses = []
    perm = None
    phases = [0.0] * len(PHASES)
    for t in range(steps):
        if profile:
            at = [time.thread_time()]
        k = t % per_epoch
        if k == 0:
            perm = torch.rand(C, n, generator=g).argsort(dim=1)
        idx = perm[:, k * B:(k + 1) * B].reshape(-1)
        xb = x.index_select(0, idx).view(C, B, -1)
        yb = y.index_select(0, idx).view(C, B, -1)
        if profile:
            at.append(time.thread_time())
        per_chain = (forward(w, xb) - yb).square().mean(dim=(1, 2))
        if profile:
            at.append(time.thread_time())
        (grad,) = torch.autograd.grad(per_chain.sum(), w)
        losses.append(per_chain.detach())
        if profile:
            at.append(time.thread_time())
        with torch.no_grad():
            w.mul_(shrink).add_(pull).add_(grad, alpha=drift)
            w.add_(noise.normal_(generator=g), alpha=root_eps)
        if profile and t >= args.burnin:
            at.append(time.thread_time())
            for i in range(len(PHASES)):
                phases[i] += at[i + 1] - at[i]
    traces = torch.stack(losses, dim=1).double().tolist()
    return init_loss, traces, time.perf_counter() - started, time.thread_time() - cpu, \
        {name: v / args.draws * 1e6 for name, v in zip(PHASES, phases)}


def main():
    p = common.parser(__doc__)
    p.add_argument("--profile", action="store_true",
                   help="also time the phases of each step after burn-in (thread CPU µs per step, in the JSON line)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    task = common.Task(args.data)
    nbeta = common.nbeta_of(args, task.n)
    for run in range(args.repeats):
        init_loss, traces, seconds, cpu_seconds, phases = estimate(task, args, nbeta, args.seed + 1000 * run, args.profile)
        record = common.summary("python-batched", task, args, nbeta, init_loss, traces, seconds, cpu_seconds, run)
        if args.profile:
            record["impl"] = "python-batched-profile"
            record["cpu_microseconds_per_step"] = phases
        common.emit(record)


if __name__ == "__main__":
    main()
