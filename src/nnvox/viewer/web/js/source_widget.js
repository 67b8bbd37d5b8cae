// The notebook widget's data (anywidget): the scene description is the model's `scene` trait; a
// snapshot is asked for with a message { want: i } and arrives as a message { snapshot: i, hud,
// texts, tops } with the indices as its one binary buffer. The Python side re-sends `scene` when the
// run it follows grows.
import { checkFormat, checkPiece } from "./payload.js";

function bytesOf(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new Uint8Array(buffer); // an ArrayBuffer
}

export class WidgetSource {
  // `wanted`: a view asked of the kernel ({ mode, sample }); scene() waits until it is the model's.
  constructor(model, wanted = null) {
    this.model = model;
    this.wanted = wanted;
    this.waiting = new Map(); // snapshot -> resolvers of its promise
    this.onMessage = (message, buffers) => {
      if (message.snapshot === undefined) return;
      const resolvers = this.waiting.get(message.snapshot) || [];
      this.waiting.delete(message.snapshot);
      const { snapshot, ...header } = message;
      const indices = bytesOf(buffers[0]);
      resolvers.forEach(({ resolve, reject }) => {
        try {
          checkPiece(this.description, snapshot, indices);
          resolve({ indices, ...header });
        } catch (error) {
          reject(error);
        }
      });
    };
    model.on("msg:custom", this.onMessage);
  }

  // Another mode or sample: the kernel builds it and hands it over as the `scene` trait.
  view(mode, sample) {
    this.model.send({ view: { mode, sample } });
    return new WidgetSource(this.model, { mode, sample });
  }

  async scene() {
    const matches = (s) => !this.wanted || (s.mode === this.wanted.mode && (s.sample === this.wanted.sample || !s.views.per_sample.includes(s.mode)));
    if (!matches(this.model.get("scene"))) {
      await new Promise((resolve) => {
        const changed = () => matches(this.model.get("scene")) && (this.model.off("change:scene", changed), resolve());
        this.model.on("change:scene", changed);
      });
    }
    this.description = checkFormat(this.model.get("scene"));
    return this.description;
  }

  snapshot(i) {
    return new Promise((resolve, reject) => {
      const first = !this.waiting.has(i);
      if (first) this.waiting.set(i, []);
      this.waiting.get(i).push({ resolve, reject });
      if (first) this.model.send({ want: i });
    });
  }

  follow(onScene) {
    this.onChange = () => onScene(checkFormat((this.description = this.model.get("scene"))));
    this.model.on("change:scene", this.onChange);
  }

  close() {
    this.model.off("msg:custom", this.onMessage);
    if (this.onChange) this.model.off("change:scene", this.onChange);
  }
}
