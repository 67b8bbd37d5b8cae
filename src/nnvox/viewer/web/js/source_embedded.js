// The exported page's data: the scene description (JSON, every snapshot's texts in `headers`) and
// every snapshot's colour indices (frame_packing.js: zlib, base64), in <script> elements of the page itself. The other
// modes and samples the page holds (nnvox-views: key -> { scene, frames }, both zlib and base64, or
// for a mode's other samples { like, sample, patch, headers, frames }: view `like`'s description
// with the parts in `patch` and this sample's snapshot texts) are inflated when chosen.
import { appendTiles, unpackFrames } from "./frame_packing.js";
import { checkFormat, checkPiece } from "./payload.js";
import { viewKey } from "./views.js";

async function inflate(text) {
  const binary = atob(text.trim());
  const packed = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i); // (a callback a byte is slower)
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function inflatedJson(text) {
  return JSON.parse(new TextDecoder().decode(await inflate(text)));
}

function heldViews(doc) {
  const el = doc.getElementById("nnvox-views");
  return el ? JSON.parse(el.textContent) : {};
}

export class EmbeddedSource {
  // `key`: one of the held views (views.js's viewKey); none, the view the page opens with. `open`:
  // a block shown open into its maps (one of the view's `opens`: Python's open layout), or null.
  constructor(doc = document, key = null, menu = null, open = null) {
    this.doc = doc;
    this.key = key;
    this.menu = menu;
    this.open = open;
    this.eager = true; // everything is in memory already: the viewer takes every snapshot at once
  }

  // The view with `name` open (null: none open), where the page holds that layout.
  opened(name) {
    return new EmbeddedSource(this.doc, this.key, this.menu, name);
  }

  // The open layout laid over the view's description: its geometry and camera, each snapshot's unit
  // frames there; the colour indices stay the view's, but for a weight opened into kernel tiles,
  // whose tiles' indices (`tiles`) follow the view's in each snapshot.
  async withOpen([description, frames]) {
    if (this.open === null) return [description, frames, null];
    const packed = description.opens && description.opens[this.open];
    if (!packed) return [description, frames, null]; // (a page exported with --open holds no layouts)
    // (Python's opens.py: `moved` the blocks that differ, `merge` parts of keys, `patch` keys whole)
    const { patch, merge, moved, units, tiles = null } = await inflatedJson(packed);
    const headers = description.headers.map((h, i) => ({ ...h, units: units[i] }));
    const movedBlock = Object.fromEntries(moved.map((b) => [b.name, b]));
    const blocks = description.blocks.map((b) => movedBlock[b.name] || b);
    const merged = Object.fromEntries(Object.entries(merge).map(([key, parts]) => [key, { ...description[key], ...parts }]));
    return [{ ...description, ...patch, ...merged, blocks, headers, opened: this.open }, frames, tiles];
  }

  async packed() {
    return this.withOpen(await this.held());
  }

  // Every snapshot's indices: the view's, then an open weight's kernel tiles where it has them.
  async unpacked(frames, tiles) {
    const { snapshots, frame_bytes: bytes } = this.description;
    if (tiles === null) return unpackFrames(await inflate(frames), snapshots.length, bytes);
    const own = unpackFrames(await inflate(frames), snapshots.length, bytes - tiles.bytes);
    return appendTiles(own, unpackFrames(await inflate(tiles.frames), snapshots.length, tiles.bytes), snapshots.length);
  }

  async held() {
    const start = JSON.parse(this.doc.getElementById("nnvox-scene").textContent);
    this.menu = this.menu || start.views;
    if (this.key === null || (this.menu && this.key === viewKey(this.menu, start.mode, start.sample))) {
      return [start, this.doc.getElementById("nnvox-frames").textContent];
    }
    const views = heldViews(this.doc);
    const held = views[this.key];
    if (!held) throw new Error(`this page does not hold the view ${this.key}`);
    if (held.like === undefined) return [await inflatedJson(held.scene), held.frames];
    // another sample of a view held whole (or the page's own): its description but what differs
    const like = held.like === viewKey(this.menu, start.mode, start.sample) ? start : await inflatedJson(views[held.like].scene);
    const patch = held.patch === undefined ? {} : await inflatedJson(held.patch);
    return [{ ...like, ...patch, sample: held.sample, headers: await inflatedJson(held.headers) }, held.frames];
  }

  // Another mode or sample; an open layer stays open where the page holds that view's layout.
  view(mode, sample) {
    return new EmbeddedSource(this.doc, viewKey(this.menu, mode, sample), this.menu, this.open);
  }

  async scene() {
    const [description, frames, tiles] = await this.packed();
    this.description = checkFormat(description);
    this.indices = await this.unpacked(frames, tiles);
    return this.description;
  }

  async snapshot(i) {
    const bytes = this.description.frame_bytes;
    const indices = this.indices.subarray(i * bytes, (i + 1) * bytes);
    checkPiece(this.description, i, indices);
    return { indices, ...this.description.headers[i] };
  }

  follow() {} // a file never grows

  close() {}
}
