// A viewer whose mode and sample change in place (the control bar, views.js): the chosen view's
// source is asked of the current one (source.view), the new viewer is drawn in the same element,
// at the same timeline position and, where the geometry is the same (samples, the weight modes),
// from the same camera; the old one is given back only once the new one shows. A view that fails
// to open leaves the old picture and says why in one line. The menu is the first description's.
import { createViewer } from "./viewer.js";
import { ViewBar } from "./views.js";

// The one-line error over the picture, above the controls' hint (cleared by the next choice).
function tell(viewer, text) {
  let line = viewer.view.querySelector(".nnvox-error");
  if (!line) {
    line = viewer.overlay.layer.appendChild(document.createElement("div"));
    line.className = "nnvox-error";
    Object.assign(line.style, { position: "absolute", left: "2%", bottom: "14%", maxWidth: "64%", color: "#ff8a6a" });
    Object.assign(line.style, { whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", font: "13px system-ui, sans-serif" });
  }
  line.textContent = text;
  line.title = text;
}

export async function createSwitchableViewer(container, source, { onRedraw, onViewer = () => {} } = {}) {
  let viewer = null;
  let menu = null;
  let bar = null;
  let chosen = 0; // the latest choice wins over one still opening
  container.style.overflow = "hidden"; // a view opening below the shown one stays out of sight until it shows
  const showBar = (v) => {
    if (bar) bar.remove();
    bar = null;
    if (menu && menu.modes.length + menu.samples.length > 2) {
      const onChoose = (mode, sample) => choose(mode, sample).catch(() => {}); // (told on the page)
      bar = new ViewBar(v.strip, menu, { mode: v.scene.mode, sample: v.scene.sample }, onChoose);
    }
  };
  const adopt = (v) => {
    viewer = v;
    menu = menu || v.scene.views;
    showBar(v);
    v.choose = choose; // (tests and the keyboard switch through it too)
    v.openLayer = (name) => openLayer(name).catch(() => {}); // (told on the page)
    onViewer(v);
    return v;
  };
  // Resolves with the viewer now shown; rejects with the reason the view could not be shown.
  const choose = (mode, sample) => {
    const which = menu && menu.per_sample.includes(mode) ? `${mode} mode, sample ${sample}` : `${mode} mode`;
    return switchTo(viewer.source.view(mode, sample), which);
  };
  // A double-click on a block that opens (the view's `openable`): that block open, or closed again;
  // each source delivers the open view its own way (the page's held layouts, the server, the kernel).
  const openLayer = (name) => {
    const open = viewer.scene.opened === name ? null : name;
    return switchTo(viewer.source.opened(open), open ? `${name} open` : `${name} closed`);
  };
  const switchTo = async (source, which) => {
    const ticket = ++chosen;
    const before = viewer;
    const keep = { t: before.timeline.t, pose: before.stage.pose(), bounds: before.scene.bounds };
    let next;
    try {
      next = await createViewer(container, source, { onRedraw, keep });
    } catch (error) {
      if (ticket === chosen && !before.disposed) {
        tell(before, `nnvox could not show ${which}: ${error.message}`);
        showBar(before); // the menus say what is shown
      }
      throw error;
    }
    if (ticket !== chosen || before.disposed) {
      next.dispose(); // a later choice overtook this one
      return viewer;
    }
    before.dispose();
    return adopt(next);
  };
  return adopt(await createViewer(container, source, { onRedraw }));
}
