"""Graph capture on every edge case of the zoo: node names and kinds in order, edges, shapes, values."""

import pytest
import torch

from nnvox.capture.trace import OutputCapture, _tensors, trace
from tests.capture.zoo import ZOO


@pytest.mark.parametrize("case", sorted(ZOO))
def test_zoo_graph(case):
    build, make_inputs, expected_nodes, expected_edges = ZOO[case]
    torch.manual_seed(0)
    model, inputs = build(), make_inputs()
    result = trace(model, inputs)
    arch = result.architecture
    names = [(n.name, n.kind) for n in arch.nodes if n.kind != "Input"]
    assert names == expected_nodes, f"{case}: {names}"
    for edge in expected_edges:
        assert edge in arch.edges, f"{case}: missing edge {edge}; have {arch.edges}"
    known = {n.name for n in arch.nodes}
    assert all(s in known and d in known for s, d in arch.edges)
    for node in arch.nodes:  # shapes agree with the recorded values
        assert tuple(result.outputs[node.name].shape[1:]) == node.shape
    outputs, changed = OutputCapture(model, inputs)(inputs)  # the per-snapshot pass sees the same graph
    assert not changed and set(outputs) == {n.name for n in arch.nodes if n.kind != "Input"}
    for name, value in outputs.items():
        torch.testing.assert_close(value, result.outputs[name])


def test_zoo_is_big_enough():
    assert len(ZOO) >= 25


def test_values_are_those_the_model_computed():
    build, make_inputs, *_ = ZOO["residual"]
    model, x = build(), make_inputs()
    out = trace(model, x).outputs
    with torch.no_grad():
        torch.testing.assert_close(out["add"], x + model.fc(x))
    assert list(_tensors({"a": (x, [x])})) == [x, x]
