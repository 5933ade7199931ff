#!/usr/bin/env python3
"""Writes the TorchScript fixtures of the TorchScript tests into OUTDIR (the engine's PyTorch 2.x: run with $LAMBDAHAT_PYTHON, which bin/torch-env.sh sets).

Plain nn.Modules named like lambdahat's built-in models (layers.l.weight, layers.l.bias), so that the built-in model and
its scripted twin share one set of weights, plus modules for the bad-input tests, a BatchNorm model whose checkpoint
carries buffers (with the eval-mode loss PyTorch computes on it, as the oracle) and a float64 MLP for finite
differences. Usage: torchscript_fixtures.py OUTDIR"""
import json
import math
import struct
import sys
import zipfile
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32"}


def save_safetensors(tensors, path):
    """The safetensors layout: 8-byte little-endian header length, the JSON header, the raw bytes in header order."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


class Dln(nn.Module):
    """Deep linear network: x W_0ᵀ W_1ᵀ …"""

    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b, bias=False) for a, b in zip(widths[:-1], widths[1:])])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Mlp(nn.Module):
    """Affine layers with an activation between them (none after the last)."""

    def __init__(self, widths, tanh: bool = False):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.tanh = tanh

    def forward(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last:
                x = torch.tanh(x) if self.tanh else torch.relu(x)
        return x


class MseOf(nn.Module):
    """forward(x, y) is the loss itself (--loss module)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, y):
        return F.mse_loss(self.model(x), y)


class NanOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4, bias=False)

    def forward(self, x):
        return self.lin(x) * float("nan")


class Checked(nn.Module):
    """Raises on inputs of the wrong width, as user code does."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4, bias=False)

    def forward(self, x):
        if x.size(-1) != 4:
            raise ValueError("expected 4 input features")
        return self.lin(x)


class Normed(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
        self.bn = nn.BatchNorm1d(6)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        return self.out(torch.relu(self.bn(self.fc(x))))


def rewritten(src, dst, edit):
    """A copy of a TorchScript archive with some records changed by edit(name, bytes): what a newer PyTorch, or one
    with operators this one lacks, could have written."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info, edit(info.filename, zin.read(info.filename)))


def script(model, path):
    torch.jit.save(torch.jit.script(model.eval()), str(path))


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for widths in ([6, 1], [4, 3, 4], [10, 5, 10], [6, 6, 6]):
        script(Dln(widths), out / f"dln_{'_'.join(map(str, widths))}.pt")
    script(Mlp([8, 16, 3]), out / "mlp_8_16_3.pt")
    script(MseOf(Dln([4, 3, 4])), out / "dln_4_3_4_module_loss.pt")
    script(Mlp([3, 5, 2], tanh=True).double(), out / "mlp_tanh_3_5_2_f64.pt")
    script(NanOut(), out / "nan_out.pt")
    script(Checked(), out / "checked.pt")
    (out / "not_torchscript.pt").write_text("this is not a TorchScript archive\n")
    # an operator this libtorch does not have, and a file format newer than it reads
    rewritten(out / "mlp_tanh_3_5_2_f64.pt", out / "unknown_op.pt",
              lambda name, data: data.replace(b"torch.tanh(", b"torch.tanh_from_the_future(") if name.endswith(".py") else data)
    rewritten(out / "mlp_tanh_3_5_2_f64.pt", out / "newer_format.pt",
              lambda name, data: b"99\n" if name.endswith("/version") else data)

    # BatchNorm: a trained-looking state (running statistics away from 0/1) and PyTorch's own eval-mode loss on it.
    normed = Normed()
    with torch.no_grad():
        normed.bn.running_mean.copy_(torch.randn(6))
        normed.bn.running_var.copy_(torch.rand(6) + 0.5)
        normed.bn.num_batches_tracked.fill_(100)
        for p in normed.parameters():
            p.add_(0.1 * torch.randn_like(p))
    script(Normed(), out / "normed.pt")  # fresh weights in the file: the checkpoint must replace them
    state = normed.state_dict()
    save_safetensors(state, out / "normed_state.safetensors")
    save_safetensors({k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}, out / "normed_state_f16.safetensors")
    bad = dict(state)
    bad["fc.weight"] = torch.zeros(5, 4)
    del bad["out.bias"]
    bad["extra.weight"] = torch.zeros(2)
    bad["bn.num_batches_tracked"] = torch.zeros((), dtype=torch.float32)
    save_safetensors(bad, out / "normed_state_bad.safetensors")
    x = torch.randn(64, 4)
    y = torch.randint(0, 3, (64,))
    save_safetensors({"x": x, "y": y}, out / "normed_data.safetensors")
    normed.eval()
    with torch.no_grad():
        loss = F.cross_entropy(normed(x), y).item()
    half = Normed().eval()
    half.load_state_dict({k: (v.half().float() if v.is_floating_point() else v) for k, v in state.items()})
    with torch.no_grad():
        loss_f16 = F.cross_entropy(half(x), y).item()
    (out / "normed_loss.json").write_text(json.dumps({"loss": loss, "loss_f16": loss_f16}))

    # A short PyTorch run of the MLP: checkpoints named as people name them, plus the bad cases of a checkpoint glob.
    mlp = Mlp([8, 16, 3])
    script(mlp, out / "run_mlp.pt")
    x = torch.randn(256, 8)
    y = torch.randint(0, 3, (256,))
    save_safetensors({"x": x, "y": y}, out / "run_data.safetensors")
    opt = torch.optim.SGD(mlp.parameters(), lr=0.1)
    log = []
    for step in range(0, 61):
        if step in (1, 3, 8, 20, 60):
            (out / "run_flat").mkdir(exist_ok=True)
            save_safetensors(mlp.state_dict(), out / "run_flat" / f"step_{step:06d}.safetensors")
            (out / "run_hf" / f"checkpoint-{step}").mkdir(parents=True, exist_ok=True)
            save_safetensors(mlp.state_dict(), out / "run_hf" / f"checkpoint-{step}" / "model.safetensors")
        loss = F.cross_entropy(mlp(x), y)
        log.append({"step": step, "train_loss": loss.item(), "phase": "train"})
        opt.zero_grad()
        loss.backward()
        opt.step()
    (out / "run_log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in log))
    (out / "run_dup").mkdir(exist_ok=True)
    save_safetensors(mlp.state_dict(), out / "run_dup" / "step_10.safetensors")
    save_safetensors(mlp.state_dict(), out / "run_dup" / "step-010.safetensors")
    (out / "run_partial").mkdir(exist_ok=True)
    save_safetensors(mlp.state_dict(), out / "run_partial" / "step_1.safetensors")
    whole = (out / "run_partial" / "step_1.safetensors").read_bytes()
    (out / "run_partial" / "step_2.safetensors").write_bytes(whole[: len(whole) - 100])


if __name__ == "__main__":
    main(sys.argv[1])
