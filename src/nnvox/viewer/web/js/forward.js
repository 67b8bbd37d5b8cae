// The forward-pass animation, as the desktop window's `g` (scenes/playback.py, scenes/frames.py):
// `reveal` runs 0..1 over the payload's seconds. Python sends when each block lights (`block.lit`,
// frames.lit_span) and when each edge's dot travels (`edge.pass`, frames.pulse_span), as stretches
// of the pass; the page only reads where `reveal` is in them. A block shows more of its colours
// as it lights, opaque throughout (blocks.js litStrength, viewer/visuals.py lit_strength).
import * as THREE from "three";

// How far (0..1) the pass at `reveal` is through a stretch [start, end] (frames.along).
const along = (reveal, [start, end]) => (reveal - start) / Math.max(end - start, 1e-9);
export const litAt = (reveal, span) => (reveal === null ? 1 : Math.min(1, Math.max(0, along(reveal, span))));

function pointAlong(path, fraction) {
  const lengths = path.slice(1).map((p, i) => Math.hypot(...p.map((v, k) => v - path[i][k])));
  let rest = fraction * lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lengths.length; i++) {
    if (rest <= lengths[i] || i === lengths.length - 1) {
      const a = lengths[i] > 0 ? Math.min(rest / lengths[i], 1) : 0;
      return path[i].map((v, k) => v + a * (path[i + 1][k] - v));
    }
    rest -= lengths[i];
  }
  return path[0];
}

export class ForwardPass {
  constructor(scene, stage, onLit) {
    this.scene = scene;
    this.stage = stage;
    this.onLit = onLit; // (lit per block name) => draw with it
    this.reveal = null;
    const [r, g, b] = scene.colours.pulse;
    this.dots = new THREE.Points(new THREE.BufferGeometry(), new THREE.PointsMaterial({ color: new THREE.Color(r / 255, g / 255, b / 255), size: 7, sizeAttenuation: false, depthTest: false }));
    this.dots.renderOrder = 1; // over the blocks, as the desktop's overlay layer
    stage.add(this.dots);
  }

  lit() {
    return Object.fromEntries(this.scene.blocks.map((b) => [b.name, litAt(this.reveal, b.lit)]));
  }

  pulses() {
    if (this.reveal === null) return [];
    const points = [];
    for (const e of this.scene.edges) {
      const f = along(this.reveal, e.pass);
      if (f > 0 && f < 1) points.push(...pointAlong(e.path, f));
    }
    return points;
  }

  set(reveal) {
    this.reveal = reveal;
    this.dots.geometry.dispose(); // (a replaced attribute's GL buffer is freed only with its geometry)
    this.dots.geometry = new THREE.BufferGeometry();
    this.dots.geometry.setAttribute("position", new THREE.Float32BufferAttribute(this.pulses(), 3));
    this.onLit(this.lit());
  }

  start() {
    this.running = true;
    let before = performance.now();
    this.set(0);
    const step = (now) => {
      if (!this.running) return;
      const reveal = this.reveal + (now - before) / 1000 / this.scene.forward.seconds;
      before = now;
      if (reveal >= 1) return this.stop();
      this.set(reveal);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  stop() {
    this.running = false;
    this.set(null);
  }
}
