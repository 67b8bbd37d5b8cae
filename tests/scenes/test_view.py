"""The view specification: declared once, checked once, read the same by every entry point."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from nnvox.errors import NnvoxError
from nnvox.scenes.scene import MODES, SIZINGS
from nnvox.scenes.view import OutputSpec, SpecError, ViewSpec, check_applies, given, specs_from


@pytest.mark.parametrize(
    "options, option, words",
    [
        ({"mode": "bogus"}, "mode", "unknown mode 'bogus'; choose one of activations"),
        ({"sizing": "huge"}, "sizing", "unknown sizing 'huge'"),
        ({"mistake": 0}, "mistake", "mistake 0 is out of range"),
        ({"sample": 2, "mistake": 1}, "mistake", "not both"),
        ({"t": "1"}, "t", "t is a snapshot position"),
        ({"feature_space": "umap"}, "feature_space", "unknown feature space 'umap'; choose one of pca, tsne"),
        ({"clusters": 0}, "clusters", "is not a number of clusters"),
        ({"clusters": "many"}, "clusters", "is not a number of clusters"),
        ({"background": "red"}, "background", "not a colour like"),
        ({"transparent": "yes"}, "transparent", "True or False"),
    ],
)
def test_a_bad_value_is_one_line_naming_its_option(options, option, words):
    with pytest.raises(SpecError) as caught:
        ViewSpec(**options)
    assert caught.value.option == option and words in str(caught.value) and "\n" not in str(caught.value)


def test_the_spec_is_frozen_and_maps_to_the_scene():
    spec = ViewSpec(mode="activations", feature_space="pca", clusters="elbow", sizing="log")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.mode = "weights"  # type: ignore[misc]
    options = spec.scene_options()
    assert (options.mode, options.feature_space, options.clusters, options.sizing) == (
        "activations",
        "pca",
        "elbow",
        "log",
    )
    assert typing.get_args(typing.get_type_hints(ViewSpec)["mode"]) == MODES  # the CLI's choices are the modes
    assert typing.get_args(typing.get_type_hints(ViewSpec)["sizing"]) == SIZINGS


def test_keywords_map_into_the_specs_in_one_place():
    spec, output = specs_from(ViewSpec(mode="weights"), None, {"histogram": "conv2", "fps": 12}, where="export")
    assert spec == ViewSpec(mode="weights", histogram="conv2") and output == OutputSpec(fps=12)
    with pytest.raises(TypeError, match=r"export\(\) got an unexpected keyword argument 'colour'; its options are"):
        specs_from(None, None, {"colour": 1}, where="export")
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'fps'"):
        specs_from(None, None, {"fps": 1}, where="show", output_fields=False)
    with pytest.raises(TypeError, match="spec is a nnvox ViewSpec, got dict"):
        specs_from({"mode": "weights"}, None, {}, where="export")


def test_each_output_refuses_the_options_it_does_not_use():
    assert given(ViewSpec(t=1.0), OutputSpec(fps=5), layer=None, voxel="0") == {"t": 1.0, "fps": 5, "voxel": "0"}
    check_applies("a still", ViewSpec(t=1.0, transparent=True), OutputSpec(size="320x180"))
    with pytest.raises(NnvoxError, match=r"^--t does not apply to a video; leave it out$"):
        check_applies("a video", ViewSpec(t=1.0))
    with pytest.raises(NnvoxError, match=r"^--transparent, --fps do not apply to the window; leave them out$"):
        check_applies("the window", ViewSpec(transparent=True), OutputSpec(fps=5))


def test_output_sizes_default_by_kind():
    assert OutputSpec().size_for(still=True) == (1920, 1080, 30)
    assert OutputSpec().size_for(still=False) == (1280, 720, 30)
    assert OutputSpec(preset="480p", size="320x180").size_for(still=False, fps=12) == (320, 180, 12)
    assert OutputSpec(size=(300, 200), fps=5).size_for(still=False) == (300, 200, 5)


def test_every_spec_field_is_a_command_line_option_with_help():
    from nnvox.cli.main import OutputOptions, ViewOptions, _plain

    for spec, options in ((ViewSpec, ViewOptions), (OutputSpec, OutputOptions)):
        assert issubclass(options, spec)
        assert [f.name for f in dataclasses.fields(options)] == [f.name for f in dataclasses.fields(spec)]
        for f in dataclasses.fields(spec):  # the docstring the CLI shows explains every field
            assert f"\n    {f.name}\n        " in spec.__doc__, f.name
    assert type(_plain(ViewOptions(mode="weights"))) is ViewSpec and _plain(ViewOptions(mode="weights")) == ViewSpec(
        mode="weights"
    )
