"""Group conv/linear + norm + activation chains into one block, as diagrams usually draw them."""

from __future__ import annotations

from nnvox.capture.architecture import Architecture
from nnvox.scenes.per_architecture import per_architecture

HEADS = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Linear")
FOLLOWERS = (
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "ReLU",
    "ReLU6",
    "GELU",
    "SiLU",
    "Tanh",
    "Sigmoid",
    "LeakyReLU",
    "ELU",
    "Hardswish",
    "Mish",
    "relu",
    "relu_",
    "gelu",
    "silu",
    "tanh",
    "sigmoid",
    "leaky_relu",
)


@per_architecture
def group_chains(arch: Architecture) -> dict[str, list[str]]:
    """Last member -> the chain it closes (head first). A follower joins only if it is the single
    consumer of the previous member and has no other input, so no edge is hidden by grouping.
    Found once per Architecture object: the result is shared, read and never changed."""
    consumers: dict[str, list[str]] = {}
    producers: dict[str, list[str]] = {}
    for s, d in arch.edges:
        consumers.setdefault(s, []).append(d)
        producers.setdefault(d, []).append(s)
    kinds = {n.name: n.kind for n in arch.nodes}
    groups = {}
    for node in arch.nodes:
        if node.kind not in HEADS:
            continue
        chain = [node.name]
        while True:
            nxt = consumers.get(chain[-1], [])
            if len(nxt) != 1 or kinds[nxt[0]] not in FOLLOWERS or producers.get(nxt[0]) != [chain[-1]]:
                break
            chain.append(nxt[0])
        if len(chain) > 1:
            groups[chain[-1]] = chain
    return groups
