"""Penalties (regularizers) on the weights: value, gradient and proximal step.

================  ====================================  ==========================================
penalty           value                                 proximal step ``prox(w, s)``
================  ====================================  ==========================================
``L2(lam)``       lam/2 · ‖w‖²        (grad lam·w)      w / (1 + s·lam)          (shrink)
``L1(lam)``       lam · ‖w‖₁          (grad lam·sign w) soft_threshold(w, s·lam) (exact zeros)
``ElasticNet``    lam · (r‖w‖₁ + (1-r)/2 ‖w‖²)          soft-threshold, then shrink
``MaxNorm(c)``    0 (a constraint)                      each unit's incoming weights: norm <= c
================  ====================================  ==========================================

``L2(lam)`` has gradient ``lam·w``: PyTorch's ``weight_decay=lam``, Keras' ``l2(lam/2)``.

Which parameters: ``keys=None`` penalizes the weights, not the biases (``naming.is_weight``,
also ``models.is_weight``: the keys named ``W...``, i.e. ``W1, W2, ...`` and the RNN's ``Wx, Wh,
Wy``; ``train.fit`` passes the model's ``weight_keys``); ``keys`` may list them explicitly, and
``lam`` may be a dict ``{key: lam}`` to give each parameter its own strength. ``lam`` (or ``c``)
may also be a length-K array: one value per model of a batch (parameters with a leading K axis).

The proximal step solves ``argmin_w 1/2‖w - v‖² + s·penalty(w)`` exactly: applied after a plain
gradient step of size ``s`` it gives proximal gradient descent (ISTA for L1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from wdlib import _checks, losses
from wdlib.naming import is_weight


def soft_threshold(w, t) -> np.ndarray:
    """``sign(w) · max(|w| - t, 0)``: moves w towards 0 by t and stops at exactly 0.

    The proximal map of t·‖·‖₁. Computed as ``w - clip(w, -t, t)``: the same values, and the
    zeros are +0.0 (never -0.0, which would print as "-0.0"). Keeps w's float dtype (float32
    stays float32: t is rounded to it); other w (ints, lists) is computed in float64.
    """
    w = losses.as_float(w, "w")
    t = losses.as_float(t, "t")
    if not np.all(t >= 0):                                         # (NaN fails it too)
        raise ValueError(f"t must be >= 0, got {_checks._fmt(t)}")
    t = t.astype(w.dtype, copy=False)
    try:
        return w - np.clip(w, -t, t)
    except ValueError:                  # (NumPy's words: "operands could not be broadcast")
        raise ValueError(f"t must be one number or an array that broadcasts against w "
                         f"{w.shape}, got shape {t.shape}") from None


def _frozen(value):
    """A float, or a read-only copy of an array (the dataclasses are frozen)."""
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.flags.writeable = False
    return value


def _norm_keys(keys) -> tuple[str, ...] | None:
    if keys is None:
        return None
    names = _checks.names(keys)
    if not names:
        raise ValueError(f"keys must be None or a non-empty list of parameter names (one name "
                         f"too: ['W1']), got {keys!r}")
    return names


def _check_strength(name: str, value, check, keys):
    """Validate lam (float, K-array or {key: lam}); return (value, keys) normalized."""
    if isinstance(value, Mapping):
        if keys is not None:
            raise ValueError(f"keys must be None when {name} is a dict (its keys are the "
                             f"penalized parameters), got keys={keys!r}")
        if not value:
            raise ValueError(f"{name} must not be an empty dict, got {{}}")
        checked = {str(k): _frozen(check(f"{name}[{k!r}]", v)) for k, v in value.items()}
        return checked, tuple(checked)
    return _frozen(check(name, value)), keys


class Penalty:
    """Base class: a penalty on some parameters (see the module docstring).

    A subclass is a frozen dataclass with a strength field (``lam``; ``MaxNorm``: ``c``, named by
    ``_strength_name``) and ``keys``; ``__post_init__`` validates both.
    The methods take ``params``: a dict ``{key: array}``, each with a leading K axis when the
    strength is a K-array; they never modify it. Each entry must be a NumPy array (or scalar) of
    integers or floats, the optimizers' and clipping's rule (``_checks.number_entries``): no
    bools, complex numbers, lists or objects. ``check=False`` (``fit`` after its first step,
    whose parameters the model made) skips that check up front; a bad entry is then still named
    when the arithmetic fails on it, but one it takes (complex, bool) is not.
    """

    keys: tuple[str, ...] | None
    _strength_name = "lam"
    _strength_check = staticmethod(_checks.nonnegative)

    def __post_init__(self):
        name = self._strength_name
        value, keys = _check_strength(name, getattr(self, name), self._strength_check,
                                      _norm_keys(self.keys))
        object.__setattr__(self, name, value)
        object.__setattr__(self, "keys", keys)

    # -- what each penalty defines ------------------------------------------------------------
    def _value(self, w: np.ndarray, lam, axes) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, w: np.ndarray, lam) -> np.ndarray:
        raise NotImplementedError

    def _prox(self, w: np.ndarray, lam, step) -> np.ndarray:
        raise NotImplementedError

    # -- shared machinery ---------------------------------------------------------------------
    @property
    def _strength(self):
        return getattr(self, self._strength_name)

    def penalized(self, params: Mapping) -> tuple[str, ...]:
        """The keys of ``params`` this penalty acts on."""
        if type(params) is not dict and not isinstance(params, Mapping):   # (fit calls this at
            _checks.params_dict("params", params)   # every step: a dict is checked no further)
        if self.keys is None:
            try:
                return tuple(k for k in params if is_weight(k))
            except (AttributeError, TypeError):     # a key that is not a name: say so
                _checks.params_dict("params", params)
                raise
        missing = [k for k in self.keys if k not in params]
        if missing:
            raise ValueError(f"keys {missing} are not in params (which has {list(params)})")
        return self.keys

    def _lam(self, key: str, w: np.ndarray, *, batched: bool | None = None):
        """The strength for parameter ``key``, shaped to broadcast against ``w``."""
        lam = self._strength
        lam = lam[key] if isinstance(lam, Mapping) else lam
        if isinstance(lam, float) or np.ndim(lam) == 0:
            return lam
        K = lam.shape[0]
        if batched is False or np.ndim(w) < 2 or np.shape(w)[0] != K:
            raise ValueError(f"a penalty with {K} strengths needs parameters with a leading K={K} "
                             f"axis (batched=True), got params[{key!r}] of shape {np.shape(w)}")
        lam = _checks.per_model(lam, np.ndim(w))
        return lam.astype(w.dtype) if w.dtype == np.float32 else lam   # float32 stays float32

    def value(self, params: Mapping, *, batched: bool = False, check: bool = True):
        """Penalty value: a float, or shape (K,) when ``batched`` (one value per model).

        params, check: see the class docstring."""
        keys = self.penalized(params)
        batched = _checks.flag("batched", batched)
        if _checks.flag("check", check):
            _check_entries(params, params)
        if batched:                 # one K for all: else NumPy's "could not be broadcast"
            lead = {k: np.shape(params[k])[0] if np.ndim(params[k]) else None for k in keys}
            if None in lead.values() or len(set(lead.values())) > 1:
                raise ValueError(f"with batched=True every penalized parameter needs the same "
                                 f"leading K axis, got leading sizes {lead}")
        total = 0.0
        for k in keys:
            try:
                w = losses.as_float(params[k])
            except ValueError:                      # (the message naming the key, built only
                w = losses.as_float(params[k], f"params[{k!r}]")    # when it is needed)
            lam = self._lam(k, w, batched=batched)
            if batched:                                   # (K, 1, 1) -> (K,)
                lam = np.reshape(lam, np.shape(lam)[:1])
            axes = tuple(range(1, w.ndim)) if batched else None
            total = total + self._value(w, lam, axes)
        if batched and np.ndim(total) == 0:
            K = next((np.shape(params[k])[0] for k in params), 0)
            total = np.full(K, float(total))
        return total

    def grad(self, params: Mapping, *, check: bool = True) -> dict[str, np.ndarray]:
        """Gradient (L1: the subgradient sign(w), 0 at w = 0), with every key of ``params``
        (zeros for the parameters that are not penalized); params, check: see the class
        docstring."""
        pen = self.penalized_grads(params, check=check)
        return {k: pen[k] if k in pen else np.zeros_like(w) for k, w in params.items()}

    def penalized_grads(self, params: Mapping, *, check: bool = True) -> dict[str, np.ndarray]:
        """The gradient for the penalized keys only (``grad`` without the zeros); params, check:
        see the class docstring."""
        keys = self.penalized(params)
        if _checks.flag("check", check):
            _check_entries(params, params)
        try:
            return {k: self._grad(params[k], self._lam(k, params[k])) for k in keys}
        except (TypeError, ValueError):
            _check_entries(params, keys)
            raise

    def prox(self, params: Mapping, step, *, check: bool = True) -> dict[str, np.ndarray]:
        """Proximal step of size ``step`` (a float or a K-array, e.g. the learning rate), on
        ``params``; params, check: see the class docstring."""
        step = _checks.nonnegative("step", step)
        keys = set(self.penalized(params))
        if _checks.flag("check", check):
            _check_entries(params, params)
        out = {}
        try:
            for k, w in params.items():
                if k not in keys:
                    out[k] = w
                    continue
                s = step if np.ndim(step) == 0 else self._lam_like(step, k, w)
                out[k] = self._prox(w, self._lam(k, w), s)
        except (TypeError, ValueError):
            _check_entries(params, keys)
            raise
        return out

    def _lam_like(self, step: np.ndarray, key: str, w: np.ndarray):
        """A K-array step shaped like the strength of ``key`` (same checks)."""
        if np.ndim(w) < 2 or np.shape(w)[0] != step.shape[0]:
            raise ValueError(f"step has {step.shape[0]} values, so params[{key!r}] needs a "
                             f"leading K={step.shape[0]} axis, got shape {np.shape(w)}")
        step = _checks.per_model(step, np.ndim(w))
        return step.astype(w.dtype) if w.dtype == np.float32 else step    # float32 stays float32


def _check_entries(params: Mapping, keys) -> None:
    """A ValueError naming the parameter among ``keys`` that is not an array of numbers
    (``_checks.number_entries``, the optimizers' and clipping's rule); nothing if each is one.
    Called up front (``check=True``), and after a penalty's arithmetic failed with
    ``check=False`` (its own message named ``w``, "the array" or none; a failure that was
    another is re-raised as it is)."""
    _checks.number_entries("params", {k: params[k] for k in keys})


@dataclass(frozen=True, eq=False)
class L2(Penalty):
    """``lam/2 · ‖w‖²``; gradient ``lam·w``; prox ``w / (1 + step·lam)``.

    lam, keys: see the module docstring (lam >= 0)."""

    lam: float | np.ndarray | dict = 0.0
    keys: tuple[str, ...] | None = None

    def _value(self, w, lam, axes):
        return 0.5 * lam * (w * w).sum(axis=axes)

    def _grad(self, w, lam):
        return lam * w

    def _prox(self, w, lam, step):
        return w / (1.0 + step * lam)


@dataclass(frozen=True, eq=False)
class L1(Penalty):
    """``lam · ‖w‖₁``; subgradient ``lam·sign(w)``; prox = soft-thresholding by ``step·lam``.

    lam, keys: see the module docstring (lam >= 0)."""

    lam: float | np.ndarray | dict = 0.0
    keys: tuple[str, ...] | None = None

    def _value(self, w, lam, axes):
        return lam * np.abs(w).sum(axis=axes)

    def _grad(self, w, lam):
        return lam * np.sign(w)

    def _prox(self, w, lam, step):
        return soft_threshold(w, step * lam)


@dataclass(frozen=True, eq=False)
class ElasticNet(Penalty):
    """``lam · (r‖w‖₁ + (1-r)/2 ‖w‖²)`` with ``r = l1_ratio`` in [0, 1] (r=1: L1, r=0: L2).

    lam, keys: see the module docstring (lam >= 0); l1_ratio: a float or a K-array."""

    lam: float | np.ndarray | dict = 0.0
    l1_ratio: float | np.ndarray = 0.5
    keys: tuple[str, ...] | None = None

    def __post_init__(self):
        super().__post_init__()
        r = _checks.in_range("l1_ratio", self.l1_ratio, 0.0, 1.0, hi_open=False)
        object.__setattr__(self, "l1_ratio", _frozen(r))

    def _r(self, w, batched=None):
        r = self.l1_ratio
        if np.ndim(r) == 0:
            return r
        if np.ndim(w) < 2 or np.shape(w)[0] != r.shape[0]:
            raise ValueError(f"l1_ratio has {r.shape[0]} values, so parameters need a leading "
                             f"K={r.shape[0]} axis, got shape {np.shape(w)}")
        r = r if batched else _checks.per_model(r, np.ndim(w))
        return r.astype(w.dtype) if w.dtype == np.float32 else r      # float32 stays float32

    def _value(self, w, lam, axes):
        r = self._r(w, batched=axes is not None)
        return lam * (r * np.abs(w).sum(axis=axes) + 0.5 * (1.0 - r) * (w * w).sum(axis=axes))

    def _grad(self, w, lam):
        r = self._r(w)
        return lam * (r * np.sign(w) + (1.0 - r) * w)

    def _prox(self, w, lam, step):
        r = self._r(w)
        return soft_threshold(w, step * lam * r) / (1.0 + step * lam * (1.0 - r))


@dataclass(frozen=True, eq=False)
class MaxNorm(Penalty):
    """Max-norm constraint: every column of W (the incoming weights of one unit, axis -2) is
    rescaled to norm <= c after each update. Not a term of the loss: value 0, gradient 0.

    c: the bound (> 0), in units of the weights; c, keys: see the module docstring."""

    c: float | np.ndarray | dict = 1.0
    keys: tuple[str, ...] | None = None
    _strength_name = "c"
    _strength_check = staticmethod(_checks.positive)

    def _value(self, w, lam, axes):
        return np.zeros(w.shape[0]) if axes is not None else 0.0

    def _grad(self, w, lam):
        return np.zeros_like(w)

    def _prox(self, w, c, step):
        w = losses.as_float(w)
        if w.ndim < 2:
            raise ValueError(f"MaxNorm acts on weight matrices (>= 2 axes), got a parameter of "
                             f"shape {w.shape}; leave biases out of keys")
        norms = np.sqrt(np.einsum("...ij,...ij->...j", w, w))[..., None, :]   # (K, 1, fan_out)
        factor = np.ones_like(norms)
        np.divide(c, norms, out=factor, where=norms > c)
        return w * factor

    def project(self, params: Mapping, *, check: bool = True) -> dict[str, np.ndarray]:
        """Rescale each column of every constrained W to norm <= c (columns already inside the
        ball are left exactly as they are). params, check: see the class docstring; returns a
        new dict."""
        keys = set(self.penalized(params))
        if _checks.flag("check", check):
            _check_entries(params, params)
        try:
            return {k: self._prox(w, self._lam(k, w), None) if k in keys else w
                    for k, w in params.items()}
        except (TypeError, ValueError):
            _check_entries(params, keys)
            flat = sorted(k for k in keys if np.ndim(params[k]) < 2)
            if flat:                                   # _prox's message cannot name the key
                raise ValueError(f"MaxNorm acts on weight matrices (>= 2 axes), got params"
                                 f"[{flat[0]!r}] of shape {np.shape(params[flat[0]])}; leave "
                                 f"biases out of keys") from None
            raise

    def prox(self, params: Mapping, step=None, *, check: bool = True) -> dict[str, np.ndarray]:
        """Same as ``project(params, check=check)`` (the proximal step of a constraint is the
        projection); step is ignored."""
        return self.project(params, check=check)


_REGISTRY = {"l2": L2, "l1": L1, "elastic_net": ElasticNet, "max_norm": MaxNorm}


def get(name: str, lam, **kwargs) -> Penalty:
    """``get("l2", 1e-3)``; name: "l2" | "l1" | "elastic_net" (``l1_ratio=``) | "max_norm"
    (then ``lam`` is the bound c); kwargs: the class's other fields (``keys=``, ``l1_ratio=``)."""
    _checks.choice("penalty", name, _REGISTRY)
    return _REGISTRY[name](lam, **kwargs)
