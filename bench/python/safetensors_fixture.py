#!/usr/bin/python3
"""Writes the safetensors fixture that SafeTensorsPythonTest reads: one tensor of each dtype with values
given by closed forms the Java test recomputes, a scalar, an empty tensor, and metadata.

The safetensors pip package is not used: the format is written by hand (json + numpy, torch for bfloat16)
the way the reference implementation writes it: header keys in insertion order, "__metadata__" first, the
header padded with spaces to a multiple of 8 bytes, the data laid out widest element type first.

Usage: /usr/bin/python3 bench/python/safetensors_fixture.py [OUT]   (default src/test/resources/io/fixture.safetensors)
"""
import json
import struct
import sys

import numpy as np
import torch


def bf16_bytes(values):
    return torch.tensor(values, dtype=torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()


def tensors():
    """name -> (dtype code, shape, little-endian bytes); the closed forms are repeated in SafeTensorsPythonTest."""
    out = {}
    out["weights.f64"] = ("F64", [2, 3], (np.arange(6, dtype="<f8") * 0.5 - 1.25).tobytes())
    out["weights.f32"] = ("F32", [3, 2, 2], ((np.arange(12, dtype="<f4") - 6) / 8).astype("<f4").tobytes())
    out["half"] = ("F16", [4], np.array([-2.0, -0.5, 2.0 ** -10, 65504.0], dtype="<f2").tobytes())
    out["brain"] = ("BF16", [2, 2], bf16_bytes([1.0, -3.5, 2.0 ** 20, 1.0 / 128]))
    out["big"] = ("I64", [3], np.array([-(2 ** 62), 2 ** 40 + 7, 2 ** 63 - 1], dtype="<i8").tobytes())
    out["i32"] = ("I32", [2, 2], np.array([-2 ** 31, -1, 0, 2 ** 31 - 1], dtype="<i4").tobytes())
    out["i16"] = ("I16", [3], np.array([-32768, 12345, 32767], dtype="<i2").tobytes())
    out["i8"] = ("I8", [4], np.array([-128, -1, 1, 127], dtype="i1").tobytes())
    out["u8"] = ("U8", [2, 3], np.array([0, 1, 127, 128, 200, 255], dtype="u1").tobytes())
    out["mask"] = ("BOOL", [5], np.array([True, False, False, True, True], dtype="?").tobytes())
    out["scalar"] = ("F32", [], np.array(3.25, dtype="<f4").tobytes())
    out["empty"] = ("F32", [0, 4], b"")
    return out


WIDTH = {"F64": 8, "I64": 8, "F32": 4, "I32": 4, "F16": 2, "BF16": 2, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def write(path, items, metadata):
    layout = sorted(items.items(), key=lambda kv: -WIDTH[kv[1][0]])  # stable: equal widths keep their order
    offsets, at = {}, 0
    for name, (_, _, data) in layout:
        offsets[name] = (at, at + len(data))
        at += len(data)
    header = {"__metadata__": metadata}
    for name, (dtype, shape, _) in items.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": list(offsets[name])}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, (_, _, data) in layout:
            f.write(data)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/io/fixture.safetensors"
    write(out, tensors(), {"format": "pt", "source": "bench/python/safetensors_fixture.py", "note": "λ̂ fixture"})
    print("wrote", out)
