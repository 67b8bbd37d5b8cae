"""One self-contained HTML file: the scene description (JSON), the frames (zlib, base64) and the
viewer's bundle (three.js and src/nnvox/viewer/web/js, built by esbuild at install time), inline.
Nothing is fetched when it opens: it works offline, from a file:// address."""

from __future__ import annotations

import html
import json
from pathlib import Path

from nnvox.errors import NnvoxError

BUNDLE = Path(__file__).with_name("static") / "viewer.js"  # written by `npm run build` (make setup), not committed
_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nnvox">
<title>{title}</title>
<style>html,body{{margin:0;height:100%;overflow:hidden;background:{background}}}</style>
</head>
<body>
<script type="application/json" id="nnvox-scene">{scene}</script>
<script type="text/plain" id="nnvox-frames">{frames}</script>
<script>{bundle}</script>
</body>
</html>
"""


def viewer_bundle() -> str:
    """The built viewer script; a one-line error when the package was installed without building it."""
    try:
        return BUNDLE.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NnvoxError(
            "the browser viewer's bundle is not built: run `make setup` (or `npm ci && npm run build` in the "
            "nnvox checkout)"
        ) from None


def _inline(text: str) -> str:
    """Text safe inside a <script> element: no `</script` (nor `<!--`) can end it early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def page(scene: dict, frames: str, bundle: str | None = None) -> str:
    """The HTML page of a scene description and its packed frames."""
    r, g, b = scene["colours"]["background"]
    return _TEMPLATE.format(
        title=html.escape(f"{scene['run']} · {scene['mode_text']} · nnvox"),
        background=f"#{r:02x}{g:02x}{b:02x}",
        scene=_inline(json.dumps(scene, separators=(",", ":"), allow_nan=False)),
        frames=frames,
        bundle=_inline(viewer_bundle() if bundle is None else bundle),
    )
