"""The viewer's HTML pages. The export: one self-contained file, the scene description (JSON), the
frames (frame_packing.py) and the viewer's bundle (three.js and src/nnvox/viewer/web/js, built by
esbuild at install time; packed, zlib and base64), inline; nothing is fetched when it opens: it
works offline, from a file:// address. `nnvox serve`'s page: the same bundle (not packed), told
where to fetch the run (`served_page`)."""

from __future__ import annotations

import base64
import html
import json
import zlib
from pathlib import Path

from nnvox.errors import NnvoxError

STATIC = Path(__file__).with_name("static")  # written by `npm run build` (make setup), not committed
BUNDLE = STATIC / "viewer.js"  # the page's script
WIDGET_BUNDLE = STATIC / "widget.js"  # the same viewer as an ES module for anywidget
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
{data}
{script}
</body>
</html>
"""


def viewer_bundle(path: Path | None = None) -> str:
    """The built viewer script; a one-line error when the package was installed without building it."""
    try:
        return (path or BUNDLE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NnvoxError(
            "the browser viewer's bundle is not built: run `make setup` (or `npm ci && npm run build` in the "
            "nnvox checkout)"
        ) from None


def _inline(text: str) -> str:
    """Text safe inside a <script> element: no `</script` (nor `<!--`) can end it early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _json(value) -> str:
    return _inline(json.dumps(value, separators=(",", ":"), allow_nan=False))


# The exported page's script packed (zlib, base64: 0.61 MB -> 0.21 MB, a third of the digits demo's
# page); this loader inflates it with the browser's DecompressionStream and runs it.
_UNPACK = (
    "(async()=>{const t=atob(document.getElementById('nnvox-bundle').textContent),b=new Uint8Array(t.length);"
    "for(let i=0;i<t.length;i++)b[i]=t.charCodeAt(i);const s=document.createElement('script');"
    "s.textContent=await new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream('deflate'))).text();"
    "document.body.appendChild(s)})().catch(e=>{document.body.textContent="
    "`nnvox could not unpack this page's viewer: ${e.message}`;console.error(e)})"
)


def _script(bundle: str, packed: bool) -> str:
    if not packed:
        return f"<script>{_inline(bundle)}</script>"
    data = base64.b64encode(zlib.compress(bundle.encode("utf-8"), 9)).decode("ascii")
    return f'<script type="text/plain" id="nnvox-bundle">{data}</script>\n<script>{_UNPACK}</script>'


def _html(title: str, background: tuple[int, int, int], data: str, bundle: str | None, packed: bool = False) -> str:
    r, g, b = background
    return _TEMPLATE.format(
        title=html.escape(title),
        background=f"#{r:02x}{g:02x}{b:02x}",
        data=data,
        script=_script(viewer_bundle() if bundle is None else bundle, packed),
    )


def page(scene: dict, frames: str, bundle: str | None = None, views: dict | None = None) -> str:
    """The HTML page of a scene description and its packed frames; `views` (key -> packed view,
    views.packed_view) are the other modes and samples its control bar switches to."""
    data = (
        f'<script type="application/json" id="nnvox-scene">{_json(scene)}</script>\n'
        f'<script type="text/plain" id="nnvox-frames">{frames}</script>'
    )
    if views:
        data += f'\n<script type="application/json" id="nnvox-views">{_json(views)}</script>'
    title = f"{scene['run']} · {scene['mode_text']} · nnvox"
    return _html(title, scene["colours"]["background"], data, bundle, packed=True)


# Top right, in the heads-up band labels keep out of (the bottom row is the legends', timeline's and menus')
_NAV = "position:fixed;right:1.2%;top:1.5%;z-index:2;font:13px system-ui,sans-serif"


def served_page(
    title: str, source: dict, background: tuple[int, int, int], nav: str = "", bundle: str | None = None
) -> str:
    """`nnvox serve`'s viewer page: `source` tells the script where the run's scene and snapshots are;
    `nav` (HTML) links to the other runs and modes."""
    data = f'<script type="application/json" id="nnvox-source">{_json(source)}</script>'
    if nav:
        data += f'\n<nav style="{_NAV}">{nav}</nav><style>nav a{{color:#f9b840}}</style>'
    return _html(title, background, data, bundle)
