// What every data source hands the viewer (written by nnvox/viewer/web/payload.py and frames.py):
//   scene(): the scene description (JSON): blocks, edges, labels, colour tables, camera, snapshots;
//   snapshot(i): one snapshot's piece, { indices, hud, texts, tops }: `indices` every block's atlas
//     of colour indices (scene.frame_bytes bytes), the rest the texts shown with it;
//   follow(onScene): calls back with a new description when the run grows (a live run); close().
// Three sources implement it: source_embedded.js (the exported page), source_http.js (nnvox serve)
// and source_widget.js (the notebook widget).

export const FORMAT = 1;

export function checkFormat(scene) {
  if (scene.format !== FORMAT) {
    throw new Error(`this scene is format ${scene.format}; this viewer reads format ${FORMAT}`);
  }
  return scene;
}

export function checkPiece(scene, i, indices) {
  if (indices.length !== scene.frame_bytes) {
    throw new Error(`snapshot ${i} holds ${indices.length} bytes, not ${scene.frame_bytes}: the data is damaged`);
  }
}

// One block's indices in a snapshot's piece (a view, no copy).
export function blockIndices(indices, block) {
  return indices.subarray(block.offset, block.offset + block.atlas[0] * block.atlas[1]);
}
