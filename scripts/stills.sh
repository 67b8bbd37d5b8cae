#!/usr/bin/env bash
# Renders a fixed set of stills (every mode and overlay) into DIR, for pixel comparisons of a
# refactor: `scripts/stills.sh /tmp/before` on the old code, `scripts/stills.sh /tmp/after` on the
# new, then `scripts/stills.sh --compare /tmp/before /tmp/after`. Runs are recorded once into
# $NNVOX_STILLS_RUNS (default /tmp/nnvox-stills-runs) and reused, so both sides draw the same data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
if [[ "${1:-}" == "--compare" ]]; then
  exec "$PY" - "$2" "$3" <<'EOF'
import sys
from pathlib import Path
import numpy as np
from PIL import Image
a, b = Path(sys.argv[1]), Path(sys.argv[2])
bad = 0
for p in sorted(a.glob("*.png")):
    q = b / p.name
    if not q.exists():
        print(f"MISSING {p.name}"); bad += 1; continue
    x, y = np.asarray(Image.open(p)), np.asarray(Image.open(q))
    if x.shape != y.shape:
        print(f"SHAPE   {p.name} {x.shape} != {y.shape}"); bad += 1; continue
    d = np.abs(x.astype(int) - y.astype(int))
    n = int((d.max(axis=-1) > 0).sum())
    print(f"{'same   ' if n == 0 else 'DIFFERS'} {p.name}" + (f" ({n} pixels, max {d.max()})" if n else ""))
    bad += n > 0
print(f"{bad} of {len(list(a.glob('*.png')))} stills differ")
sys.exit(1 if bad else 0)
EOF
fi
OUT=${1:?usage: scripts/stills.sh DIR | --compare BEFORE AFTER}
RUNS=${NNVOX_STILLS_RUNS:-/tmp/nnvox-stills-runs}
NN=.venv/bin/nnvox
mkdir -p "$OUT" "$RUNS"
[[ -f $RUNS/cnn/manifest.json ]] || $NN record digits-cnn --epochs 3 --out "$RUNS/cnn" --probe-size 20 --attributions saliency
[[ -f $RUNS/gpt/manifest.json ]] || $NN record seq-gpt --epochs 2 --out "$RUNS/gpt"
[[ -f $RUNS/resnet/manifest.json ]] || $NN record digits-resnet --epochs 2 --out "$RUNS/resnet"
E="$NN export"
for m in activations weights change change-from-start update-ratio gradients; do
  $E "$RUNS/cnn" "$OUT/cnn-$m.png" --mode $m --preset 480p
done
$E "$RUNS/cnn" "$OUT/cnn-hist.png" --preset 720p --histogram conv2 --sample 3
$E "$RUNS/cnn" "$OUT/cnn-attr.png" --preset 480p --attribution saliency
$E "$RUNS/cnn" "$OUT/cnn-pca.png" --preset 480p --feature-space pca --clusters 3
$E "$RUNS/cnn" "$OUT/cnn-mistake.png" --preset 480p --mistake 1 --t 1.5
$E "$RUNS/cnn" "$OUT/cnn-accurate.png" --preset 480p --sizing accurate
$E "$RUNS/cnn" "$OUT/cnn-clear.png" --preset 480p --transparent
$E "$RUNS/cnn" "$OUT/cnn-filters.png" --figure filters
$E "$RUNS/gpt" "$OUT/gpt-act.png" --preset 720p
$E "$RUNS/gpt" "$OUT/gpt-weights.png" --preset 480p --mode weights
$E "$RUNS/resnet" "$OUT/resnet-act.png" --preset 720p --histogram fc
$NN compare "$RUNS/cnn" --pin 0 --out "$OUT/cmp-pin.png" --preset 480p
$NN compare "$RUNS/cnn" --pin 0 --difference --out "$OUT/cmp-diff.png" --preset 480p --histogram conv1
$NN compare "$RUNS/cnn" "$RUNS/cnn" --out "$OUT/cmp-runs.png" --preset 480p --mode weights
cat > "$RUNS/board.toml" <<EOF
[[shot]]
run = "$RUNS/cnn"
duration = 1
caption = "a caption"
histogram = "conv2"
[[shot]]
run = "$RUNS/gpt"
duration = 1
mode = "weights"
EOF
rm -rf "$OUT/board" && $E --storyboard "$RUNS/board.toml" "$OUT/board" --preset 480p12 >/dev/null
for f in "$OUT"/board/*.png; do n=$(basename "$f"); [[ $n == frame-0000[05].png || $n == frame-0001[57].png ]] && cp "$f" "$OUT/board-$n"; done
echo "stills in $OUT"
