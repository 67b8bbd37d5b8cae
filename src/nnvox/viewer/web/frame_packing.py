"""A view's frames as the exported page holds them: one flag byte a snapshot, then each snapshot's
colour indices, whole (KEPT) or as their difference, modulo 256, from the snapshot before (CHANGED),
whichever zlib packs smaller; all of it zlib, then base64. Between two snapshots of a trained
network most indices stay (the probe's input image always does), so a difference is mostly zeros; a
mistake's snapshots show different images, so they stay whole. The page (js/frame_packing.js)
adds each difference back to the snapshot before: the same bytes, no second rule."""

from __future__ import annotations

import base64
import zlib

import numpy as np

KEPT, CHANGED = 0, 1  # a snapshot's indices whole, or less the snapshot before's (mod 256)
CHOICE_LEVEL = 6  # zlib's level to compare the two ways (9 packs the whole: the same choice, slower)
LEVEL = 9


def _packed_size(data: bytes) -> int:
    return len(zlib.compress(data, CHOICE_LEVEL))


def pack_frames(indices: list[bytes]) -> str:
    """Each snapshot's indices (frame_bytes each), packed as the module says."""
    flags, parts, before = [], [], None
    for data in indices:
        now = np.frombuffer(data, np.uint8)
        changed = None if before is None else (now - before).tobytes()  # (uint8 wraps: modulo 256)
        use = changed is not None and _packed_size(changed) < _packed_size(data)
        flags.append(CHANGED if use else KEPT)
        parts.append(changed if use else data)
        before = now
    return base64.b64encode(zlib.compress(bytes(flags) + b"".join(parts), LEVEL)).decode("ascii")


def unpack_frames(text: str, snapshots: int) -> bytes:
    """The snapshots' indices one after another, as the page reads them back."""
    data = np.frombuffer(zlib.decompress(base64.b64decode(text)), np.uint8)
    flags, frames = data[:snapshots], data[snapshots:].reshape(snapshots, -1).copy()
    for t in range(1, snapshots):
        if flags[t] == CHANGED:
            frames[t] += frames[t - 1]
    return frames.tobytes()
