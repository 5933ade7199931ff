#!/usr/bin/env python3
"""Writes the models of today's PyTorch that the modern-model tests load, with PyTorch's own numbers as the oracles.

Four small language models over the same token data, each scripted (or traced) by the engine's PyTorch 2.x:
  encoder_layer  nn.TransformerEncoderLayer with a causal mask
  mha            nn.MultiheadAttention with a causal mask, a GELU MLP and LayerNorm around it
  nanogpt        a nanoGPT-style block: F.scaled_dot_product_attention(is_causal=True), GELU MLP, LayerNorm
  gpt2           transformers' GPT2LMHeadModel(GPT2Config(...)) with random weights, traced
Each is trained for a few hundred AdamW steps (so that w* is near a minimum), then for each NAME:
  NAME.pt                the module; NAME_state.safetensors its trained weights (w*)
  NAME_ref.json          loss at w* on the whole data set, and λ̂ from a plain PyTorch SGLD loop (chains one after
                         another, as devinterp runs them) with the settings in SETTINGS: per-chain λ̂, mean, std. error
data.safetensors holds x [N, T] (int64 tokens) and y [N, T] (the next tokens).
Run with the engine's python ($LAMBDAHAT_PYTHON). Usage: modern_fixtures.py OUTDIR"""
import json
import math
import sys
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from torchscript_fixtures import save_safetensors  # noqa: E402

VOCAB, CONTEXT, WIDTH, HEADS, N = 24, 12, 32, 2, 512
# λ̂'s settings, shared with ModernModulesTest: localisation γ, step ε, inverse temperature nβ, minibatch, chains
SETTINGS = {"epsilon": 1e-4, "gamma": 300.0, "nbeta": 30.0, "batch": 32, "chains": 8, "burnin": 100, "draws": 200}


class EncoderLm(nn.Module):
    """Token and position embeddings, one nn.TransformerEncoderLayer under a causal mask, an unembedding."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        self.pos = nn.Parameter(0.1 * torch.randn(CONTEXT, WIDTH))
        self.layer = nn.TransformerEncoderLayer(WIDTH, HEADS, 2 * WIDTH, dropout=0.0, batch_first=True)
        self.unembed = nn.Linear(WIDTH, VOCAB)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(CONTEXT))

    def forward(self, x):
        t = x.size(1)
        h = self.embed(x) + self.pos[:t]
        h = self.layer(h, src_mask=self.mask[:t, :t], is_causal=True)
        return self.unembed(h)


class MhaLm(nn.Module):
    """nn.MultiheadAttention (causal), a GELU MLP, pre-LayerNorm residual blocks."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        self.pos = nn.Parameter(0.1 * torch.randn(CONTEXT, WIDTH))
        self.ln1 = nn.LayerNorm(WIDTH)
        self.attn = nn.MultiheadAttention(WIDTH, HEADS, dropout=0.0, batch_first=True)
        self.ln2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 2 * WIDTH), nn.GELU(), nn.Linear(2 * WIDTH, WIDTH))
        self.unembed = nn.Linear(WIDTH, VOCAB)
        self.register_buffer("mask", torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1))  # additive, float

    def forward(self, x):
        t = x.size(1)
        h = self.embed(x) + self.pos[:t]
        a = self.ln1(h)
        h = h + self.attn(a, a, a, attn_mask=self.mask[:t, :t], need_weights=False)[0]
        h = h + self.mlp(self.ln2(h))
        return self.unembed(h)


class NanoGpt(nn.Module):
    """A nanoGPT block: fused qkv projection, F.scaled_dot_product_attention(is_causal=True), GELU MLP, LayerNorm."""
    n_embd: int
    n_head: int

    def __init__(self):
        super().__init__()
        self.n_embd, self.n_head = WIDTH, HEADS
        self.wte = nn.Embedding(VOCAB, WIDTH)
        self.wpe = nn.Embedding(CONTEXT, WIDTH)
        self.ln_1 = nn.LayerNorm(WIDTH)
        self.c_attn = nn.Linear(WIDTH, 3 * WIDTH)
        self.c_proj = nn.Linear(WIDTH, WIDTH)
        self.ln_2 = nn.LayerNorm(WIDTH)
        self.c_fc = nn.Linear(WIDTH, 4 * WIDTH)
        self.mlp_proj = nn.Linear(4 * WIDTH, WIDTH)
        self.ln_f = nn.LayerNorm(WIDTH)
        self.lm_head = nn.Linear(WIDTH, VOCAB, bias=False)

    def forward(self, idx):
        b, t = idx.size(0), idx.size(1)
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        c, h = self.n_embd, self.n_head
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q = q.view(b, t, h, c // h).transpose(1, 2)
        k = k.view(b, t, h, c // h).transpose(1, 2)
        v = v.view(b, t, h, c // h).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))
        return self.lm_head(self.ln_f(x))


class Gpt2Logits(nn.Module):
    """transformers' GPT2LMHeadModel, returning the logits only (tracing keeps tensors, not output objects)."""

    def __init__(self):
        super().__init__()
        from transformers import GPT2Config, GPT2LMHeadModel
        config = GPT2Config(vocab_size=VOCAB, n_positions=CONTEXT, n_embd=WIDTH, n_layer=2, n_head=HEADS,
                            resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=False,
                            bos_token_id=None, eos_token_id=None)
        self.model = GPT2LMHeadModel(config)

    def forward(self, x):
        return self.model(input_ids=x, use_cache=False, return_dict=False)[0]


def make_data(generator):
    """Sequences of a fixed random bigram table with planted repeats: enough structure to learn in a few hundred steps."""
    table = torch.randint(0, VOCAB, (VOCAB, 2), generator=generator)
    x = torch.empty(N, CONTEXT + 1, dtype=torch.long)
    x[:, 0] = torch.randint(0, VOCAB, (N,), generator=generator)
    for t in range(1, CONTEXT + 1):
        pick = torch.randint(0, 2, (N,), generator=generator)
        x[:, t] = table[x[:, t - 1], pick]
    return x[:, :-1].contiguous(), x[:, 1:].contiguous()


def loss_of(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))


def train(model, x, y, steps, generator):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    for _ in range(steps):
        idx = torch.randint(0, N, (64,), generator=generator)
        loss = loss_of(model, x[idx], y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


def sgld_llc(model, x, y, generator):
    """λ̂ = nβ (mean over draws of the minibatch loss − L_n(w*)), chains one after another from w*, each step
    w ← w − ε/2 (nβ ∇L_batch(w) + γ (w − w*)) + N(0, ε) — the estimator devinterp computes."""
    s = SETTINGS
    params = [p for p in model.parameters()]
    centre = [p.detach().clone() for p in params]
    with torch.no_grad():
        init = loss_of(model, x, y).item()
    per_chain = []
    for _ in range(s["chains"]):
        with torch.no_grad():
            for p, w in zip(params, centre):
                p.copy_(w)
        total = 0.0
        for step in range(s["burnin"] + s["draws"]):
            idx = torch.randint(0, N, (s["batch"],), generator=generator)
            loss = loss_of(model, x[idx], y[idx])
            grads = torch.autograd.grad(loss, params)
            if step >= s["burnin"]:
                total += loss.item()
            with torch.no_grad():
                for p, g, w in zip(params, grads, centre):
                    noise = torch.randn(p.shape, generator=generator) * math.sqrt(s["epsilon"])
                    p.add_(-0.5 * s["epsilon"] * (s["nbeta"] * g + s["gamma"] * (p - w)) + noise)
        per_chain.append(s["nbeta"] * (total / s["draws"] - init))
    with torch.no_grad():
        for p, w in zip(params, centre):
            p.copy_(w)
    mean = sum(per_chain) / len(per_chain)
    sd = math.sqrt(sum((v - mean) ** 2 for v in per_chain) / (len(per_chain) - 1))
    return init, per_chain, mean, sd / math.sqrt(len(per_chain))


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    x, y = make_data(g)
    save_safetensors({"x": x, "y": y}, out / "data.safetensors")
    builders = {"encoder_layer": EncoderLm, "mha": MhaLm, "nanogpt": NanoGpt, "gpt2": Gpt2Logits}
    only = set(sys.argv[2:])
    for name, build in builders.items():
        if only and name not in only:
            continue
        model = build()
        train(model, x, y, 300, g)
        model.eval()
        if name == "gpt2":
            module = torch.jit.trace(model, (x[:8],), check_trace=False)
        else:
            module = torch.jit.script(model)
        torch.jit.save(module, str(out / f"{name}.pt"))
        loaded = torch.jit.load(str(out / f"{name}.pt")).eval()
        save_safetensors(dict(loaded.state_dict()), out / f"{name}_state.safetensors")
        init, per_chain, mean, se = sgld_llc(loaded, x, y, g)
        ref = {"loss": init, "llc_per_chain": per_chain, "llc_mean": mean, "llc_stderr": se, "settings": SETTINGS,
               "torch": torch.__version__}
        (out / f"{name}_ref.json").write_text(json.dumps(ref, indent=1))
        print(f"{name}: {sum(p.numel() for p in loaded.parameters())} parameters, L(w*) = {init:.5f}, "
              f"λ̂ = {mean:.3f} ± {se:.3f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
