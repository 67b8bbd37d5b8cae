// The snapshots the viewer holds: each asked of the data source once, kept, and `onArrive(i)` told
// when it lands, so a timeline move to a snapshot still on its way is drawn as soon as it is here.

const PREFETCH_BYTES = 64 * 1024 * 1024; // a run up to this size is fetched whole after the first picture

export class SnapshotCache {
  constructor(source, onArrive) {
    this.source = source;
    this.onArrive = onArrive;
    this.ready = new Map();
    this.pending = new Map();
    this.generation = 0; // a piece asked for before clear() is dropped when it lands
  }

  // The piece if it is here; else null, and it is on its way.
  get(i) {
    const piece = this.ready.get(i);
    if (piece) return piece;
    this.load(i);
    return null;
  }

  load(i) {
    if (this.ready.has(i)) return Promise.resolve(this.ready.get(i));
    if (!this.pending.has(i)) {
      const generation = this.generation;
      const promise = this.source.snapshot(i).then(
        (piece) => {
          if (generation !== this.generation) return this.load(i);
          this.pending.delete(i);
          this.ready.set(i, piece);
          this.onArrive(i);
          return piece;
        },
        (error) => {
          if (generation === this.generation) this.pending.delete(i);
          console.warn(`nnvox: snapshot ${i} did not arrive (${error.message})`);
          throw error;
        },
      );
      this.pending.set(i, promise);
    }
    return this.pending.get(i);
  }

  // Every snapshot, one after another (the first picture's are already here), if the run is small enough.
  async prefetch(count, frameBytes) {
    if (count * frameBytes > PREFETCH_BYTES) return;
    for (let i = 0; i < count; i++) {
      try {
        await this.load(i);
      } catch {
        return; // told once; the rest come when wanted
      }
    }
  }

  // The run was read again with other colour scales: what is held no longer holds.
  clear() {
    this.generation += 1;
    this.ready.clear();
    this.pending.clear();
  }
}
