"""The browser page and a convolution's weights opened into kernel tiles (scenes/open_weights.py): the
page draws an open block's maps from its stack's colours, which kernel tiles do not share, so it
refuses to open them (one line naming the layer) and does not offer them on a double-click."""

from __future__ import annotations

import pytest

from nnvox.errors import NnvoxError


def test_the_page_refuses_to_open_a_weight_into_kernel_tiles(digits_run, tmp_path):
    from nnvox.viewer.export import export_html

    with pytest.raises(NnvoxError, match=r"--open conv2: the browser page does not open a convolution's weights"):
        export_html(digits_run, tmp_path / "w.html", mode="weights", open=("conv2",))


def test_the_page_opens_no_kernel_tiles_on_a_double_click_nor_in_its_other_modes(digits_run):
    from nnvox.scenes.build import build_scene
    from nnvox.scenes.open_layer import openable
    from nnvox.scenes.view import ViewSpec
    from nnvox.viewer.web.views import other_scenes

    scene = build_scene(digits_run, ViewSpec(open=("conv1",)).scene_options())
    others = other_scenes(scene, ViewSpec(open=("conv1",)))
    assert "weights" in others and "conv1" in openable(
        build_scene(digits_run, ViewSpec(mode="weights").scene_options())
    )
    assert all(b.opened is None for b in others["weights"].blocks)  # conv1's activations open, its weights not
    assert others["activations"].block("conv1").opened is not None
