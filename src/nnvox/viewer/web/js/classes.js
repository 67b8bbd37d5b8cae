// An output's class names and probabilities beside its column, as the desktop's OutputVisual and
// label policy show them: one text per row where the rows are far enough apart on screen to read,
// else one list of the most probable classes from the column's top (both from Python, per snapshot),
// one form held while the camera is dragged.
// `show` returns the screen rectangles the texts take. Each text starts right of the column's
// drawn box (its anchor is the column's middle, which the column's near face covers when seen
// from the side), so none is drawn on the column.
import { blockRect, overlaps } from "./labels.js";

const GAP_PX = 4;

// A style written only when it changes: an orbiting frame then moves the texts without laying them out.
function set(el, key, value) {
  if (el.style[key] !== value) el.style[key] = value;
}

function textBox(layer, style) {
  const el = document.createElement("div");
  const base = { position: "absolute", left: "0", top: "0", whiteSpace: "pre", pointerEvents: "none", lineHeight: "1.2", width: "max-content" };
  Object.assign(el.style, { ...base, ...style });
  layer.appendChild(el);
  return el;
}

// Where an element sits in the viewer (its layer's corner 0, 0, as labels are placed): block labels
// keep off the class texts, as on the desktop.
function rect(el) {
  const r = el.getBoundingClientRect();
  const o = el.parentElement.getBoundingClientRect();
  return [r.left - o.left, r.top - o.top, r.right - o.left, r.bottom - o.top];
}

export class ClassTexts {
  constructor(block, layer, boxColour) {
    this.block = block;
    this.rows = block.classes.rows.map(() => textBox(layer, {}));
    this.top = textBox(layer, { background: boxColour, padding: "1px 3px" });
    this.top.className = "nnvox-classes";
  }

  // Hidden until the forward pass reaches the output, then fading in with it: the pass never shows
  // its answer before it gets there (the desktop's visuals.class_text_opacity).
  setLit(lit) {
    const opacity = String(Math.min(1, Math.max(0, lit)));
    [...this.rows, this.top].forEach((el) => set(el, "opacity", opacity));
  }

  // The nearest snapshot's texts (one per class) and rows in order of probability, at the camera
  // now, clear of `taken` (the legends' entries, the panels: screen rectangles), as the desktop's
  // ClassTextPlacing: the rows where they are lines of text apart, else the list of top classes,
  // each right of the column, else left of it, else not shown.
  show(stage, texts, order, fontPx, taken = []) {
    const column = blockRect(stage, this.block.outline);
    const screen = this.block.classes.rows.map((p) => stage.toScreen(p));
    const apart = screen.length > 1 && Math.hypot(screen[1][0] - screen[0][0], screen[1][1] - screen[0][1]);
    const fits = screen.length > 0 && (screen.length === 1 || apart >= 1.05 * fontPx);
    // While the camera is dragged the form shown when the drag began is held (rows that no longer
    // fit hide rather than turn into the list); the settled view decides again, as the desktop's
    // label_layout hold_class_forms / settle_class_forms.
    const held = stage.turning && this.form !== undefined ? this.form : null;
    const forms = held === null ? (fits ? ["rows", "top"] : ["top"]) : held === "rows" && !fits ? [] : [held];
    for (const form of forms) {
      const placed = this.fill(form, stage, texts, order, fontPx, screen);
      for (const side of ["right", "left"]) {
        const rects = this.beside(placed, column, side);
        if (!rects.some((r) => taken.some((t) => overlaps(r, t, 0)))) {
          if (held === null) this.form = form;
          return rects;
        }
      }
    }
    if (held === null) this.form = fits ? "rows" : "top";
    [...this.rows, this.top].forEach((el) => set(el, "display", "none"));
    return [];
  }

  // `form`'s texts shown (the other form's hidden), each with its anchor on the page and whether it
  // is centred on it (a row's text) or hangs from it (the list).
  fill(form, stage, texts, order, fontPx, screen) {
    const perRow = form === "rows";
    this.rows.forEach((el, r) => {
      set(el, "display", perRow ? "block" : "none");
      if (!perRow) return;
      set(el, "fontSize", `${fontPx}px`);
      if (el.textContent !== texts[r]) el.textContent = texts[r];
    });
    set(this.top, "display", perRow ? "none" : "block");
    if (perRow) return this.rows.map((el, r) => ({ el, at: screen[r], middle: true }));
    set(this.top, "fontSize", `${fontPx}px`);
    const text = [this.block.classes.heading, ...order.map((i) => texts[i])].filter(Boolean).join("\n");
    if (this.top.textContent !== text) this.top.textContent = text;
    return [{ el: this.top, at: stage.toScreen(this.block.classes.top), middle: false }];
  }

  // The texts moved just right of the column's drawn box (or left of it): their rectangles.
  beside(placed, column, side) {
    const width = Math.max(...placed.map(({ el }) => el.offsetWidth));
    for (const { el, at: [ax, y], middle } of placed) {
      const x = side === "right" ? Math.max(ax, column[2] + GAP_PX) : column[0] - GAP_PX - width;
      el.style.transform = `translate(${x}px, ${y}px)${middle ? " translateY(-50%)" : ""}`; // moved, no layout
    }
    return placed.map(({ el }) => rect(el));
  }
}
