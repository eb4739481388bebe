"""An MLP with a LayerNorm after every hidden linear layer: the weights it cannot see the scale of.

Hidden layer l computes::

    z  = a_{l-1} @ Wl                              no bias (it would break Wl's scale invariance)
    u  = (z − mean(z)) / √(var(z) + eps)           over the layer's units; biased variance
    a_l = act(gl · u + bl)                         gain gl (starts at 1) and shift bl (starts at 0)

and the output layer is linear, ``a_{L-1} @ WL + bL``. This is ``torch.nn.LayerNorm(h, eps)``
with ``elementwise_affine=True`` (its ``weight`` is ``gl``, its ``bias`` is ``bl``) after a
``torch.nn.Linear(.., h, bias=False)``.

Scale invariance. For c > 0, ``u(c·z) = u(z)`` up to the eps (exactly when eps = 0), so the
output does not change when a hidden weight matrix Wl is multiplied by c: ``L(c·Wl) = L(Wl)``.
Differentiating in c at c = 1 gives ``⟨∇_Wl L, Wl⟩ = 0`` (the gradient is orthogonal to Wl),
and differentiating ``L(c·W) = L(W)`` in W gives ``∇L(c·W) = ∇L(W) / c``. The output layer
``WL`` is an ordinary weight, and so are the gains, the shifts and ``bL``: scaling a nonzero one
changes the output in general. LayerNorm removes a shift common to all units but not a per-unit
bias, so with a bias in the linear layer only the pair (Wl, bias) would be scale-invariant, not
Wl alone. ``scale_invariant_keys`` names the hidden weights.

Parameters: ``W1, g1, b1, W2, g2, b2, ..., WL, bL``; ``weight_keys`` are the W's (decayed by
default); gains and shifts are not weights (``is_weight``). K models at once: a leading K axis on
every parameter, as for ``MLP``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from wdlib import _checks, losses
from wdlib.models.base import (
    Model,
    check_output_grad,
    check_params,
    check_X,
    draw_params,
    in_blocks,
    loss_pair,
    own_targets,
    sample_ones,
    swap_last,
)
from wdlib.models.mlp import (
    ACTIVATIONS,
    _activate,
    _activation_grad,
    _through_weights,
    models_per_block,
)


@lru_cache(maxsize=32)
def _mean_weights(h: int, dtype) -> np.ndarray:
    """The vector (1/h, ..., 1/h): ``x @ it`` is the mean over the last axis in one BLAS call
    (a reduction ufunc costs ~3x as much on a lesson-sized array). Read-only, shared."""
    w = np.full(h, 1.0 / h, dtype=dtype)
    w.flags.writeable = False
    return w


def _mean_last(x: np.ndarray) -> np.ndarray:
    """Mean over the last axis, kept as a length-1 axis: ``(..., h) -> (..., 1)``."""
    return (x @ _mean_weights(x.shape[-1], x.dtype))[..., None]


def _normalize(z: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """``layer_norm`` computed in place of ``z`` (a fresh array the caller owns)."""
    z -= _mean_last(z)                                    # centred
    var = _mean_last(np.square(z))                        # biased variance, (..., 1)
    var += eps
    inv_sigma = np.reciprocal(np.sqrt(var, out=var), out=var)
    z *= inv_sigma
    return z, inv_sigma


def layer_norm(z: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """``(u, 1/σ)``: z normalized over its last axis (biased variance, ``σ = √(var + eps)``)."""
    return _normalize(np.array(z, dtype=np.result_type(z, np.float32)), eps)


def layer_norm_backward(du: np.ndarray, u: np.ndarray, inv_sigma: np.ndarray) -> np.ndarray:
    """dL/dz from dL/du for u = layer_norm(z): ``(du − mean(du) − u·mean(du·u)) / σ``.

    du, u: (..., h); inv_sigma: 1/σ, (..., 1), as ``layer_norm`` returns it. Returns (..., h),
    computed in the dtype of the three together (``np.result_type``: float64 if any is)."""
    out = np.array(np.broadcast_to(du, np.broadcast_shapes(np.shape(du), np.shape(u))),
                   dtype=np.result_type(du, u, inv_sigma))
    return _layer_norm_backward_into(out, u, inv_sigma, np.empty_like(out))


def _layer_norm_backward_into(du: np.ndarray, u: np.ndarray, inv_sigma: np.ndarray,
                              tmp: np.ndarray) -> np.ndarray:
    """``layer_norm_backward`` computed in place of ``du`` (a fresh array the caller owns, of
    the result's shape and dtype) with ``tmp`` (the same) as scratch (NormMLP's backward pass
    calls it directly: no temporaries)."""
    mean_du = _mean_last(du)
    mean_duu = _mean_last(np.multiply(du, u, out=tmp))
    du -= mean_du
    du -= np.multiply(u, mean_duu, out=tmp)
    du *= inv_sigma
    return du


@dataclass(frozen=True)
class NormMLP(Model):
    """MLP with LayerNorm after each hidden linear layer (see the module docstring).

    ``sizes = (n_in, h1, ..., n_out)`` with at least one hidden layer; ``eps`` is LayerNorm's
    (PyTorch's default 1e-5; 0 makes the hidden weights exactly scale-invariant); activation:
    the hidden units', one of ``ACTIVATIONS`` (as ``MLP``). The methods' arguments: see
    ``Model``'s class docstring."""

    sizes: tuple = (2, 32, 1)
    activation: str = "tanh"
    eps: float = 1e-5

    def __post_init__(self):
        try:
            sizes = tuple(self.sizes)
        except TypeError:
            raise ValueError(f"sizes must be a sequence of layer widths, "
                             f"got {self.sizes!r}") from None
        if len(sizes) < 3:
            raise ValueError(f"sizes must have at least 3 entries (n_in, hidden, n_out), "
                             f"got {sizes}")
        sizes = tuple(_checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes))
        if min(sizes[1:-1]) < 2:
            raise ValueError(f"hidden widths must be >= 2 (LayerNorm of one unit is 0), "
                             f"got sizes={sizes}")
        object.__setattr__(self, "sizes", sizes)
        _checks.choice("activation", self.activation, ACTIVATIONS)
        if isinstance(self.eps, bool) or not isinstance(self.eps, (int, float)) \
                or not 0 <= self.eps < np.inf:
            raise ValueError(f"eps must be a finite number >= 0, got {self.eps!r}")
        object.__setattr__(self, "eps", float(self.eps))

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        """W1, g1, b1, ..., W{L-1}, g{L-1}, b{L-1} (hidden), then WL, bL (output)."""
        out = {}
        L = self.n_layers
        for l, (fi, fo) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            out[f"W{l}"] = (fi, fo)
            if l < L:
                out[f"g{l}"] = (fo,)
            out[f"b{l}"] = (fo,)
        return out

    @cached_property
    def weight_keys(self) -> tuple[str, ...]:
        return tuple(f"W{l}" for l in range(1, self.n_layers + 1))

    @cached_property
    def scale_invariant_keys(self) -> tuple[str, ...]:
        """The hidden weights (followed by a LayerNorm): ``L(c·W) = L(W)`` for c > 0."""
        return self.weight_keys[:-1]

    def init(self, seed=0, K=None, init="xavier", scale=1.0, dtype="float64"
             ) -> dict[str, np.ndarray]:
        """As ``Model.init`` (seed, K, init, scale, dtype), with every LayerNorm gain at 1
        (shifts and biases at 0)."""
        params = draw_params(self.shapes, self.weight_keys, seed, K, init, scale, dtype)
        for l in range(1, self.n_layers):
            params[f"g{l}"] += 1                      # 1 is exact in float32 and float64
        return params

    @cached_property
    def _keys(self) -> tuple:
        """(W, g, b) keys per hidden layer, then (W, b) of the output layer."""
        L = self.n_layers
        return tuple((f"W{l}", f"g{l}", f"b{l}") for l in range(1, L)), (f"W{L}", f"b{L}")

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output ``(n, out)`` or ``(K, n, out)`` (params, X, check: see ``Model``'s class
        docstring); the cache holds per hidden layer the input ``a``, the normalized ``u``,
        ``1/σ``, the pre-activation ``s = g·u + b`` and the activation."""
        return self._forward(params, X, _checks.flag("check", check), keep_pre=True)

    def forward(self, params, X, *, check=True) -> np.ndarray:
        """Model output ``(n, out)`` or ``(K, n, out)`` (no pre-activations kept; K models in
        blocks, as ``loss_and_grad``). params, X, check: see ``Model``'s class docstring."""
        if _checks.flag("check", check):
            X = self._checked(params, X)
        return self._in_blocks(lambda p: self._forward(p, X, False, keep_pre=False)[0],
                               params, X)

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        """``(value, grads)`` of ``loss(forward(params, X), y)`` (params, X, y, loss, check:
        see ``Model``'s class docstring): the same
        numbers as ``forward_cache`` + ``backward``, without keeping the pre-activations (each
        activation is computed in place of its ``s``)."""
        loss = losses.get(loss)
        if _checks.flag("check", check):
            X = self._checked(params, X)

        def step(p, y=y):                         # y: this block's, for per-model targets
            yhat, cache = self._forward(p, X, False, keep_pre=False)
            value, dyhat = loss_pair(loss, yhat, y)
            return value, self._backward(p, cache, check_output_grad(dyhat, yhat.shape,
                                                                     yhat.dtype))
        return self._in_blocks(step, params, X, y)

    def _checked(self, params, X) -> np.ndarray:
        check_params(params, self.shapes)
        return check_X(X, self.sizes[0], 2, "(n, n_in)", dtype=params["W1"].dtype)

    def _in_blocks(self, step, params, X, y=None):
        """``step(params)`` for one model, or K models in blocks whose activations fit the
        cache (``models_per_block``; a LayerNorm keeps ~3 arrays a layer, so 3x the width);
        per-model targets y ``(K, n, out)`` are cut into the same blocks."""
        W1 = params["W1"]
        K = W1.shape[0] if W1.ndim == 3 else None
        return in_blocks(step, params, K,
                         models_per_block(np.shape(X)[0], 3 * max(self.sizes), W1.itemsize),
                         own_targets(y, K))

    def _forward(self, params, X, check: bool, keep_pre: bool) -> tuple[np.ndarray, dict]:
        if check:
            X = self._checked(params, X)
        hidden, (WL, bL) = self._keys
        a, layers = X, []
        for W, g, b in hidden:
            u, inv_sigma = _normalize(a @ params[W], self.eps)
            s = u * params[g][..., None, :]
            s += params[b][..., None, :]
            layer = {"a_in": a, "u": u, "inv_sigma": inv_sigma, "s": s if keep_pre else None}
            a = layer["a"] = _activate(self.activation, s, out=None if keep_pre else s)
            layers.append(layer)
        out = a @ params[WL]
        out += params[bL][..., None, :]
        return out, {"layers": layers, "a_last": a, "out": out}

    def backward(self, params, cache, dyhat) -> dict[str, np.ndarray]:
        """Gradients of a loss w.r.t. every parameter, given ``dyhat`` = d loss / d output
        (params, cache: see ``Model``'s class docstring)."""
        out = cache["out"]
        return self._backward(params, cache, check_output_grad(dyhat, out.shape, out.dtype))

    def _backward(self, params, cache, dz) -> dict[str, np.ndarray]:
        hidden, (WL, bL) = self._keys
        ones = sample_ones(dz.shape[-2], dz.dtype)
        grads = {WL: swap_last(cache["a_last"]) @ dz, bL: ones @ dz}
        da = _through_weights(dz, params[WL])
        for l in range(len(hidden) - 1, -1, -1):
            (W, g, b), c = hidden[l], cache["layers"][l]
            u = c["u"]
            # da is this pass's own array, of u's shape and at least u's precision (the forward
            # pass promotes, so a layer after a float64 one is float64): ds, ds·g and LayerNorm's
            # backward are computed in it, in da's dtype, tmp the scratch
            tmp = np.empty_like(da)
            ds = _activation_grad(self.activation, da, c["a"], tmp)
            grads[g] = ones @ np.multiply(ds, u, out=tmp)
            grads[b] = ones @ ds
            dz = _layer_norm_backward_into(np.multiply(ds, params[g][..., None, :], out=ds),
                                           u, c["inv_sigma"], tmp)
            grads[W] = swap_last(c["a_in"]) @ dz
            if l:
                da = _through_weights(dz, params[W])
        return {k: grads[k] for k in self.shapes}

    def layer_activations(self, cache) -> tuple[list[str], list, list]:
        """Per layer (hidden "h1", ..., then "out"): names, activations, pre-activations
        (for a hidden layer, the pre-activation is ``s = g·u + b``, after the LayerNorm), from
        ``forward_cache``'s cache."""
        hidden = cache["layers"]
        names = [f"h{l}" for l in range(1, len(hidden) + 1)] + ["out"]
        return (names, [c["a"] for c in hidden] + [cache["out"]],
                [c["s"] for c in hidden] + [cache["out"]])
