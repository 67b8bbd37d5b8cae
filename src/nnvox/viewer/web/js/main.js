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
  // g runs the forward pass, as in the desktop window (not while typing in a menu)
  document.addEventListener("keydown", (event) => {
    if (event.key === "g" && !/^(INPUT|SELECT)$/.test(event.target.tagName)) window.nnvoxViewer.forward.start();
  });
  await createSwitchableViewer(container, pageSource(), { onRedraw: () => location.reload(), onViewer });
}

start().catch((error) => {
  document.body.textContent = `nnvox could not show this page: ${error.message}`;
  console.error(error);
});
