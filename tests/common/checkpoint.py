# SPDX-License-Identifier: MIT
"""Reading a sweep checkpoint (OUT.h5.progress) in the Python tests."""

import struct
import zlib


def checkpoint_points(path):
    """Points recorded in an OUT.h5.progress file (format: docs/output.md, "Checkpoint file"),
    in file order, up to the first torn or corrupt record."""
    data = open(path, "rb").read()
    if len(data) < 12:
        return []
    assert data[:8] == b"WOMCKPT1", data[:8]
    at = 12 + struct.unpack_from("<I", data, 8)[0]
    points = []
    while at + 16 <= len(data):
        magic, point, length, crc = struct.unpack_from("<IIII", data, at)
        payload = data[at + 16:at + 16 + length]
        if magic != 0x50575357 or len(payload) != length or zlib.crc32(payload) != crc:
            break
        points.append(point)
        at += 16 + length
    return points
