// What each snapshot adds beside the voxels, as the desktop draws it: frames round dead and saturated
// units (unit_marks.js), the legend's entries for the marks shown (mark_entries.js), the clicked
// block's histogram (histogram.js) and, where asked for, the feature-space clouds (clouds.js). The viewer calls these hooks; they only read Python's numbers.
import { FeatureClouds } from "./clouds.js";
import { HistogramPanel } from "./histogram.js";
import { MarkEntries } from "./mark_entries.js";
import { UnitMarks } from "./unit_marks.js";

export class SnapshotMarks {
  constructor(scene, stage, layer) {
    this.scene = scene;
    this.stage = stage;
    this.units = new UnitMarks(scene, stage);
    this.entries = new MarkEntries(scene, layer);
    this.histogram = new HistogramPanel(scene, layer);
    this.clouds = scene.clouds && new FeatureClouds(scene.clouds, stage, layer, scene.fonts.label);
  }

  // A new timeline position: `alpha` of the way from piece a to b (the histogram's bars move).
  frame(a, b, alpha) {
    this.histogram.at(a, b, alpha);
    if (this.clouds) this.clouds.at(a, b, alpha);
  }

  // The nearest snapshot's piece and the forward pass's light per block.
  lit(piece, lit) {
    this.units.show(piece, lit);
    const below = this.histogram.visible ? this.histogram.spec.box : this.scene.marks_legend.above;
    this.entries.show((piece && piece.marks) || [], below);
  }

  // A block clicked: its histogram, the network moved over beside the panel (as the desktop's).
  picked(block) {
    if (!block) return;
    if (!this.histogram.visible) this.stage.makeRoom(this.histogram.spec.camera, this.histogram.spec.room);
    this.histogram.select(block.name);
  }

  draw(pageHeight) {
    this.histogram.draw(pageHeight);
    this.entries.fonts(pageHeight);
    if (this.clouds) this.clouds.draw(pageHeight);
  }

  // Where labels must not go: the histogram panel, the entries and the clouds' notes and legend (CSS
  // pixels from the view's top left).
  rects(w, h) {
    return [...this.histogram.rects(w, h), ...this.entries.rects(w, h), ...(this.clouds ? this.clouds.rects() : [])];
  }
}
