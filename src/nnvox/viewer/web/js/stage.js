// The 3D stage: renderer, orthographic camera at the pose Python computed (scenes/camera.py's
// overview), orbit controls (rotate, zoom, pan) about the network's centre, edges and block outlines.
// Draws on demand.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

const rgb = ([r, g, b]) => new THREE.Color(r / 255, g / 255, b / 255);

function lines(paths, colour) {
  const points = [];
  for (const path of paths) {
    for (let i = 0; i + 1 < path.length; i++) points.push(...path[i], ...path[i + 1]);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(points, 3));
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: rgb(colour) }));
}

export function boxEdges([x0, x1, y0, y1, z0, z1]) {
  const c = [[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]];
  const pairs = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];
  return pairs.map(([a, b]) => [c[a], c[b]]);
}

export class Stage {
  constructor(scene, container) {
    // Colours as given, not colour-managed: a texel's byte is the pixel's byte, as on the desktop.
    THREE.ColorManagement.enabled = false;
    this.scene = scene;
    // No multisampling and no kept drawing buffer: in software WebGL (SwiftShader, a machine without a
    // GPU) each costs more than the rest of an orbiting frame (benchmarks/bench_web.py).
    this.renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: false });
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.renderer.setClearColor(rgb(scene.colours.background));
    container.appendChild(this.renderer.domElement);
    this.world = new THREE.Scene();
    this.camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.01, 1e6);
    this.home = { pose: scene.camera, room: [0, 1] }; // the first view, in the columns no panel holds
    this.room = this.home.room;
    this.controls = new OrbitControls(this.setPose(scene.camera), this.renderer.domElement);
    this.controls.target.copy(this.centre);
    this.controls.update();
    // A turn (not a zoom) keeps the network's box as far inside the picture as it was when the drag began
    this.controls.addEventListener("start", () => (this.turning = { spread: Math.max(1, this.spread()), zoom: this.camera.zoom }));
    this.controls.addEventListener("end", () => {
      this.turning = null;
      this.requestDraw(); // drawn once more settled: the class texts decide their form again (classes.js)
    });
    this.controls.addEventListener("change", () => {
      if (this.turning) this.moved = true; // the reader moved the camera (a click does not): a panel opening only moves the picture over
      if (this.turning && this.camera.zoom === this.turning.zoom) this.keepInView(this.turning);
      this.requestDraw();
    });
    this.world.add(lines(scene.edges.filter((e) => !e.skip).map((e) => e.path), scene.colours.edge));
    this.world.add(lines(scene.edges.filter((e) => e.skip).map((e) => e.path), scene.colours.accent));
    this.world.add(lines(scene.blocks.flatMap((b) => boxEdges(b.outline)), scene.colours.outline));
    this.listeners = [];
    this.pending = false;
  }

  // The camera at a pose: focal point, direction towards the eye, up, and half the view's height.
  // It looks at the network's centre (what orbiting turns about) with its view window shifted
  // (`shift`, camera units) so the picture is the pose's.
  setPose({ focal, direction, up, scale }) {
    const [x0, x1, y0, y1, z0, z1] = this.scene.bounds;
    const distance = 2 * Math.hypot(x1 - x0, y1 - y0, z1 - z0 + 6) + 10; // as viewer/renderer.py
    // Orbiting turns about the scene's vertical (z) as the desktop's views are built; a saved view
    // looking straight down keeps its own up.
    this.camera.up.set(...(Math.abs(up[2]) > 0.1 ? [0, 0, 1] : up));
    this.camera.position.set(...focal.map((f, i) => f + direction[i] * distance));
    this.camera.lookAt(...focal);
    this.camera.updateMatrixWorld();
    this.centre = new THREE.Vector3((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2);
    const off = this.centre.clone().sub(new THREE.Vector3(...focal));
    const axis = (k) => new THREE.Vector3().setFromMatrixColumn(this.camera.matrixWorld, k);
    this.shift = [-off.dot(axis(0)), -off.dot(axis(1))];
    this.camera.position.add(off);
    this.camera.far = 4 * distance;
    this.camera.zoom = 1;
    this.baseScale = scale;
    return this.camera;
  }

  // Back to the first picture (the ⌂ button, key c as in the desktop window).
  reset() {
    this.room = this.home.room;
    this.setPose(this.home.pose);
    this.controls.target.copy(this.centre);
    this.controls.update();
    this.moved = false;
    this.resize(this.renderer.domElement.clientWidth, this.renderer.domElement.clientHeight);
  }

  // The network in the page's columns `room` (normalised x from, to) beside a panel, as the desktop
  // window makes room (desktop/scene_switch.py): refitted there (`pose`, Python's overview for
  // those columns) where the camera shows the first view, else only moved over.
  makeRoom(pose, room) {
    this.home = { pose, room };
    if (!this.moved) return this.reset();
    this.room = room;
    this.resize(this.renderer.domElement.clientWidth, this.renderer.domElement.clientHeight);
  }

  // How far the network's box reaches from the picture's middle (normalised: 1 is the picture's edge).
  spread() {
    const [x0, x1, y0, y1, z0, z1] = this.scene.bounds;
    let most = 0;
    for (const x of [x0, x1]) for (const y of [y0, y1]) for (const z of [z0, z1]) {
      const p = new THREE.Vector3(x, y, z).project(this.camera);
      most = Math.max(most, Math.abs(p.x), Math.abs(p.y));
    }
    return most;
  }

  // Zoomed out about the picture's middle until the box reaches no further than `turning.spread`.
  keepInView(turning) {
    const spread = this.spread();
    if (spread <= turning.spread) return;
    this.camera.zoom *= turning.spread / spread;
    turning.zoom = this.camera.zoom;
    this.camera.updateProjectionMatrix();
  }

  // Where the reader has moved the camera (orbit, zoom, pan), to put it back in a view switched to.
  pose() {
    const { position, up, zoom } = this.camera;
    return { position: position.toArray(), up: up.toArray(), zoom, target: this.controls.target.toArray() };
  }

  setView({ position, up, zoom, target }) {
    this.camera.position.fromArray(position);
    this.camera.up.fromArray(up);
    this.camera.zoom = zoom;
    this.controls.target.fromArray(target);
    this.controls.update();
    this.camera.updateProjectionMatrix();
  }

  resize(width, height) {
    this.renderer.setSize(width, height);
    const aspect = width / height;
    // Fitted at the payload's aspect; a narrower page widens the view so the network still fits across.
    const scale = this.baseScale * Math.max(1, this.scene.camera.aspect / aspect);
    const [sx, sy] = this.shift;
    const cx = sx - (this.room[0] + this.room[1] - 1) * scale * aspect; // the focal point in the room's middle
    Object.assign(this.camera, { left: cx - scale * aspect, right: cx + scale * aspect, top: sy + scale, bottom: sy - scale });
    this.camera.updateProjectionMatrix();
    this.requestDraw();
  }

  add(object) {
    this.world.add(object);
  }

  onDraw(listener) {
    this.listeners.push(listener);
  }

  requestDraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => this.draw());
  }

  draw() {
    this.pending = false;
    this.renderer.render(this.world, this.camera);
    for (const listener of this.listeners) listener();
  }

  dispose() {
    this.listeners = [];
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  // Where a world point lands on the page, in CSS pixels from the top left.
  toScreen(point) {
    const p = new THREE.Vector3(...point).project(this.camera);
    const { clientWidth: w, clientHeight: h } = this.renderer.domElement;
    return [((p.x + 1) / 2) * w, ((1 - p.y) / 2) * h];
  }
}
