"""Small built-in networks, plain torch."""

from __future__ import annotations

from torch import nn


class DigitsMLP(nn.Sequential):
    """784-style MLP scaled to 8x8 digits: 64-128-64-10."""

    def __init__(self, in_features: int = 64, hidden: tuple[int, ...] = (128, 64), classes: int = 10):
        layers: list[nn.Module] = [nn.Flatten()]
        width = in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, classes))
        super().__init__(*layers)


class TwoStageCNN(nn.Module):
    """Two conv+ReLU+pool stages, a dense layer and a classifier, for square one-channel images of
    `side` pixels; each conv has `kernel` and its padding from `paddings`. Subclasses give the sizes."""

    def __init__(
        self,
        side: int,
        channels: tuple[int, int],
        hidden: int,
        classes: int,
        kernel: int,
        paddings: tuple[int, int],
    ):
        super().__init__()
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, kernel, padding=paddings[0])
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, kernel, padding=paddings[1])
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        for pad in paddings:  # each stage: the conv's output side, halved by the pool
            side = (side + 2 * pad - kernel + 1) // 2
        self.fc1 = nn.Linear(c2 * side * side, hidden)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


class DigitsCNN(TwoStageCNN):
    """For 1x8x8 digits: 3x3 convs that keep the size, 8 -> 4 -> 2 after the pools."""

    def __init__(self, channels: tuple[int, int] = (8, 16), hidden: int = 64, classes: int = 10):
        super().__init__(8, channels, hidden, classes, kernel=3, paddings=(1, 1))


class LeNet(TwoStageCNN):
    """LeNet-5's shape for 1x28x28 MNIST digits: 5x5 convs, 6 maps of 28x28 (padded), pooled to 14x14,
    16 maps of 10x10, pooled to 5x5, then 400 -> 120 -> classes."""

    def __init__(self, channels: tuple[int, int] = (6, 16), hidden: int = 120, classes: int = 10):
        super().__init__(28, channels, hidden, classes, kernel=5, paddings=(2, 0))
