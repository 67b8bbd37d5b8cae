// A view's frames as the exported page holds them (Python's frame_packing.py): one flag byte a
// snapshot, then each snapshot's colour indices, whole (KEPT) or less the snapshot before's, modulo
// 256 (CHANGED). Adding the snapshot before back gives Python's indices byte for byte.
const CHANGED = 1;

// The inflated bytes of `snapshots` snapshots of `bytes` indices each, as one array of indices.
export function unpackFrames(packed, snapshots, bytes) {
  if (packed.length !== snapshots * (bytes + 1)) {
    throw new Error(`the page's frames hold ${packed.length} bytes, not ${snapshots * (bytes + 1)}: the file is damaged`);
  }
  const frames = packed.slice(snapshots);
  for (let t = 1; t < snapshots; t++) {
    if (packed[t] !== CHANGED) continue;
    for (let i = t * bytes, end = i + bytes; i < end; i++) frames[i] += frames[i - bytes]; // (a Uint8Array wraps: modulo 256)
  }
  return frames;
}

// Each of `snapshots` snapshots' indices followed by its `tiles` (an open weight's kernel tiles,
// Python's opens.py: laid after the view's frame), as one array of indices.
export function appendTiles(own, tiles, snapshots) {
  const [a, b] = [own.length / snapshots, tiles.length / snapshots];
  const out = new Uint8Array(own.length + tiles.length);
  for (let t = 0; t < snapshots; t++) {
    out.set(own.subarray(t * a, (t + 1) * a), t * (a + b));
    out.set(tiles.subarray(t * b, (t + 1) * b), t * (a + b) + a);
  }
  return out;
}
