"""Checks of values parsed from untrusted JSON (a run's manifest, a snapshot's header): each either
returns the value or raises Invalid with a short reason that names it, for the caller to put into
one line with the file it came from."""

from __future__ import annotations

import json
import math

MAX_RANK = 8  # axes of a layer's output or weight (Conv3d weights: 5)
MAX_SIDE = (1 << 31) - 1  # one axis
MAX_ELEMENTS = 1 << 40  # values in one shape: beyond any tensor a run file can hold
MAX_NUMBER = 1 << 53  # indices, epochs, steps, counts, byte sizes: exact in every JSON reader


class Invalid(ValueError):
    """A value that is not what the run format says: the reason, without the file."""


def show(value) -> str:
    """A short one-line rendering of an untrusted value (never a container's whole repr)."""
    if isinstance(value, str):
        return repr(value[:40] + ("..." if len(value) > 40 else ""))
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        return f"a {value.bit_length()}-bit number"
    return repr(value)


def text(value, what: str, limit: int = 4096) -> str:
    """A string of at most `limit` characters that is valid Unicode (no lone surrogates, which
    print and encode nowhere)."""
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text, not {show(value)}")
    if len(value) > limit:
        raise Invalid(f"{what} is {len(value):,} characters long (at most {limit:,})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{what} {show(value)} is not valid Unicode") from None
    return value


def number(value, what: str, lo: int = 0, hi: int = MAX_NUMBER) -> int:
    """A whole number lo..hi (JSON true/false and 1.0 are not)."""
    if type(value) is not int or not lo <= value <= hi:
        span = f"from {lo}" if hi == MAX_NUMBER else f"{lo}..{hi}"
        raise Invalid(f"{what} must be a whole number {span}, not {show(value)}")
    return value


def check_shape(value, what: str) -> list[int]:
    """A tensor shape: at most MAX_RANK sides 0..MAX_SIDE, at most MAX_ELEMENTS values in all."""
    if not isinstance(value, list) or len(value) > MAX_RANK:
        raise Invalid(f"{what} must be a list of at most {MAX_RANK} sizes, not {show(value)}")
    for side in value:
        number(side, what + " side", 0, MAX_SIDE)
    if math.prod(value) > MAX_ELEMENTS:
        raise Invalid(f"{what} {value} holds more than {MAX_ELEMENTS:,} values")
    return value


def parse_json(raw: bytes | str, what: str):
    """JSON, with every way it can fail (bad UTF-8, syntax, nesting past the recursion limit,
    numbers of thousands of digits) one Invalid."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise Invalid(f"{what} is nested too deeply") from None
    except UnicodeDecodeError:
        raise Invalid(f"{what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise Invalid(f"corrupted: {what} is not valid JSON ({exc.msg} at character {exc.pos})") from None
    except ValueError as exc:  # an integer too long to convert
        raise Invalid(f"{what} holds a value JSON cannot stand for ({str(exc).splitlines()[0][:80]})") from None


def json_object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"{what} must be a JSON object, not {show(value)}")
    return value


def json_list(value, what: str) -> list:
    if not isinstance(value, list):
        raise Invalid(f"{what} must be a list, not {show(value)}")
    return value


def optional(value, check, *args):
    """`check(value, *args)`, or None for a value that is absent (null)."""
    return None if value is None else check(value, *args)


def flag(value, what: str) -> bool:
    if type(value) is not bool:
        raise Invalid(f"{what} must be true or false, not {show(value)}")
    return value


def numbers(value, what: str) -> dict:
    """{name: number}: metrics and gradient norms (NaN and Inf allowed: a diverging run records them)."""
    for k, v in json_object(value, what).items():
        text(k, f"a name in {what}")
        if type(v) not in (int, float) or (type(v) is int and abs(v) > MAX_NUMBER):  # (10**400 is JSON too)
            raise Invalid(f"{what} {show(k)} must be a number, not {show(v)}")
    return value


def finite(v, what: str) -> float:
    if type(v) not in (int, float) or (type(v) is int and abs(v) > MAX_NUMBER) or not math.isfinite(v):
        raise Invalid(f"{what} must be a finite number, not {show(v)}")
    return v
