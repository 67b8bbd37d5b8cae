// Feature-space clouds, as the desktop's overlays/clouds.py draws them: a point per probe sample in
// each layer's cloud (its class's colour, or its k-means cluster's where clustered), each sample's
// path through the clouds in its class's colour, a faint box round each cloud, each clustered
// cloud's note above it and the class legend at the right edge. Python sends the points of every
// snapshot (piece.clouds); between two the points move straight, as scenes/clouds.CloudSource.at.
import { fontPx } from "./fonts.js";
import * as THREE from "three";
import { boxEdges } from "./stage.js";

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;
const unit = (rgb) => rgb.map((v) => v / 255);

// A round dot (the desktop renders points as spheres), drawn once into a small texture.
function discTexture() {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.beginPath();
  ctx.arc(32, 32, 30, 0, 2 * Math.PI);
  ctx.fill();
  return new THREE.CanvasTexture(canvas);
}

function geometry(count) {
  const g = new THREE.BufferGeometry();
  g.setAttribute("position", new THREE.Float32BufferAttribute(new Float32Array(3 * count), 3));
  g.setAttribute("color", new THREE.Float32BufferAttribute(new Float32Array(3 * count), 3));
  return g;
}

export class FeatureClouds {
  constructor(spec, stage, layer, font) {
    this.font = font; // [fraction, least pixels] of the notes and class legend
    this.spec = spec;
    this.stage = stage;
    const { names, samples: n } = spec;
    this.count = n * names.length; // cloud j's sample i is point j * n + i
    this.dots = new THREE.Points(geometry(this.count), new THREE.PointsMaterial({ vertexColors: true, size: 6, sizeAttenuation: false, map: discTexture(), alphaTest: 0.5 }));
    // each sample's path: a segment from its point in cloud j to its point in cloud j + 1
    this.paths = new THREE.LineSegments(geometry(2 * n * Math.max(names.length - 1, 0)), new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.45 }));
    const byClass = spec.dots.map(unit);
    this.paths.geometry.attributes.color.array.set(this.segments((j, i) => byClass[i]).flat());
    const box = new THREE.BufferGeometry();
    box.setAttribute("position", new THREE.Float32BufferAttribute(spec.boxes.flatMap((b) => boxEdges(b).flat(2)), 3));
    this.boxes = new THREE.LineSegments(box, new THREE.LineBasicMaterial({ color: new THREE.Color(...unit(spec.box_colour)) }));
    for (const object of [this.dots, this.paths, this.boxes]) {
      object.frustumCulled = false;
      stage.add(object);
    }
    this.notes = names.map(() => Object.assign(layer.appendChild(document.createElement("div")), { className: "nnvox-cluster" }));
    this.notes.forEach((el) => Object.assign(el.style, { position: "absolute", transform: "translate(-50%, -100%)", whiteSpace: "nowrap", pointerEvents: "none" }));
    this.legend = this.classLegend(layer);
    this.points = null; // what the tests read: [cloud][sample] -> [x, y, z]
  }

  // For each sample's path, per segment from cloud j to j + 1: [value at j, value at j + 1].
  segments(value) {
    const out = [];
    const { names, samples: n } = this.spec;
    for (let i = 0; i < n; i++) for (let j = 0; j + 1 < names.length; j++) out.push(...value(j, i), ...value(j + 1, i));
    return out;
  }

  classLegend(layer) {
    const el = layer.appendChild(document.createElement("div"));
    el.className = "nnvox-cloud-legend";
    Object.assign(el.style, { position: "absolute", left: `${100 * this.spec.legend_x}%`, top: "50%", transform: "translateY(-50%)", pointerEvents: "none" });
    for (const { text, colour } of this.spec.legend) {
      const row = el.appendChild(document.createElement("div"));
      const dot = row.appendChild(document.createElement("span"));
      Object.assign(dot.style, { display: "inline-block", width: "0.7em", height: "0.7em", borderRadius: "50%", marginRight: "0.4em", background: css(colour) });
      row.appendChild(document.createTextNode(text));
    }
    return el;
  }

  // `alpha` of the way from piece a's points to b's; dots coloured by the nearer piece's clusters.
  at(a, b, alpha) {
    const [p, q] = [a && a.clouds, b && b.clouds];
    if (!p || !p.points || !q || !q.points) return;
    const { names, samples: n } = this.spec;
    this.points = names.map((name) => (p.points[name] || []).map((u, i) => u.map((v, k) => v + alpha * ((q.points[name] || p.points[name])[i][k] - v))));
    const position = this.dots.geometry.attributes.position;
    this.points.forEach((cloud, j) => cloud.forEach((point, i) => position.array.set(point, 3 * (j * n + i))));
    position.needsUpdate = true;
    const paths = this.paths.geometry.attributes.position;
    paths.array.set(this.segments((j, i) => (this.points[j][i] || [0, 0, 0])));
    paths.needsUpdate = true;
    const clusters = (alpha < 0.5 ? p : q).clusters || {};
    const colour = this.dots.geometry.attributes.color;
    names.forEach((name, j) => {
      const c = clusters[name];
      for (let i = 0; i < n; i++) {
        const rgb = c ? this.spec.cluster_colours[c.labels[i] % this.spec.cluster_colours.length] : this.spec.dots[i];
        colour.array.set(unit(rgb), 3 * (j * n + i));
      }
      this.notes[j].textContent = c ? c.text : "";
    });
    colour.needsUpdate = true;
  }

  draw(pageHeight) {
    this.dots.material.size = Math.max(5, pageHeight / 110); // as the desktop's point size
    const font = `${fontPx(this.font, pageHeight)}px`; // the desktop's cloud labels: a label's size
    this.legend.style.fontSize = font;
    this.taken = [];
    this.spec.boxes.forEach(([x0, x1, y0, y1, , z1], j) => {
      const [x, y] = this.stage.toScreen([(x0 + x1) / 2, (y0 + y1) / 2, z1 + 0.4]);
      const note = this.notes[j];
      Object.assign(note.style, { left: `${x}px`, top: `${y}px`, fontSize: font });
      if (!note.textContent) return;
      const [w, h] = this.size(note, font);
      this.taken.push([x - w / 2, y - h, x + w / 2, y]);
    });
    const [w, h] = this.size(this.legend, font);
    const [left, middle] = [this.legend.offsetLeft, this.legend.offsetTop];
    this.taken.push([left, middle - h / 2, left + w, middle + h / 2]);
  }

  // An element's size, measured again only when its text or font changed (a read after a write
  // forces the page's layout: not on every orbiting frame).
  size(el, font) {
    const key = `${font}|${el.textContent}`;
    if (el.measured !== key) [el.measured, el.size] = [key, [el.offsetWidth, el.offsetHeight]];
    return el.size;
  }

  // Where block labels must not go: the cluster notes and the class legend as last drawn (CSS pixels
  // from the view's top left; draw() runs before the labels are placed).
  rects() {
    return this.taken || [];
  }
}
