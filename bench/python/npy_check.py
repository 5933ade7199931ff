#!/usr/bin/python3
"""Loads .npy files with numpy.load and prints one JSON line per file: descr, shape, fortran_order, count, the exact sum
and index-weighted sum sum((i+1) * x_i) in C order (integers as decimal strings, floats correctly rounded with
math.fsum), and the SHA-256 of the C-ordered little-endian bytes.

Usage: /usr/bin/python3 bench/python/npy_check.py FILE...
"""
import hashlib
import json
import math
import sys

import numpy as np


def main(path):
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:  # 3.0 has no public reader of its own
            shape, fortran, dtype = np.lib.format._read_array_header(f, version)
    x = np.load(path, allow_pickle=False)
    flat = np.ascontiguousarray(x).reshape(-1)
    if x.dtype.kind == "f":
        f = [float(v) for v in flat]
        s, w = math.fsum(f), math.fsum((i + 1) * v for i, v in enumerate(f))
    else:
        ints = [int(v) for v in flat]
        s, w = str(sum(ints)), str(sum((i + 1) * v for i, v in enumerate(ints)))
    raw = np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<")).tobytes()
    print(json.dumps({"file": path, "descr": dtype.str, "shape": list(shape), "fortran_order": bool(fortran),
                      "version": list(version), "count": int(x.size), "sum": s, "wsum": w,
                      "sha256": hashlib.sha256(raw).hexdigest()}))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        main(path)
