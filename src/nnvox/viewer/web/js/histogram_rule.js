// The histogram panel's numbers at a timeline position, by scenes/histogram.py's rule: between two
// snapshots the bars, the share off the scale move linearly and NaN/Inf is the nearer snapshot's
// (HistogramSource.at); the axis spans the tallest bar, or 1.3 times the second where the tallest is
// over 3 times it (Histogram.axis_top: the zeros after a ReLU clipped); the note says so in notes()'
// words. Python sends each snapshot's counts and the rule's constants and words (histograms.py); a
// node test holds this to Python's.
import { formatG } from "./statistics.js";

// Python's format(v, ".Nf"): N decimals, an exact tie rounded to the even digit (toFixed rounds it up).
function fixed(v, digits) {
  const exact = Math.abs(v).toFixed(Math.min(digits + 30, 100));
  const [whole, decimals] = exact.split(".");
  const tie = /^50*$/.test(decimals.slice(digits));
  const kept = `${whole}${digits ? "." : ""}${decimals.slice(0, digits)}`;
  const even = Number(kept.replace(".", "").slice(-1)) % 2 === 0;
  return `${v < 0 ? "-" : ""}${tie && even ? kept : Math.abs(v).toFixed(digits)}`;
}

const thousands = (n) => n.toLocaleString("en-US"); // Python's f"{n:,}"

const fractions = (counts, finite) => counts.map((c) => c / Math.max(finite, 1));

// `words` (Python's NOTE_WORDS) with each {name} put in.
const fill = (words, values) => words.replace(/\{(\w+)\}/g, (_, name) => values[name]);

// The Histogram at `alpha` (0..1) from snapshot p's numbers to q's; `reference` the grey outline's
// fractions, `label` its snapshot's words, `rule` Python's constants and words (histograms.axis_rule).
export function histogramAt(p, q, alpha, reference, label, rule) {
  const blend = alpha > 1e-6;
  const mix = (a, b) => (blend ? a + alpha * (b - a) : a);
  const [f, g] = [fractions(p.counts, p.finite), fractions(q.counts, q.finite)];
  const bars = f.map((v, k) => mix(v, g[k]));
  const below = mix(p.under / Math.max(p.finite, 1), q.under / Math.max(q.finite, 1));
  const above = mix(p.over / Math.max(p.finite, 1), q.over / Math.max(q.finite, 1));
  const nonfinite = blend && alpha >= 0.5 ? q.nonfinite : p.nonfinite;
  const peak = Math.max(...bars, ...reference, 1e-12);
  const heights = bars.map((v, k) => Math.max(v, reference[k])).sort((a, b) => a - b);
  const second = heights.length > 1 ? heights[heights.length - 2] : 0;
  const top = second > 0 && peak > rule.clips_over * second ? rule.clipped_axis * second : peak;
  const { words } = rule;
  const note = [
    fill(words.values, { count: thousands(p.count) }),
    fill(words.axis, { top: formatG(top * 100) }),
    fill(words.reference, { label }),
  ];
  if (top < peak) note[1] += fill(words.clipped, { peak: fixed(peak * 100, 0) });
  if (below + above > rule.off_scale) note.push(fill(words.off_scale, { share: fixed((below + above) * 100, 1) }));
  if (nonfinite) note.push(fill(words.nonfinite, { count: thousands(nonfinite) }));
  return { fractions: bars, top, note };
}
