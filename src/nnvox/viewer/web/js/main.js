// The page's script (the exported file and `nnvox serve`'s page): the viewer over the whole window,
// its data in the page itself (an export) or fetched from the server that sent the page.
// `window.nnvoxViewer` is the state the tests (tests/web) and benchmarks read.
import { EmbeddedSource } from "./source_embedded.js";
import { HttpSource } from "./source_http.js";
import { createSwitchableViewer } from "./switching.js";

function pageSource() {
  const served = document.getElementById("nnvox-source");
  return served ? new HttpSource(JSON.parse(served.textContent)) : new EmbeddedSource();
}

async function start() {
  const container = document.createElement("div");
  Object.assign(container.style, { position: "fixed", inset: "0" });
  document.body.appendChild(container);
  // A run read again whose drawing changed (a deeper graph, say) is simply loaded anew.
  const onViewer = (viewer) => (window.nnvoxViewer = viewer); // (a switched view is a new viewer)
  // The desktop window's keys (viewer/window.py): g the forward pass, c the first camera, Right /
  // Left a snapshot on / back (not while in a menu or the slider, which steps on its own)
  const keys = {
    g: (v) => v.forward.start(),
    c: (v) => v.stage.reset(),
    ArrowRight: (v) => v.timeline.step(1),
    ArrowLeft: (v) => v.timeline.step(-1),
  };
  document.addEventListener("keydown", (event) => {
    const act = keys[event.key];
    if (!act || event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|SELECT)$/.test(event.target.tagName)) return;
    act(window.nnvoxViewer);
  });
  await createSwitchableViewer(container, pageSource(), { onRedraw: () => location.reload(), onViewer });
}

start().catch((error) => {
  document.body.textContent = `nnvox could not show this page: ${error.message}`;
  console.error(error);
});
