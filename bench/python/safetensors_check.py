#!/usr/bin/python3
"""Loads a safetensors file with json + numpy (no safetensors package) and prints one JSON line per tensor:
name, dtype, shape, the exact sum and index-weighted sum sum((i+1) * x_i) of its values (integers as decimal
strings, floats correctly rounded with math.fsum), and the SHA-256 of its bytes; then a line with the metadata.

Usage: /usr/bin/python3 bench/python/safetensors_check.py FILE
"""
import hashlib
import json
import math
import struct
import sys

import numpy as np

NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
         "U8": "u1", "BOOL": "?"}


def values(dtype, raw):
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype("<u4") << 16
        return bits.view("<f4").astype(np.float64)
    return np.frombuffer(raw, dtype=NUMPY[dtype])


def checksums(dtype, x):
    flat = x.reshape(-1)
    if dtype in ("F64", "F32", "F16", "BF16"):
        f = [float(v) for v in flat]
        return math.fsum(f), math.fsum((i + 1) * v for i, v in enumerate(f))
    ints = [int(v) for v in flat]
    return str(sum(ints)), str(sum((i + 1) * v for i, v in enumerate(ints)))


def main(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        x = values(info["dtype"], raw)
        if x.size != int(np.prod(info["shape"], dtype=np.int64)):
            raise SystemExit("size mismatch for " + name)
        s, w = checksums(info["dtype"], x)
        print(json.dumps({"name": name, "dtype": info["dtype"], "shape": info["shape"], "count": int(x.size),
                          "sum": s, "wsum": w, "sha256": hashlib.sha256(raw).hexdigest()}))
    print(json.dumps({"metadata": metadata}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
