// Between two snapshots the page blends colour indices linearly, as frame_at blends values
// (scenes/frames.py): the scales are linear, so this is the desktop's colour to within one index
// where neither end is clipped. Index 0 (no value: padding) and 1 (NaN/Inf) are not blended:
// NaN/Inf at either end stays magenta, as the desktop's interpolation keeps it.

export function blendIndices(a, b, alpha, out) {
  if (alpha <= 1e-6) {
    out.set(a);
    return out;
  }
  for (let i = 0; i < a.length; i++) {
    const p = a[i];
    const q = b[i];
    if (p === 1 || q === 1) out[i] = 1;
    else if (p === 0 || q === 0) out[i] = alpha < 0.5 ? p : q;
    else out[i] = Math.round(p + alpha * (q - p));
  }
  return out;
}

// The value an index stands for on a block's scale (the middle of its step), or null for no value / NaN.
// `levels` is the scale's number of indices (scenes/colour.py's LEVELS: 2..255).
export function indexValue(scale, index, levels) {
  if (index < 2) return null;
  return scale.lo + ((index - 2) * (scale.hi - scale.lo)) / (levels - 1);
}

// Half the width of one index's step: how far the shown value may be from the recorded one.
export function indexStep(scale, levels) {
  return (scale.hi - scale.lo) / (2 * (levels - 1));
}

// The snapshot nearest timeline position t, half-way between two the later: Python's
// frames.nearest_snapshot, floor(t + 0.5), the one rule for which snapshot's texts, statistics,
// clusters and unblended frames are shown.
export function nearestSnapshot(t) {
  return Math.floor(t + 0.5);
}

// The two snapshots around timeline position t (0..last) and how far the picture is from the first
// to the second. `interpolate` is Python's (frames.FrameSource.blends): false for a recorded mistake,
// a different input at each snapshot, shown unblended at the nearest snapshot as the desktop does.
export function around(t, last, interpolate) {
  if (interpolate === false) {
    const nearest = Math.min(nearestSnapshot(t), last);
    return [nearest, nearest, 0];
  }
  const i0 = Math.min(Math.floor(t), last);
  return [i0, Math.min(i0 + 1, last), t - i0];
}
