// The timeline: a slider over every snapshot (dragged, it scrubs through fractions that blend
// two; its arrow keys step one whole snapshot) and a play button. It reports positions; what a
// position shows is the viewer's business (main.js). It sits in the controls' strip below the 3D pane.

import { nearestSnapshot } from "./blend.js";

export class Timeline {
  // `speed`: snapshots a second while playing (Python's scenes/playback.Playback.speed, the window's)
  constructor(labels, start, parent, onTime, speed) {
    this.labels = labels;
    this.speed = speed;
    this.onTime = onTime;
    this.root = document.createElement("div");
    this.root.className = "nnvox-timeline";
    this.play = document.createElement("button");
    this.play.textContent = "▶";
    this.play.title = "play the training run";
    this.slider = document.createElement("input");
    Object.assign(this.slider, { type: "range", min: 0, max: Math.max(labels.length - 1, 0), step: 0.01 });
    this.slider.value = start;
    this.slider.setAttribute("aria-label", "timeline: snapshot");
    this.text = document.createElement("span");
    this.text.className = "nnvox-timeline-label"; // on one line (style.js): the strip wraps rather than it
    this.root.append(this.play, this.slider, this.text);
    this.setLabels(labels);
    parent.appendChild(this.root);
    this.slider.addEventListener("input", () => this.set(Number(this.slider.value)));
    this.slider.addEventListener("keydown", (event) => {
      const by = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (by === undefined) return;
      event.preventDefault(); // (the range's own step is a hundredth of a snapshot)
      this.step(by);
    });
    this.play.addEventListener("click", () => (this.playing ? this.stop() : this.start()));
    this.t = start; // shown once the viewer has its first snapshots: it calls set(start)
  }

  // A live run's new snapshots: the slider reaches them.
  setLabels(labels) {
    this.labels = labels;
    this.slider.max = Math.max(labels.length - 1, 0);
    this.text.style.minWidth = `${Math.max(0, ...labels.map((l, i) => this.says(i).length))}ch`; // the strip keeps its width while playing
  }

  // What the label says at snapshot i.
  says(i) {
    return `${this.labels[i]} (${i + 1}/${this.labels.length})`;
  }

  set(t) {
    this.t = t;
    this.slider.value = t;
    const nearest = nearestSnapshot(t);
    this.text.textContent = this.says(nearest);
    this.onTime(t);
  }

  // One whole snapshot on or back from the nearest (the desktop window's Right / Left).
  step(by) {
    this.stop();
    this.set(Math.min(Math.max(nearestSnapshot(this.t) + by, 0), Math.max(this.labels.length - 1, 0)));
  }

  start() {
    const last = () => this.labels.length - 1;
    if (last() < 1) return;
    if (this.t >= last()) this.set(0);
    this.playing = true;
    this.play.textContent = "❚❚";
    let before = performance.now();
    const step = (now) => {
      if (!this.playing) return;
      const t = Math.min(last(), this.t + ((now - before) / 1000) * this.speed);
      before = now;
      this.set(t);
      if (t >= last()) this.stop();
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  stop() {
    this.playing = false;
    this.play.textContent = "▶";
  }
}
