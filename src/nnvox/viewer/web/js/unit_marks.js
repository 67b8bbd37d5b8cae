// Frames round dead (red) and saturated (orange) units, as the desktop's overlays/units.py draws
// them: the boxes come from Python per snapshot (piece.units: kind -> block -> boxes), and each
// frame fades with its layer as the forward pass reaches it (its colour mixed into the background
// as the layer's voxels are, the desktop's `faded`).
import * as THREE from "three";
import { litStrength } from "./blocks.js";
import { boxEdges } from "./stage.js";

export class UnitMarks {
  constructor(scene, stage) {
    this.colours = scene.colours;
    this.lines = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ vertexColors: true }));
    this.lines.frustumCulled = false; // its geometry changes with every snapshot
    stage.add(this.lines);
    this.count = {}; // kind -> boxes drawn (what the tests read)
  }

  // A colour (0..255) as it shows on a layer lit so far (0..1).
  faded(rgb, lit) {
    const { background } = this.colours;
    const a = litStrength(this.colours, lit);
    return rgb.map((v, i) => Math.round(background[i] + a * (v - background[i])) / 255);
  }

  show(piece, lit) {
    const units = (piece && piece.units) || {};
    const key = JSON.stringify(Object.values(units).flatMap((blocks) => Object.keys(blocks).map((name) => lit[name] ?? 1)));
    if (piece === this.piece && key === this.key) return; // the same frames, equally lit
    [this.piece, this.key] = [piece, key];
    const positions = [];
    const colours = [];
    this.count = {};
    for (const [kind, blocks] of Object.entries(units)) {
      for (const [name, boxes] of Object.entries(blocks)) {
        const c = this.faded(this.colours.health[kind], lit[name] ?? 1);
        for (const box of boxes) {
          for (const [p, q] of boxEdges(box)) {
            positions.push(...p, ...q);
            colours.push(...c, ...c);
          }
        }
        this.count[kind] = (this.count[kind] || 0) + boxes.length;
      }
    }
    this.lines.geometry.dispose(); // (a replaced attribute's GL buffer is freed only with its geometry)
    const geometry = (this.lines.geometry = new THREE.BufferGeometry());
    geometry.setAttribute("position", new THREE.Float32BufferAttribute(positions, 3));
    geometry.setAttribute("color", new THREE.Float32BufferAttribute(colours, 3));
  }
}
