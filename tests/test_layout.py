"""layout.Layout: a model's parameters as flat groups (two, or one), and the model's dict as views
of them."""

from dataclasses import dataclass

import numpy as np
import pytest

from wdlib import layout, loop
from wdlib.models import Model


@dataclass(frozen=True)
class _Shapes(Model):
    """A model with parameters of every rank (only shapes and weight keys matter here)."""

    @property
    def shapes(self):
        return {"W1": (3, 2), "s": (), "b1": (2,), "W2": (2, 2, 2), "g": (1,)}


@pytest.mark.parametrize("K", [None, 3])
def test_views_of_the_groups_are_the_parameters_with_the_models_shapes(K):
    model = _Shapes()
    lead = () if K is None else (K,)
    rng = np.random.default_rng(0)
    params = {k: rng.standard_normal(lead + s) for k, s in model.shapes.items()}
    lay = layout.Layout(model, K)
    groups = lay.group(params)
    assert set(groups) == {"W", "b"}
    assert groups["W"].shape == lead + (14,) and groups["b"].shape == lead + (4,)
    views = lay.views(groups)
    assert list(views) == list(model.shapes)
    for k, v in views.items():
        assert v.shape == params[k].shape
        np.testing.assert_array_equal(v, params[k])
        assert np.shares_memory(v, groups[lay.slices[k][0]])
    copies = lay.ungroup(groups)
    for k, c in copies.items():
        np.testing.assert_array_equal(c, params[k])
        assert c.flags.c_contiguous and not np.shares_memory(c, groups[lay.slices[k][0]])


def test_groups_may_be_chosen_but_must_hold_every_parameter_once():
    model = _Shapes()
    params = {k: np.full((2,) + s, i, dtype=float) for i, (k, s) in enumerate(model.shapes.items())}
    lay = layout.Layout(model, 2, {"first": ("W1",), "rest": ("s", "b1", "W2", "g")})
    groups = lay.group(params)
    assert {k: v.shape for k, v in groups.items()} == {"first": (2, 6), "rest": (2, 12)}
    for k, v in lay.views(groups).items():
        np.testing.assert_array_equal(v, params[k])
    for members in ({"a": ("W1", "s", "b1", "W2")},                          # g missing
                    {"a": ("W1", "s", "b1", "W2", "g"), "b": ("g",)},        # g twice
                    {"a": ("W1", "s", "b1", "W2", "g", "x")}):               # not a parameter
        with pytest.raises(ValueError, match="members must hold every parameter key once"):
            layout.Layout(model, 2, members)


@pytest.mark.parametrize("K", [None, 2])
def test_one_group_holds_every_parameter_in_the_models_order(K):
    model = _Shapes()
    lead = () if K is None else (K,)
    params = {k: np.full(lead + s, i, dtype=float) for i, (k, s) in enumerate(model.shapes.items())}
    lay = layout.Layout(model, K, {layout.ALL: tuple(model.shapes)})
    groups = lay.group(params)
    assert list(groups) == [layout.ALL] and groups[layout.ALL].shape == lead + (18,)
    np.testing.assert_array_equal(groups[layout.ALL][..., :7], np.broadcast_to(
        [0, 0, 0, 0, 0, 0, 1], lead + (7,)))                                   # W1 (6), then s
    for k, v in lay.views(groups).items():
        np.testing.assert_array_equal(v, params[k])


def test_finite_per_model_looks_at_every_entry():
    # squares that overflow are not a divergence; an inf or a NaN anywhere is
    assert loop.finite_per_model({"a": np.array([1e200, -1e200]), "b": np.ones(2)}, None)
    assert loop.finite_per_model({"a": np.full((2, 2), 1e30, np.float32)}, None)
    for bad in (np.inf, -np.inf, np.nan):
        assert not loop.finite_per_model({"a": np.ones(3), "b": np.array([1e200, bad])}, None)
        assert not loop.finite_per_model({"a": np.array(bad)}, None)
    got = loop.finite_per_model({"a": np.array([[1e200, 1.0], [np.nan, 0.0]])}, 2)
    np.testing.assert_array_equal(got, [True, False])
