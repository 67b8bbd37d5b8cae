"""How arrays are stored and read back: fp16 where it keeps the values, float32 where it would not;
read back as float32 (integers as they are)."""

from __future__ import annotations

from functools import cache

import numpy as np

FP16_MAX = 65504.0
FP16_TINY = 2.0**-14  # fp16's smallest normal number: below it values lose precision, and ~6e-8 become 0


def fits_fp16(lo: float, hi: float) -> bool:
    """Whether values from `lo` to `hi` keep their colours in fp16: none beyond its range, and the
    largest not so small that the rest fall to subnormals or zero (ConvNeXt's layer scale of 1e-6
    times activations of ~1e-2 stored as fp16 was all zeros, a blank block)."""
    largest = max(-lo, hi)
    return largest <= FP16_MAX and (largest >= FP16_TINY or largest == 0)


def to_storage_dtype(a: np.ndarray) -> np.ndarray:
    """fp16 where it keeps the values (fits_fp16); float32 where fp16 would turn large values into inf
    or tiny ones into zero."""
    if a.dtype == np.float16 or a.dtype.kind in "iu":  # converted by the recorder already; indices stay exact
        return a
    a = np.asarray(a, dtype=np.float32)
    finite = a[np.isfinite(a)]
    if finite.size and not fits_fp16(float(finite.min()), float(finite.max())):
        return a
    return a.astype(np.float16)


@cache
def _half_table() -> np.ndarray:
    """Every float16 bit pattern's float32 value (256 KiB)."""
    return np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)


def to_float32(a: np.ndarray) -> np.ndarray:
    """A float32 copy; float16 by table lookup: exact, and several times faster than numpy's cast on
    activations (whose zeros and small values send numpy's cast down its slow branch)."""
    if a.dtype == np.float16:
        return np.take(_half_table(), a.view(np.uint16))
    return np.array(a, dtype=np.float32)
