"""Gradient clipping, as ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_`` do it.

Pure functions on a gradient dict: a new dict is returned, the input is not changed::

    grads, norm = clipping.clip_by_global_norm(grads, max_norm=1.0)  # norm: before clipping
    grads = clipping.clip_by_value(grads, clip_value=0.5)

``grads`` is a non-empty dict ``{key: array}`` of gradients (NumPy arrays or scalars of ints or
floats), the parameters' keys and shapes. ``batched=True`` treats the leading axis of every
array as the model index (K models trained at once): one norm per model, shape (K,), and
``max_norm`` may be a length-K array.

Non-finite gradients: like PyTorch (``error_if_nonfinite=False``), nothing is hidden. A NaN
norm makes every clipped gradient NaN; an infinite norm scales finite entries to 0 and turns
infinite ones into NaN. Clipping cannot rescue a diverged run, and it does not pretend to:
the training loop sees the non-finite values and stops.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from wdlib import _checks
from wdlib._checks import per_model

Params = dict[str, np.ndarray]

_EPS = 1e-6  # PyTorch's clip_grad_norm_ divides by (norm + 1e-6)


def _check_grads(grads, batched: bool, why: str = "with batched=True") -> None:
    """A non-empty dict of gradients; ``batched``: all with one leading K axis (``why`` says
    what asked for it, in the message)."""
    if not isinstance(grads, Mapping) or not grads:
        raise ValueError(f"grads must be a non-empty dict of arrays, got {grads!r}")
    _checks.number_entries("grads", grads)
    if batched:
        lead = {k: np.shape(g)[0] if np.ndim(g) else None for k, g in grads.items()}
        if None in lead.values() or len(set(lead.values())) > 1:
            raise ValueError(f"{why} every gradient needs the same leading K axis, "
                             f"got leading sizes {lead}")


def global_norm(grads: Params, *, batched: bool = False):
    """‖g‖₂ of all gradients together, as if flattened into one vector.

    grads: see the module docstring. Returns a float; batched=True: one norm per model,
    reducing every axis but the first, shape (K,).
    """
    batched = _checks.flag("batched", batched)
    _check_grads(grads, batched)
    return _norm(grads, batched)


def _norm(grads, batched):
    with np.errstate(over="ignore", invalid="ignore"):
        if batched:
            sq = sum(np.sum(np.square(g), axis=tuple(range(1, np.ndim(g))))
                     for g in grads.values())                                      # (K,)
        else:
            sq = sum(np.sum(np.square(g)) for g in grads.values())                # ()
        return np.sqrt(sq)


def clip_by_global_norm(grads: Params, max_norm, *, batched: bool = False):
    """Scale all gradients by min(1, max_norm / (norm + 1e-6)) (== clip_grad_norm_).

    grads, batched: see the module docstring; max_norm: c > 0 (a K-array needs batched=True).
    Returns ``(clipped grads, norm before clipping)``, the norm of shape () or (K,). Where
    norm + 1e-6 <= max_norm the gradients are multiplied by exactly 1 (a norm less than 1e-6
    below max_norm is still shrunk, by a hair); above that the new norm is
    max_norm·norm/(norm + 1e-6), i.e. max_norm up to a relative 1e-6/norm. The direction never
    changes.

    Because of that 1e-6, the clipped norm sits just below max_norm and clipping a second time
    shrinks by a further factor ≈ 1 − 1e-6·(1 − max_norm/norm)/max_norm, exactly as torch does.
    """
    max_norm = _checks.positive("max_norm", max_norm)
    batched = _checks.flag("batched", batched)
    if np.ndim(max_norm) and not batched:
        raise ValueError(f"max_norm is a length-K array ({_checks._fmt(max_norm)}), "
                         "so pass batched=True (one norm per model)")
    _check_grads(grads, batched)
    norm = _norm(grads, batched)                                                   # (K,) or ()
    if batched and np.ndim(max_norm) and np.size(max_norm) != np.size(norm):
        raise ValueError(f"max_norm has length {np.size(max_norm)} but grads hold "
                         f"{np.size(norm)} models")
    return _scale_to_norm(grads, max_norm, norm), norm


def _scale_to_norm(grads: Params, max_norm, norm) -> Params:
    """``clip_by_global_norm``'s arithmetic on checked arguments (``norm``: ``_norm(grads)``);
    ``optim.clip_by_global_norm`` calls it each step, its arguments checked once."""
    with np.errstate(over="ignore", invalid="ignore"):
        coef = np.minimum(max_norm / (norm + _EPS), 1.0)  # NaN stays NaN, as torch.clamp
        return {k: _like(coef, g) * g for k, g in grads.items()}


def clip_by_value(grads: Params, clip_value) -> Params:
    """Clip every gradient entry into [−clip_value, clip_value] (== clip_grad_value_).

    This changes the direction of the gradient (unlike clipping by norm). grads: see the module
    docstring; clip_value > 0 may be a length-K array (one threshold per model, leading K
    axis)."""
    clip_value = _checks.positive("clip_value", clip_value)
    if np.ndim(clip_value):
        _check_grads(grads, batched=True,
                     why=f"with {np.size(clip_value)} clip_value values (one per model)")
        K = np.shape(next(iter(grads.values())))[0]
        if np.size(clip_value) != K:
            raise ValueError(f"clip_value has length {np.size(clip_value)} but grads hold "
                             f"{K} models")
    else:
        _check_grads(grads, batched=False)
    return _clip_values(grads, clip_value)


def _clip_values(grads: Params, clip_value) -> Params:
    """``clip_by_value``'s arithmetic on checked arguments; ``optim.clip_by_value`` calls it
    each step, its arguments checked once."""
    return {k: np.clip(g, -_like(clip_value, g), _like(clip_value, g)) for k, g in grads.items()}


def _like(h, g):
    """A scalar or (K,) factor shaped (``per_model``) to multiply g, in g's dtype when g is
    float32 (a float32 run stays float32)."""
    h = per_model(h, np.ndim(g))
    return np.asarray(h, dtype=g.dtype) if g.dtype == np.float32 else h
