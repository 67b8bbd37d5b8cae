// The views a page switches between without a new page (nnvox/viewer/web/views.py writes the menu
// into the scene description, `views`: modes, samples, and the modes a sample changes): one key per
// distinct picture, and the control bar's two menus.

export function viewKey(menu, mode, sample) {
  return menu.per_sample.includes(mode) ? `${mode}/${sample}` : mode;
}

function select(label, options, chosen) {
  const el = document.createElement("select");
  el.setAttribute("aria-label", label);
  el.title = label;
  for (const [value, text] of options) {
    const option = el.appendChild(document.createElement("option"));
    Object.assign(option, { value, textContent: text, selected: String(value) === String(chosen) });
  }
  return el;
}

// The mode and sample menus; `onChoose(mode, sample)` when either changes. The sample menu is
// disabled in modes whose picture does not depend on it (it keeps its choice for when it does).
export class ViewBar {
  constructor(parent, menu, { mode, sample }, onChoose) {
    this.root = document.createElement("div");
    this.root.className = "nnvox-views";
    this.mode = select("mode", menu.modes.map((m) => [m, m]), mode);
    this.sample = select("probe sample or mistake", menu.samples.map((s) => [s.sample, s.label]), sample);
    this.sample.disabled = !menu.per_sample.includes(mode);
    this.root.append(this.mode, this.sample);
    parent.appendChild(this.root);
    const chosen = () => onChoose(this.mode.value, Number(this.sample.value));
    this.mode.addEventListener("change", chosen);
    this.sample.addEventListener("change", chosen);
  }

  remove() {
    this.root.remove();
  }
}
