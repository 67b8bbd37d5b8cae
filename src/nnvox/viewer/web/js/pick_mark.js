// The picked voxel outlined in the scene (a box a little larger than the voxel, in the labels'
// colour, drawn over whatever stands in front of its edges), so the value the page prints is seen
// to be that voxel's. Its corners come from the panel's slab as Python placed it (block.slabs:
// scenes/open_layer.slab_corners, a map in the stack or open in its grid): the front face's top
// left corner is row 0, column 0; across it runs the columns, down it the rows, behind it the depth.
import * as THREE from "three";

const EDGES = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];

const corner = (block, panel, face, c) => {
  const at = ((panel * 6 + face) * 4 + c) * 3;
  return new THREE.Vector3(...block.slabs.slice(at, at + 3));
};

// The 8 corners of the voxel's box, `pad` (world units) larger on every side.
export function voxelCorners(block, { panel, row, col }, pad) {
  const origin = corner(block, panel, 0, 0); // front face: top left, top right, bottom right, bottom left
  const across = corner(block, panel, 0, 1).sub(origin).divideScalar(block.cols);
  const down = corner(block, panel, 0, 3).sub(origin).divideScalar(block.rows);
  const depth = corner(block, panel, 1, 0).sub(origin); // the back face's top left
  const padded = (v) => v.clone().setLength(pad);
  const start = origin.clone().addScaledVector(across, col).addScaledVector(down, row);
  start.sub(padded(across)).sub(padded(down)).sub(padded(depth));
  const [a, d, b] = [across.clone().add(padded(across).multiplyScalar(2)), down.clone().add(padded(down).multiplyScalar(2)), depth.clone().add(padded(depth).multiplyScalar(2))];
  const at = (i, j, k) => start.clone().addScaledVector(a, i).addScaledVector(d, j).addScaledVector(b, k).toArray();
  return [at(0, 0, 0), at(1, 0, 0), at(1, 1, 0), at(0, 1, 0), at(0, 0, 1), at(1, 0, 1), at(1, 1, 1), at(0, 1, 1)];
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
      const c = voxelCorners(picked.block, picked, 0.12 * picked.block.voxel);
      const points = EDGES.flatMap(([a, b]) => [...c[a], ...c[b]]);
      this.lines.geometry.setAttribute("position", new THREE.Float32BufferAttribute(points, 3));
    }
    this.stage.requestDraw();
  }
}
