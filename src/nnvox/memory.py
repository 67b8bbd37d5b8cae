"""How much memory is free, and a refusal before an allocation that could not fit.

An input shape or image size typed by a user can ask for terabytes; allocating first ends in a
traceback from deep inside torch or numpy, or in the kernel's OOM killer. Asking first costs a file
read. Outside the layers (like errors.py): every layer sizes things.
"""

from __future__ import annotations

import os
from pathlib import Path

from nnvox.errors import NnvoxError


def available_memory() -> int | None:
    """Bytes that can be allocated without swapping: the system's available memory, capped by a
    cgroup (container) limit; None where neither can be read."""
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            pass
    try:
        cgroup = Path("/sys/fs/cgroup")
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max":
            found.append(int(limit) - int((cgroup / "memory.current").read_text()))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def size_text(nbytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{int(nbytes)} bytes"


def check_fits(nbytes: int, what: str, fix: str) -> None:
    """Refuse, naming what needs how much, when `nbytes` is more than is free (or absurd anywhere)."""
    free = available_memory()
    if nbytes > (free if free is not None else 1 << 50):
        have = f"the {size_text(free)} this machine has free" if free is not None else "any machine's memory"
        raise NnvoxError(f"{what} would need about {size_text(nbytes)}, more than {have}; {fix}")
