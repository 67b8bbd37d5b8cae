// The legend's entries for the marks a snapshot draws (dead and saturated unit frames, NaN magenta,
// padding), as the desktop's overlays/legends.py: words and swatches from Python (scene.colours.marks),
// which entries show from the snapshot's piece (piece.marks), stacked upwards from just above the
// metrics inset, or above the histogram panel while it shows.
import { fontPx } from "./fonts.js";

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

export class MarkEntries {
  constructor(scene, layer) {
    this.scene = scene;
    this.root = document.createElement("div");
    this.root.className = "nnvox-marks";
    Object.assign(this.root.style, { position: "absolute", pointerEvents: "none", display: "flex", flexDirection: "column", gap: "0.35em" });
    layer.appendChild(this.root);
    this.entries = {};
    for (const [kind, { text, edge, fill }] of Object.entries(scene.colours.marks)) {
      const entry = document.createElement("div");
      Object.assign(entry.style, { display: "none", alignItems: "center", gap: "0.6em" }); // wraps on a narrow page
      const swatch = document.createElement("span");
      Object.assign(swatch.style, { flex: "none", width: "1em", height: "1em", boxSizing: "border-box", border: `0.17em solid ${css(edge)}`, background: fill ? css(fill) : "transparent" });
      entry.append(swatch, document.createTextNode(text));
      entry.dataset.kind = kind;
      this.root.appendChild(entry);
      this.entries[kind] = entry;
    }
    this.shown = [];
  }

  // `kinds` the entries to show; `below` the panel (normalised x0, y0, x1, y1, y up) they stand on.
  show(kinds, below) {
    const key = `${kinds}|${below}`;
    if (key === this.key) return;
    this.key = key;
    this.shown = kinds;
    this.rect = null;
    for (const [kind, entry] of Object.entries(this.entries)) entry.style.display = kinds.includes(kind) ? "flex" : "none";
    Object.assign(this.root.style, { left: `${100 * below[0]}%`, right: "1%", bottom: `${100 * below[3] + 0.6}%` });
  }

  // Where the entries are (labels keep off them), CSS pixels from the view's top left; none when
  // hidden. Measured once after a change, not on every orbiting frame (a measure forces a layout).
  rects(w, h) {
    if (!this.shown.length) return [];
    if (!this.rect || this.measured !== `${w}x${h}`) {
      this.measured = `${w}x${h}`;
      const { offsetLeft: x, offsetTop: y, offsetWidth: width, offsetHeight: height } = this.root;
      this.rect = [x, y, x + width, y + height];
    }
    return [this.rect];
  }

  fonts(pageHeight) {
    const size = `${fontPx(this.scene.marks_legend.font, pageHeight)}px`;
    if (size === this.root.style.fontSize) return;
    this.root.style.fontSize = size;
    this.rect = null;
  }
}
