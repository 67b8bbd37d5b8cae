// `nnvox serve`'s data: the scene description and each snapshot's piece fetched when wanted (the
// indices as raw bytes, the texts as JSON, each asked with the version of the description held, so
// that a run read again since is refused rather than drawn with other scales), and the run's
// version polled so that a run still being recorded grows on the timeline. `where` is the page's
// nnvox-source: { api, mode, sample } (and `open`: a block shown open, the double-click's). close()
// cancels what is still on its way.
import { checkFormat, checkPiece } from "./payload.js";

const POLL_MS = 2000;

async function fetched(url, as, signal) {
  const response = await fetch(url, { cache: "no-store", signal });
  if (!response.ok) throw new Error(`${(await response.text()).trim()} (HTTP ${response.status})`);
  return as === "bytes" ? new Uint8Array(await response.arrayBuffer()) : response.json();
}

export class HttpSource {
  constructor(where) {
    this.where = where;
    this.api = where.api;
    this.query = `mode=${encodeURIComponent(where.mode)}&sample=${encodeURIComponent(where.sample)}`;
    if (where.open) this.query += `&open=${encodeURIComponent(where.open)}`;
    this.aborter = new AbortController();
  }

  // Another mode or sample of the same run: the server builds it when first asked; an open layer
  // stays open where that view opens it (the server's description says: `opened`).
  view(mode, sample) {
    return new HttpSource({ ...this.where, mode, sample });
  }

  // The view with block `name` open (null: none open), as the exported page's double-click.
  opened(name) {
    return new HttpSource({ ...this.where, open: name });
  }

  async scene() {
    this.description = checkFormat(await fetched(`${this.api}/scene?${this.query}`, "json", this.aborter.signal));
    return this.description;
  }

  async snapshot(i) {
    const base = `${this.api}/snapshots/${i}`;
    const query = `${this.query}&v=${encodeURIComponent(this.description.version)}`;
    const signal = this.aborter.signal;
    const [indices, header] = await Promise.all([fetched(`${base}.bin?${query}`, "bytes", signal), fetched(`${base}.json?${query}`, "json", signal)]);
    checkPiece(this.description, i, indices);
    return { indices, ...header };
  }

  // Calls back with the new description whenever the server read the run again.
  follow(onScene) {
    if (!this.description.live) return;
    const poll = async () => {
      try {
        const { version } = await fetched(`${this.api}/version?${this.query}`, "json", this.aborter.signal);
        if (version !== this.description.version) onScene(await this.scene());
      } catch (error) {
        if (this.aborter.signal.aborted) return;
        console.warn(`nnvox: the server did not answer (${error.message}); trying again`);
      }
      if (this.description.live && !this.aborter.signal.aborted) this.timer = setTimeout(poll, POLL_MS);
    };
    this.timer = setTimeout(poll, POLL_MS);
  }

  close() {
    clearTimeout(this.timer);
    this.aborter.abort();
    if (this.description) this.description.live = false;
  }
}
