// The page's data: the scene description (JSON) and every snapshot's colour indices (zlib, base64),
// both written by nnvox/viewer/web/payload.py into <script> elements of this page.

export const FORMAT = 1;

export function readScene(doc = document) {
  const scene = JSON.parse(doc.getElementById("nnvox-scene").textContent);
  if (scene.format !== FORMAT) {
    throw new Error(`this page's scene is format ${scene.format}; this viewer reads format ${FORMAT}`);
  }
  return scene;
}

// All snapshots' indices, one Uint8Array of n_snapshots * frame_bytes.
export async function readFrames(scene, doc = document) {
  const text = doc.getElementById("nnvox-frames").textContent.trim();
  const binary = atob(text);
  const packed = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i); // (a callback a byte is slower)
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
  const indices = new Uint8Array(await new Response(stream).arrayBuffer());
  const expected = scene.snapshots.length * scene.frame_bytes;
  if (indices.length !== expected) {
    throw new Error(`the page's frames hold ${indices.length} bytes, not ${expected}: the file is damaged`);
  }
  return indices;
}

// One snapshot's indices for one block (a view, no copy).
export function blockIndices(scene, indices, snapshot, block) {
  const start = snapshot * scene.frame_bytes + block.offset;
  return indices.subarray(start, start + block.atlas[0] * block.atlas[1]);
}
