// The notebook widget's front end (anywidget's contract: a module whose default export has
// `render({ model, el })`): the same viewer in the output cell, snapshots asked of the kernel as
// binary messages (source_widget.js). A run the kernel follows live grows on the timeline.
import { WidgetSource } from "./source_widget.js";
import { createSwitchableViewer } from "./switching.js";

async function render({ model, el }) {
  const box = document.createElement("div");
  Object.assign(box.style, { position: "relative", width: "100%", height: `${model.get("height")}px` });
  el.appendChild(box);
  let viewer = null;
  let closed = false;
  const open = async () => {
    const onViewer = (v) => {
      viewer = v;
      el.nnvoxViewer = v; // the state tests read
      if (closed) v.dispose();
    };
    await createSwitchableViewer(box, new WidgetSource(model), { onRedraw: () => reopen(), onViewer });
  };
  const reopen = () => {
    viewer.dispose();
    open().catch(fail);
  };
  const fail = (error) => {
    box.textContent = `nnvox could not show this run: ${error.message}`;
    console.error(error);
  };
  open().catch(fail);
  return () => {
    closed = true;
    if (viewer) viewer.dispose();
  };
}

export default { render };
