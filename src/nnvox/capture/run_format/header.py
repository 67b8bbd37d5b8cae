"""A snapshot (or probe, or held-out set) file: a safetensors file whose header is checked as untrusted
input before anything it claims is mapped or allocated, with nnvox's alias table resolved."""

from __future__ import annotations

import math
import mmap
import os
import stat
import struct
from collections.abc import Mapping

import numpy as np

from nnvox.capture.json_checks import (
    MAX_RANK,
    MAX_SIDE,
    Invalid,
    check_shape,
    json_list,
    json_object,
    number,
    parse_json,
    show,
    text,
)
from nnvox.capture.run_format.keys import ALIASES_KEY, DTYPES, HEADER_LIMIT, ITEMSIZE, MAX_ALIASES, tensor_kind


def map_tensors(path: str) -> tuple[np.ndarray, dict[str, tuple], dict[str, str]]:
    """A safetensors file mapped into memory, its header checked first: (data, {key:
    (dtype, shape, start, end)}, metadata). Raises Invalid before mapping or allocating anything
    the header claims."""
    # Non-blocking, and checked once open: the name may have been swapped for a FIFO since it was looked at.
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Invalid("not a regular file")
        size = st.st_size
        if size < 8:
            raise Invalid(f"{size} bytes: too short to hold a safetensors header")
        n = struct.unpack("<Q", f.read(8))[0]
        if n > min(HEADER_LIMIT, size - 8):
            raise Invalid(f"its header claims {n:,} bytes; the file holds {size:,}, a header at most {HEADER_LIMIT:,}")
        header = json_object(parse_json(f.read(n), "the header"), "the header")
        entries, metadata = check_header(header, size - 8 - n)
        if ALIASES_KEY in metadata:  # (checked at every mapping: keys() and every read see the same names)
            entries = AliasedEntries(entries, check_aliases(metadata[ALIASES_KEY], entries))
        # (a file with no tensors has no data to map)
        data = (
            np.frombuffer(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), dtype=np.uint8, offset=8 + n)
            if size > 8 + n
            else np.zeros(0, np.uint8)
        )
    return data, entries, metadata


def check_header(header: dict, data_size: int) -> tuple[Mapping[str, tuple], dict[str, str]]:
    """Metadata text to text, and the tensors' spans tiling the data exactly (no gaps, no overlaps,
    nothing past the end); each tensor's own entry is checked when it is first read (TensorEntries)."""
    metadata = json_object(header.pop("__metadata__", None) or {}, "the header's metadata")
    for k, v in metadata.items():
        text(v, f"metadata {show(k)}", HEADER_LIMIT)
    try:  # the common case in one pass over the raw offsets; anything odd is taken apart below
        spans = sorted([(start, end) for start, end in (e["data_offsets"] for e in header.values())])
    except (TypeError, KeyError, ValueError, AttributeError):
        spans = sorted((start, end) for _, _, start, end in (_entry(k, e, data_size) for k, e in header.items()))
    at = 0
    for start, end in spans:
        if start != at:
            raise Invalid("its tensors overlap or leave gaps in the data")
        at = end
    if at != data_size:
        raise Invalid(f"its tensors cover {at:,} of its {data_size:,} data bytes")
    return TensorEntries(header, data_size), metadata


class TensorEntries(Mapping):
    """A header's tensor entries as (dtype, shape, start, end), each checked (`_entry`) the first
    time it is asked for: a timeline move reads a few of a snapshot's tensors and need not check
    the rest; nothing is read from an entry before its check."""

    def __init__(self, raw: dict, data_size: int):
        self._raw, self._size, self._checked = raw, data_size, {}

    def __getitem__(self, key: str) -> tuple:
        entry = self._checked.get(key)
        if entry is None:
            entry = self._checked[key] = _entry(key, self._raw[key], self._size)
        return entry

    def __contains__(self, key) -> bool:
        return key in self._raw

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def check_aliases(stored: str, entries: Mapping) -> dict[str, str]:
    """A snapshot's alias table, checked as untrusted input: each alias a new name of a tensor of its
    own kind that the file stores (an alias of an alias, a cycle, or a name shadowing a stored
    tensor is refused), at most MAX_ALIASES of them."""
    aliases = json_object(parse_json(stored, f"metadata {ALIASES_KEY}"), f"metadata {ALIASES_KEY}")
    if len(aliases) > MAX_ALIASES:
        raise Invalid(f"its alias table holds {len(aliases):,} names (at most {MAX_ALIASES:,})")
    for alias, target in aliases.items():
        text(alias, "an alias", 1024)
        text(target, f"the tensor alias {show(alias)} names", 1024)
        if alias in entries:
            raise Invalid(f"alias {show(alias)} is also a tensor the file stores")
        if target not in entries:  # (aliases are not stored tensors: no chains, no cycles)
            raise Invalid(f"alias {show(alias)} names {show(target)}, which the file does not store")
        if tensor_kind(alias) is None or tensor_kind(alias) != tensor_kind(target):
            raise Invalid(f"alias {show(alias)} names {show(target)}, another kind of tensor")
    return aliases


class AliasedEntries(Mapping):
    """A header's tensor entries with each alias answering as the tensor it names: every reader of
    a snapshot (keys, checks, reads of one sample) sees one tensor under all its names."""

    def __init__(self, entries: Mapping, aliases: dict[str, str]):
        self._entries, self.aliases = entries, aliases

    def __getitem__(self, key: str) -> tuple:
        return self._entries[self.aliases.get(key, key)]

    def __contains__(self, key) -> bool:
        return key in self._entries or key in self.aliases

    def __iter__(self):
        yield from self._entries
        yield from self.aliases

    def __len__(self) -> int:
        return len(self._entries) + len(self.aliases)


def _entry(key: str, entry, data_size: int) -> tuple:
    """(dtype, shape, start, end) of one header entry. Checked on every mapping of a file (a
    timeline move maps snapshots anew): the common case is tested in one expression, and only a
    failing entry is taken apart for the message that names what is wrong."""
    try:
        dtype, shape, (start, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if (
            key.isascii()
            and dtype in ITEMSIZE
            and type(shape) is list
            and len(shape) <= MAX_RANK
            and type(start) is int
            and type(end) is int
            and 0 <= start <= end <= data_size
        ):
            n = ITEMSIZE[dtype]
            for side in shape:  # (a loop: several times faster than all() over a generator here)
                if type(side) is not int or not 0 <= side <= MAX_SIDE:
                    break
                n *= side
            else:
                if end - start == n:
                    return DTYPES[dtype], tuple(shape), start, end
    except (TypeError, KeyError, ValueError, AttributeError):
        pass
    what = f"tensor {show(key)}"
    text(key, "a tensor name")
    json_object(entry, what)
    dtype = entry.get("dtype")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise Invalid(f"{what} has unknown dtype {show(dtype)}")
    shape = tuple(check_shape(entry.get("shape"), f"{what}: shape"))
    offsets = json_list(entry.get("data_offsets"), f"{what}: offsets")
    if len(offsets) != 2:
        raise Invalid(f"{what}: offsets must be [start, end]")
    start, end = (number(o, f"{what}: offset", 0, data_size) for o in offsets)
    if end - start != math.prod(shape) * ITEMSIZE[dtype]:
        raise Invalid(f"{what} claims shape {list(shape)} of {dtype} in {end - start:,} bytes")
    return DTYPES[dtype], shape, start, end  # (a name beyond ASCII, valid)
