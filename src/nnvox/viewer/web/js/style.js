// The page's few styles: the 3D pane (canvas and the text layer over it) above the controls' strip,
// which it makes room for as the desktop window's slider strip does: the timeline and the view
// menus never sit over the picture, its legends or its inset. The strip's text is the theme's
// (overlay.js sets its size); its controls wrap onto a second row where one is too narrow.

const CSS = `
.nnvox-view { position: relative; width: 100%; height: 100%; overflow: hidden; display: flex; flex-direction: column; }
.nnvox-pane { position: relative; flex: 1 1 auto; min-height: 0; }
.nnvox-root, .nnvox-text { position: absolute; inset: 0; }
.nnvox-text { pointer-events: none; font-family: system-ui, sans-serif; }
.nnvox-strip { flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 0.3em 1.2em;
  padding: 0.3em 1%; font-family: system-ui, sans-serif; }
.nnvox-strip button, .nnvox-strip select { font: inherit; }
.nnvox-timeline { flex: 1 1 18em; min-width: 0; display: flex; gap: 0.5em; align-items: center; }
.nnvox-timeline input { flex: 1 1 4em; min-width: 4em; margin: 0; }
.nnvox-timeline button { flex: none; min-width: 2.2em; }
.nnvox-timeline-label { flex: none; white-space: nowrap; text-align: right; }
.nnvox-views { flex: 0 1 auto; min-width: 0; display: flex; flex-wrap: wrap; gap: 0.3em 0.5em; }
.nnvox-views select { max-width: 100%; min-width: 0; }
`;

export function style(doc) {
  if (doc.getElementById("nnvox-style")) return; // one per page, however many viewers (a notebook's widgets)
  const el = doc.createElement("style");
  el.id = "nnvox-style";
  el.textContent = CSS;
  doc.head.appendChild(el);
}
