// The histogram panel of a clicked block, as the desktop window's (viewer/overlays/histogram.py):
// Python sends per block its title, tick texts, each bar's colour index and the reference outline
// (scene.histograms), per snapshot the bars' counts (piece.histograms), and where the panel's parts
// sit; at a position the bars, axis and note are Python's rule's (histogram_rule.js).
// A 2D canvas over the WebGL one draws it.
import { fontPx } from "./fonts.js";
import { histogramAt } from "./histogram_rule.js";

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

export class HistogramPanel {
  constructor(scene, layer) {
    this.spec = scene.histograms;
    this.table = scene.luts;
    this.scales = Object.fromEntries(scene.blocks.map((b) => [b.name, b.scale.cmap]));
    this.background = css(scene.colours.background);
    this.canvas = document.createElement("canvas");
    this.canvas.className = "nnvox-histogram";
    const [x0, y0, x1, y1] = this.spec.box;
    Object.assign(this.canvas.style, {
      position: "absolute", pointerEvents: "none", display: "none",
      left: `${100 * x0}%`, bottom: `${100 * y0}%`, width: `${100 * (x1 - x0)}%`, height: `${100 * (y1 - y0)}%`,
    });
    layer.appendChild(this.canvas);
    this.block = null; // the selected block's name
    this.shown = null; // { fractions, top, note } as drawn (what the tests read)
  }

  // A block clicked: its panel, or a line saying why it has none.
  select(name) {
    this.block = name;
    this.drawn = null;
  }

  get visible() {
    return this.block !== null;
  }

  // The bars at `alpha` (0..1) of the way from snapshot piece a to b.
  at(a, b, alpha) {
    this.pieces = [a, b, alpha];
    this.drawn = null;
  }

  current() {
    const [a, b, alpha] = this.pieces || [];
    const [p, q] = [a && a.histograms && a.histograms[this.block], b && b.histograms && b.histograms[this.block]];
    if (!p || !q) return null;
    const block = this.spec.blocks[this.block];
    return histogramAt(p, q, alpha, block.reference, block.reference_label, this.spec.rule);
  }

  // The panel's rectangle on the page (labels keep off it), CSS pixels from the top left; none when hidden.
  rects(w, h) {
    if (!this.visible) return [];
    const [x0, y0, x1, y1] = this.spec.box;
    return [[x0 * w, (1 - y1) * h, x1 * w, (1 - y0) * h]];
  }

  draw(pageHeight) {
    const display = this.visible ? "block" : "none";
    if (this.canvas.style.display !== display) this.canvas.style.display = display;
    if (!this.visible) return;
    const ratio = window.devicePixelRatio || 1;
    const [w, h] = [this.canvas.clientWidth, this.canvas.clientHeight];
    const font = fontPx(this.spec.font, pageHeight);
    const drawn = `${this.block}|${w}|${h}|${font}|${ratio}`; // (a new position or block clears it)
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.canvas.width = Math.round(w * ratio);
    this.canvas.height = Math.round(h * ratio);
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const [x0, y0, x1, y1] = this.spec.box;
    // normalised window coordinates (y up) to the canvas's pixels
    const X = (x) => ((x - x0) / (x1 - x0)) * w;
    const Y = (y) => ((y1 - y) / (y1 - y0)) * h;
    ctx.fillStyle = this.background;
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = css(this.spec.colours.frame);
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    ctx.textBaseline = "bottom"; // each text stands on its place, as the desktop's
    const block = this.spec.blocks[this.block];
    const text = (words, x, y, colour, size = font) => {
      ctx.font = `${size}px system-ui, sans-serif`;
      ctx.fillStyle = css(colour);
      ctx.fillText(words, X(x), Y(y), ctx.textAlign === "left" ? w - X(x) - 4 : w);
    };
    if (!block) {
      this.shown = null;
      text(`${this.block}: no histogram in this view`, this.spec.title[0], this.spec.title[1], this.spec.colours.muted);
      return;
    }
    const now = this.current();
    this.shown = now;
    text(block.title, ...this.spec.title, this.spec.colours.title);
    if (!now) return;
    this.bars(ctx, block, now, X, Y);
    const parts = now.note;
    let first = 0; // the note's leading parts left out first where it does not fit, as the desktop's
    ctx.font = `${Math.round(font * 0.9)}px system-ui, sans-serif`;
    while (first < parts.length - 1 && ctx.measureText(parts.slice(first).join(this.spec.separator)).width > w - X(this.spec.note[0]) - 4) first++;
    text(parts.slice(first).join(this.spec.separator), ...this.spec.note, this.spec.colours.muted, Math.round(font * 0.9));
    const [px0, , px1] = this.spec.plot;
    block.ticks.forEach((tick, i) => {
      ctx.textAlign = ["left", "center", "right"][i];
      text(tick, [px0, (px0 + px1) / 2, px1][i], this.spec.ticks[0], this.spec.colours.muted);
    });
    ctx.textAlign = "left";
  }

  bars(ctx, block, now, X, Y) {
    const [px0, py0, px1, py1] = this.spec.plot;
    const n = this.spec.bins;
    const xs = Array.from({ length: n + 1 }, (_, k) => X(px0 + ((px1 - px0) * k) / n));
    const height = (f) => Y(py0 + (py1 - py0) * Math.min(f / now.top, 1));
    const table = this.table[this.scales[this.block]];
    now.fractions.forEach((f, k) => {
      ctx.fillStyle = css(table[block.bars[k]]);
      ctx.fillRect(xs[k], height(f), xs[k + 1] - xs[k], Y(py0) - height(f));
    });
    const step = (fractions, colour, width) => {
      ctx.beginPath();
      fractions.forEach((f, k) => {
        ctx[k ? "lineTo" : "moveTo"](xs[k], height(f));
        ctx.lineTo(xs[k + 1], height(f));
      });
      ctx.strokeStyle = css(colour);
      ctx.lineWidth = width;
      ctx.stroke();
    };
    step(now.fractions, this.spec.colours.bar_tops, 1);
    step(block.reference, this.spec.colours.muted, 1.5);
  }
}
