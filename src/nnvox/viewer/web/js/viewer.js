// nnvox's browser viewer in one element: takes a data source (payload.js), draws its scene with
// three.js, and wires the timeline, the orbit controls, labels and picking. The exported page, the
// `nnvox serve` page and the notebook widget all call `createViewer`; the returned object is the
// state the tests (tests/web) and benchmarks read.
import { around, blendIndices, nearestSnapshot } from "./blend.js";
import { fontPx } from "./fonts.js";
import { BlockMesh, colourTable } from "./blocks.js";
import { ClassMarks } from "./class_marks.js";
import { ClassTexts } from "./classes.js";
import { ForwardPass } from "./forward.js";
import { GridTexts } from "./grid_texts.js";
import { Labels } from "./labels.js";
import { MetricsInset } from "./metrics.js";
import { Overlay } from "./overlay.js";
import { blockIndices } from "./payload.js";
import { PickMark } from "./pick_mark.js";
import { releaseStage } from "./release.js";
import { describePick, pick } from "./picking.js";
import { SnapshotCache } from "./snapshots.js";
import { SnapshotMarks } from "./snapshot_marks.js";
import { Stage } from "./stage.js";
import { statisticsLine } from "./statistics.js";
import { Timeline } from "./timeline.js";
import { style } from "./style.js";

// The 3D pane (the canvas, the text over it) above the controls' strip (style.js).
function layers(container) {
  style(container.ownerDocument);
  const div = (className) => Object.assign(document.createElement("div"), { className });
  const [view, pane, root, text, strip] = ["view", "pane", "root", "text", "strip"].map((n) => div(`nnvox-${n}`));
  pane.append(root, text);
  view.append(pane, strip);
  container.appendChild(view);
  return { view, pane, root, text, strip };
}

// The picture at timeline position t: the two snapshots around it blended; drawn when both are here.
function showFrame(viewer, t) {
  const { scene, meshes, cache } = viewer;
  viewer.t = t;
  const [i0, i1, alpha] = around(t, scene.snapshots.length - 1, scene.interpolate);
  const [a, b] = [cache.get(i0), cache.get(i1)];
  if (!a || !b) return; // drawn when they arrive (cache's onArrive)
  for (const m of meshes) {
    const from = blockIndices(a.indices, m.block);
    m.show(blendIndices(from, blockIndices(b.indices, m.block), alpha, m.scratch || (m.scratch = new Uint8Array(from.length))));
  }
  viewer.snapshotMarks.frame(a, b, alpha);
  const nearest = nearestSnapshot(t);
  viewer.piece = nearest === i0 ? a : b;
  viewer.overlay.hud.textContent = viewer.piece.hud;
  viewer.snapshot = nearest;
  showPicked(viewer);
  showLit(viewer, viewer.forward.lit());
}

// The clicked voxel's story at the timeline position, as the desktop follows it: its value (the
// colour index shown now) and its channel's statistics at the nearest snapshot (statistics.js).
function showPicked(viewer) {
  const voxel = viewer.pickedVoxel;
  if (!voxel) {
    viewer.picked = null;
    viewer.overlay.info.textContent = "";
    return;
  }
  const mesh = viewer.meshes.find((m) => m.block === voxel.block);
  voxel.index = mesh.atlas[voxel.at];
  const statistics = statisticsLine(viewer.scene, viewer.piece, voxel);
  viewer.picked = { ...describePick(voxel, viewer.scene.levels), statistics };
  viewer.overlay.info.textContent = [viewer.picked.text, statistics].filter(Boolean).join("\n");
}

// The forward pass's light (block name -> 0..1): blocks dimmed, labels faded, class texts hidden, the top class framed.
function showLit(viewer, lit) {
  viewer.lit = lit;
  viewer.meshes.forEach((m) => m.setLit(lit[m.block.name]));
  viewer.labels.labels.forEach((l) => (l.el.style.opacity = 0.3 + 0.7 * lit[l.block.name])); // overlays/labels.py
  viewer.classes.forEach((c) => c.setLit(lit[c.block.name]));
  const framed = (viewer.piece && viewer.piece.framed) || {};
  if (viewer.piece) {
    // the answer waits for the pass, as the class texts do (scenes/frames.py: hud_pending)
    const answered = viewer.classes.every((c) => lit[c.block.name] >= 1);
    viewer.overlay.hud.textContent = answered ? viewer.piece.hud : viewer.piece.hud_pending || viewer.piece.hud;
  }
  viewer.marks.forEach((m) => m.show(framed[m.block.name] ?? null, lit[m.block.name]));
  viewer.snapshotMarks.lit(viewer.piece, lit); // unit frames, the marks' legend entries
  viewer.stage.requestDraw();
}

function placeText(viewer) {
  const { stage, overlay, labels, piece } = viewer;
  if (!piece) return;
  const height = viewer.view.clientHeight; // the theme's sizes are of the whole page's height, strip included
  overlay.fonts(height);
  const { fonts } = viewer.scene;
  const classFont = fontPx(fonts.label, height); // the desktop's class texts: a label's size
  viewer.snapshotMarks.draw(height); // first: the class texts and labels keep off its panel, entries and cloud notes
  const taken = labels.reserved(stage.renderer.domElement.clientWidth, stage.renderer.domElement.clientHeight);
  const classRects = viewer.classes.flatMap((c) => c.show(stage, piece.texts[c.block.name], piece.tops[c.block.name], classFont, taken));
  labels.layout(fontPx(fonts.label, height), classRects);
  viewer.gridTexts.draw(fontPx, height, stage.renderer.domElement.clientWidth, stage.renderer.domElement.clientHeight);
  if (viewer.inset) viewer.inset.draw(viewer.t, fontPx(fonts.panel, height));
  viewer.drawn += 1;
  if (viewer.firstPicture === undefined) viewer.firstPicture = performance.now();
}

function build(scene, container) {
  const { view, pane, root, text, strip } = layers(container);
  const stage = new Stage(scene, root);
  const tables = Object.fromEntries(Object.entries(scene.luts).map(([name, rows]) => [name, colourTable(rows)]));
  const meshes = scene.blocks.map((b) => new BlockMesh(b, tables[b.scale.cmap], scene.colours));
  meshes.forEach((m) => stage.add(m.mesh));
  const viewer = { scene, stage, meshes, view, pane, strip, drawn: 0, overlay: new Overlay(scene, text, strip) };
  viewer.labels = new Labels(scene, stage, text, scene.label_policy);
  viewer.gridTexts = new GridTexts(scene, stage, text); // an open weight's filter and input numbers
  const [r, g, b] = scene.colours.background;
  const box = `rgba(${r},${g},${b},${scene.colours.label_box_opacity})`;
  viewer.classes = scene.blocks.filter((blk) => blk.classes).map((blk) => new ClassTexts(blk, text, box));
  viewer.inset = scene.metrics && new MetricsInset(scene.metrics, text, scene.colours.background);
  const inset = (w, h) => (viewer.inset ? [viewer.inset.rect(w, h)] : []);
  viewer.snapshotMarks = new SnapshotMarks(scene, stage, text); // unit frames and their legend, the histogram panel
  viewer.labels.reserved = (w, h) => [[0, 0, w, 0.07 * h], ...viewer.overlay.rects(w, h), ...inset(w, h), ...viewer.snapshotMarks.rects(w, h)]; // heads-up, legends
  viewer.marks = scene.blocks.filter((blk) => blk.classes).map((blk) => new ClassMarks(blk, stage, scene.colours));
  viewer.forward = new ForwardPass(scene, stage, (lit) => showLit(viewer, lit));
  stage.onDraw(() => placeText(viewer));
  const mark = new PickMark(stage, scene.colours.text);
  stage.renderer.domElement.addEventListener("click", (event) => {
    const picked = pick(stage, meshes, event.clientX, event.clientY);
    if (event.detail <= 1) viewer.firstPick = picked; // a double-click's block: its first click's (this one moves the network over)
    viewer.pickedVoxel = picked;
    showPicked(viewer);
    mark.show(picked);
    viewer.snapshotMarks.picked(picked && picked.block); // its histogram
    showLit(viewer, viewer.lit || viewer.forward.lit());
  });
  viewer.mark = mark;
  stage.renderer.domElement.addEventListener("dblclick", () => {
    // a feature-map block opens into its maps, an open one closes, as the window's double-click
    // (Python's `openable`: the blocks that open, in all three pages; `opened`: the one open)
    const picked = viewer.firstPick;
    const name = picked && picked.block.name;
    if (name && viewer.openLayer && (scene.opened === name || scene.openable.includes(name))) viewer.openLayer(name);
  });
  viewer.timeline = new Timeline(scene.snapshots, scene.t, strip, (t) => showFrame(viewer, t), scene.play.speed);
  const button = (textContent, title, className, onClick) => {
    const el = Object.assign(document.createElement("button"), { textContent, title, className });
    el.addEventListener("click", onClick);
    return el;
  };
  viewer.timeline.root.prepend(
    button("⌂", "back to the first view (c)", "nnvox-home", () => stage.reset()),
    button("⇢", "run the forward pass, layer by layer (g)", "nnvox-forward", () => viewer.forward.start()),
  );
  return viewer;
}

// A run read again with more snapshots keeps its geometry and layout; its colour scales (and the
// labels' ranges) may widen. Anything else is drawn anew.
const drawing = (scene) => JSON.stringify([scene.blocks.map(({ scale, label, ...rest }) => [rest, label.anchor, label.side]), scene.edges, scene.legends]);
const sameDrawing = (a, b) => drawing(a) === drawing(b);

function grow(viewer, scene) {
  const following = viewer.timeline.t >= viewer.scene.snapshots.length - 1;
  const rescaled = JSON.stringify(viewer.scene.blocks.map((b) => b.scale)) !== JSON.stringify(scene.blocks.map((b) => b.scale));
  viewer.scene.blocks.forEach((b, k) => Object.assign(b, { scale: scene.blocks[k].scale, label: scene.blocks[k].label })); // picking reads the new scales
  viewer.labels.labels.forEach((l) => (l.el.textContent = l.block.label.text));
  Object.assign(viewer.scene, { snapshots: scene.snapshots, live: scene.live, version: scene.version });
  viewer.cache.clear(!rescaled); // (pieces on their way were asked with the old version)
  viewer.timeline.setLabels(scene.snapshots);
  viewer.timeline.set(following ? scene.snapshots.length - 1 : viewer.timeline.t);
}

const sameBounds = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

// `keep` (a view switched to): { t, pose, bounds } of the viewer before; the camera is kept where
// the picture's bounds are the same. A viewer that fails to open (a snapshot refused, say) gives
// back what it took and the promise rejects; the caller's old picture is untouched.
export async function createViewer(container, source, { onRedraw, keep } = {}) {
  let scene;
  try {
    scene = await source.scene();
  } catch (error) {
    source.close();
    throw error;
  }
  if (keep) scene.t = Math.min(keep.t, scene.snapshots.length - 1);
  const viewer = build(scene, container);
  viewer.source = source;
  viewer.cache = new SnapshotCache(source, (i) => {
    const [i0, i1] = around(viewer.t, viewer.scene.snapshots.length - 1, viewer.scene.interpolate);
    if (i === i0 || i === i1) showFrame(viewer, viewer.t);
  });
  // the pane's size: the page's less the strip, whose height follows its controls' wrapping and font
  const observer = new ResizeObserver(() => viewer.stage.resize(viewer.pane.clientWidth, viewer.pane.clientHeight));
  viewer.dispose = () => {
    if (viewer.disposed) return;
    viewer.disposed = true;
    viewer.forward.running = false;
    observer.disconnect();
    viewer.timeline.stop();
    viewer.cache.close(); // prefetches stop, what still lands is dropped
    source.close();
    Object.assign(viewer.stage, { draw() {}, requestDraw() {} }); // a frame already asked for draws nothing
    releaseStage(viewer.stage); // textures, geometries and the WebGL context, now
    viewer.stage.dispose();
    viewer.view.remove();
  };
  try {
    await opened(viewer, scene, keep, observer);
  } catch (error) {
    viewer.dispose();
    throw error;
  }
  source.follow((next) => (sameDrawing(viewer.scene, next) ? grow(viewer, next) : onRedraw && onRedraw(next)));
  return viewer;
}

// The first picture: its snapshots fetched, the camera placed, the rest fetched after it.
async function opened(viewer, scene, keep, observer) {
  const { source } = viewer;
  const first = Math.min(Math.floor(scene.t), scene.snapshots.length - 1);
  await Promise.all(source.eager ? scene.snapshots.map((_, i) => viewer.cache.load(i)) : [viewer.cache.load(first), viewer.cache.load(Math.min(first + 1, scene.snapshots.length - 1))]);
  observer.observe(viewer.pane);
  const chosen = scene.blocks.find((b) => b.name === scene.histograms.selected); // --histogram LAYER
  if (chosen) viewer.snapshotMarks.picked(chosen);
  if (keep && sameBounds(keep.bounds, scene.bounds)) viewer.stage.setView(keep.pose);
  viewer.stage.resize(viewer.pane.clientWidth, viewer.pane.clientHeight);
  viewer.timeline.set(scene.t);
  if (!source.eager) viewer.cache.prefetch(scene.snapshots.length, scene.frame_bytes);
}
