// The notebook widget's front end (anywidget's contract: a module whose default export has
// `render({ model, el })`): the same viewer in the output cell, snapshots asked of the kernel as
// binary messages (source_widget.js). A run the kernel follows live grows on the timeline.
import { WidgetSource } from "./source_widget.js";
import { createSwitchableViewer } from "./switching.js";

async function render({ model, el }) {
  const box = document.createElement("div");
  Object.assign(box.style, { position: "relative", width: "100%", height: `${model.get("height")}px` });
  // Keys pressed in the viewer's controls (the slider's arrows, a menu's) are theirs: JupyterLab and
  // Notebook 7 (Lumino) match command-mode shortcuts against the focused element itself (":focus")
  // unless it carries this attribute (JupyterLab took a mode menu's ArrowDown as "next cell",
  // Notebook 7 the slider's ArrowLeft); set on focus, it covers controls a view switch rebuilds.
  box.addEventListener("focusin", (event) => event.target.setAttribute("data-lm-suppress-shortcuts", "true"));
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
