// The notebook widget's data (anywidget): the scene description is the model's `scene` trait; a
// snapshot is asked for with a message { want: i, view: { mode, sample, open }, version } and arrives as
// { snapshot: i, view, version, hud, texts, tops } with the indices as its one binary buffer, or as
// { snapshot: i, view, error } (the promise rejects with it). Each source takes only the answers for
// its own view, so a late answer for a view switched away from is never drawn in another. A view
// asked for ({ view } alone) becomes the `scene` trait, or comes back as { error, view }; `open`
// names a block shown open (the double-click's; null: none), which the kernel opens where that
// view can (its description's `opened`; closed where it cannot, its `openable` without it). The
// Python side re-sends `scene` when the run it follows grows.
import { checkFormat, checkPiece } from "./payload.js";

function bytesOf(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new Uint8Array(buffer); // an ArrayBuffer
}

const sameView = (a, b) => !!a && !!b && a.mode === b.mode && a.sample === b.sample && (a.open ?? null) === (b.open ?? null);

// Whether `scene` shows block `open` open (null: none), or is the view asked for but closed because it cannot open it.
const showsOpen = (scene, open) => (scene.opened ?? null) === open || (open !== null && !scene.opened && !scene.openable.includes(open));

export class WidgetSource {
  // `wanted`: a view asked of the kernel ({ mode, sample }); scene() waits until it is the model's.
  constructor(model, wanted = null) {
    this.model = model;
    this.wanted = wanted;
    this.waiting = new Map(); // snapshot -> resolvers of its promise
    this.onMessage = (message, buffers) => this.answered(message, buffers || []);
    model.on("msg:custom", this.onMessage);
  }

  answered(message, buffers) {
    if (message.snapshot === undefined) {
      if (message.error !== undefined && this.refuse && sameView(message.view, this.wanted)) this.refuse(new Error(message.error));
      return;
    }
    if (message.view && !sameView(message.view, this.wanted)) return; // another view's answer
    const resolvers = this.waiting.get(message.snapshot) || [];
    this.waiting.delete(message.snapshot);
    const { snapshot, view, version, error, ...header } = message;
    resolvers.forEach(({ resolve, reject }) => {
      try {
        if (error !== undefined) throw new Error(error);
        if (version !== undefined && version !== this.description.version) throw new Error(`snapshot ${snapshot} is of another reading of the run`);
        const indices = bytesOf(buffers[0]);
        checkPiece(this.description, snapshot, indices);
        resolve({ indices, ...header });
      } catch (failure) {
        reject(failure);
      }
    });
  }

  // Another mode or sample: the kernel builds it and hands it over as the `scene` trait; an open
  // layer stays open where that view opens it.
  view(mode, sample) {
    return this.asked({ mode, sample, open: this.wanted.open });
  }

  // The view with block `name` open (null: none open), as the exported page's double-click.
  opened(name) {
    return this.asked({ ...this.wanted, open: name });
  }

  asked(view) {
    this.model.send({ view });
    return new WidgetSource(this.model, view);
  }

  matches(scene) {
    const w = this.wanted;
    if (!w) return true;
    return scene.mode === w.mode && (scene.sample === w.sample || !scene.views.per_sample.includes(scene.mode)) && showsOpen(scene, w.open ?? null);
  }

  async scene() {
    if (!this.matches(this.model.get("scene"))) {
      await new Promise((resolve, reject) => {
        const changed = () => this.matches(this.model.get("scene")) && (this.model.off("change:scene", changed), resolve());
        this.refuse = (error) => (this.model.off("change:scene", changed), reject(error));
        this.model.on("change:scene", changed);
      }).finally(() => (this.refuse = null));
    }
    this.description = checkFormat(this.model.get("scene"));
    this.wanted = this.wanted || { mode: this.description.mode, sample: this.description.sample, open: this.description.opened ?? null };
    return this.description;
  }

  snapshot(i) {
    if (this.closed) return Promise.reject(new Error("this view was closed"));
    return new Promise((resolve, reject) => {
      const first = !this.waiting.has(i);
      if (first) this.waiting.set(i, []);
      this.waiting.get(i).push({ resolve, reject });
      if (first) this.model.send({ want: i, view: this.wanted, version: this.description.version });
    });
  }

  // The run read again: only a description of this source's own view is taken.
  follow(onScene) {
    this.onChange = () => {
      const scene = this.model.get("scene");
      if (this.matches(scene) && scene.version !== this.description.version) onScene(checkFormat((this.description = scene)));
    };
    this.model.on("change:scene", this.onChange);
  }

  close() {
    this.closed = true;
    this.model.off("msg:custom", this.onMessage);
    if (this.onChange) this.model.off("change:scene", this.onChange);
    if (this.refuse) this.refuse(new Error("this view was closed"));
    const closed = new Error("this view was closed");
    this.waiting.forEach((resolvers) => resolvers.forEach(({ reject }) => reject(closed)));
    this.waiting.clear();
  }
}
