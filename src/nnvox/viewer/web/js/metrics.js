// The training chart with its cursor at the timeline position, as the desktop window draws it
// (viewer/overlays/metrics.py, overlays/training_chart.py; what it holds: scenes/training_chart.py).
// Python sends the box (normalised, y up), the titles' band, each curve's runs (x a snapshot over
// the last, y its height in its own scale; a missing snapshot splits them), its scale's named ends
// and side, titles (a full and a short form), dashed or not, colours, and the ticks' labels; a 2D
// canvas over the WebGL one lays them out in its pixels: the curves' area under the titles, between
// the columns naming the scales, above a tick per snapshot and their labels (every k-th that fit).

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;
// The spacings, of a text line's height, are the desktop's (overlays/training_chart.py), from Python
// (metrics.lines): tick (a tick's length), gap (beside the scales' names, under the tick labels),
// dash (the loss's dashes and gaps), dot (a run's start dot's radius), half (a scale's name centred
// on its end reaches this far above and below it) and drop (the tick labels' top under the baseline).

// Which labels (left and right edges) to show: every k-th from the first for the least k that keeps
// `gap` apart, and the last always; null where not even the first and the last do
// (scenes/training_chart.every_kth).
function everyKth(lefts, rights, gap) {
  const n = lefts.length;
  for (let k = 1; k <= Math.max(n, 1); k += 1) {
    const shown = lefts.map((_, i) => i % k === 0 || i === n - 1);
    const before = Math.floor((n - 2) / k) * k; // the k-th shown before the last
    if (n > 2 && lefts[n - 1] < rights[before] + gap) shown[before] = before === 0;
    const at = shown.flatMap((s, i) => (s ? [i] : []));
    if (at.slice(1).every((i, j) => lefts[i] >= rights[at[j]] + gap)) return shown;
  }
  return null;
}

export class MetricsInset {
  // `background`: the page's colour, the inset's opaque backing (blocks behind it do not show through)
  constructor(metrics, layer, background) {
    this.metrics = metrics;
    this.background = css(background);
    this.canvas = document.createElement("canvas");
    this.canvas.className = "nnvox-metrics";
    const [x0, y0, x1, y1] = metrics.box;
    Object.assign(this.canvas.style, {
      position: "absolute", pointerEvents: "none",
      left: `${100 * x0}%`, bottom: `${100 * y0}%`, width: `${100 * (x1 - x0)}%`, height: `${100 * (y1 - y0)}%`,
    });
    layer.appendChild(this.canvas);
    this.t = 0;
  }

  // The inset's rectangle on the page (labels keep off it), CSS pixels from the top left.
  rect(w, h) {
    const [x0, y0, x1, y1] = this.metrics.box;
    return [x0 * w, (1 - y1) * h, x1 * w, (1 - y0) * h];
  }

  // Where the cursor stands, in CSS pixels from the inset's left (what the tests read).
  cursorX() {
    const [a0, , a1] = this.area || [0, 0, this.canvas.clientWidth];
    return a0 + (this.t / Math.max(this.metrics.snapshots - 1, 1)) * (a1 - a0);
  }

  // A text at (x, y) aligned as asked; its rectangle kept for textRects.
  // baseline "middle": the ink's middle on y (a lecturer read the 13% point as 0% where "0%" stood
  // with its bottom on 0 and "100%" with its top on 100%).
  text(ctx, words, x, y, align, baseline, colour) {
    ctx.fillStyle = css(colour);
    ctx.textAlign = align;
    if (baseline === "middle") {
      ctx.textBaseline = "alphabetic";
      const ink = ctx.measureText(words);
      y += (ink.actualBoundingBoxAscent - ink.actualBoundingBoxDescent) / 2;
    } else ctx.textBaseline = baseline;
    ctx.fillText(words, x, y);
    const m = ctx.measureText(words);
    this.drawnTexts.push([x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent, x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent]);
  }

  // The curves' titles in the band at the box's top, the second at the right edge as the desktop's:
  // in the first of Python's forms (the full title, the bare kind) whose two fit side by side, a
  // text's width apart. The pane's size places them (the desktop's fractions are of its pane).
  labels(ctx, w, fontPx, pad) {
    const { curves, label_drop: drop } = this.metrics;
    const layer = this.canvas.parentElement;
    const widths = (k) => curves.map((c) => ctx.measureText(c.forms[k]).width);
    const forms = curves.length ? curves[0].forms.length : 0;
    let k = 0;
    while (k < forms - 1 && widths(k).reduce((a, b) => a + b, 0) + 2 * pad + fontPx > w) k += 1;
    const y = Math.max(1, drop * layer.clientHeight - fontPx);
    curves.forEach((curve, i) => this.text(ctx, curve.forms[k], i ? w - pad : pad, y, i ? "right" : "left", "top", curve.colour));
  }

  // The curves' area (CSS pixels from the inset's top left: x0, top, x1, bottom) under the titles'
  // band, between the columns naming the scales, above the ticks and their labels.
  layout(ctx, w, h, line, pad) {
    const { curves, curves_height: tall } = this.metrics;
    const column = { left: 0, right: 0 };
    curves.forEach((c) => {
      const widest = Math.max(...c.ends.map((e) => ctx.measureText(e).width));
      column[c.side] = Math.max(column[c.side], widest + 2 * this.metrics.lines.gap * line);
    });
    const { half, gap, drop } = this.metrics.lines;
    return [pad + column.left, h - tall * h + half * line, w - pad - column.right, h - (gap + 1 + drop) * line];
  }

  ticks(ctx, w, line, pad) {
    const [a0, , a1, bottom] = this.area;
    const n = this.metrics.snapshots;
    const xs = Array.from({ length: n }, (_, i) => a0 + ((a1 - a0) * i) / Math.max(n - 1, 1));
    ctx.strokeStyle = css(this.metrics.frame);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(a0, bottom);
    ctx.lineTo(a1, bottom);
    xs.forEach((x) => { ctx.moveTo(x, bottom); ctx.lineTo(x, bottom + this.metrics.lines.tick * line); });
    const [, top] = this.area; // each scale's ends marked beside the curves, at its side
    this.metrics.curves.forEach((c) => [top, bottom].forEach((y) => {
      const [x, out] = c.side === "left" ? [a0, -1] : [a1, 1];
      ctx.moveTo(x, y);
      ctx.lineTo(x + out * this.metrics.lines.tick * line, y);
    }));
    ctx.stroke();
    let labels = this.metrics.ticks[0];
    let lefts;
    let shown = null;
    for (labels of this.metrics.ticks) {
      const widths = labels.map((t) => ctx.measureText(t).width);
      const numbers = labels.map((t) => ctx.measureText(t.split(" ").pop()).width); // "epoch 10": the 10 under its tick
      lefts = xs.map((x, i) => Math.min(Math.max(x - widths[i] + numbers[i] / 2, pad), w - pad - widths[i]));
      shown = everyKth(lefts, lefts.map((l, i) => l + widths[i]), 0.6 * line);
      if (shown) break;
    }
    shown = shown || labels.map((_, i) => i === labels.length - 1);
    labels.forEach((t, i) => shown[i] && this.text(ctx, t, lefts[i], bottom + this.metrics.lines.drop * line, "left", "top", this.metrics.tick));
  }

  curve(ctx, curve, line) {
    const [a0, top, a1, bottom] = this.area;
    const at = ([x, y]) => [a0 + x * (a1 - a0), bottom - y * (bottom - top)];
    ctx.strokeStyle = ctx.fillStyle = css(curve.colour);
    ctx.lineWidth = 2;
    ctx.setLineDash(curve.dashed ? this.metrics.lines.dash.map((d) => d * line) : []);
    curve.runs.forEach((run) => {
      ctx.beginPath();
      run.forEach((p, k) => (k ? ctx.lineTo(...at(p)) : ctx.moveTo(...at(p))));
      ctx.stroke();
      ctx.beginPath(); // where the run starts: no line from mid-air
      ctx.arc(...at(run[0]), Math.max(this.metrics.lines.dot * line, 2.5), 0, 2 * Math.PI);
      ctx.fill();
    });
    ctx.setLineDash([]);
    const left = curve.side === "left";
    const x = left ? a0 - 2 * this.metrics.lines.gap * line : a1 + 2 * this.metrics.lines.gap * line;
    const align = left ? "right" : "left";
    this.text(ctx, curve.ends[1], x, top, align, "middle", curve.colour);
    if (bottom - top >= 1.2 * line) this.text(ctx, curve.ends[0], x, bottom, align, "middle", curve.colour);
  }

  // The texts' rectangles on the page, CSS pixels from its top left (what the tests read).
  textRects() {
    const { left, top } = this.canvas.getBoundingClientRect();
    return (this.drawnTexts || []).map(([x0, y0, x1, y1]) => [left + x0, top + y0, left + x1, top + y1]);
  }

  // Drawn again only when the position, the size or the font changed (not on every orbiting frame).
  draw(t, fontPx) {
    const ratio = window.devicePixelRatio || 1;
    const [w, h] = [this.canvas.clientWidth, this.canvas.clientHeight];
    const drawn = `${t}|${w}|${h}|${fontPx}|${ratio}`;
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.t = t;
    if (this.canvas.width !== Math.round(w * ratio)) this.canvas.width = Math.round(w * ratio);
    if (this.canvas.height !== Math.round(h * ratio)) this.canvas.height = Math.round(h * ratio);
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = this.background;
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = css(this.metrics.frame);
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    const pad = 0.006 * this.canvas.parentElement.clientWidth;
    const line = 1.15 * fontPx;
    this.drawnTexts = [];
    this.area = this.layout(ctx, w, h, line, pad);
    this.labels(ctx, w, fontPx, pad);
    this.ticks(ctx, w, line, pad);
    this.metrics.curves.forEach((curve) => this.curve(ctx, curve, line));
    const [, top, , bottom] = this.area;
    const x = this.cursorX();
    ctx.strokeStyle = css(this.metrics.cursor);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
  }
}
