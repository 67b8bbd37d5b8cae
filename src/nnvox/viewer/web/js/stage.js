// The 3D stage: renderer, orthographic camera at the pose Python computed (scenes/camera.py's
// overview), orbit controls (rotate, zoom, pan), edges and block outlines. Draws on demand.
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

function boxEdges([x0, x1, y0, y1, z0, z1]) {
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
    this.controls = new OrbitControls(this.setPose(scene.camera), this.renderer.domElement);
    this.controls.target.set(...scene.camera.focal);
    this.controls.update();
    this.controls.addEventListener("change", () => this.requestDraw());
    this.world.add(lines(scene.edges.filter((e) => !e.skip).map((e) => e.path), scene.colours.edge));
    this.world.add(lines(scene.edges.filter((e) => e.skip).map((e) => e.path), scene.colours.accent));
    this.world.add(lines(scene.blocks.flatMap((b) => boxEdges(b.outline)), scene.colours.outline));
    this.listeners = [];
    this.pending = false;
  }

  // The camera at a pose: focal point, direction towards the eye, up, and half the view's height.
  setPose({ focal, direction, up, scale }) {
    const [x0, x1, y0, y1, z0, z1] = this.scene.bounds;
    const distance = 2 * Math.hypot(x1 - x0, y1 - y0, z1 - z0 + 6) + 10; // as viewer/renderer.py
    // Orbiting turns about the scene's vertical (z) as the desktop's views are built; a saved view
    // looking straight down keeps its own up.
    this.camera.up.set(...(Math.abs(up[2]) > 0.1 ? [0, 0, 1] : up));
    this.camera.position.set(...focal.map((f, i) => f + direction[i] * distance));
    this.camera.lookAt(...focal);
    this.camera.far = 4 * distance;
    this.baseScale = scale;
    return this.camera;
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
    Object.assign(this.camera, { left: -scale * aspect, right: scale * aspect, top: scale, bottom: -scale });
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
