"""Side branches as the field writes them: squeeze-excitation (torchvision, timm, EfficientNet's
MBConv, MobileNetV3, the original SENet), a gated linear unit, CBAM's channel and spatial attention,
attention pooling; and a residual downsample, which is not a side branch. Each copies the structure
of the code it is named after."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SqueezeExcitation(nn.Module):
    """torchvision.ops.SqueezeExcitation: scale = sigmoid(fc2(act(fc1(avgpool(x))))); scale * x."""

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, x):
        scale = self.avgpool(x)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, x):
        return self._scale(x) * x


class TimmSqueezeExcite(nn.Module):
    """timm's efficientnet_blocks.SqueezeExcite: a mean over space, conv reduce, SiLU, conv expand, gate."""

    def __init__(self, channels, rd_channels):
        super().__init__()
        self.conv_reduce = nn.Conv2d(channels, rd_channels, 1)
        self.act1 = nn.SiLU(inplace=True)
        self.conv_expand = nn.Conv2d(rd_channels, channels, 1)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.conv_reduce(x_se)
        x_se = self.act1(x_se)
        x_se = self.conv_expand(x_se)
        return x * self.gate(x_se)


class SENetLayer(nn.Module):
    """The original SENet layer: pool, view, Linear-ReLU-Linear-Sigmoid, `x * y.expand_as(x)`."""

    def __init__(self, channel, reduction=4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channel, channel // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channel // reduction, channel, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.avg_pool(x).view(b, c)
        y = self.fc(y).view(b, c, 1, 1)
        return x * y.expand_as(x)


class InplaceSE(nn.Module):
    """An SE that scales in place: `x.mul_(torch.sigmoid(...))`, functional pooling."""

    def __init__(self, channels):
        super().__init__()
        self.reduce = nn.Conv2d(channels, 2, 1)
        self.expand = nn.Conv2d(2, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = self.expand(F.relu(self.reduce(s)))
        return x.mul_(torch.sigmoid(s))


class MBConv(nn.Module):
    """EfficientNet's MBConv: expand 1x1, depthwise 3x3, squeeze-excitation, project 1x1, residual."""

    def __init__(self, channels=8, expand=4, se=SqueezeExcitation):
        super().__init__()
        hidden = channels * expand
        self.expand = nn.Sequential(nn.Conv2d(channels, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.SiLU())
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.SiLU()
        )
        self.se = se(hidden, max(1, channels // 4))
        self.project = nn.Sequential(nn.Conv2d(hidden, channels, 1, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        return x + self.project(self.se(self.depthwise(self.expand(x))))


class SENet(nn.Module):
    """A small network of SE blocks: a stem, two MBConvs (SE inside), a head. The SE model of the tests."""

    def __init__(self, se=SqueezeExcitation, classes=4):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.SiLU())
        self.blocks = nn.Sequential(MBConv(8, 2, se), MBConv(8, 2, se))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def mobilenet_v3_se():
    """MobileNetV3's SE: torchvision's SqueezeExcitation with a hard sigmoid."""
    return SqueezeExcitation(8, 4, scale_activation=nn.Hardsigmoid)


class GLU(nn.Module):
    """A gated linear unit: `a(x) * sigmoid(b(x))`, both computed from the same input."""

    def __init__(self, d=6, h=8):
        super().__init__()
        self.a = nn.Linear(d, h)
        self.b = nn.Linear(d, h)
        self.out = nn.Linear(h, 3)

    def forward(self, x):
        return self.out(self.a(x) * torch.sigmoid(self.b(x)))


class ChannelGate(nn.Module):
    """CBAM's channel attention: average- and max-pooled, one shared MLP, summed, sigmoid, scale."""

    def __init__(self, channels, reduction=4):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(channels, channels // reduction),
            nn.ReLU(),
            nn.Linear(channels // reduction, channels),
        )

    def forward(self, x):
        avg = self.mlp(F.avg_pool2d(x, (x.size(2), x.size(3))))
        mx = self.mlp(F.max_pool2d(x, (x.size(2), x.size(3))))
        scale = torch.sigmoid(avg + mx).unsqueeze(2).unsqueeze(3).expand_as(x)
        return x * scale


class SpatialGate(nn.Module):
    """CBAM's spatial attention: channel max and mean, a 7x7 conv, sigmoid, scale."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, 7, padding=3)

    def forward(self, x):
        pooled = torch.cat((torch.max(x, 1)[0].unsqueeze(1), torch.mean(x, 1).unsqueeze(1)), dim=1)
        return x * torch.sigmoid(self.conv(pooled))


class CBAM(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.channel = ChannelGate(channels)
        self.spatial = SpatialGate()
        self.out = nn.Conv2d(channels, 4, 1)

    def forward(self, x):
        return self.out(self.spatial(self.channel(self.conv(x))))


class AttentionPool(nn.Module):
    """Attention pooling over tokens: a score per token, softmax over tokens, weighted sum."""

    def __init__(self, d=8):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.score = nn.Linear(d, 1)
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        h = self.proj(x)
        w = torch.softmax(self.score(h), dim=1)
        return self.head((h * w).sum(dim=1))


class Downsample(nn.Module):
    """ResNet's downsampling block: the shortcut changes the shape and joins by an add."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.down = nn.Conv2d(4, 8, 1, stride=2)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))) + self.down(x))


class Conv(nn.Module):
    """A conv, then `block` on its output, then a 1x1 conv: a side branch needs a main path around it."""

    def __init__(self, block, channels=8):
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.block = block
        self.out = nn.Conv2d(channels, 4, 1)

    def forward(self, x):
        return self.out(self.block(self.conv(x)))


# name -> (model, input, the members a side branch must have (by name ending), its source, its gate)
SIDE_BRANCHES = {
    "torchvision-se": (
        lambda: Conv(SqueezeExcitation(8, 2)),
        (1, 3, 8, 8),
        ("block.avgpool", "block.fc1", "block.activation", "block.fc2", "block.scale_activation"),
        "conv",
        "block.mul",
    ),
    "mobilenetv3-se": (
        lambda: Conv(mobilenet_v3_se()),
        (1, 3, 8, 8),
        ("block.avgpool", "block.fc1", "block.activation", "block.fc2", "block.scale_activation"),
        "conv",
        "block.mul",
    ),
    "timm-se": (
        lambda: Conv(TimmSqueezeExcite(8, 2)),
        (1, 3, 8, 8),
        ("block.mean", "block.conv_reduce", "block.act1", "block.conv_expand", "block.gate"),
        "conv",
        "block.mul",
    ),
    "senet-expand-as": (
        lambda: Conv(SENetLayer(8)),
        (1, 3, 8, 8),
        ("block.avg_pool", "block.fc.0", "block.fc.1", "block.fc.2", "block.fc.3"),
        "conv",
        "block.mul",
    ),
    "inplace-se": (
        lambda: Conv(InplaceSE(8)),
        (1, 3, 8, 8),
        ("block.adaptive_avg_pool2d", "block.reduce", "block.relu", "block.expand", "block.sigmoid"),
        "conv",
        "block.mul_",
    ),
    "glu": (lambda: GLU(), (2, 6), ("b", "sigmoid"), "input", "mul"),
    "attention-pool": (lambda: AttentionPool(), (2, 5, 8), ("score", "softmax"), "proj", "mul"),
}
