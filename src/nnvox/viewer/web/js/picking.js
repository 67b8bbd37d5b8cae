// Click a voxel: the block, its panel (channel), row and column under the pointer, and the value its
// colour index stands for on the block's scale (within half an index step of the recorded value).
import * as THREE from "three";
import { indexStep, indexValue } from "./blend.js";

export function pick(stage, meshes, clientX, clientY) {
  const rect = stage.renderer.domElement.getBoundingClientRect();
  const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
  const raycaster = new THREE.Raycaster();
  raycaster.setFromCamera(ndc, stage.camera);
  const hits = raycaster.intersectObjects(meshes.map((m) => m.mesh), false);
  for (const hit of hits) {
    const mesh = meshes.find((m) => m.mesh === hit.object);
    const voxel = hit.uv && mesh.voxelAt(hit.uv);
    if (voxel) return { block: mesh.block, ...voxel };
  }
  return null;
}

// What the page says about a picked voxel; `levels` is the scales' number of indices.
export function describePick(picked, levels) {
  const { block, panel, row, col, index } = picked;
  const channel = block.channels ? block.channels[panel] : panel;
  const tile = block.tile_columns && `filter ${panel % block.tile_columns}, input ${Math.floor(panel / block.tile_columns)}, `; // an open weight's (Python's open_weights.tile_of)
  const where =
    block.role === "output" && block.class_names
      ? `class ${block.class_names[row * block.cols + col] ?? row * block.cols + col}`
      : `${tile || (block.panels > 1 ? `channel ${channel}, ` : "")}row ${row}, column ${col}`;
  const value = indexValue(block.scale, index, levels);
  const shown =
    index === 0 ? "unused (no value)" : index === 1 ? "NaN or ±Inf" : `${value.toPrecision(4)} (± ${indexStep(block.scale, levels).toPrecision(2)})`;
  return { text: `${block.name} · ${block.kind}\n${where}: ${shown}`, name: block.name, channel, row, col, value, index };
}
