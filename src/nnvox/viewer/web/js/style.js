// The page's few styles: the canvas fills the window, text layers sit over it, the timeline at the
// bottom right (where the desktop window's slider is).

const CSS = `
.nnvox-view { position: relative; width: 100%; height: 100%; overflow: hidden; }
.nnvox-root, .nnvox-text { position: absolute; inset: 0; }
.nnvox-text { pointer-events: none; font-family: system-ui, sans-serif; }
.nnvox-timeline { position: absolute; right: 3%; bottom: 5%; width: 30%; display: flex; gap: 0.6em;
  align-items: center; pointer-events: auto; font-size: 13px; }
.nnvox-timeline input { flex: 1; }
.nnvox-timeline button { min-width: 2.4em; }
.nnvox-views { position: absolute; right: 3%; bottom: 1%; display: flex; gap: 0.5em; pointer-events: auto;
  font-size: 12px; }
`;

export function style(doc) {
  if (doc.getElementById("nnvox-style")) return; // one per page, however many viewers (a notebook's widgets)
  const el = doc.createElement("style");
  el.id = "nnvox-style";
  el.textContent = CSS;
  doc.head.appendChild(el);
}
