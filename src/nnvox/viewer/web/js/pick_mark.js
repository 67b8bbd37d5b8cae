// The picked voxel outlined in the scene (a box a little larger than the voxel, in the labels'
// colour, drawn over whatever stands in front of its edges), so the value the page prints is seen
// to be that voxel's. Geometry as blocks.js's slabs: panel k at origin x + k * pitch, column 0 at
// +y, row 0 at the top.
import * as THREE from "three";

const EDGES = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];

export function voxelBox(block, { panel, row, col }, pad) {
  const { rows, cols, voxel: v, thickness, pitch } = block;
  const [ox, y0, z0] = block.origin;
  const x = ox + panel * pitch;
  const [left, top] = [y0 + (cols * v) / 2 - col * v, z0 + (rows * v) / 2 - row * v];
  return [x - pad, x + thickness + pad, left - v - pad, left + pad, top - v - pad, top + pad];
}

export class PickMark {
  constructor(stage, colour) {
    const [r, g, b] = colour;
    this.stage = stage;
    this.lines = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: new THREE.Color(r / 255, g / 255, b / 255), depthTest: false }));
    this.lines.visible = false;
    this.lines.renderOrder = 1;
    stage.add(this.lines);
  }

  // `picked`: pick()'s { block, panel, row, col }, or null for none.
  show(picked) {
    this.lines.visible = Boolean(picked);
    if (picked) {
      const [x0, x1, y0, y1, z0, z1] = voxelBox(picked.block, picked, 0.12 * picked.block.voxel);
      const c = [[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]];
      const points = EDGES.flatMap(([a, b]) => [...c[a], ...c[b]]);
      this.lines.geometry.setAttribute("position", new THREE.Float32BufferAttribute(points, 3));
    }
    this.stage.requestDraw();
  }
}
