#!/usr/bin/env python3
"""Converts a checkpoint of lambdahat's built-in attention-only transformer (`lambdahat train --task induction`,
TransformerLens names) to train_induction.py's plain nn.Module, and scripts it. The two models compute the same
function; only the names and the unembedding's layout differ:

  embed.W_E [vocab, d]           -> embed.weight [vocab, d]
  pos_embed.W_pos [context, d]   -> pos [context, d]
  blocks.l.ln1.w [d]             -> blocks.l.ln.weight [d]
  blocks.l.attn.W_{Q,K,V,O}      -> blocks.l.attn.W_{Q,K,V,O} (same shapes)
  ln_final.w [d]                 -> ln_final.weight [d]
  unembed.W_U [d, vocab]         -> unembed.weight [vocab, d] (transposed)

Writes OUT/model.pt (the scripted module, holding the converted weights) and OUT/state.safetensors (its state_dict).
Usage: /usr/bin/python3 from_lambdahat.py CHECKPOINT.safetensors OUT [--double]"""
import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_induction import AttentionOnlyTransformer, load_safetensors, save_safetensors  # noqa: E402


def converted(lh):
    """The state_dict names and layouts of AttentionOnlyTransformer, from lambdahat's names."""
    layers = sorted({int(k.split(".")[1]) for k in lh if k.startswith("blocks.")})
    extra = [k for k in lh if ".b_" in k or k.endswith(".b") or ".mlp." in k or ".ln2." in k]
    if extra:
        raise SystemExit(f"not an attention-only transformer without biases: {extra}")
    state = {"embed.weight": lh["embed.W_E"], "pos": lh["pos_embed.W_pos"]}
    for l in layers:
        state[f"blocks.{l}.ln.weight"] = lh[f"blocks.{l}.ln1.w"]
        for w in ("W_Q", "W_K", "W_V", "W_O"):
            state[f"blocks.{l}.attn.{w}"] = lh[f"blocks.{l}.attn.{w}"]
    state["ln_final.weight"] = lh["ln_final.w"]
    state["unembed.weight"] = lh["unembed.W_U"].t().contiguous()
    return state, len(layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--double", action="store_true", help="script the model in float64")
    a = p.parse_args()
    state, layers = converted(load_safetensors(a.checkpoint))
    vocab, d = state["embed.weight"].shape
    context = state["pos"].shape[0]
    heads = state["blocks.0.attn.W_Q"].shape[0]
    model = AttentionOnlyTransformer(vocab, context, d, layers, heads)
    if a.double:
        model = model.double()
    missing, unexpected = model.load_state_dict({k: v.to(model.pos.dtype) for k, v in state.items()}, strict=False)
    if unexpected or [m for m in missing if not m.endswith(".mask")]:
        raise SystemExit(f"does not fit: missing {missing}, unexpected {unexpected}")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.jit.save(torch.jit.script(model.eval()), str(out / "model.pt"))
    save_safetensors(model.state_dict(), out / "state.safetensors")
    print(json.dumps({"layers": layers, "heads": heads, "d_model": d, "vocab": vocab, "context": context}))


if __name__ == "__main__":
    main()
