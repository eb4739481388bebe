"""Parameter groups: a model's parameters as a few flat vectors (by default two: the weights and
the rest).

``fit`` trains on ``{"W": every weight matrix, flattened and concatenated, "b": every other
parameter}`` instead of one array per layer, so each gradient transform (penalty, clipping, the
optimizer's decay, momentum, Adam...) does one vector operation per group instead of one per
layer: for a small model that per-call overhead is most of a step. The model still sees its own
dict: ``views`` cuts the groups into arrays of the model's shapes without copying::

    layout = Layout(model, K)                 # K models: each group has shape (K, size)
    groups = layout.group(params)             # {"W": (K, n_weights), "b": (K, n_other)}
    model.loss_and_grad(layout.views(groups), X, y)   # the model's keys, views of the groups
    params = layout.ungroup(groups)           # independent arrays again

When nothing acts on the weights alone (no weight decay, no penalty) and the gradient norm is
not recorded, ``fit`` puts every parameter in one group, ``{"all": ...}``
(``Layout(model, K, {ALL: tuple(model.shapes)})``): one vector operation per transform.

Every transform ``fit`` builds acts element by element, or on the weights as a whole (the
penalty on ``weight_keys`` is the penalty on group "W"), so a grouped run does the same
arithmetic on every number as the per-layer run. Sums over several layers (a penalty's value, a
global gradient norm) add the same terms in another order: they may differ in the last bits.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

WEIGHTS, OTHER = "W", "b"
ALL = "all"         # the one group of a run in which nothing treats the weights apart


class Layout:
    """Where each parameter of ``model`` sits in the groups. ``K``: None or the number of
    models. ``members``: ``{group name: parameter keys}``, every key of the model in exactly one
    group; by default ``{"W": weight_keys, "b": every other key}`` (in ``shapes`` order)."""

    def __init__(self, model, K: int | None, members: Mapping[str, tuple] | None = None):
        if members is None:
            weights = tuple(model.weight_keys)
            members = {WEIGHTS: weights, OTHER: tuple(k for k in model.shapes if k not in weights)}
        keys = [k for group in members.values() for k in group]
        if sorted(keys) != sorted(model.shapes):
            raise ValueError(f"members must hold every parameter key once, {sorted(model.shapes)}"
                             f", got {dict(members)}")
        self.K, self.shapes = K, dict(model.shapes)
        lead = () if K is None else (K,)
        self.slices = {}                # param key -> (group, slice of the group, full shape)
        for group, keys in members.items():
            start = 0
            for k in keys:
                size = int(np.prod(self.shapes[k]))
                self.slices[k] = (group, slice(start, start + size), lead + self.shapes[k])
                start += size
        self.slices = {k: self.slices[k] for k in self.shapes}      # the model's key order
        self.members = {g: keys for g, keys in members.items() if keys}
        cut = (lambda s: s) if K is None else (lambda s: (slice(None), s))
        self._cuts = tuple((k, g, cut(s), shape if len(shape) != len(lead) + 1 else None)
                           for k, (g, s, shape) in self.slices.items())   # None: no reshape

    def group(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The groups of ``params`` (or a gradient dict) with the model's keys: new arrays,
        ``{group: (size,) or (K, size)}``."""
        out = {}
        if self.K is None:                      # each flattened (in C order), then joined
            for g, keys in self.members.items():
                out[g] = np.concatenate([params[k] for k in keys], axis=None)
            return out
        return {g: np.concatenate([params[k].reshape(self.K, -1) for k in keys], axis=-1)
                for g, keys in self.members.items()}

    def views(self, groups: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The model's parameter dict as views of ``groups`` (no copy; in ``shapes`` order)."""
        flat = {g: groups[g] for g in self.members}   # each group read once (a monitor's
        out = {}                                      # ``loop.ReadOnly`` makes a view a read)
        for k, g, cut, shape in self._cuts:
            v = flat[g][cut]
            out[k] = v if shape is None else v.reshape(shape)
        return out

    def ungroup(self, groups: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The model's parameter dict as independent contiguous arrays (copies of ``groups``)."""
        return {k: v.copy() for k, v in self.views(groups).items()}


class Ungrouped:
    """The layout of a run that keeps one array per parameter: every method returns its input."""

    @staticmethod
    def group(params):
        """params: a dict of arrays, returned as it is (also as ``views`` and ``ungroup``)."""
        return params

    views = ungroup = group
