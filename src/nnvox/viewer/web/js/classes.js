// An output's class names and probabilities beside its column, as the desktop's OutputVisual and
// label policy show them: one text per row where the rows are far enough apart on screen to read,
// else one list of the most probable classes, its first entry level with its class's row and a thin
// line from each entry to its row, so the list never reads as the rows in order (class_list.js holds
// the desktop's rule); one form held while the camera is dragged.
// `show` returns the screen rectangles the texts and lines take.
import { blockRect } from "./labels.js";
import {
  LIST_LINE_OPACITY,
  answerLine,
  cellFont,
  cellSize,
  classFit,
  lineBox,
  listLeaders,
  listLineWidth,
} from "./class_list.js";

const SVG = "http://www.w3.org/2000/svg";

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

export class ClassTexts {
  constructor(block, layer, boxColour) {
    this.block = block;
    this.rows = block.classes.rows.map(() => textBox(layer, {}));
    this.top = textBox(layer, { background: boxColour, padding: "1px 3px" });
    this.top.className = "nnvox-classes";
    // the list's lines to its rows, in the labels' colour at the desktop's opacity (LeaderLines)
    this.leaders = document.createElementNS(SVG, "svg");
    Object.assign(this.leaders.style, { position: "absolute", inset: "0", width: "100%", height: "100%", pointerEvents: "none", opacity: String(LIST_LINE_OPACITY) });
    this.leaders.classList.add("nnvox-class-leaders");
    this.leaders.dataset.block = block.name;
    layer.prepend(this.leaders);
    // each class's name on its own cell where the cells are large enough (class_list.cellFont)
    const halo = "0 0 3px rgba(0,0,0,0.9), 0 0 1px rgba(0,0,0,0.9)";
    this.names = block.classes.rows.map(() => textBox(layer, { transform: "translate(-50%, -50%)", textShadow: halo, display: "none" }));
    this.names.forEach((el) => el.classList.add("nnvox-cell-name"));
    this.lit = 0;
  }

  // Hidden until the output is `text_from` lit, then fading in with it: the pass never shows its
  // answer before it gets there (the desktop's visuals.class_text_opacity, CLASS_TEXT_FROM).
  setLit(lit) {
    this.lit = lit;
    const from = this.block.classes.text_from;
    const opacity = String(Math.min(1, Math.max(0, (lit - from) / (1 - from))));
    [...this.rows, this.top].forEach((el) => set(el, "opacity", opacity));
  }

  // The nearest snapshot's texts (one per class) and rows in order of probability, at the camera
  // now, clear of `taken` (the legends' entries, the panels: screen rectangles), of the other
  // blocks and of the page's edge margin, as the desktop's ClassTextPlacing.
  show(stage, texts, order, fontPx, taken = []) {
    const fit = this.measure(stage, texts, order, fontPx, taken);
    // While the camera is dragged the form shown when the drag began is held (rows that no longer
    // fit hide rather than turn into the list); the settled view decides again, as the desktop's
    // label_layout hold_class_forms / settle_class_forms.
    const held = stage.turning ? this.form : null; // none held: both forms tried
    const { scene } = stage;
    const pane = [stage.renderer.domElement.clientWidth, stage.renderer.domElement.clientHeight];
    const [r, g, b] = scene.colours.text;
    this.leaders.setAttribute("stroke", `rgb(${r},${g},${b})`);
    this.leaders.setAttribute("stroke-width", String(listLineWidth(pane[1])));
    this.leaders.replaceChildren();
    for (const form of held ? [held] : ["rows", "top"]) {
      const found = classFit(form, fit, pane, scene.label_policy);
      if (found === null) continue;
      if (!stage.turning) this.form = form;
      this.nameCells(stage, form === "rows" ? 0 : fit.cellFont, fit.cells);
      return this.place(form, found, fit);
    }
    if (!stage.turning) this.form = null; // a hidden output tries both forms through a drag
    this.nameCells(stage, fit.cellFont, fit.cells);
    [...this.rows, this.top].forEach((el) => set(el, "display", "none"));
    return [];
  }

  // The names on the cells at `font` px (0: hidden; where the names stand beside the rows, too),
  // each at its cell's middle `cells` (page pixels), in the labels' colour.
  nameCells(stage, font, cells) {
    const [r, g, b] = stage.scene.colours.text;
    this.names.forEach((el, k) => {
      set(el, "display", font > 0 ? "block" : "none");
      if (font <= 0) return;
      set(el, "fontSize", `${font}px`);
      set(el, "color", `rgb(${r},${g},${b})`);
      if (el.textContent !== this.block.class_names[k]) el.textContent = this.block.class_names[k];
      el.style.transform = `translate(${cells[k][0]}px, ${cells[k][1]}px) translate(-50%, -50%)`;
    });
  }

  // The rule's inputs (class_list.classFit): the texts filled in and measured, the rows' and the
  // list's anchors on the page, the column's and the other blocks' rectangles.
  measure(stage, texts, order, fontPx, taken) {
    const { classes } = this.block;
    this.rows.forEach((el, r) => {
      set(el, "fontSize", `${fontPx}px`);
      if (el.textContent !== texts[r]) el.textContent = texts[r];
    });
    set(this.top, "fontSize", `${fontPx}px`);
    const text = [classes.heading, ...order.map((i) => texts[i])].filter(Boolean).join("\n");
    if (this.top.textContent !== text) this.top.textContent = text;
    const key = `${fontPx}|${text}|${texts.join("|")}`;
    if (this.measured !== key) {
      [...this.rows, this.top].forEach((el) => set(el, "display", "block"));
      const rowWidth = Math.max(0, ...this.rows.map((el) => el.offsetWidth));
      const rowHeight = this.rows.length ? this.rows[0].offsetHeight : 0;
      this.sizes = { rowBox: [0, -rowHeight / 2, rowWidth, rowHeight / 2], topBox: [0, 0, this.top.offsetWidth, this.top.offsetHeight] };
      this.measured = key; // measured once per text and size: an orbiting frame lays nothing out
    }
    const own = blockRect(stage, this.block.bounds);
    // the cells' middles (the rows' anchors moved onto the column) and their size on screen
    const [x, y] = this.block.origin;
    const cells = classes.rows.map((p) => stage.toScreen([x, y, p[2]]));
    const [, , y0, y1] = this.block.bounds;
    const z = classes.rows.length ? classes.rows[0][2] : 0;
    const across = Math.hypot(...[0, 1].map((i) => stage.toScreen([x, y0, z])[i] - stage.toScreen([x, y1, z])[i]));
    const pane = stage.renderer.domElement.clientHeight;
    const others = stage.scene.blocks.filter((b) => b.name !== this.block.name).map((b) => blockRect(stage, b.bounds));
    return {
      own,
      obstacles: [...taken, ...others.filter((r) => r.every(Number.isFinite)), own],
      rows: classes.rows.map((p) => stage.toScreen(p)),
      rowBox: this.sizes.rowBox, // the widest row's text, centred on its row
      rowFont: fontPx,
      top: stage.toScreen(classes.top),
      topBox: this.sizes.topBox, // the list hangs from its anchor
      topFont: fontPx,
      lines: text.split("\n").length,
      order,
      cells,
      cellFont: cellFont(cellSize(cells, across), pane),
      leads: order.length > 0 && classes.rows.length > 0 && this.lit > this.block.classes.text_from, // once its texts show (leads())
    };
  }

  // `form`'s texts shown where the rule found room (the other form's hidden), the list's lines
  // drawn; the rectangles they take.
  place(form, { dx, dy, boxes }, fit) {
    const perRow = form === "rows";
    this.rows.forEach((el) => set(el, "display", perRow ? "block" : "none"));
    set(this.top, "display", perRow ? "none" : "block");
    if (perRow) {
      this.rows.forEach((el, r) => {
        el.style.transform = `translate(${fit.rows[r][0] + dx}px, ${fit.rows[r][1]}px) translateY(-50%)`; // moved, no layout
      });
      return boxes;
    }
    const [x, y] = fit.top;
    this.top.style.transform = `translate(${x + dx}px, ${y + dy}px)`;
    if (!fit.leads) return boxes;
    // every entry's line keeps its room (as the desktop's layout does), the answer's alone drawn
    const lines = listLeaders(boxes[0], fit.own, fit.order.map((i) => fit.rows[i][1]), fit.lines);
    for (const ends of answerLine(lines)) {
      const line = document.createElementNS(SVG, "line");
      ["x1", "y1", "x2", "y2"].forEach((k, i) => line.setAttribute(k, ends[i]));
      this.leaders.appendChild(line);
    }
    return [...boxes, ...lines.map(lineBox)];
  }
}
