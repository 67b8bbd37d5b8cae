// The exported page's data: the scene description (JSON, every snapshot's texts in `headers`) and
// every snapshot's colour indices (zlib, base64), in <script> elements of the page itself.
import { checkFormat, checkPiece } from "./payload.js";

async function inflate(text) {
  const binary = atob(text.trim());
  const packed = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i); // (a callback a byte is slower)
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class EmbeddedSource {
  constructor(doc = document) {
    this.doc = doc;
    this.eager = true; // everything is in memory already: the viewer takes every snapshot at once
  }

  async scene() {
    this.description = checkFormat(JSON.parse(this.doc.getElementById("nnvox-scene").textContent));
    const { snapshots, frame_bytes: bytes } = this.description;
    this.indices = await inflate(this.doc.getElementById("nnvox-frames").textContent);
    if (this.indices.length !== snapshots.length * bytes) {
      throw new Error(`the page's frames hold ${this.indices.length} bytes, not ${snapshots.length * bytes}: the file is damaged`);
    }
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
