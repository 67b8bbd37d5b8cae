// nnvox's browser viewer: reads the page's scene and frames, draws them with three.js, and wires
// the timeline, the orbit controls, labels and picking. `window.nnvoxViewer` exposes the state the
// tests (tests/web) and benchmarks read.
import { blendIndices } from "./blend.js";
import { BlockMesh, colourTable } from "./blocks.js";
import { ClassTexts } from "./classes.js";
import { Labels } from "./labels.js";
import { Overlay } from "./overlay.js";
import { readFrames, readScene, blockIndices } from "./payload.js";
import { describePick, pick } from "./picking.js";
import { Stage } from "./stage.js";
import { Timeline } from "./timeline.js";
import { style } from "./style.js";

function layers() {
  style(document);
  const root = document.createElement("div");
  root.className = "nnvox-root";
  const text = document.createElement("div");
  text.className = "nnvox-text";
  document.body.append(root, text);
  return { root, text };
}

function showFrame(viewer, t) {
  const { scene, indices, meshes } = viewer;
  const last = scene.snapshots.length - 1;
  const i0 = Math.min(Math.floor(t), last);
  const i1 = Math.min(i0 + 1, last);
  for (const m of meshes) {
    const a = blockIndices(scene, indices, i0, m.block);
    const b = blockIndices(scene, indices, i1, m.block);
    m.show(blendIndices(a, b, t - i0, m.scratch || (m.scratch = new Uint8Array(a.length))));
  }
  const nearest = Math.round(t);
  viewer.overlay.hud.textContent = scene.huds[nearest];
  viewer.snapshot = nearest;
  viewer.stage.requestDraw();
}

function placeText(viewer) {
  const { stage, scene, overlay, labels } = viewer;
  const height = stage.renderer.domElement.clientHeight;
  overlay.fonts(height);
  const classFont = Math.max(8, Math.round(height * 0.018 * 0.8)); // the desktop's class texts: 0.8 of a label
  const classRects = viewer.classes.flatMap((c) =>
    c.show(stage, scene.texts[viewer.snapshot][c.block.name], scene.tops[viewer.snapshot][c.block.name], classFont),
  );
  labels.layout(Math.max(8, Math.round(height * 0.018)), classRects);
  viewer.drawn += 1;
  if (viewer.firstPicture === undefined) viewer.firstPicture = performance.now();
}

async function start() {
  const scene = readScene();
  const { root, text } = layers();
  const stage = new Stage(scene, root);
  const tables = Object.fromEntries(Object.entries(scene.luts).map(([name, rows]) => [name, colourTable(rows)]));
  const meshes = scene.blocks.map((b) => new BlockMesh(b, tables[b.scale.cmap]));
  meshes.forEach((m) => stage.add(m.mesh));
  const viewer = { scene, stage, meshes, drawn: 0, overlay: new Overlay(scene, text) };
  viewer.labels = new Labels(scene, stage, text, scene.label_policy);
  const [r, g, b] = scene.colours.background;
  const box = `rgba(${r},${g},${b},${scene.colours.label_box_opacity})`;
  viewer.classes = scene.blocks.filter((blk) => blk.classes).map((blk) => new ClassTexts(blk, text, box));
  viewer.labels.reserved = (w, h) => [[0, 0, w, 0.07 * h], [0, (1 - 0.142) * h, w, h]]; // heads-up line, legends
  viewer.indices = await readFrames(scene);
  stage.onDraw(() => placeText(viewer));
  const resize = () => stage.resize(window.innerWidth, window.innerHeight);
  window.addEventListener("resize", resize);
  resize();
  viewer.timeline = new Timeline(scene.snapshots, scene.t, text, (t) => showFrame(viewer, t));
  stage.renderer.domElement.addEventListener("click", (event) => {
    const picked = pick(stage, meshes, event.clientX, event.clientY);
    viewer.picked = picked && describePick(picked, scene.levels);
    viewer.overlay.info.textContent = viewer.picked ? viewer.picked.text : "";
  });
  window.nnvoxViewer = viewer;
}

start().catch((error) => {
  document.body.textContent = `nnvox could not show this page: ${error.message}`;
  console.error(error);
});
