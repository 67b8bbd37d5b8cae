"""Well-known architectures in plain torch, with torchvision's module names so users' state_dicts load
(torchvision itself cannot be used here: its matching wheel is a CUDA build). No weights are downloaded."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


# --- ResNet -------------------------------------------------------------------------------------
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(
        self,
        block,
        layers,
        num_classes: int = 1000,
        in_channels: int = 3,
        widths=(64, 128, 256, 512),
        small_input: bool = False,
    ):
        super().__init__()
        self.inplanes = widths[0]
        if small_input:  # 8x8 or 32x32 images: no 7x7 stride-2 stem, no max pool
            self.conv1 = nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if small_input else nn.MaxPool2d(3, 2, 1)
        stages = [self._make_layer(block, w, n, 1 if i == 0 else 2) for i, (w, n) in enumerate(zip(widths, layers))]
        for i, stage in enumerate(stages):
            setattr(self, f"layer{i + 1}", stage)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[len(layers) - 1] * block.expansion, num_classes)
        self.stages = len(layers)

    def _make_layer(self, block, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(self.avgpool(x).flatten(1))


def resnet18(num_classes=1000):
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes)


def resnet34(num_classes=1000):
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes)


def resnet50(num_classes=1000):
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes)


# --- VGG ----------------------------------------------------------------------------------------
_VGG = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


class VGG(nn.Module):
    def __init__(self, config: list, num_classes: int = 1000, in_channels: int = 3, hidden: int = 4096, pool: int = 7):
        super().__init__()
        layers, c = [], in_channels
        for v in config:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(pool)
        self.classifier = nn.Sequential(
            nn.Linear(c * pool * pool, hidden),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(hidden, hidden),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def vgg11(num_classes=1000):
    return VGG(_VGG["vgg11"], num_classes)


def vgg16(num_classes=1000):
    return VGG(_VGG["vgg16"], num_classes)


# --- MobileNetV2 --------------------------------------------------------------------------------
class Conv2dNormActivation(nn.Sequential):
    def __init__(self, cin, cout, kernel=3, stride=1, groups=1, activation=True):
        layers = [
            nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout),
        ]
        if activation:
            layers.append(nn.ReLU6(inplace=True))
        super().__init__(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res_connect = stride == 1 and cin == cout
        layers = [Conv2dNormActivation(cin, hidden, 1)] if expand != 1 else []
        layers += [
            Conv2dNormActivation(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = 1000, in_channels: int = 3, width: float = 1.0):
        super().__init__()
        settings = [
            (1, 16, 1, 1),
            (6, 24, 2, 2),
            (6, 32, 3, 2),
            (6, 64, 4, 2),
            (6, 96, 3, 1),
            (6, 160, 3, 2),
            (6, 320, 1, 1),
        ]
        w = lambda c: max(8, int(c * width))
        features: list[nn.Module] = [Conv2dNormActivation(in_channels, w(32), stride=2)]
        c = w(32)
        for t, out, n, s in settings:
            for i in range(n):
                features.append(InvertedResidual(c, w(out), s if i == 0 else 1, t))
                c = w(out)
        last = w(1280) if width < 1 else 1280
        features.append(Conv2dNormActivation(c, last, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, num_classes))

    def forward(self, x):
        return self.classifier(nn.functional.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


def mobilenet_v2(num_classes=1000):
    return MobileNetV2(num_classes)


# --- small trainable variants ------------------------------------------------------------------
def digits_resnet(num_classes=10):
    """A two-stage ResNet for 1x8x8 digits: residual arcs and a downsampling branch in a model that
    trains in seconds."""
    return ResNet(BasicBlock, [1, 1], num_classes, in_channels=1, widths=(8, 16), small_input=True)


def trainable_variant(name: str) -> tuple[nn.Module, str]:
    """A small variant of a zoo architecture that trains on the built-in digits in seconds: the same
    blocks and module names, fewer channels. Returns the model and the dataset it trains on."""
    resnets = {
        "resnet18": (BasicBlock, [2, 2, 2, 2]),
        "resnet34": (BasicBlock, [3, 4, 6, 3]),
        "resnet50": (Bottleneck, [3, 4, 6, 3]),
    }
    if name in resnets:
        block, layers = resnets[name]
        return ResNet(block, layers, 10, in_channels=1, widths=(8, 16, 32, 64), small_input=True), "digits"
    if name in _VGG:  # five pools need 32 x 32 inputs: the digits upsampled
        config = [v if v == "M" else v // 8 for v in _VGG[name]]
        return VGG(config, 10, in_channels=1, hidden=64, pool=1), "digits32"
    if name == "mobilenet_v2":
        return MobileNetV2(10, in_channels=1, width=0.25), "digits"
    raise KeyError(name)


ARCHITECTURES: dict[str, tuple[Callable[[], nn.Module], tuple[int, ...], str]] = {
    "resnet18": (resnet18, (3, 224, 224), "ResNet-18 (11.7 M parameters), ImageNet-shaped, untrained"),
    "resnet34": (resnet34, (3, 224, 224), "ResNet-34, ImageNet-shaped, untrained"),
    "resnet50": (resnet50, (3, 224, 224), "ResNet-50, ImageNet-shaped, untrained"),
    "vgg11": (vgg11, (3, 224, 224), "VGG-11, ImageNet-shaped, untrained"),
    "vgg16": (vgg16, (3, 224, 224), "VGG-16, ImageNet-shaped, untrained"),
    "mobilenet_v2": (mobilenet_v2, (3, 224, 224), "MobileNetV2 (3.5 M parameters), ImageNet-shaped, untrained"),
}


# --- sequence models and a small U-Net ---------------------------------------------------------
class LSTMClassifier(nn.Module):
    """Embedding -> LSTM unrolled over the sequence -> the last step's state classifies."""

    def __init__(self, vocab: int = 10, dim: int = 16, hidden: int = 32, classes: int = 10):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out[:, -1])


class GPTBlock(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        t = x.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool, device=x.device), diagonal=1)
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=causal, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class TinyGPT(nn.Module):
    """A GPT-style decoder (token + position embeddings, causal self-attention blocks) whose last
    position classifies the sequence."""

    def __init__(
        self, vocab: int = 10, length: int = 12, dim: int = 32, heads: int = 4, layers: int = 2, classes: int = 10
    ):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(length, dim)
        self.h = nn.ModuleList([GPTBlock(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, tokens):
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.wte(tokens) + self.wpe(positions)
        for block in self.h:
            x = block(x)
        return self.head(self.ln_f(x)[:, -1])


class UNet(nn.Module):
    """A small U-Net for 8x8 digits: encoder, bottleneck, decoder with a skip concatenation. Its
    decoded map is pooled into a digit classifier so it trains on the built-in labels."""

    def __init__(self, classes: int = 10):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.enc2 = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(16, 8, 3, padding=1), nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, classes))

    def forward(self, x):
        skip = self.enc1(x)
        x = self.up(self.enc2(self.pool(skip)))
        return self.head(self.dec(torch.cat([x, skip], dim=1)))
