// Where an output's class texts stand beside their column, by the desktop's rule
// (viewer/label_layout.py: ClassTextPlacing._class_fit and _beside, _list_leaders,
// ClassTexts.entry_middles), in the page's pixels (y down). The rows where they are lines of text
// apart; else the list of the top classes, its first entry level with its class's row where that
// fits (else hung from the column's top), LEAD font sizes further off for a thin line from each
// entry to its class's row; right of the column, else left; clear of the other blocks, the
// panels and the edge margin; else not shown. The camera is the reader's, so the page computes
// this; pure, so a node test holds it to Python's (tests/web/test_class_list_rule.py).

// Python's round(): an exact half goes to the even integer.
export function roundEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const shifted = (box, dx, dy) => [box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy];
const hit = (a, b) => b[0] < a[2] && a[0] < b[2] && b[1] < a[3] && a[1] < b[3];
export const margin = (h, policy) => Math.max(policy.margin, policy.edge * h);

// Inside the pane with its margin kept, and on none of `obstacles` (label_layout._fits).
function fits(box, [w, h], obstacles, policy) {
  const m = margin(h, policy) - 1e-6;
  const inside = box[0] >= m && box[1] >= m && box[2] <= w - m && box[3] <= h - m;
  return inside && !obstacles.some((o) => hit(box, o));
}

// The sideways shift that puts `boxes` clear of their column `own`, `lead` pixels further for the
// lines back to it: where they stand, else just right of it, else just left; null where none fits.
export function besideShift(boxes, own, obstacles, lead, pane, policy) {
  if (![...boxes.flat(), ...own].every(Number.isFinite)) return null;
  const clear = policy.gap + margin(pane[1], policy) + lead; // the top class's frame stands a little off the column
  const right = Math.max(0, own[2] + clear - Math.min(...boxes.map((b) => b[0])));
  for (const dx of [roundEven(right), roundEven(own[0] - clear - Math.max(...boxes.map((b) => b[2])))]) {
    if (boxes.every((b) => fits(shifted(b, dx, 0), pane, obstacles, policy))) return dx;
  }
  return null;
}

// The heights of the listed entries' middles, the list standing in `box`: its `lines` (the
// heading's first) share its height evenly, the last `entries` of them the classes.
export function entryMiddles(box, lines, entries) {
  const pitch = (box[3] - box[1]) / lines;
  return Array.from({ length: entries }, (_, k) => box[1] + (lines - entries + k + 0.5) * pitch);
}

// A line from each entry of the list standing in `box` to its class's row on the column `own`
// (`rowsY`: the listed classes' rows, most probable first), bent at right angles: the desktop's
// _list_leaders and list_route (the lanes' order with the fewest crossings).
export function listLeaders(box, own, rowsY, lines) {
  const [near, column] = box[0] >= own[2] ? [box[0], own[2]] : [box[2], own[0]];
  const middles = entryMiddles(box, lines, rowsY.length);
  const ends = rowsY.flatMap((ry, k) => (Number.isFinite(ry) ? [[ry, middles[k]]] : []));
  return listRoute(column, near, ends);
}

// Of the list's lines (listLeaders: three segments a line, its entries' in order, most probable
// first), the answer's alone, in a lane midway: class_rows.answer_lines. Five lines, the list by
// probability and the cells by class, crossed 4-6 times and read as a tangle from the back.
export function answerLine(lines) {
  if (lines.length < 3) return [];
  const [[column, row], , [, entry, near]] = lines;
  return listRoute(column, near, [[row, entry]]);
}

const RUNS_APART = 3.0; // pixels: label_layout.RUNS_APART

// [i][j]: the crossings of line i with line j where i's lane is nearer the column (cross_counts),
// as many as any order makes where i's run to the list would lie on j's from the column.
function crossCounts(ends) {
  const within = (y, [a, b]) => Math.min(a, b) < y && y < Math.max(a, b);
  const onOne = (ei, ej) => Math.abs(ei[1] - ej[0]) < RUNS_APART;
  return ends.map((ei, i) =>
    ends.map((ej, j) =>
      i === j ? 0 : Number(within(ej[0], ei)) + Number(within(ei[1], ej)) + Number(onOne(ei, ej)) * ends.length ** 2,
    ),
  );
}

// Every order of 0..n-1, in lexicographic order (Python's itertools.permutations).
function permutations(n) {
  if (n === 0) return [[]];
  const out = [];
  const walk = (prefix, rest) => {
    if (!rest.length) out.push(prefix);
    rest.forEach((v, k) => walk([...prefix, v], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  walk([], Array.from({ length: n }, (_, k) => k));
  return out;
}

function listRoute(column, near, ends) {
  const n = ends.length;
  if (n === 0) return [];
  const cross = crossCounts(ends);
  let best = null;
  let fewest = Infinity;
  for (const order of permutations(n)) {
    let count = 0;
    order.forEach((a, k) => order.slice(k + 1).forEach((b) => (count += cross[a][b])));
    if (count < fewest) [best, fewest] = [order, count];
  }
  const lane = [];
  best.forEach((line, k) => (lane[line] = column + ((near - column) * (k + 1)) / (n + 1)));
  return ends.flatMap(([ry, ey], i) => [
    [column, ry, lane[i], ry],
    [lane[i], ry, lane[i], ey],
    [lane[i], ey, near, ey],
  ]);
}

// A text's box no taller than `height`, about its middle: rows whose boxes' line gaps meet still read apart.
function trimmed(box, height) {
  const cut = Math.max(0, (box[3] - box[1] - height) / 2);
  return [box[0], box[1] + cut, box[2], box[3] - cut];
}

// Where `form` ("rows" or "top") stands: {dx, dy, boxes} (dy: the list moved down, level with its
// first class's row) or null. `c`: own (the column's rectangle), obstacles, rows (each row's
// anchor on the page), rowBox (the widest row's box about its anchor), rowFont, top (the list's
// anchor), topBox (its box about it), topFont, lines (the list's), order (the classes it lists,
// most probable first), leads (whether it draws its lines: the output lit).
export function classFit(form, c, pane, policy) {
  let tries;
  let lead = 0;
  if (form === "rows") {
    if (!c.rows.length) return null;
    const gaps = c.rows.slice(1).map((p, k) => Math.abs(p[1] - c.rows[k][1]));
    const pitch = gaps.length ? Math.min(...gaps) : Infinity;
    if (!(pitch >= c.rowFont + 1)) return null; // lines of text apart
    const box = trimmed(c.rowBox, pitch - 1);
    tries = [[0, c.rows.map(([x, y]) => shifted(box, x, y))]];
  } else {
    const box = shifted(c.topBox, c.top[0], c.top[1]);
    tries = [[0, [box]]];
    if (c.leads) {
      const level = c.rows[c.order[0]][1] - entryMiddles(box, c.lines, c.order.length)[0];
      if (Number.isFinite(level)) tries.unshift([roundEven(level), [shifted(box, 0, roundEven(level))]]);
      lead = policy.lead * c.topFont;
    }
  }
  for (const [dy, boxes] of tries) {
    const dx = besideShift(boxes, c.own, c.obstacles, lead, pane, policy);
    if (dx !== null) return { dx, dy, boxes: boxes.map((b) => shifted(b, dx, 0)) };
  }
  return null;
}

// A line's box: later texts keep off it as off a text (label_layout._line_box).
export function lineBox([x0, y0, x1, y1]) {
  const vertical = x0 === x1 ? 1 : 0;
  const flat = 1 - vertical;
  return [Math.min(x0, x1) - vertical, Math.min(y0, y1) - flat, Math.max(x0, x1) + vertical, Math.max(y0, y1) + flat];
}

// The output column's marks for a hall (the desktop's overlays/class_rows.py: CELL_TEXT, CELL_FONT,
// LIST_LINE, LIST_LINE_OPACITY): the list's lines 3 px at 1080p in the labels' colour, nearly
// opaque (1 px grey lines vanished on a projector), and each class's name on its own cell where
// the cells stand large enough for a lecture's least text (else the list names them).
export const CELL_FONT = 0.9;
// a name at a lecture's least text (theme.LECTURE_FONT): 27.6 px cells at 1080p
export const CELL_TEXT = 0.023 / CELL_FONT;
export const LIST_LINE = 3 / 1080;
export const LIST_LINE_OPACITY = 0.9;

// The list's lines' width in a pane `height` pixels high: class_rows.list_line_width.
export const listLineWidth = (height) => Math.max(1, LIST_LINE * height);

// The names' font size on cells `size` pixels each way on screen, 0 (none) under CELL_TEXT of
// the pane's height: class_rows.cell_font.
export function cellFont(size, height) {
  return Number.isFinite(size) && size >= CELL_TEXT * height ? Math.max(1, roundEven(CELL_FONT * size)) : 0;
}

// A column's cells' size on screen: the least of the distances between neighbouring cells'
// middles (`middles`, page pixels, in class order) and `width`, the column's across.
export function cellSize(middles, width = Infinity) {
  const steps = middles.slice(1).map((p, k) => Math.hypot(p[0] - middles[k][0], p[1] - middles[k][1]));
  return Math.min(width, ...steps);
}
