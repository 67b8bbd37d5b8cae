// Text over the picture: the heads-up line (Python's, per snapshot), the colour legends (bars from
// the same colour tables) and the picked voxel's story. Plain DOM.
import { fontPx } from "./fonts.js";


function box(parent, className, style) {
  const el = document.createElement("div");
  el.className = className;
  Object.assign(el.style, { position: "absolute", whiteSpace: "pre-wrap", pointerEvents: "none", ...style });
  parent.appendChild(el);
  return el;
}

function legendBar(table) {
  const canvas = document.createElement("canvas");
  canvas.width = table.length - 2;
  canvas.height = 1;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(canvas.width, 1);
  table.slice(2).forEach(([r, g, b], i) => image.data.set([r, g, b, 255], 4 * i));
  ctx.putImageData(image, 0, 0);
  Object.assign(canvas.style, { width: "100%", height: "0.9em", imageRendering: "pixelated", display: "block" });
  return canvas;
}

export class Overlay {
  constructor(scene, layer) {
    this.layer = layer;
    this.sizes = scene.fonts;
    const [r, g, b] = scene.colours.text;
    layer.style.color = `rgb(${r},${g},${b})`;
    this.hud = box(layer, "nnvox-hud", { left: "1.2%", top: "1.5%", width: "97%" });
    this.info = box(layer, "nnvox-info", { left: "1.2%", top: "11%", maxWidth: "45%" });
    this.detail = box(layer, "nnvox-detail", { left: "1.2%", top: "6%", opacity: "0.8" }); // what level of detail left out
    this.detail.textContent = scene.detail || "";
    // The controls in one line, above the legends (in the band block labels keep out of)
    this.hint = box(layer, "nnvox-hint", { left: "2%", bottom: "10%", maxWidth: "64%", opacity: "0.7", whiteSpace: "normal" });
    this.hint.textContent = "drag: turn · right-drag: pan · wheel: zoom · click: a voxel · ← →: snapshot · c or ⌂: first view · g: forward pass";
    this.legends = box(layer, "nnvox-legends", { left: "2%", bottom: "1.5%", display: "flex", gap: "4vw" }); // legend_gap
    for (const legend of scene.legends) {
      const el = document.createElement("div");
      el.style.width = "30vw"; // viewer/theme.py's legend_width
      const title = document.createElement("div");
      title.textContent = legend.title;
      Object.assign(title.style, { textAlign: "center", whiteSpace: "nowrap" });
      const ticks = document.createElement("div");
      Object.assign(ticks.style, { display: "flex", justifyContent: "space-between" });
      // what the bar's ends (and middle) mean, in the desktop's words (legends.py TICK_WORDS)
      for (const word of legend.words) ticks.appendChild(document.createElement("span")).textContent = word;
      el.append(title, legendBar(scene.luts[legend.cmap]), ticks);
      this.legends.appendChild(el);
    }
  }

  fonts(height) {
    const px = (name) => `${fontPx(this.sizes[name], height)}px`; // viewer/theme.py's Fonts, from Python
    this.hud.style.fontSize = px("hud");
    this.legends.style.fontSize = px("legend");
    this.info.style.fontSize = px("voxel");
    this.detail.style.fontSize = px("legend");
    this.hint.style.fontSize = px("hint");
  }
}
