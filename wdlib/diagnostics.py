"""Diagnostics: is the gradient right, and is the network healthy?

* ``grad_check``: compare an analytic gradient with central finite differences.
* ``layer_stats``: per layer, the mean and spread of the activations and the size of the
  gradient: saturating tanh units, dead ReLUs, vanishing or exploding gradients show up here.
* ``update_ratio``: ``‖Δp‖ / ‖p‖`` per parameter; about 1e-3 per step is a healthy rule of thumb.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import _checks, losses
from wdlib.models.base import Model


def _rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a - b‖ / (‖a‖ + ‖b‖), and 0 when both are 0."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_grad(f: Callable, params: Mapping, eps: float = 1e-6) -> dict[str, np.ndarray]:
    """Central differences ``(f(p + eps·e_i) - f(p - eps·e_i)) / (2 eps)`` for every entry.

    ``f(params)`` returns ``(value, grads)`` (grads are ignored here); a (K,) value is summed,
    which is right for K independent models. ``params`` is not modified.
    """
    eps = _checks.one_number(_checks.positive, "eps", eps)
    work = {k: np.array(v, dtype=np.float64) for k, v in params.items()}   # private copies
    num = {}
    for k, w in work.items():
        g = np.empty_like(w)
        flat, gflat = w.reshape(-1), g.reshape(-1)     # views into work[k] and g
        for i in range(flat.size):                     # one entry at a time: correctness first
            old = flat[i]
            flat[i] = old + eps
            up = np.sum(f(work)[0])
            flat[i] = old - eps
            down = np.sum(f(work)[0])
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        num[k] = g
    return num


def grad_check(f: Callable, params: Mapping, eps: float = 1e-6) -> float:
    """Largest relative error ``‖g_num - g‖ / (‖g_num‖ + ‖g‖)`` over the parameter keys,
    where ``g`` is the gradient ``f(params)`` returns and ``g_num`` the finite-difference one.

    f: ``params -> (value, grads)``, value () or (K,) (summed); params: a non-empty dict of
    arrays; eps: the finite-difference step (> 0). Below 1e-6 in float64 means the gradient is
    right; near 1 means it is wrong. Avoid kinks
    (ReLU at 0, |w| at 0), where the derivative does not exist.
    """
    if not callable(f):
        raise ValueError(f"f must be a function params -> (value, grads), got {f!r}")
    if not isinstance(params, Mapping) or not params:
        raise ValueError(f"params must be a non-empty dict of arrays, got {type(params).__name__}")
    _checks.one_number(_checks.positive, "eps", eps)
    value, grads = _checks.value_and_grads("f", f(params), "value")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"f(params) must be finite to check its gradient, got {value}")
    _checks.same_keys("params", params, "grads", grads)
    num = numerical_grad(f, params, eps)
    return max(_rel_error(num[k], np.asarray(grads[k])) for k in params)


def _norm(a: np.ndarray, batched: bool) -> np.ndarray:
    """Euclidean norm over every axis, or over every axis but the first (K,) when batched."""
    a = np.asarray(a, dtype=np.float64)
    if batched:
        a = a.reshape(a.shape[0], -1)                   # (K, everything else)
        return np.sqrt(np.einsum("ki,ki->k", a, a))
    return np.sqrt(np.vdot(a, a))


def update_ratio(params: Mapping, updates: Mapping, *, batched: bool = False) -> dict:
    """``‖update‖ / ‖param‖`` for every key (shape () or (K,)); NaN where the parameter is 0
    (e.g. biases at initialization), where the ratio is undefined.

    params, updates: dicts of arrays with the same keys (updates: ``optimizer.update``'s);
    batched: a leading K axis on every array, one ratio per model."""
    _checks.same_keys("params", params, "updates", updates)
    batched = _checks.flag("batched", batched)
    out = {}
    for k in params:
        num, den = _norm(updates[k], batched), _norm(params[k], batched)
        out[k] = np.divide(num, den, out=np.full(np.shape(num), np.nan), where=den > 0)
    return out


def _stats(arrays, batched: bool) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of each array, stacked on the last axis: (L,) or (K, L)."""
    axes = lambda a: tuple(range(1, a.ndim)) if batched else None
    means = np.stack([np.mean(a, axis=axes(a)) for a in arrays], axis=-1)
    stds = np.stack([np.std(a, axis=axes(a)) for a in arrays], axis=-1)
    return means, stds


def layer_stats(model, params: Mapping, X, y=None, loss="mse") -> dict:
    """Per-layer health of a model on inputs ``X`` (and targets ``y`` for gradient norms).

    model: a ``models.Model``; params: its parameters (K models: a leading K axis); X: the
    model's inputs ((n, d), RNN (n, T, d)); loss: a name or function of ``losses`` (for the
    gradients only).

    Returns a dict of arrays (names: lists); the last axis runs over layers, a leading K axis is
    added for K models:

    * ``"layers"``: layer names (MLP: "h1", ..., "out"; RNN: "h1", ..., "hT" per time step, "out")
    * ``"act_mean"``, ``"act_std"``: activations of each layer
    * ``"preact_std"``: pre-activations (before tanh/ReLU; large means saturated tanh)
    * ``"frac_zero"``: fraction of exact zeros (dead ReLU units)
    * ``"weights"``: weight names ("W1", ... or "Wx", "Wh", "Wy") and ``"weight_norm"``
    * ``"grad_norm"``: ‖dL/dW‖ per weight (only with ``y``)
    * RNN with ``y``: ``"time_grad_norm"``, ‖dL/dh_t‖ for t = 1..T (vanishing / exploding)
    """
    if not isinstance(model, Model):
        raise ValueError(f"model must be a wdlib model (models.MLP, NormMLP, RNN), got {model!r}")
    yhat, cache = model.forward_cache(params, X)
    batched = yhat.ndim == 3
    names, acts, pre = model.layer_activations(cache)
    act_mean, act_std = _stats(acts, batched)
    _, preact_std = _stats(pre, batched)
    frac_zero = np.stack([np.mean(a == 0, axis=tuple(range(1, a.ndim)) if batched else None)
                          for a in acts], axis=-1)
    weights = list(model.weight_keys)
    out = {"layers": names, "act_mean": act_mean, "act_std": act_std, "preact_std": preact_std,
           "frac_zero": frac_zero, "weights": weights,
           "weight_norm": np.stack([_norm(params[k], batched) for k in weights], axis=-1)}
    if y is not None:
        _, dyhat = losses.get(loss)(yhat, y)
        if model.recurrent:
            grads, out["time_grad_norm"] = model.backward(params, cache, dyhat,
                                                          return_time_grads=True)
        else:
            grads = model.backward(params, cache, dyhat)
        out["grad_norm"] = np.stack([_norm(grads[k], batched) for k in weights], axis=-1)
    return out
