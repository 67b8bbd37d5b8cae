// A clicked voxel's channel statistics, in the desktop's words (desktop/panels.voxel_text): what they
// are over (scene.statistics: the axis, the layer's shape, the words) and each group's min, mean and
// max at the nearest snapshot (piece.stats), both from Python (viewer/web/statistics.py). The page
// only finds the clicked voxel's coordinates, as scenes/inspect.voxel_at does, and prints.

// v to `digits` significant digits as [sign, digit string, exponent], rounding a tie to the even
// digit as Python does (JavaScript's toExponential rounds it up: 1.625 would print 1.63, Python's 1.62;
// recorded fp16 values hit such ties). 20 more digits tell a tie: a double that is not one differs
// from it within 17.
function rounded(v, digits) {
  const [wide, wideExp] = Math.abs(v).toExponential(digits + 20).split("e");
  const all = wide.replace(".", "");
  const tie = /^50*$/.test(all.slice(digits)) && Number(all[digits - 1]) % 2 === 0;
  const [mantissa, exp] = tie ? [all.slice(0, digits), wideExp] : Math.abs(v).toExponential(digits - 1).split("e");
  return [v < 0 ? "-" : "", mantissa.replace(".", ""), Number(exp)];
}

// Python's format(v, ".Ng"): N significant digits, trailing zeros dropped, an exponent outside 1e-4..1e(N).
export function formatG(v, digits = 3) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [sign, d, e] = rounded(v, digits);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e < -4 || e >= digits) return `${sign}${strip(`${d[0]}.${d.slice(1)}`)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  const fixed = e < 0 ? `0.${"0".repeat(-e - 1)}${d}` : `${d.slice(0, e + 1)}.${d.slice(e + 1)}`;
  return sign + strip(fixed);
}

// The layer's own coordinates of a picked voxel (scenes/inspect.voxel_at): a dense block's cell is a
// unit in reading order (a vector's columns one after another), unravelled over the layer's shape;
// a map's is (channel, row, column), pooled.
export function layerCoords(block, shape, { panel, row, col }) {
  if (block.role === "dense" || block.role === "output") {
    let unit = (panel * block.rows + row) * block.cols + col;
    if (unit >= shape.reduce((a, b) => a * b, 1)) return null;
    const coords = [];
    for (let k = shape.length - 1; k >= 0; k--) {
      coords[k] = unit % shape[k];
      unit = Math.floor(unit / shape[k]);
    }
    return coords;
  }
  const channel = block.channels ? block.channels[panel] : panel;
  return [channel, row * block.pool, col * block.pool];
}

// "channel 5's 14 × 14 map: min 0  mean 0.21  max 1.9", or "" where the block has none.
export function statisticsLine(scene, piece, picked) {
  const spec = scene.statistics && scene.statistics[picked.block.name];
  const values = piece && piece.stats && piece.stats[picked.block.name];
  if (!spec || !values) return "";
  const coords = layerCoords(picked.block, spec.shape, picked);
  if (!coords) return "";
  const group = spec.axis === null ? 0 : coords[spec.axis];
  const [min, mean, max] = values.slice(3 * group, 3 * group + 3);
  if (min === null || min === undefined) return "";
  const words = spec.words.replace("{}", String(spec.axis === null ? "" : group));
  return `${words}: min ${formatG(min)}  mean ${formatG(mean)}  max ${formatG(max)}`;
}
