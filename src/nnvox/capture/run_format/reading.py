"""Reading tensors out of a run file: mapped into memory, header checked, each tensor checked
against what the manifest says before anything of it is read, copied out as float32. Whatever a
file holds that the format does not allow, or the disk refuses, is one line naming the file."""

from __future__ import annotations

import os
import struct
from contextlib import contextmanager
from functools import lru_cache
from stat import S_ISREG

import numpy as np

from nnvox.capture.json_checks import Invalid
from nnvox.capture.run_format.conversions import to_float32
from nnvox.capture.run_format.header import map_tensors
from nnvox.capture.run_format.keys import PER_SAMPLE, refused
from nnvox.errors import NnvoxError


class Missing(KeyError):
    """A tensor the file does not hold (the caller says why: never recorded, or the file was altered)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@contextmanager
def reading(path: str):
    """Reading a run file: what it holds that the format does not allow, or the disk refuses, is one line."""
    try:
        yield
    except Invalid as exc:
        raise refused(path, str(exc)) from None
    except MemoryError:
        raise NnvoxError(
            f"{path} holds more than this computer's free memory can read; read it on a larger machine"
        ) from None
    except (ValueError, struct.error):  # its bytes no longer what its header said: cut or rewritten meanwhile
        raise refused(path, "it changed while it was read") from None
    except OSError as exc:
        raise NnvoxError(
            f"{path} cannot be read ({exc.strerror or exc}); check that the file and its disk are readable"
        ) from None


def mapped(path: str) -> tuple[np.ndarray, dict[str, tuple], dict[str, str]]:
    """The file mapped into memory and its safetensors header, checked (see header.map_tensors):
    tensors are then views into the page cache, and a read copies only the bytes it keeps. The
    last few files stay mapped, so a move's second read of a snapshot skips the header (a rewritten
    file, seen by its size and time, is mapped anew)."""
    st = os.stat(path)
    if not S_ISREG(st.st_mode):
        raise Invalid("not a regular file")
    return mapped_version(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)  # (a comparison in a change mode reads 8 files a frame)
def mapped_version(path: str, size: int, mtime_ns: int) -> tuple[np.ndarray, dict[str, tuple], dict[str, str]]:
    return map_tensors(path)  # (size and time: the cache's key, so a rewritten file is mapped anew)


def read_tensors(
    path: str,
    keys: list[str] | None,
    sample: int | None = None,
    channels: dict[str, tuple[int, ...]] | None = None,
    skip_missing: bool = False,
    check=None,
) -> dict[str, np.ndarray]:
    """Tensors as float32 copies (integers as they are); with `sample`, one probe sample of each
    activation (and only the given channels of it). `check(key, dtype, shape)` raises Invalid for
    a tensor that is not what the manifest says, before anything of it is read."""
    with reading(path):
        data, header, _ = mapped(path)
        wanted = list(header) if keys is None else [k for k in keys if k in header] if skip_missing else keys
        out = {}
        for k in wanted:
            if k not in header:
                raise Missing(k)
            dtype, shape, start, end = header[k]
            if check is not None:
                check(k, dtype, shape)
            a = data[start:end].view(dtype).reshape(shape)
            if sample is not None and k.startswith(PER_SAMPLE):
                if not 0 <= sample < len(a):
                    raise Invalid(f"tensor {k!r} has {len(a)} rows, no sample {sample}")
                a = a[sample]
                if (chosen := (channels or {}).get(k)) is not None:
                    a = a[list(chosen)]  # copies just those channels out of the page cache
            out[k] = to_float32(a) if a.dtype.kind == "f" else np.array(a)  # indices stay integers
        return out


def read_samples(path: str, keys: list[str], check) -> dict[str, np.ndarray]:
    """The tensors of a probe or held-out set's file, each checked; every one of them must be there."""
    try:
        return read_tensors(path, keys, check=check)
    except Missing as missing:
        raise refused(path, f"it has no tensor {missing.key!r}") from None


def read_file(path: str) -> dict[str, np.ndarray]:
    """Every tensor of one snapshot file under each of its names (a tensor stored once for several
    is returned under all of them), as float32, checked as any read is."""
    return read_tensors(path, None)
