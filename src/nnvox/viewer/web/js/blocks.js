// The blocks: per block one mesh of P slabs (one per panel), every face sampling the block's atlas
// of colour indices, which a 256-entry colour table turns into colours: the desktop's geometry
// (viewer/visuals.py) and the same tables (scenes/colour.py), unlit, so a voxel shows its exact colour.
import * as THREE from "three";

const VERTEX = `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

// Opaque always: a block the forward pass has not reached shows one colour for every value (the
// table's entry `unlitEntry`), `strength` of it mixed into the background, its own colours coming through
// as it lights (viewer/visuals.py lit_colours): its shape, none of its values, nothing through it.
const FRAGMENT = `
uniform sampler2D indices;
uniform sampler2D table;
uniform float strength;
uniform float lit;
uniform float unlitEntry;
uniform vec3 background;
varying vec2 vUv;
void main() {
  float index = floor(texture2D(indices, vUv).r * 255.0 + 0.5);
  vec3 colour = texture2D(table, vec2((index + 0.5) / 256.0, 0.5)).rgb;
  vec3 unlit = texture2D(table, vec2((unlitEntry + 0.5) / 256.0, 0.5)).rgb;
  colour = mix(unlit, colour, lit);
  gl_FragColor = vec4(floor(mix(background, colour, strength) * 255.0 + 0.5) / 255.0, 1.0);
}`;

// How much of its colours a block (or a mark on it) shows, lit 0..1 by the forward pass: the
// desktop's rule, its unlit share sent by Python (colours.unlit_strength).
export const litStrength = ({ unlit_strength: unlit }, lit) => unlit + (1 - unlit) * lit;

function dataTexture(data, width, height, format) {
  const texture = new THREE.DataTexture(data, width, height, format, THREE.UnsignedByteType);
  texture.magFilter = THREE.NearestFilter;
  texture.minFilter = THREE.NearestFilter;
  texture.generateMipmaps = false;
  texture.unpackAlignment = 1;
  texture.needsUpdate = true;
  return texture;
}

export function colourTable(rows) {
  const rgba = new Uint8Array(256 * 4);
  rows.forEach(([r, g, b], i) => rgba.set([r, g, b, 255], 4 * i));
  return dataTexture(rgba, 256, 1, THREE.RGBAFormat);
}

// The six faces of each slab: corners (x, y, z) from Python (block.slabs: scenes/open_layer.py's
// slab_corners, front, back, top, bottom, left, right, 4 corners each, as the desktop's slabs) and
// texture coordinates (s, t) into the block's atlas, as the desktop's _slab_texture_coords: front
// and back show the whole map, the sides its edge rows and columns.
function slabFaces(block, k) {
  const { rows, cols } = block;
  const gc = block.grid[1];
  const [h, w] = block.atlas;
  const gi = Math.floor(k / gc);
  const gj = k % gc;
  const s0 = (gj * cols) / w;
  const s1 = ((gj + 1) * cols) / w;
  const t0 = (gi * rows) / h;
  const t1 = ((gi + 1) * rows) / h;
  const [top, bottom, left, right] = [t0 + 0.5 / h, t1 - 0.5 / h, s0 + 0.5 / w, s1 - 0.5 / w];
  const uvs = [
    [[s0, t0], [s1, t0], [s1, t1], [s0, t1]],
    [[s0, t0], [s0, t1], [s1, t1], [s1, t0]],
    [[s0, top], [s0, top], [s1, top], [s1, top]],
    [[s0, bottom], [s1, bottom], [s1, bottom], [s0, bottom]],
    [[left, t0], [left, t1], [left, t1], [left, t0]],
    [[right, t0], [right, t0], [right, t1], [right, t1]],
  ];
  const corner = (f, c) => block.slabs.slice(((k * 6 + f) * 4 + c) * 3, ((k * 6 + f) * 4 + c) * 3 + 3);
  return uvs.map((uv, f) => [0, 1, 2, 3].map((c) => corner(f, c)).concat(uv));
}

function slabGeometry(block) {
  const positions = [];
  const uvs = [];
  const index = [];
  for (let k = 0; k < block.panels; k++) {
    for (const face of slabFaces(block, k)) {
      const base = positions.length / 3;
      face.slice(0, 4).forEach((p) => positions.push(...p));
      face.slice(4).forEach((t) => uvs.push(...t));
      index.push(base, base + 1, base + 2, base, base + 2, base + 3);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(positions, 3));
  geometry.setAttribute("uv", new THREE.Float32BufferAttribute(uvs, 2));
  geometry.setIndex(index);
  return geometry;
}

// One block's mesh; `show(indices)` writes a frame's atlas into its texture.
export class BlockMesh {
  constructor(block, table, colours) {
    this.block = block;
    this.colours = colours;
    const [h, w] = block.atlas;
    this.atlas = new Uint8Array(h * w);
    this.texture = dataTexture(this.atlas, w, h, THREE.RedFormat);
    const background = new THREE.Vector3(...colours.background.map((v) => v / 255));
    const material = new THREE.ShaderMaterial({
      uniforms: {
        indices: { value: this.texture },
        table: { value: table },
        strength: { value: 1 },
        lit: { value: 1 },
        unlitEntry: { value: colours.unlit_entry },
        background: { value: background },
      },
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      side: THREE.DoubleSide,
    });
    this.mesh = new THREE.Mesh(slabGeometry(block), material);
    this.mesh.userData.block = block;
  }

  // The forward pass's light on this block, 0..1.
  setLit(lit) {
    this.mesh.material.uniforms.strength.value = litStrength(this.colours, lit);
    this.mesh.material.uniforms.lit.value = lit;
  }

  show(indices) {
    this.atlas.set(indices);
    this.texture.needsUpdate = true;
  }

  // The panel, row and column a texture coordinate falls in, and its place `at` in the atlas (null
  // outside the drawn panels).
  voxelAt(uv) {
    const { rows, cols, panels } = this.block;
    const [h, w] = this.block.atlas;
    const x = Math.min(w - 1, Math.floor(uv.x * w));
    const y = Math.min(h - 1, Math.floor(uv.y * h));
    const panel = Math.floor(y / rows) * this.block.grid[1] + Math.floor(x / cols);
    if (panel >= panels) return null;
    return { panel, row: y % rows, col: x % cols, at: y * w + x, index: this.atlas[y * w + x] };
  }
}
