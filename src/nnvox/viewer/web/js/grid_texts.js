// An open weight's texts over its kernel tiles (Python's scenes/open_weights.grid_texts, as the
// window draws them): each filter's number over its column, "filter" and each input channel's
// number left of the grid, what the grid leaves out under it. Python places each at a world point
// and says which side of it the text stands (`where`); here only the camera's projection is
// applied, and, as the window's open_maps does, a block's numbers show all or none: none where,
// under the camera now, two of them would overlap or one would leave the picture (zoomed out, the
// numbers would run into each other); the note under the grid on its own.
import { overlaps } from "./labels.js";

// Of the text's own box, how far it moves from its point: centred over it (its foot there), ending
// at it (its foot level with it, or its middle), centred under it.
const SHIFTS = { above: [-0.5, -1], header: [-1, -1], row: [-1, -0.5], below: [-0.5, 0] };

// Whether boxes (left, top, right, bottom) all lie in a w x h picture and none overlaps another.
function clear(boxes, w, h) {
  if (boxes.some(([x0, y0, x1, y1]) => x0 < 0 || y0 < 0 || x1 > w || y1 > h)) return false;
  return !boxes.some((a, i) => boxes.slice(i + 1).some((b) => overlaps(a, b, 0)));
}

export class GridTexts {
  constructor(scene, stage, layer) {
    this.stage = stage;
    const [r, g, b] = scene.colours.text;
    const [br, bg, bb] = scene.colours.background;
    const box = `rgba(${br},${bg},${bb},${scene.colours.label_box_opacity})`;
    const groups = new Map(); // block (and its note apart) -> its texts
    for (const block of scene.blocks.filter((blk) => blk.grid_texts)) {
      for (const [x, y, z, text, where] of block.grid_texts.items) {
        const el = layer.appendChild(document.createElement("div"));
        el.className = "nnvox-grid-text";
        el.textContent = text;
        el.dataset.block = block.name;
        el.dataset.where = where;
        Object.assign(el.style, {
          position: "absolute", left: "0", top: "0", whiteSpace: "pre", pointerEvents: "none", width: "max-content",
          color: `rgb(${r},${g},${b})`, background: box, padding: "0 2px", lineHeight: "1.2",
        });
        const key = `${block.name}${where === "below" ? "/note" : ""}`;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push({ el, point: [x, y, z], shift: SHIFTS[where], font: block.grid_texts.font });
      }
    }
    this.groups = [...groups.values()];
  }

  // Each group's texts at their points as the camera now draws them, at their font for a page
  // `height` pixels high, or hidden where they would not hold clear in the w x h pane.
  draw(fontPx, height, w, h) {
    for (const items of this.groups) {
      const px = fontPx(items[0].font, height);
      for (const item of items) {
        if (item.measured !== px) {
          Object.assign(item.el.style, { fontSize: `${px}px`, display: "block" });
          [item.size, item.measured] = [[item.el.offsetWidth, item.el.offsetHeight], px];
        }
      }
      const boxes = items.map(({ point, shift, size }) => {
        const [x, y] = this.stage.toScreen(point);
        const [left, top] = [x + shift[0] * size[0], y + shift[1] * size[1]];
        return [left, top, left + size[0], top + size[1]];
      });
      const display = clear(boxes, w, h) ? "block" : "none";
      items.forEach(({ el }, k) => {
        if (el.style.display !== display) el.style.display = display;
        el.style.transform = `translate(${boxes[k][0]}px, ${boxes[k][1]}px)`;
      });
    }
  }
}
