// A viewer whose mode and sample change in place (the control bar, views.js): the chosen view's
// source is asked of the current one (source.view), the viewer is drawn anew in the same element,
// at the same timeline position and, where the geometry is the same (samples, the weight modes),
// from the same camera. The menu is the first description's.
import { createViewer } from "./viewer.js";
import { ViewBar } from "./views.js";

export async function createSwitchableViewer(container, source, { onRedraw, onViewer = () => {} } = {}) {
  let viewer = null;
  let menu = null;
  let bar = null;
  const open = async (from, keep) => {
    viewer = await createViewer(container, from, { onRedraw, keep });
    menu = menu || viewer.scene.views;
    if (menu && menu.modes.length + menu.samples.length > 2) {
      bar = new ViewBar(viewer.overlay.layer, menu, { mode: viewer.scene.mode, sample: viewer.scene.sample }, choose);
    }
    viewer.choose = choose; // (tests and the keyboard switch through it too)
    onViewer(viewer);
    return viewer;
  };
  const choose = async (mode, sample) => {
    const keep = { t: viewer.timeline.t, pose: viewer.stage.pose(), bounds: viewer.scene.bounds };
    const next = viewer.source.view(mode, sample);
    if (bar) bar.remove();
    viewer.dispose();
    return open(next, keep);
  };
  return open(source, null);
}
