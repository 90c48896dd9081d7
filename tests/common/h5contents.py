# SPDX-License-Identifier: MIT
"""Reading HDF5 files back for byte-for-byte comparisons in the Python tests."""

import h5py


def datasets(path):
    """Every dataset's contents, by name: raw bytes, or a list of values where a dataset (or a
    field of a compound dataset) holds text, whose in-memory bytes are pointers."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            has_text = obj.dtype.kind == "O" or (obj.dtype.names and any(
                obj.dtype[n].kind == "O" for n in obj.dtype.names))
            out[name] = data.tolist() if has_text else data.tobytes()

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out
