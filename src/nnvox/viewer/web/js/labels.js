// Block labels in screen space, by the desktop's label policy (viewer/label_layout.py): in order of
// importance (rank 0 stage boundaries, 1 other labelled blocks; rank 2 shown only when focused),
// each starts just outside its block (above or below, its side), is pushed away past whatever it
// meets up to `reach` of its heights, then tries the other side; no two overlap, none covers
// another block's screen rectangle or the reserved bands, none leaves the picture; the rest hide.
// Only this placement, which depends on the live camera, is computed in the browser.

const overlaps = (a, b, gap) => a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;

// A box's rectangle on the page (CSS pixels, left, top, right, bottom).
export function blockRect(stage, [x0, x1, y0, y1, z0, z1]) {
  const xs = [];
  const ys = [];
  for (const x of [x0, x1]) for (const y of [y0, y1]) for (const z of [z0, z1]) {
    const [sx, sy] = stage.toScreen([x, y, z]);
    xs.push(sx);
    ys.push(sy);
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export class Labels {
  constructor(scene, stage, layer, policy) {
    this.stage = stage;
    this.policy = policy;
    this.reserved = () => [];
    const [r, g, b] = scene.colours.background;
    const box = `rgba(${r},${g},${b},${scene.colours.label_box_opacity})`;
    const [tr, tg, tb] = scene.colours.text;
    this.labels = scene.blocks.map((block, order) => {
      const el = document.createElement("div");
      el.className = "nnvox-label";
      el.textContent = block.label.text;
      el.dataset.block = block.name;
      Object.assign(el.style, {
        position: "absolute", left: "0", top: "0", whiteSpace: "pre", textAlign: "center", pointerEvents: "none", width: "max-content",
        background: box, color: `rgb(${tr},${tg},${tb})`, padding: "1px 4px", lineHeight: "1.2",
      });
      layer.appendChild(el);
      return { block, el, order };
    });
    // Leader lines from a label pushed away from its block back to it, as the desktop draws them.
    this.leaders = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    Object.assign(this.leaders.style, { position: "absolute", inset: "0", width: "100%", height: "100%", pointerEvents: "none" });
    this.leaders.setAttribute("stroke", `rgb(${tr},${tg},${tb})`);
    this.leaders.setAttribute("stroke-width", "1");
    layer.prepend(this.leaders);
    this.importance = [...this.labels].sort((a, b) => a.block.label.rank - b.block.label.rank || a.order - b.order);
  }

  // `kept` are screen rectangles already taken (the outputs' class texts).
  layout(fontPx, kept = []) {
    const { clientWidth: w, clientHeight: h } = this.stage.renderer.domElement;
    const rects = new Map(this.labels.map((l) => [l.block.name, blockRect(this.stage, l.block.bounds)]));
    const taken = [...this.reserved(w, h), ...kept];
    this.leaders.replaceChildren();
    this.measure(fontPx);
    for (const label of this.importance) {
      const size = label.size;
      const others = [...rects].filter(([name]) => name !== label.block.name).map(([, r]) => r);
      const spot = label.block.label.rank < 2 && this.place(label, size, rects.get(label.block.name), taken, others, w, h);
      const display = spot ? "block" : "none";
      if (label.el.style.display !== display) label.el.style.display = display;
      label.shown = Boolean(spot);
      if (!spot) continue;
      label.el.style.transform = `translate(${spot[0]}px, ${spot[1]}px)`; // moved, not laid out again
      taken.push(spot);
      this.leader(spot, rects.get(label.block.name));
    }
  }

  // Each label's size at this font, measured in one layout when the font or a text changed (not
  // per frame: reading a size after a write forces the page's layout, once per label).
  measure(fontPx) {
    const key = (l) => `${fontPx}|${l.el.textContent}`;
    const stale = this.labels.filter((l) => l.measured !== key(l));
    if (!stale.length) return;
    for (const l of stale) Object.assign(l.el.style, { fontSize: `${fontPx}px`, display: "block" });
    for (const l of stale) [l.size, l.measured] = [[l.el.offsetWidth, l.el.offsetHeight], key(l)];
  }

  // A line from a label to its block's rectangle where the label stands clear of it.
  leader(spot, own) {
    const x = (spot[0] + spot[2]) / 2;
    const [y1, y2] = spot[3] < own[1] ? [spot[3], own[1]] : spot[1] > own[3] ? [spot[1], own[3]] : [0, 0];
    if (Math.abs(y2 - y1) <= 2 * this.policy.gap) return;
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    [["x1", x], ["y1", y1], ["x2", x], ["y2", y2]].forEach(([k, v]) => line.setAttribute(k, v));
    this.leaders.appendChild(line);
  }

  // The first free rectangle for a label: its side first, pushed outwards step by step, then the other side.
  place(label, [lw, lh], own, taken, others, w, h) {
    const { gap, margin, reach } = this.policy;
    const [ax] = this.stage.toScreen(label.block.label.anchor);
    const x = ax - lw / 2;
    for (const side of [label.block.label.side, -label.block.label.side]) {
      const start = side > 0 ? own[1] - gap - lh : own[3] + gap;
      for (let step = 0; step <= reach * 4; step++) {
        const y = start - side * step * (lh / 4);
        const r = [x, y, x + lw, y + lh];
        if (r[0] < margin || r[1] < margin || r[2] > w - margin || r[3] > h - margin) continue;
        if (taken.some((t) => overlaps(r, t, gap)) || others.some((o) => overlaps(r, o, gap))) continue;
        return r;
      }
    }
    return null;
  }
}
