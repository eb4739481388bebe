"""Loss functions ``f(yhat, y) -> (value, grad)``.

* ``yhat`` has shape ``(n, out)`` for one model or ``(K, n, out)`` for K models;
  ``y`` has shape ``(n, out)`` (or ``(n,)`` when out = 1), shared by all K models, or (``mse``,
  ``bce``) ``(K, n, out)``, one set of targets per model (each model fits its own data draw).
* ``value`` is a mean over the samples: shape ``()`` or ``(K,)``.
* ``grad`` is d value / d yhat, with the shape of ``yhat``.

Classification losses take **logits** (raw scores, before the sigmoid / softmax) and are computed
in a form that never overflows, e.g. ``log(1 + exp(z))`` as ``logaddexp(0, z)``.

Conventions (state them when comparing with a framework): ``mse`` is ``1/2 mean((yhat - y)²)``
over every entry (PyTorch's ``MSELoss`` and Keras' ``"mse"`` have no 1/2); ``bce`` is a mean
over every entry (= ``BCEWithLogitsLoss``); ``softmax_ce`` is a mean over samples
(= ``CrossEntropyLoss``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import _checks

Loss = Callable[[np.ndarray, np.ndarray], tuple]


def _prepare(yhat, y, name: str, pred: str = "yhat") -> tuple[np.ndarray, np.ndarray]:
    """yhat as float (float32 stays float32, else float64) with >= 2 axes; y (n,) or (n, out)
    -> (n, out) matching yhat, or (K, n, out) = yhat's shape (K models, each its own targets),
    in yhat's dtype. ``pred``: the caller's name for yhat, in messages (``logits``)."""
    yhat = as_float(yhat, pred)
    if yhat.ndim not in (2, 3):
        raise ValueError(f"{pred} must have shape (n, out) or (K, n, out), got {yhat.shape}")
    if not (isinstance(y, np.ndarray) and y.dtype == yhat.dtype and y.ndim in (1, 2)
            and np.isfinite(y).all()):                  # fast path for the usual case
        y = _checks.finite_array("y", y, ndim=(1, 2, 3)).astype(yhat.dtype, copy=False)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape != yhat.shape[-2:] and not (y.ndim == 3 and y.shape == yhat.shape):
        per_model = f" (shared) or {yhat.shape} (one per model)" if yhat.ndim == 3 else ""
        raise ValueError(f"y must have shape {yhat.shape[-2:]}{per_model} to match {pred} "
                         f"{yhat.shape} for {name}, got {y.shape}")
    if y.size == 0:                          # the mean over no entry is 0/0
        raise ValueError(f"{name} needs at least one entry, got {pred} of shape {yhat.shape}")
    return yhat, y


def _total(a: np.ndarray) -> np.ndarray:
    """Sum over the last two axes (n, out): a float, or (K,) for K models. (``np.add.reduce``
    is what ``a.sum()`` runs, without its Python layer: the same sum.)"""
    if a.ndim == 2:
        return np.add.reduce(a, axis=None)
    return np.add.reduce(a.reshape(a.shape[0], -1), axis=1)


def mse(yhat, y) -> tuple:
    """Half mean squared error ``1/2 mean((yhat - y)²)``; gradient ``(yhat - y) / (n·out)``."""
    return _mse(*_prepare(yhat, y, "mse"))


def _mse(yhat, y) -> tuple:
    diff = yhat - y                                  # (K, n, out)
    m = float(diff.shape[-2] * diff.shape[-1])       # (a float divides faster: see BCE)
    return _mse_value(diff, m), diff / m


def _mse_value(diff, m: int):
    return 0.5 * _total(diff * diff) / m


def as_float(a, name: str = "the array") -> np.ndarray:
    """``a`` as an array of its own float dtype (float32 stays float32), other numbers (ints,
    bools, lists of numbers) float64; anything else (None, strings, objects, complex) is a
    ValueError naming ``name``."""
    a = np.asarray(a)
    if a.dtype in (np.float64, np.float32):
        return a
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of real numbers, got {_checks._fmt(a)} "
                         f"(dtype {a.dtype})")
    return a.astype(np.float64)


#: -1, 0 and 1 as 0-d arrays of each float dtype, for the operands of the losses' ufunc calls:
#: NumPy takes a Python number through its "weak scalar" promotion, ~0.15 µs more a call on a
#: small array (~0.3 µs for an int in a comparison; ~0.8 µs of a 60-point BCE step in all); a
#: 0-d array of the other operand's own dtype gives the same result (the constant in that
#: dtype, then the same operation).
_CONSTANTS = {np.dtype(t): tuple(np.array(c, dtype=t) for c in (-1.0, 0.0, 1.0))
              for t in (np.float64, np.float32)}


def _constants(dtype) -> tuple:
    """(-1, 0, 1) for arrays of ``dtype`` (Python floats for another dtype)."""
    return _CONSTANTS.get(dtype, (-1.0, 0.0, 1.0))


def _exp_neg_abs(z: np.ndarray) -> np.ndarray:
    """e^(−|z|), in (0, 1]: never overflows. −|z| is taken in one operation, z with its sign
    set negative (``np.copysign(z, -1.0)``: bit for bit ``-np.abs(z)``, NaN and ±0 included,
    one array pass fewer)."""
    return np.exp(np.copysign(z, _constants(z.dtype)[0]))


def sigmoid(z, out: np.ndarray | None = None) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow: exp is only taken of -|z|. Keeps z's float dtype;
    ``out`` may be z itself (computed in place)."""
    z = as_float(z, "z")
    e = _exp_neg_abs(z)
    return np.divide(np.where(z >= 0, 1.0, e).astype(z.dtype, copy=False), 1.0 + e, out=out)


def binary_cross_entropy(logits, y) -> tuple:
    """Binary cross-entropy from logits z, targets y in {0, 1} (or in [0, 1]).

    Per entry ``log(1 + e^z) - y·z`` (= ``-y log σ(z) - (1-y) log(1-σ(z))``), averaged over
    every entry; gradient ``(σ(z) - y) / (n·out)``. Exact and finite for any finite z.
    """
    z, y = _prepare(logits, y, "binary_cross_entropy", "logits")
    if y.min() < 0 or y.max() > 1:
        raise ValueError(f"y must be in [0, 1] for binary_cross_entropy, got values in "
                         f"[{y.min():g}, {y.max():g}]")
    return _binary_cross_entropy(z, y)


def _binary_cross_entropy(z, y) -> tuple:
    m = float(z.shape[-2] * z.shape[-1])   # (dividing by a float is faster than by an int: the
    #                                        same value, hence the same bits, in either dtype)
    e = _exp_neg_abs(z)                               # in (0, 1]: never overflows
    value = _bce_value(z, y, e, m)
    _, zero, one = _constants(z.dtype)
    grad = np.maximum(e, z >= zero)                   # 1 where z >= 0 (e <= 1), else e,
    grad /= one + e                                   # over 1 + e: σ(z), from the same e
    grad -= y
    grad /= m
    return value, grad


def _bce_value(z, y, e, m: float):
    per_entry = np.maximum(z, _constants(z.dtype)[1])    # log(1 + e^z) - y·z as
    per_entry -= y * z                                # (max(z, 0) - y·z) + log1p(e),
    per_entry += np.log1p(e)                          # in one array
    return _total(per_entry) / m


def _targets(y, n: int, C: int) -> np.ndarray:
    """Class targets as an (n, C) matrix: int labels (n,) or (n, 1) are one-hot encoded."""
    y = _checks.finite_array("y", y, ndim=(1, 2))
    if y.ndim == 2 and y.shape == (n, C) and C > 1:   # one-hot or soft targets (class weights)
        if np.any(y < 0):
            raise ValueError(f"y of shape ({n}, {C}) must hold class probabilities or weights "
                             f"(one-hot or soft targets: entries >= 0), got entries in "
                             f"[{y.min():g}, {y.max():g}]")
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must be int labels of shape ({n},) or one-hot of shape ({n}, {C}), "
                         f"got {y.shape}")
    if np.any((y != np.round(y)) | (y < 0) | (y >= C)):
        raise ValueError(f"y labels must be integers in [0, {C - 1}], got values in "
                         f"[{y.min():g}, {y.max():g}]")
    return (y[:, None] == np.arange(C)).astype(np.float64)


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """log(softmax(z)), computed as z - max - log(sum(exp(z - max))): finite for finite z.

    z: logits of any shape; axis: the class axis. Returns an array of z's shape.
    """
    z = as_float(z, "z")
    if z.size == 0:                     # (NumPy: "zero-size array to reduction operation")
        raise ValueError(f"z must have at least one entry, got shape {z.shape}")
    return _log_softmax(z, axis)


def _log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log_softmax``'s arithmetic on a checked float array (softmax_cross_entropy's logits)."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_cross_entropy(logits, y) -> tuple:
    """Softmax cross-entropy from logits (.., n, C); y int labels (n,), or one-hot or soft
    targets (n, C) with entries >= 0 (a row need not sum to 1: the same value and gradient as
    PyTorch's ``cross_entropy`` with class-probability targets, which it does not check).

    Value ``-mean_i sum_c y_ic log softmax(z_i)_c``; gradient its exact derivative,
    ``(softmax(z_i) · sum_c y_ic - y_i) / n`` (``(softmax(z) - y) / n`` where rows sum to 1).
    """
    z = as_float(logits, "logits")
    if z.ndim not in (2, 3) or z.shape[-1] < 2:
        raise ValueError(f"logits must have shape (n, C) or (K, n, C) with C >= 2 classes, "
                         f"got {z.shape}")
    n, C = z.shape[-2:]
    if n == 0:                               # the mean over no sample is 0/0
        raise ValueError(f"softmax_cross_entropy needs at least one sample, got logits of "
                         f"shape {z.shape}")
    Y = _targets(y, n, C).astype(z.dtype, copy=False)   # (n, C)
    logp = _log_softmax(z)                            # (K, n, C)
    value = -np.einsum("...ij,ij->...", logp, Y) / n
    p = np.exp(logp)
    if np.shape(y) == (n, C):                         # soft targets: a row may not sum to 1
        p *= Y.sum(axis=1, keepdims=True)             # (labels' one-hot rows do, exactly)
    return value, (p - Y) / n


def accuracy(logits, y) -> float | np.ndarray:
    """Fraction of correct predictions: shape () or (K,).

    logits: (n, C) or (K, n, C), before the sigmoid / softmax. One output: predicts class 1
    where the logit is > 0 (y in {0, 1}); C outputs: the argmax (y int labels, or (n, C) targets
    as ``softmax_cross_entropy`` takes them, each row's class its argmax: the first of a tie, so
    class 0 for a row of zeros).
    """
    z = as_float(logits, "logits").astype(np.float64, copy=False)
    if z.ndim not in (2, 3):
        raise ValueError(f"logits must have shape (n, C) or (K, n, C), got {z.shape}")
    n, C = z.shape[-2:]
    if C == 1:
        _, y = _prepare(z, y, "accuracy", "logits")
        return np.mean((z > 0) == (y > 0.5), axis=(-2, -1))
    labels = _targets(y, n, C).argmax(axis=1)         # (n,)
    return np.mean(z.argmax(axis=-1) == labels, axis=-1)


_REGISTRY: dict[str, Loss] = {
    "mse": mse,
    "bce": binary_cross_entropy,
    "softmax_ce": softmax_cross_entropy,
}


#: The built-in losses without their argument checks (the same arithmetic): for a training loop
#: that has checked its targets once (``unchecked``).
_UNCHECKED: dict[Loss, Loss] = {mse: _mse, binary_cross_entropy: _binary_cross_entropy}


def unchecked(loss: Loss) -> Loss:
    """``loss`` without its argument checks, for a loop whose first call (checked) has accepted
    these targets and predictions of this dtype and shape: a built-in loss's arithmetic alone
    (the checks cost as much as the arithmetic on a small batch); any other loss as it is."""
    return _UNCHECKED.get(loss, loss)


#: The built-in losses' values alone (no gradient, no checks): the same arithmetic as the value
#: the full loss returns, so the same bits.
_VALUES: dict[Loss, Callable] = {
    mse: lambda yhat, y: _mse_value(yhat - y, y.shape[-2] * y.shape[-1]),
    binary_cross_entropy: lambda z, y: _bce_value(z, y, _exp_neg_abs(z),
                                                  z.shape[-2] * z.shape[-1]),
}


def unchecked_value(loss: Loss) -> Callable:
    """``f(yhat, y) -> value``: the value of ``loss`` without its gradient or its argument
    checks, for a loop that has checked its first call (e.g. a validation loss). A built-in
    loss computes no gradient (bit for bit the value ``loss`` returns); any other loss is
    called and its value kept."""
    return _VALUES.get(loss) or (lambda yhat, y: unchecked(loss)(yhat, y)[0])


def get(name) -> Loss:
    """The loss called ``name``: "mse" | "bce" | "softmax_ce" (a callable is returned as is)."""
    if callable(name):
        return name
    _checks.choice("loss", name, _REGISTRY)
    return _REGISTRY[name]
