#!/usr/bin/env python3
"""An ordinary PyTorch training run that lambdahat can measure: a 2-layer attention-only transformer (learned
positions, pre-LayerNorm with a gain only, one head per layer, no biases: lambdahat's induction model, so that
from_lambdahat.py can convert that model's weights to this one) trained on sequences of a random bigram
chain in which half of the sequences repeat their first half, so that an induction head pays off.

It saves what lambdahat reads:
  OUT/model.pt                        the TorchScript module (torch.jit.save(torch.jit.script(model)))
  OUT/checkpoints/step_NNNNNN.safetensors   model.state_dict() every --every steps
  OUT/data.safetensors                x (token ids [n, T]) and y (next tokens [n, T]): the data λ̂ is measured on
  OUT/log.jsonl                       {"step", "train_loss", "held_out_loss"} per logged step

Usage: /usr/bin/python3 train_induction.py OUT [--steps 600] [--every 50]
(safetensors is written by the few lines in save_safetensors: 8-byte header length, JSON header, raw bytes.)"""
import argparse
import json
import math
import os
import struct
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F


def save_safetensors(tensors, path):
    header, blobs, offset = {}, [], 0
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)  # a watcher never sees a half-written checkpoint


def load_safetensors(path):
    """The tensors of a safetensors file (F32, F64, I64), as save_safetensors writes them."""
    raw = Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    codes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=codes[info["dtype"]]).reshape(info["shape"])
    return out


class LayerNorm(nn.Module):
    """LayerNorm with a gain and no shift, as lambdahat's built-in transformer has it (nn.LayerNorm's bias=False came
    after torch 1.13), so that the two models have the same parameters and lambdahat's weights convert one to one."""

    def __init__(self, d_model: int):
        super().__init__()
        self.d_model = d_model
        self.weight = nn.Parameter(torch.ones(d_model))

    def forward(self, x):
        return F.layer_norm(x, [self.d_model], self.weight, None, 1e-5)


class Attention(nn.Module):
    def __init__(self, d_model: int, heads: int, context: int):
        super().__init__()
        self.heads = heads
        self.d_head = d_model // heads
        self.W_Q = nn.Parameter(torch.randn(heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_K = nn.Parameter(torch.randn(heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_V = nn.Parameter(torch.randn(heads, d_model, self.d_head) / math.sqrt(d_model))
        self.W_O = nn.Parameter(torch.randn(heads, self.d_head, d_model) / math.sqrt(d_model))
        self.register_buffer("mask", torch.triu(torch.full((context, context), float("-inf")), diagonal=1))

    def forward(self, x):  # x [B, T, d]
        t = x.size(1)
        q = torch.einsum("btd,hde->bhte", x, self.W_Q)
        k = torch.einsum("btd,hde->bhte", x, self.W_K)
        v = torch.einsum("btd,hde->bhte", x, self.W_V)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d_head) + self.mask[:t, :t]
        z = torch.softmax(scores, dim=-1) @ v
        return torch.einsum("bhte,hed->btd", z, self.W_O)


class Block(nn.Module):
    def __init__(self, d_model: int, heads: int, context: int):
        super().__init__()
        self.ln = LayerNorm(d_model)
        self.attn = Attention(d_model, heads, context)

    def forward(self, x):
        return x + self.attn(self.ln(x))


class AttentionOnlyTransformer(nn.Module):
    def __init__(self, vocab=32, context=32, d_model=32, layers=2, heads=1):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(0.02 * torch.randn(context, d_model))
        self.blocks = nn.ModuleList([Block(d_model, heads, context) for _ in range(layers)])
        self.ln_final = LayerNorm(d_model)
        self.unembed = nn.Linear(d_model, vocab, bias=False)

    def forward(self, tokens):  # [B, T] int64 -> logits [B, T, vocab]
        x = self.embed(tokens) + self.pos[: tokens.size(1)]
        for block in self.blocks:
            x = block(x)
        return self.unembed(self.ln_final(x))


def sequences(n, transition, context, g):
    """Sequences of one bigram chain; half of them repeat their first half (what an induction head predicts)."""
    vocab = transition.size(0)
    seq = torch.empty(n, context + 1, dtype=torch.long)
    seq[:, 0] = torch.randint(0, vocab, (n,), generator=g)
    for t in range(1, context + 1):
        seq[:, t] = torch.multinomial(transition[seq[:, t - 1]], 1, generator=g).squeeze(1)
    half = (context + 1) // 2
    repeat = torch.rand(n, generator=g) < 0.5
    seq[repeat, half:2 * half] = seq[repeat, :half]
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--every", type=int, default=50)
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    out = Path(a.out)
    (out / "checkpoints").mkdir(parents=True, exist_ok=True)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    vocab, context = 32, 32
    transition = torch.softmax(3.0 * torch.randn(vocab, vocab, generator=g), dim=-1)
    x, y = sequences(a.n, transition, context, g)
    hx, hy = sequences(512, transition, context, g)
    save_safetensors({"x": x, "y": y}, out / "data.safetensors")
    model = AttentionOnlyTransformer(vocab, context)
    torch.jit.save(torch.jit.script(model), str(out / "model.pt"))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    with open(out / "log.jsonl", "w") as log:
        for step in range(a.steps + 1):
            if step % a.every == 0 or step == a.steps:
                save_safetensors(model.state_dict(), out / "checkpoints" / f"step_{step:06d}.safetensors")
                with torch.no_grad():
                    held = F.cross_entropy(model(hx).reshape(-1, vocab), hy.reshape(-1)).item()
            idx = torch.randint(0, a.n, (32,), generator=g)
            loss = F.cross_entropy(model(x[idx]).reshape(-1, vocab), y[idx].reshape(-1))
            if step % a.every == 0 or step == a.steps:
                log.write(json.dumps({"step": step, "train_loss": loss.item(), "held_out_loss": held}) + "\n")
                log.flush()
                print(f"step {step:5d}  loss {loss.item():.4f}  held-out {held:.4f}", flush=True)
            if step == a.steps:
                break
            opt.zero_grad()
            loss.backward()
            opt.step()


if __name__ == "__main__":
    main()
