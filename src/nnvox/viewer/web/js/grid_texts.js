// An open weight's texts over its kernel tiles (Python's scenes/open_weights.grid_texts, as the
// window draws them): each filter's number over its column, "filter" and each input channel's
// number left of the grid, what the grid leaves out under it. Python places each at a world point
// and says which side of it the text stands (`where`); here only the camera's projection is applied.

// Of the text's own box, how far it moves from its point: centred over it (its foot there), ending
// at it (its foot level with it, or its middle), centred under it.
export const SHIFTS = { above: [-50, -100], header: [-100, -100], row: [-100, -50], below: [-50, 0] };

export class GridTexts {
  constructor(scene, stage, layer) {
    this.stage = stage;
    const [r, g, b] = scene.colours.text;
    const [br, bg, bb] = scene.colours.background;
    const box = `rgba(${br},${bg},${bb},${scene.colours.label_box_opacity})`;
    this.items = scene.blocks.filter((block) => block.grid_texts).flatMap((block) =>
      block.grid_texts.items.map(([x, y, z, text, where]) => {
        const el = layer.appendChild(document.createElement("div"));
        el.className = "nnvox-grid-text";
        el.textContent = text;
        el.dataset.block = block.name;
        el.dataset.where = where;
        Object.assign(el.style, {
          position: "absolute", left: "0", top: "0", whiteSpace: "pre", pointerEvents: "none", width: "max-content",
          color: `rgb(${r},${g},${b})`, background: box, padding: "0 2px", lineHeight: "1.2",
        });
        return { el, point: [x, y, z], shift: SHIFTS[where], font: block.grid_texts.font };
      }),
    );
  }

  // Each text at its point as the camera now draws it, at its font for a page `height` pixels high.
  draw(fontPx, height) {
    for (const { el, point, shift, font } of this.items) {
      const [x, y] = this.stage.toScreen(point);
      el.style.fontSize = `${fontPx(font, height)}px`;
      el.style.transform = `translate(${x}px, ${y}px) translate(${shift[0]}%, ${shift[1]}%)`;
    }
  }
}
