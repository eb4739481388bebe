"""Multi-layer perceptron of any depth, with tanh / ReLU / sigmoid / linear hidden units."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from wdlib import _checks, losses
from wdlib.models.base import Model, check_params, check_X, swap_last

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return losses.sigmoid(z)
    return z


def _activation_grad(name: str, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz from dL/da for a = act(z). Overwrites ``da`` (a fresh array owned by backward)."""
    if name == "tanh":                   # da * (1 - a²)
        t = da * a
        t *= a
        da -= t
    elif name == "relu":                 # da * [z > 0]
        np.multiply(da, z > 0, out=da)
    elif name == "sigmoid":              # da * a (1 - a)
        t = 1.0 - a
        t *= a
        da *= t
    return da





@dataclass(frozen=True)
class MLP(Model):
    """Multi-layer perceptron: ``sizes = (n_in, h1, ..., n_out)``, hidden activation ``activation``,
    linear output layer. Layer l computes ``a_l = act(a_{l-1} @ Wl + bl)``."""

    sizes: tuple = (2, 32, 32, 1)
    activation: str = "tanh"

    def __post_init__(self):
        try:
            sizes = tuple(self.sizes)
        except TypeError:
            raise ValueError(f"sizes must be a sequence of layer widths, "
                             f"got {self.sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes must have at least 2 entries (n_in, n_out), got {sizes}")
        sizes = tuple(_checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes))
        object.__setattr__(self, "sizes", sizes)
        _checks.choice("activation", self.activation, ACTIVATIONS)

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        """Parameter shapes of one model, in draw order: W1, b1, W2, b2, ..."""
        out = {}
        for l, (fi, fo) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            out[f"W{l}"], out[f"b{l}"] = (fi, fo), (fo,)
        return out

    @cached_property
    def weight_keys(self) -> tuple[str, ...]:
        return tuple(f"W{l}" for l in range(1, self.n_layers + 1))

    @cached_property
    def _layers(self) -> tuple:
        """(W key, b key, activation) per layer; the output layer is linear."""
        L = self.n_layers
        return tuple((f"W{l}", f"b{l}", self.activation if l < L else "linear")
                     for l in range(1, L + 1))

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output ``(n, out)`` or ``(K, n, out)``, and the cache backward needs:
        ``cache["a"] = [X, a1, ..., aL]`` (activations, aL = output) and
        ``cache["z"] = [z1, ..., zL]`` (pre-activations; zL = aL)."""
        if check:        # ``check=False``: the caller (``train.fit``) validated them already
            check_params(params, self.shapes)
            X = check_X(X, self.sizes[0], 2, "(n, n_in)")
        a = X
        acts, pre = [a], []
        for W, b, act in self._layers:
            z = a @ params[W]                                 # (K, n, h)
            z += params[b][..., None, :]
            a = _activate(act, z)
            pre.append(z)
            acts.append(a)
        return a, {"a": acts, "z": pre}

    def backward(self, params, cache, dyhat) -> dict[str, np.ndarray]:
        """Gradients of a loss w.r.t. every parameter, given ``dyhat`` = d loss / d output."""
        acts, pre = cache["a"], cache["z"]
        dz = np.asarray(dyhat, dtype=np.float64)              # (K, n, out)
        if dz.shape != acts[-1].shape:
            raise ValueError(f"dyhat must have the output's shape {acts[-1].shape}, "
                             f"got {dz.shape}")
        ones = np.ones(dz.shape[-2])
        grads = {}
        for l in range(self.n_layers, 0, -1):
            W, b, _ = self._layers[l - 1]
            grads[W] = swap_last(acts[l - 1]) @ dz                   # (K, fan_in, fan_out)
            grads[b] = ones @ dz                              # (K, fan_out): sum over samples
            if l > 1:
                da = dz @ swap_last(params[W])                       # (K, n, fan_in)
                dz = _activation_grad(self.activation, da, pre[l - 2], acts[l - 1])
        return {k: grads[k] for k in self.shapes}

    def layer_activations(self, cache) -> tuple[list[str], list, list]:
        """Per layer (hidden layers "h1", ..., then "out"): names, activations, pre-activations."""
        acts, pre = cache["a"][1:], cache["z"]
        return [f"h{l}" for l in range(1, len(acts))] + ["out"], acts, pre


def linear(d_in: int, d_out: int = 1) -> MLP:
    """A linear model ``X @ W1 + b1`` (an MLP without hidden layers)."""
    return MLP((d_in, d_out), activation="linear")


