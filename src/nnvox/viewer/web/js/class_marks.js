// The output column's own marks, as the desktop draws them (viewer/overlays/class_rows.py): thin
// gaps in the background's colour between class rows, and a frame in the labels' colour round the
// most probable class (Python says which, per snapshot; shown once the forward pass has lit the
// output halfway). Geometry from Python: the gaps' loops and class 0's frame, moved to the class's cell.
import * as THREE from "three";

const rgb = ([r, g, b]) => new THREE.Color(r / 255, g / 255, b / 255);

function segments(paths, colour) {
  const points = [];
  for (const path of paths) for (let i = 0; i + 1 < path.length; i++) points.push(...path[i], ...path[i + 1]);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(points, 3));
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: rgb(colour) }));
}

export class ClassMarks {
  constructor(block, stage, colours) {
    this.block = block;
    const { gaps, frame } = block.classes;
    if (gaps.length) stage.add(segments(gaps, colours.background));
    this.frame = segments(frame, colours.text);
    this.frame.visible = false;
    stage.add(this.frame);
    this.framed = null;
  }

  // `framed`: the class to frame (null: none); `lit`: the output's forward-pass light, 0..1.
  show(framed, lit) {
    const top = lit < 0.5 || framed === undefined ? null : framed;
    if (top !== null) {
      const [row, col] = [Math.floor(top / this.block.cols), top % this.block.cols];
      this.frame.position.set(0, -col * this.block.voxel, -row * this.block.voxel);
    }
    this.framed = top;
    this.frame.visible = top !== null;
  }
}
