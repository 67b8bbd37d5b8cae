// The legend's entries for the marks a snapshot draws (dead and saturated unit frames, NaN magenta,
// padding), as the desktop's overlays/legends.py: words and swatches from Python (scene.colours.marks),
// which entries show from the snapshot's piece (piece.marks), stacked upwards from just above the
// metrics inset, or above the histogram panel while it shows. Under them the view's notes (Python's
// marks_legend.notes: what a closed block's face and stripes are, that the colour scales stay the
// same every epoch), their words in line with the marks' words; none on a page lower than the
// desktop's least pane for them. Each on one line: all in their short form where one long would
// not fit (the desktop's entry_stack: one form for all).
import { fontPx } from "./fonts.js";

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

function entryDiv(root, kind, forms, swatchStyle) {
  const entry = document.createElement("div");
  Object.assign(entry.style, { display: "none", alignItems: "center", gap: "0.6em" });
  const swatch = document.createElement("span");
  Object.assign(swatch.style, { flex: "none", width: "1em", height: "1em", boxSizing: "border-box", ...swatchStyle });
  const words = Object.assign(document.createElement("span"), { textContent: forms[0] });
  words.style.whiteSpace = "nowrap";
  entry.append(swatch, words);
  entry.dataset.kind = kind;
  root.appendChild(entry);
  return { entry, words, forms };
}

export class MarkEntries {
  constructor(scene, layer) {
    this.scene = scene;
    this.root = document.createElement("div");
    this.root.className = "nnvox-marks";
    Object.assign(this.root.style, { position: "absolute", pointerEvents: "none", display: "flex", flexDirection: "column", gap: "0.35em" });
    layer.appendChild(this.root);
    this.entries = {};
    this.all = [];
    for (const [kind, { text, short, edge, fill }] of Object.entries(scene.colours.marks)) {
      const one = entryDiv(this.root, kind, [text, short], { border: `0.17em solid ${css(edge)}`, background: fill ? css(fill) : "transparent" });
      this.entries[kind] = one.entry;
      this.all.push(one);
    }
    // a note: no swatch (its room kept, so its words line up with the marks')
    this.notes = scene.marks_legend.notes.map((forms) => {
      const one = entryDiv(this.root, "note", forms, {});
      one.entry.classList.add("nnvox-note");
      this.all.push(one);
      return one;
    });
    this.shown = [];
    this.tall = true;
  }

  // `kinds` the entries to show; `below` the panel (normalised x0, y0, x1, y1, y up) they stand on.
  show(kinds, below) {
    const key = `${kinds}|${below}|${this.tall}`;
    if (key === this.key) return;
    this.key = key;
    this.below = below;
    this.kinds = kinds;
    this.wanted = [...kinds.map((kind) => this.all.find((one) => one.entry === this.entries[kind])).filter(Boolean), ...(this.tall ? this.notes : [])];
    this.rect = null;
    Object.assign(this.root.style, { left: `${100 * below[0]}%`, right: "1%", bottom: `${100 * below[3] + 0.6}%` });
    this.fit();
  }

  // The wanted entries, each on one line: all in their long form where each fits the entries'
  // width, else all short; where a short note does not fit either, no notes (the desktop's marks
  // alone), and a mark's words wrap rather than leave the page.
  fit() {
    const wanted = this.wanted || [];
    this.all.forEach((one) => {
      one.entry.style.display = wanted.includes(one) ? "flex" : "none";
      one.words.style.whiteSpace = "nowrap";
      one.words.textContent = one.forms[0];
    });
    const fits = (one) => one.entry.scrollWidth <= this.root.clientWidth;
    if (!wanted.every(fits)) wanted.forEach((one) => (one.words.textContent = one.forms[1]));
    const notes = wanted.filter((one) => this.notes.includes(one));
    if (!notes.every(fits)) notes.forEach((one) => (one.entry.style.display = "none"));
    wanted.filter((one) => !fits(one)).forEach((one) => (one.words.style.whiteSpace = "normal"));
    this.shown = wanted.filter((one) => one.entry.style.display !== "none");
  }

  // Where the entries are (labels keep off them), CSS pixels from the view's top left; none when
  // hidden. Measured once after a change, not on every orbiting frame (a measure forces a layout).
  rects(w, h) {
    if (!this.shown.length) return [];
    if (!this.rect || this.measured !== `${w}x${h}`) {
      this.measured = `${w}x${h}`;
      this.fit(); // (the page's width may have changed)
      const { offsetLeft: x, offsetTop: y, offsetWidth: width, offsetHeight: height } = this.root;
      this.rect = [x, y, x + width, y + height];
    }
    return [this.rect];
  }

  fonts(pageHeight) {
    const size = `${fontPx(this.scene.marks_legend.font, pageHeight)}px`;
    const tall = pageHeight >= this.scene.marks_legend.notes_least_height;
    if (size === this.root.style.fontSize && tall === this.tall) return;
    this.root.style.fontSize = size;
    this.rect = null;
    if (tall !== this.tall) {
      this.tall = tall;
      if (this.key !== undefined) this.show(this.kinds, this.below);
    } else this.fit();
  }
}
