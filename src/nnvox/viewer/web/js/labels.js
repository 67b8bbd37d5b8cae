// Block labels in screen space, by the desktop's label policy (viewer/label_layout.py): in order of
// importance (rank 0 stage boundaries, 1 other labelled blocks; rank 2 shown only when focused),
// each starts just outside its block (above or below, its side), is pushed away past whatever it
// meets up to `reach` of its heights, then tries the other side, then slid sideways there, then
// beside the block (right, left); no two overlap, none covers another block's screen rectangle or
// the reserved bands, none comes within the edge margin (policy.edge of the height); the rest hide.
// Where that order hides the network's input's or output's label, the two go first in their rank.
// Only this placement, which depends on the live camera, is computed in the browser.

export const overlaps = (a, b, gap) => a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;

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
    const rank = (a, b) => a.block.label.rank - b.block.label.rank;
    this.importance = [...this.labels].sort((a, b) => rank(a, b) || a.order - b.order);
    this.endsFirst = [...this.labels].sort((a, b) => rank(a, b) || b.block.label.end - a.block.label.end || a.order - b.order);
  }

  // `kept` are screen rectangles already taken (the outputs' class texts). The labels in order of
  // importance; where that hides the input's or the output's label, again with those two first in
  // their rank, kept unless it hides more (the desktop's LabelLayout._lay_labels).
  layout(fontPx, kept = []) {
    const { clientWidth: w, clientHeight: h } = this.stage.renderer.domElement;
    const rects = new Map(this.labels.map((l) => [l.block.name, blockRect(this.stage, l.block.bounds)]));
    this.measure(fontPx);
    let spots = this.arrange(this.importance, rects, [...this.reserved(w, h), ...kept], w, h);
    const hidden = (placed) => this.importance.filter((l) => l.block.label.rank < 2 && !placed.has(l));
    if (hidden(spots).some((l) => l.block.label.end)) {
      const again = this.arrange(this.endsFirst, rects, [...this.reserved(w, h), ...kept], w, h);
      if (hidden(again).length <= hidden(spots).length) spots = again;
    }
    this.leaders.replaceChildren();
    for (const label of this.labels) {
      const spot = spots.get(label);
      const display = spot ? "block" : "none";
      if (label.el.style.display !== display) label.el.style.display = display;
      label.shown = Boolean(spot);
      if (!spot) continue;
      label.el.style.transform = `translate(${spot[0]}px, ${spot[1]}px)`; // moved, not laid out again
      this.leader(spot, rects.get(label.block.name));
    }
  }

  // Whether a label is tried, as the desktop's (label_layout.LabelLayout._why_not, OUTSIDE): not
  // where its block is wholly outside the picture (facing an open layer, the blocks past the
  // picture's edge had their labels pressed into its margin, stacked over each other). A block
  // whose middle is outside keeps its label here (the desktop's vtk cannot anchor one there).
  inPicture(own, w, h) {
    return !(own[2] < 0 || own[0] > w || own[3] < 0 || own[1] > h);
  }

  // Each label placed in `order` (rank 2 never: shown only when focused): label -> its rectangle.
  arrange(order, rects, taken, w, h) {
    const spots = new Map();
    for (const label of order) {
      const own = rects.get(label.block.name);
      if (label.block.label.rank >= 2 || !this.inPicture(own, w, h)) continue;
      const others = [...rects].filter(([name]) => name !== label.block.name).map(([, r]) => r);
      const spot = this.place(label, label.size, own, taken, others, w, h);
      if (!spot) continue;
      spots.set(label, spot);
      taken.push(spot);
    }
    return spots;
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

  // A straight line from a label to its block's rectangle where the label stands clear of it:
  // vertical for a label above or below its block, horizontal for one beside it.
  leader(spot, own) {
    const gap2 = 2 * this.policy.gap;
    const mid = (a0, a1, b0, b1) => (Math.max(a0, b0) <= Math.min(a1, b1) ? (Math.max(a0, b0) + Math.min(a1, b1)) / 2 : (b0 + b1) / 2);
    let ends = null;
    if (spot[3] < own[1] - gap2 || spot[1] > own[3] + gap2) {
      const x = mid(own[0], own[2], spot[0], spot[2]);
      ends = spot[3] < own[1] ? [x, spot[3], x, own[1]] : [x, spot[1], x, own[3]];
    } else if (spot[0] > own[2] + gap2 || spot[2] < own[0] - gap2) {
      const y = mid(own[1], own[3], spot[1], spot[3]);
      ends = spot[0] > own[2] ? [own[2], y, spot[0], y] : [spot[2], y, own[0], y];
    }
    if (!ends) return;
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    ["x1", "y1", "x2", "y2"].forEach((k, i) => line.setAttribute(k, ends[i]));
    this.leaders.appendChild(line);
  }

  // The places a label tries in turn, as the desktop's (label_layout.LabelLayout._tries): above or
  // below (its side first) pushed away; there slid sideways; beside (right, left) pushed sideways,
  // then slid along its side. Each: [start rectangle, step [dx, dy], steps].
  *tries(label, [lw, lh], own, w, h, m) {
    const { gap, reach } = this.policy;
    const [ax] = this.stage.toScreen(label.block.label.anchor);
    const x = Math.min(Math.max(ax - lw / 2, m), w - m - lw);
    const cy = Math.min(Math.max((own[1] + own[3]) / 2 - lh / 2, m), h - m - lh);
    const side = label.block.label.side;
    const at = (s) => (s > 0 ? own[1] - gap - lh : own[3] + gap); // above (s > 0) or below, screen y down
    for (const s of [side, -side]) yield [[x, at(s)], [0, -s * lh / 4], reach * 4];
    for (const s of [side, -side]) for (const d of [1, -1]) yield [[x, at(s)], [d * lw / 8, 0], 4];
    for (const d of [1, -1]) {
      const start = [d > 0 ? own[2] + gap : own[0] - gap - lw, cy];
      yield [start, [d * lh / 4, 0], reach * 4];
      const along = Math.max(0, (own[3] - own[1] - lh) / 2);
      for (const v of [1, -1]) yield [start, [0, v * lh / 4], Math.floor(along / (lh / 4))];
    }
  }

  // The first free rectangle for a label (see tries), inside the picture's margin, clear of what is
  // taken and of other blocks; null when none.
  place(label, size, own, taken, others, w, h) {
    const { gap, margin, edge = 0 } = this.policy;
    const m = Math.max(margin, edge * h);
    const [lw, lh] = size;
    for (const [[x0, y0], [dx, dy], steps] of this.tries(label, size, own, w, h, m)) {
      for (let step = 0; step <= steps; step++) {
        const r = [x0 + step * dx, y0 + step * dy, x0 + step * dx + lw, y0 + step * dy + lh];
        if (r[0] < m || r[1] < m || r[2] > w - m || r[3] > h - m) continue;
        if (taken.some((t) => overlaps(r, t, gap)) || others.some((o) => overlaps(r, o, gap)) || overlaps(r, own, gap)) continue;
        return r;
      }
    }
    return null;
  }
}
