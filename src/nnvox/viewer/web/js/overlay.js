// Text over the picture: the heads-up line (Python's, per snapshot), the colour legends (bars from
// the same colour tables) under the controls' hint, and the picked voxel's story. Plain DOM.
import { fontPx } from "./fonts.js";


function box(parent, className, style) {
  const el = document.createElement("div");
  el.className = className;
  Object.assign(el.style, { position: "absolute", whiteSpace: "pre-wrap", pointerEvents: "none", ...style });
  parent.appendChild(el);
  return el;
}

const pct = (fraction) => `${100 * fraction}%`;

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
  // `layer`: the text over the 3D pane; `strip`: the controls' strip below it (its text size is set here)
  constructor(scene, layer, strip) {
    this.layer = layer;
    this.strip = strip;
    this.sizes = scene.fonts;
    const rgb = ([r, g, b]) => `rgb(${r},${g},${b})`;
    layer.style.color = strip.style.color = rgb(scene.colours.text);
    strip.style.background = rgb(scene.colours.background); // the picture's, not the notebook's (its text is the picture's)
    this.hud = box(layer, "nnvox-hud", { left: "1.2%", top: "1.5%", width: "97%" });
    this.info = box(layer, "nnvox-info", { left: "1.2%", top: "11%", maxWidth: "45%" });
    this.detail = box(layer, "nnvox-detail", { left: "1.2%", top: "6%", opacity: "0.8" }); // what level of detail left out
    this.detail.textContent = scene.detail || "";
    this.foot = this.footer(scene, layer);
  }

  // The controls' hint over the colour legends, in one column from the pane's foot: where a title or
  // the hint wraps (a narrow page), the column grows upwards and the labels keep off it (rects).
  // Placed by Python's rule (theme.py's legend_left, _width, _gap, _bottom: payload.legend_layout).
  footer(scene, layer) {
    const { left, width, gap, bottom } = scene.legend_layout;
    const across = Math.max(scene.legends.length, 2) * (width + gap) - gap; // as wide as two legends, at least
    const foot = box(layer, "nnvox-foot", { left: pct(left), bottom: pct(bottom), width: pct(across), display: "flex", flexDirection: "column", gap: "0.4em" });
    // The controls in a line or two, above the legends (in the band block labels keep out of)
    this.hint = box(foot, "nnvox-hint", { position: "static", opacity: "0.7", whiteSpace: "normal" });
    this.hint.textContent = "drag: turn · right-drag: pan · wheel: zoom · click: a voxel · ← →: snapshot · c or ⌂: first view · g: forward pass";
    this.legends = box(foot, "nnvox-legends", { position: "static", display: "flex", alignItems: "flex-end", columnGap: pct(gap / across) });
    for (const legend of scene.legends) {
      const el = document.createElement("div");
      el.style.width = pct(width / across);
      const title = document.createElement("div");
      title.className = "nnvox-legend-title";
      title.textContent = legend.title; // wrapped over the bar where it is wider (the desktop's is never cut either)
      Object.assign(title.style, { textAlign: "center", whiteSpace: "normal", lineHeight: "1.15", marginBottom: "0.15em" });
      const ticks = document.createElement("div");
      Object.assign(ticks.style, { display: "flex", justifyContent: "space-between", gap: "0.4em" });
      // what the bar's ends (and middle) mean, in the desktop's words (legends.py TICK_WORDS)
      for (const word of legend.words) ticks.appendChild(document.createElement("span")).textContent = word;
      el.append(title, legendBar(scene.luts[legend.cmap]), ticks);
      this.legends.appendChild(el);
    }
    return foot;
  }

  fonts(height) {
    const px = (name) => `${fontPx(this.sizes[name], height)}px`; // viewer/theme.py's Fonts, from Python
    this.hud.style.fontSize = px("hud");
    this.legends.style.fontSize = px("legend");
    this.info.style.fontSize = px("voxel");
    this.detail.style.fontSize = px("legend");
    this.hint.style.fontSize = px("hint");
    this.strip.style.fontSize = px("hint"); // the controls: the window's own text, as the slider's (Fonts.slider_value)
  }

  // Where the hint and legends are on the pane (w x h CSS pixels), measured once per size and font.
  rects(w, h) {
    const key = `${w}x${h}|${this.hint.style.fontSize}`;
    if (this.measured !== key) {
      const { offsetLeft: x, offsetTop: y, offsetWidth: dx, offsetHeight: dy } = this.foot;
      [this.measured, this.footRect] = [key, [x, y, x + dx, y + dy]];
    }
    return [this.footRect];
  }
}
