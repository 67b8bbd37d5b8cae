"""The one exception type users see: a one-line message naming the problem and the fix."""


class NnvoxError(Exception):
    """A user-facing error. The CLI prints its message on one line and exits non-zero."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt is (so every write in progress is abandoned cleanly, its
    temporary removed and any encoder stopped), but told apart: the command exits 143, not 130."""


class NnvoxTypeError(NnvoxError, TypeError):
    """An argument of the wrong type (the Python API): caught as NnvoxError or as TypeError."""


class NnvoxValueError(NnvoxError, ValueError):
    """An argument out of range or malformed (the Python API): caught as NnvoxError or as ValueError."""


def path_argument(value, what: str):
    """`value` as a pathlib.Path, or a one-line NnvoxTypeError naming `what` (Python API functions
    take a str or os.PathLike wherever they take a path; anything else failed deep in pathlib)."""
    import os
    from pathlib import Path

    if not isinstance(value, (str, os.PathLike)):
        raise NnvoxTypeError(f"{what} is a path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)


def one_line(text) -> str:
    """A message on one line: a message that spans lines (a library's, a user's exception) is joined, never cut."""
    return " ".join(str(text).split())
