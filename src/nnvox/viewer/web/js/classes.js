// An output's class names and probabilities beside its column, as the desktop's OutputVisual and
// label policy show them: one text per row where the rows are far enough apart on screen to read,
// else one list of the most probable classes from the column's top (both from Python, per snapshot).
// `show` returns the screen rectangles the texts take.

function textBox(layer, style) {
  const el = document.createElement("div");
  const base = { position: "absolute", whiteSpace: "pre", pointerEvents: "none", lineHeight: "1.2", width: "max-content" };
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
    this.rows = block.classes.rows.map(() => textBox(layer, { transform: "translateY(-50%)" }));
    this.top = textBox(layer, { background: boxColour, padding: "1px 3px" });
    this.top.className = "nnvox-classes";
  }

  // The nearest snapshot's texts (one per class) and rows in order of probability, at the camera now.
  show(stage, texts, order, fontPx) {
    const { rows, top, heading } = this.block.classes;
    const screen = rows.map((p) => stage.toScreen(p));
    const apart = screen.length > 1 && Math.hypot(screen[1][0] - screen[0][0], screen[1][1] - screen[0][1]);
    const perRow = screen.length > 0 && (screen.length === 1 || apart >= 1.05 * fontPx);
    this.rows.forEach((el, r) => {
      el.style.display = perRow ? "block" : "none";
      if (!perRow) return;
      Object.assign(el.style, { left: `${screen[r][0]}px`, top: `${screen[r][1]}px`, fontSize: `${fontPx}px` });
      el.textContent = texts[r];
    });
    this.top.style.display = perRow ? "none" : "block";
    if (!perRow) {
      const [x, y] = stage.toScreen(top);
      Object.assign(this.top.style, { left: `${x}px`, top: `${y}px`, fontSize: `${fontPx}px` });
      this.top.textContent = [heading, ...order.map((i) => texts[i])].filter(Boolean).join("\n");
    }
    return (perRow ? this.rows : [this.top]).map((el) => rect(el));
  }
}
