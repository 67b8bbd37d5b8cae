// `nnvox serve`'s data: the scene description and each snapshot's piece fetched when wanted (the
// indices as raw bytes, the texts as JSON), and the run's version polled so that a run still being
// recorded grows on the timeline. `where` is the page's nnvox-source: { api, mode, sample }.
import { checkFormat, checkPiece } from "./payload.js";

const POLL_MS = 2000;

async function fetched(url, as) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${(await response.text()).trim()}`);
  return as === "bytes" ? new Uint8Array(await response.arrayBuffer()) : response.json();
}

export class HttpSource {
  constructor(where) {
    this.where = where;
    this.api = where.api;
    this.query = `mode=${encodeURIComponent(where.mode)}&sample=${encodeURIComponent(where.sample)}`;
  }

  // Another mode or sample of the same run: the server builds it when first asked.
  view(mode, sample) {
    return new HttpSource({ ...this.where, mode, sample });
  }

  async scene() {
    this.description = checkFormat(await fetched(`${this.api}/scene?${this.query}`));
    return this.description;
  }

  async snapshot(i) {
    const base = `${this.api}/snapshots/${i}`;
    const [indices, header] = await Promise.all([fetched(`${base}.bin?${this.query}`, "bytes"), fetched(`${base}.json?${this.query}`)]);
    checkPiece(this.description, i, indices);
    return { indices, ...header };
  }

  // Calls back with the new description whenever the server read the run again.
  follow(onScene) {
    if (!this.description.live) return;
    const poll = async () => {
      try {
        const { version } = await fetched(`${this.api}/version?${this.query}`);
        if (version !== this.description.version) onScene(await this.scene());
      } catch (error) {
        console.warn(`nnvox: the server did not answer (${error.message}); trying again`);
      }
      if (this.description.live) this.timer = setTimeout(poll, POLL_MS);
    };
    this.timer = setTimeout(poll, POLL_MS);
  }

  close() {
    clearTimeout(this.timer);
    this.description.live = false;
  }
}
