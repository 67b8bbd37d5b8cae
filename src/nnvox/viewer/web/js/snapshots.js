// The snapshots the viewer holds: each asked of the data source once, kept, and `onArrive(i)` told
// when it lands, so a timeline move to a snapshot still on its way is drawn as soon as it is here.
// A closed cache (its viewer switched away) asks for nothing more and drops what still lands.

const PREFETCH_BYTES = 64 * 1024 * 1024; // a run up to this size is fetched whole after the first picture

export class SnapshotCache {
  constructor(source, onArrive) {
    this.source = source;
    this.onArrive = onArrive;
    this.ready = new Map();
    this.pending = new Map();
    this.generation = 0; // a piece asked for before clear() is dropped when it lands
    this.closed = false;
  }

  // The piece if it is here; else null, and it is on its way.
  get(i) {
    const piece = this.ready.get(i);
    if (piece) return piece;
    if (!this.closed) this.load(i).catch(() => {}); // (told by load; drawn when it lands)
    return null;
  }

  load(i) {
    if (this.closed) return Promise.reject(new Error("this view was closed"));
    if (this.ready.has(i)) return Promise.resolve(this.ready.get(i));
    if (!this.pending.has(i)) {
      const generation = this.generation;
      const promise = this.source.snapshot(i).then(
        (piece) => {
          if (this.closed) throw new Error("this view was closed");
          if (generation !== this.generation) return this.load(i);
          this.pending.delete(i);
          this.ready.set(i, piece);
          this.onArrive(i);
          return piece;
        },
        (error) => {
          if (generation === this.generation) this.pending.delete(i);
          if (!this.closed && generation === this.generation) console.warn(`nnvox: snapshot ${i} did not arrive (${error.message})`);
          throw error;
        },
      );
      this.pending.set(i, promise);
    }
    return this.pending.get(i);
  }

  // Every snapshot, one after another (the first picture's are already here), if the run is small
  // enough; it stops when the cache is closed.
  async prefetch(count, frameBytes) {
    if (count * frameBytes > PREFETCH_BYTES) return;
    for (let i = 0; i < count && !this.closed; i++) {
      try {
        await this.load(i);
      } catch {
        return; // told once; the rest come when wanted
      }
    }
  }

  // The run was read again: what is on its way was asked of the old reading and is asked again;
  // what is held is dropped too unless `keepReady` (the colour scales stayed as they were).
  clear(keepReady = false) {
    this.generation += 1;
    if (!keepReady) this.ready.clear();
    this.pending.clear();
  }

  // The viewer is gone: nothing more is asked for, and what lands is dropped.
  close() {
    this.closed = true;
    this.clear();
  }
}
