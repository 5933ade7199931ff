#!/usr/bin/python3
"""Writes the .npy fixtures that NpyTest reads, with numpy.save (and numpy.lib.format for versions 2.0 and 3.0).
Values are closed forms the Java test recomputes.

Usage: /usr/bin/python3 bench/python/npy_fixture.py [DIR]   (default src/test/resources/io/npy)
"""
import os
import sys

import numpy as np


def arrays():
    """file name -> array; the closed forms are repeated in NpyTest."""
    return {
        "f4_c.npy": (np.arange(12, dtype="<f4").reshape(3, 4) / 4 - 1).astype("<f4"),
        # Fortran-contiguous and not C-contiguous, so numpy.save writes fortran_order True.
        "f8_fortran.npy": np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4) * 0.5 - 3),
        "i4.npy": np.array([[-2 ** 31, -1], [0, 2 ** 31 - 1], [7, -7]], dtype="<i4"),
        "i8.npy": np.array([-(2 ** 62), 2 ** 40 + 7, 2 ** 63 - 1, 0], dtype="<i8"),
        "u1.npy": np.arange(0, 256, 51, dtype="u1").reshape(2, 3),
        "b1.npy": np.array([[True, False, True], [False, False, True]]),
        "scalar_f8.npy": np.array(-6.5, dtype="<f8"),
        "empty_f4.npy": np.zeros((0, 3), dtype="<f4"),
        "f8_big_endian.npy": np.arange(3, dtype=">f8"),
    }


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, a in arrays().items():
        np.save(os.path.join(out, name), a)
    # The same 2x3 float32 array as f4_c.npy's first two rows, in the two later format versions.
    a = arrays()["f4_c.npy"][:2, :3].copy()
    for version, name in (((2, 0), "f4_v2.npy"), ((3, 0), "f4_v3.npy")):
        with open(os.path.join(out, name), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/io/npy")
