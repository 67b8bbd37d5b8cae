"""What takes the bytes of an exported page (benchmarks/bench_web.py, the size test): the script,
and per view the page holds, its description, its snapshots' texts (headers) and colour indices
(frames) as they sit in the file (packed: zlib, base64). A packed description that holds its
headers (a mode's first view) or an open layout that holds each snapshot's unit frames or kernel
tiles (opens.py) is split by packing those alone: what grows with the run's snapshots apart from
what does not."""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections import Counter

from nnvox.viewer.web.views import pack

GROWING = ("frames", "headers", "open units", "open tiles")  # the parts that grow with the snapshots


def _element(text: str, name: str) -> str:
    found = re.search(rf'<script type="[^"]+" id="{name}">(.*?)</script>', text, re.S)
    return found.group(1) if found else ""


def _unpacked(value: str):
    return json.loads(zlib.decompress(base64.b64decode(value)))


def _packed_json(value) -> int:
    return len(pack(json.dumps(value, separators=(",", ":")).encode()))


def _opens(opens: dict[str, str]) -> Counter:
    """A view's open layouts: each one's unit frames and kernel tiles (their indices, packed) apart."""
    layouts = [_unpacked(v) for v in opens.values()]
    units = sum(_packed_json(layout["units"]) for layout in layouts)
    tiles = sum(len(layout["tiles"]["frames"]) for layout in layouts if "tiles" in layout)
    return Counter(
        {"open layouts": sum(map(len, opens.values())) - units - tiles, "open units": units, "open tiles": tiles}
    )


def _start(text: str) -> Counter:
    """The view the page opens with: its description (JSON as is, its open layouts packed)."""
    scene_text = _element(text, "nnvox-scene")
    scene = json.loads(scene_text.replace("<\\/", "</"))
    headers = len(json.dumps(scene["headers"], separators=(",", ":")))
    opens = _opens(scene.get("opens", {}))
    return (
        Counter(
            {
                "description": len(scene_text) - headers - opens.total(),
                "headers": headers,
                "frames": len(_element(text, "nnvox-frames")),
            }
        )
        + opens
    )


def _held(view: dict) -> Counter:
    """A view the page holds packed (views.packed_view or views.shared_view); a weight mode's holds
    its open layouts inside its description (counted as they are packed there, about their length)."""
    if "scene" in view:
        scene = _unpacked(view["scene"])
        headers, opens = _packed_json(scene["headers"]), _opens(scene.get("opens", {}))
        described = max(0, len(view["scene"]) - headers - opens.total())
        return Counter({"description": described, "headers": headers, "frames": len(view["frames"])}) + opens
    return Counter(
        {"description": len(view.get("patch", "")), "headers": len(view["headers"]), "frames": len(view["frames"])}
    )


def page_account(text: str) -> dict[str, Counter]:
    """The page's bytes: "script" (the viewer's, packed), "start" (the view it opens with) and each
    held view's key, each part -> bytes."""
    views = _element(text, "nnvox-views")
    held = json.loads(views.replace("<\\/", "</")) if views else {}
    account = {"script": Counter({"script": len(_element(text, "nnvox-bundle"))}), "start": _start(text)}
    return {**account, **{key: _held(view) for key, view in held.items()}}


def growing_bytes(account: dict[str, Counter]) -> int:
    """The bytes of the parts that grow with the snapshots (GROWING), all views."""
    return sum(parts[name] for parts in account.values() for name in GROWING)
