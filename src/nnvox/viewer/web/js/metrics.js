// The loss/accuracy inset with its cursor at the timeline position, as the desktop window draws it
// (viewer/overlays/metrics.py): Python sends the box (normalised, y up), each curve's points as
// fractions of the curves' area (under the labels' band: a curve never runs through its label),
// labels (a full and a short form) and colours; a 2D canvas over the WebGL one draws them.

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

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
    return (this.t / Math.max(this.metrics.snapshots - 1, 1)) * this.canvas.clientWidth;
  }

  // The curves' labels in the band at the box's top, the second at the right edge as the desktop's:
  // in the first of Python's forms (the full label, the bare name) whose two fit side by side, a
  // text's width apart. The pane's size places them (the desktop's fractions are of its pane).
  // `drawnTexts`: where each was drawn, CSS pixels from the inset's top left (textRects: on the page).
  labels(ctx, w, fontPx) {
    const { curves, label_drop: drop } = this.metrics;
    const layer = this.canvas.parentElement;
    const pad = 0.006 * layer.clientWidth;
    const widths = (k) => curves.map((c) => ctx.measureText(c.forms[k]).width);
    const forms = curves.length ? curves[0].forms.length : 0;
    let k = 0;
    while (k < forms - 1 && widths(k).reduce((a, b) => a + b, 0) + 2 * pad + fontPx > w) k += 1;
    const y = Math.max(1, drop * layer.clientHeight - fontPx);
    this.drawnTexts = curves.map((curve, i) => {
      ctx.fillStyle = css(curve.colour);
      ctx.textAlign = i ? "right" : "left";
      const x = i ? w - pad : pad;
      ctx.fillText(curve.forms[k], x, y);
      const m = ctx.measureText(curve.forms[k]);
      return [x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent, x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent];
    });
  }

  // The labels' rectangles on the page, CSS pixels from its top left (what the tests read).
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
    const { curves, curves_height: tall, frame, cursor } = this.metrics;
    ctx.strokeStyle = css(frame);
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    const at = ([x, y]) => [x * w, h - y * tall * h];
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    ctx.textBaseline = "top";
    curves.forEach((curve) => {
      ctx.strokeStyle = css(curve.colour);
      ctx.lineWidth = 2;
      ctx.beginPath();
      curve.points.forEach((p, k) => (k ? ctx.lineTo(...at(p)) : ctx.moveTo(...at(p))));
      ctx.stroke();
    });
    this.labels(ctx, w, fontPx);
    const x = this.cursorX();
    ctx.strokeStyle = css(cursor);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, h);
    ctx.stroke();
  }
}
