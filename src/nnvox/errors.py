"""The one exception type users see: a one-line message naming the problem and the fix."""


class NnvoxError(Exception):
    """A user-facing error. The CLI prints its message on one line and exits non-zero."""


class NnvoxTypeError(NnvoxError, TypeError):
    """An argument of the wrong type (the Python API): caught as NnvoxError or as TypeError."""


class NnvoxValueError(NnvoxError, ValueError):
    """An argument out of range or malformed (the Python API): caught as NnvoxError or as ValueError."""
