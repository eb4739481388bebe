"""Optimizers as small, pure gradient transformations (optax's design, PyTorch's arithmetic).

An optimizer is a pair of pure functions plus the arguments it was built with::

    opt = optim.sgd(0.1, momentum=0.9, weight_decay=1e-4)
    state = opt.init(params)                            # explicit state, nothing hidden
    updates, state = opt.update(grads, state, params)   # nothing is mutated
    params = optim.apply_updates(params, updates)       # params + updates, a new dict

Each optimizer is a ``chain`` of tiny transforms, so the recipe can be read off directly::

    sgd   = chain(add_decayed_weights(wd), trace(momentum, ...), scale_by_lr(lr))
    adam  = chain(add_decayed_weights(wd), scale_by_adam(...), scale_by_lr(lr))  # L2 in the grad
    adamw = chain(scale_by_adam(...), add_decayed_weights(wd), scale_by_lr(lr))  # decoupled

Moving ``add_decayed_weights`` from before the adaptive scaling to after it is the whole
difference between Adam with L2 and AdamW.

Three conventions for "weight decay" in Adam (α = ``lr``, λ = ``weight_decay``, η_t = the
``multiplier`` schedule, m̂, v̂ the bias-corrected moments, g the gradient):

==========================  ===========================================  ========================
optimizer                   one step                                     decay of θ per step
==========================  ===========================================  ========================
``adam`` (torch Adam)       g ← g + λθ, then θ ← θ − α_t·m̂/(√v̂ + ε)      λθ is averaged into m
                                                                         and divided by √v̂: big-
                                                                         gradient weights barely
                                                                         decay
``adamw`` (torch AdamW)     θ ← θ − α_t·λ·θ − α_t·m̂/(√v̂ + ε)            α_t·λ (scaled by the lr
                                                                         and its schedule)
``adamw_paper`` (L & H)     θ ← θ − η_t·(α·m̂/(√v̂ + ε) + λ·θ)             η_t·λ (scaled by the
                                                                         multiplier, *not* by α)
==========================  ===========================================  ========================

So ``adamw(lr=α·η_t, weight_decay=w)`` equals ``adamw_paper(lr=α, weight_decay=α·w,
multiplier=η_t)``; but a schedule put on ``lr`` alone decays the weights differently in the two.
Likewise ``sgd`` adds λθ to the gradient (coupled L2, goes through the momentum buffer) while
``sgdw`` subtracts η_t·λ·θ from θ directly (Loshchilov & Hutter, arXiv 1711.05101, Alg. 1, 2).

Hyperparameters may be a float, a length-K array (then every parameter carries a leading K
axis and K models train at once), or a schedule: a function ``step -> value`` evaluated at the
optimizer's update count 0, 1, 2, ... A schedule is checked at step 0 when the optimizer is
built, and the value it gives at every step it is used (lr, weight_decay, the multiplier η_t;
a momentum or Adam β cannot be a schedule). ``weight_decay`` may also be a dict
``{param key: value}``; keys absent get 0, so biases can be left undecayed.

The optimizers' arguments:

- ``lr``: the step size α (> 0), in each optimizer's formula below (``sgd``: θ ← θ − lr_t·buf).
- ``momentum``, ``dampening``, ``nesterov``: PyTorch's SGD momentum, see ``trace``.
- ``b1``, ``b2``, ``eps``: Adam's moment decay rates (in [0, 1)) and the ε added to √v̂
  (> 0), see ``scale_by_adam``.
- ``weight_decay``: λ >= 0, in PyTorch's convention: ``sgd`` and ``adam`` add λθ to the
  gradient (the gradient of λ/2·‖θ‖²); ``adamw`` decays θ ← θ − lr_t·λ·θ; ``sgdw`` and
  ``adamw_paper`` θ ← θ − η_t·λ·θ (see the table).
- ``mask``: which parameters decay: None (every one, as in PyTorch), a list of keys, or a
  function ``params -> keys`` (see ``add_decayed_weights``).
- ``multiplier``: the schedule η_t of ``sgdw`` and ``adamw_paper`` (default 1).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from wdlib import _checks, clipping, penalties
from wdlib._checks import at_step, per_model

Params = dict[str, np.ndarray]


class Optimizer(NamedTuple):
    """``init(params) -> state``; ``update(grads, state, params=None) -> (updates, state)``.

    ``hyperparams`` holds the validated arguments by name, plus ``"K"``: the number of models
    trained at once (None for a single model). ``update`` checks its arguments on every call;
    ``update_unchecked`` is the same function without the checks, for a loop that has checked
    them once (``loop.run``: on its first step).
    """

    init: Callable[[Params], Any]
    update: Callable[..., tuple[Params, Any]]
    hyperparams: dict
    update_unchecked: Callable[..., tuple[Params, Any]] | None = None


class CountState(NamedTuple):
    """count: the number of updates done so far (the step a schedule is evaluated at)."""

    count: int


class TraceState(NamedTuple):
    """count: updates done so far; buf: the momentum buffer, same keys and shapes as params
    ({} when momentum == 0)."""

    count: int
    buf: Params


class AdamState(NamedTuple):
    """count: updates done so far; m, v: the first and second moments (running means of g and
    g²), same keys and shapes as params."""

    count: int
    m: Params
    v: Params


# ---------------------------------------------------------------- validation helpers
def _hyper(check, name, value, *, at0=_checks.nonnegative):
    """Validate a hyperparameter that may be a schedule. A schedule is validated through its
    value at step 0 (``at0``: by default >= 0, since e.g. a warmup may start at 0)."""
    if callable(value):
        at0(f"{name}(0)", value(0))
        return value
    return check(name, value)


def _weight_decay(value, name="weight_decay"):
    """A float, K-array, schedule, or dict {param key: one of those}."""
    if isinstance(value, Mapping):
        return {k: _hyper(_checks.nonnegative, f"{name}[{k!r}]", v) for k, v in value.items()}
    return _hyper(_checks.nonnegative, name, value)


def _batch(**hypers) -> int | None:
    """The common K of the hyperparameters (dicts and schedules looked inside)."""
    flat = {}
    for name, value in hypers.items():
        items = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, v in items:
            label = name if key is None else f"{name}[{key!r}]"
            flat[label] = v(0) if callable(v) else v
    return _checks.batch_size(**flat)


def _checked_schedule(h, name):
    """``h`` with a schedule's value checked (>= 0) at every step it is used: a negative value
    later in a run would grow the weights (a decay) or turn the step around (an lr, η_t). The
    error names the step: ``weight_decay(3) must be >= 0, got -0.05``. Numbers pass through."""
    if not callable(h):
        return h

    def at(step):
        return _checks.nonnegative(f"{name}({step})", h(step))

    return at


def _checked_decay(wd):
    """λ (a number, schedule or dict of them) with each schedule checked as it is used."""
    if isinstance(wd, Mapping):
        return {k: _checked_schedule(v, f"weight_decay[{k!r}]") for k, v in wd.items()}
    return _checked_schedule(wd, "weight_decay")


def _is_zero(h) -> bool:
    return not callable(h) and not isinstance(h, Mapping) and np.ndim(h) == 0 and h == 0


def _times(a, b):
    """The product of two hyperparameters (either may be a schedule, a may be a dict;
    b=None means 1)."""
    if b is None:
        return a
    if isinstance(a, Mapping):
        return {k: _times(v, b) for k, v in a.items()}
    if callable(a) or callable(b):
        return lambda step: at_step(a, step) * at_step(b, step)
    return a * b


def _pm(h, x):
    """A hyperparameter shaped to multiply the array x: scalars as they are, a K-array as
    (K, 1, ..., 1) (``_checks.per_model``) in x's dtype (float32 stays float32)."""
    if type(h) is float:
        return h
    if np.ndim(h) == 0:                   # np.float64 / a 0-d array: a Python float (weak type)
        return float(h)
    h = per_model(h, x.ndim)
    return h.astype(x.dtype) if x.dtype == np.float32 and np.ndim(h) else h


def _float(a) -> type:
    """The dtype optimizer state keeps for a parameter: float32 for float32, else float64."""
    return np.float32 if np.asarray(a).dtype == np.float32 else np.float64


def _sqrt(x):
    """√x: a Python float for a float (np.sqrt would give a float64 that makes float32 arrays
    float64), else the array's own dtype."""
    return math.sqrt(x) if isinstance(x, float) else np.sqrt(x)


def _scratch(a, like):
    """``a`` as the ``out=`` of a ufunc whose result is shaped and typed like ``like``: None
    when it cannot hold it unchanged (a 0-d result is a scalar; a gradient of another dtype
    than the state would round the result to its own)."""
    ok = isinstance(a, np.ndarray) and a.dtype == like.dtype and a.shape == np.shape(like)
    return a if ok else None


def _zeros(p) -> np.ndarray:
    """A zero state buffer shaped like parameter p, in its float dtype."""
    return np.zeros(np.shape(p), dtype=_float(p))


def _numbers(name: str, arrays: Mapping) -> None:
    """A dict of gradients or parameters, each value numbers (``_checks.number_entries``)."""
    _checks.number_entries(name, _checks.params_dict(name, arrays))


def _check_call(grads, params, K):
    if not isinstance(grads, Mapping):
        raise ValueError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    _numbers("grads", grads)
    if params is not None:
        _numbers("params", params)
        _checks.same_keys("grads", grads, "params", params)
    if K is not None:
        for k, g in grads.items():
            if g.ndim == 0 or g.shape[0] != K:
                raise ValueError(f"grads[{k!r}] must have a leading axis of length K={K} "
                                 f"(one slice per model), got shape {g.shape}")


def _optimizer(init, update, hyperparams: dict, K: int | None) -> Optimizer:
    """An ``Optimizer`` whose ``update`` checks its arguments, then runs ``update``; ``chain``
    calls the unchecked one."""

    @functools.wraps(update)
    def checked(grads, state, params=None):
        _check_call(grads, params, K)
        if not isinstance(state, tuple):        # every state is a (named) tuple
            raise ValueError(f"state must be what this optimizer's init(params) returned (then "
                             f"each update), got {_checks._fmt(state)}")
        return update(grads, state, params)

    @functools.wraps(init)
    def checked_init(params):
        _numbers("params", params)
        return init(params)

    return Optimizer(checked_init, checked, {**hyperparams, "K": K}, update)


def _count_init(params):
    return CountState(0)


# ---------------------------------------------------------------- transforms
def chain(*transforms: Optimizer) -> Optimizer:
    """Apply transforms one after the other: the output of one is the input of the next.

    The state is the tuple of the parts' states.
    """
    for i, t in enumerate(transforms):
        if not isinstance(t, Optimizer):
            raise ValueError(f"transforms[{i}] must be an optim transform, got {t!r}")
    ks = {t.hyperparams.get("K") for t in transforms} - {None}
    if len(ks) > 1:
        raise ValueError(f"transforms must all train the same number of models K, got {sorted(ks)}")
    raw = [t.update_unchecked or t.update for t in transforms]

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(grads, state, params=None):
        if len(state) != len(raw):      # (tested here: a strict zip costs ~0.15 µs more a step)
            raise ValueError(f"state must be this chain's state, one entry per transform "
                             f"({len(raw)}), got {len(state)} entries")
        new_state = []
        for step, s in zip(raw, state, strict=False):   # (lengths checked above)
            grads, s = step(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    return _optimizer(init, update, {}, next(iter(ks), None))


def _mask(mask):
    """None (every parameter), a collection of parameter keys, or a function params -> keys."""
    if mask is None or callable(mask):
        return mask
    names = _checks.names(mask)
    if names is None:
        raise ValueError(f"mask must be None, a list of parameter names (one name too: ['W1']) "
                         f"or a function params -> names, got {mask!r}")
    return frozenset(names)


def _masked_keys(mask, params) -> frozenset | None:
    """The keys a mask selects in ``params`` (None: all); unknown keys raise."""
    if mask is None:
        return None
    keys = frozenset(mask(params) if callable(mask) else mask)
    if not keys <= params.keys():
        raise ValueError(f"mask names keys that are not parameters: {sorted(keys - params.keys())}"
                         f"; parameters: {sorted(params)}")
    return keys


def add_decayed_weights(weight_decay=0.0, mask=None) -> Optimizer:
    """g ← g + λ·θ. Before an adaptive scaling this is L2 regularization (λ/2·‖θ‖² in the
    loss); after it, decoupled weight decay. Which parameters: ``mask`` None decays every
    parameter (PyTorch's ``weight_decay``), a list of keys decays only those (e.g. a model's
    ``weight_keys``: not the biases), as does a function ``params -> keys`` (optax's mask).
    ``weight_decay`` may also be a dict {key: λ} (absent keys: 0)."""
    wd = _weight_decay(weight_decay)
    mask = _mask(mask)
    K = _batch(weight_decay=wd)
    off = _is_zero(wd)  # no decay at all: pass the gradient through
    checked = _checked_decay(wd)

    def update(grads, state, params=None):
        if off:
            return dict(grads), CountState(state.count + 1)
        if isinstance(wd, Mapping) and not wd.keys() <= grads.keys():
            raise ValueError(f"weight_decay has keys that are not parameters: "
                             f"{sorted(wd.keys() - grads.keys())}; parameters: {sorted(grads)}")
        if params is None:
            raise ValueError("params must be given to update() when weight_decay is not 0")
        decayed = _masked_keys(mask, params)
        step = state.count
        if not isinstance(checked, Mapping):          # one value for every key, once a step
            shared = at_step(checked, step)
        out = {}
        for k, g in grads.items():
            lam = (at_step(checked.get(k, 0.0), step)  # absent: 0
                   if isinstance(checked, Mapping) else shared)
            if _is_zero(lam) or (decayed is not None and k not in decayed):
                out[k] = g
                continue
            term = _pm(lam, g) * params[k]
            term += g                                     # g + λ·θ (0-d: `+=` rebinds)
            out[k] = term
        return out, CountState(state.count + 1)

    return _optimizer(_count_init, update, {"weight_decay": wd, "mask": mask}, K)


def add_penalty_grad(penalty) -> Optimizer:
    """g ← g + ∇penalty(θ): a penalty term of the loss (``penalties.L2`` / ``L1`` (its
    subgradient) / ``ElasticNet``) as a transform. Put it first in a ``chain``, so clipping and
    the optimizer see data + penalty gradient, as if the penalty were in the loss. (A max-norm
    constraint has no gradient: project after the update with ``MaxNorm.project`` instead.)"""
    if not isinstance(penalty, penalties.Penalty) or isinstance(penalty, penalties.MaxNorm):
        raise ValueError(f"penalty must be an L2, L1 or ElasticNet penalty (a max-norm "
                         f"constraint is a projection, not a gradient), got {penalty!r}")
    K = _batch(lam=penalty.lam)

    def update(grads, state, params=None):
        if params is None:
            raise ValueError("params must be given to update() for a penalty gradient")
        pen = penalty.penalized_grads(params, check=False)  # (params checked by update or the
        #  chain's; unpenalized keys pass through as they are)
        return ({k: g + pen[k] if k in pen else g for k, g in grads.items()},
                CountState(state.count + 1))

    return _optimizer(_count_init, update, {"penalty": penalty}, K)


def clip_by_value(clip_value) -> Optimizer:
    """g ← clip(g, −c, c) element-wise: ``torch.nn.utils.clip_grad_value_`` as a transform.
    clip_value: c > 0, a float or a K-array (one per model)."""
    c = _checks.positive("clip_value", clip_value)

    def update(grads, state, params=None):     # (arguments checked: c above, grads at step 0)
        return clipping._clip_values(grads, c), CountState(state.count + 1)

    return _optimizer(_count_init, update, {"clip_value": c}, _batch(clip_value=c))


def clip_by_global_norm(max_norm, *, batched: bool = False) -> Optimizer:
    """g ← g·min(1, c/(‖g‖ + 1e-6)): ``torch.nn.utils.clip_grad_norm_`` as a transform.
    ``batched=True`` (K models at once): one norm per model; implied by a K-array ``max_norm``."""
    c = _checks.positive("max_norm", max_norm)
    batched = _checks.flag("batched", batched) or np.ndim(c) > 0

    K = _batch(max_norm=c)
    checked_each_step = batched and K is None       # (no K for step 0's check to hold grads to)

    def update(grads, state, params=None):     # (arguments checked: c above, grads at step 0)
        if checked_each_step:
            clipped, _ = clipping.clip_by_global_norm(grads, c, batched=True)
        else:
            clipped = clipping._scale_to_norm(grads, c, clipping._norm(grads, batched))
        return clipped, CountState(state.count + 1)

    return _optimizer(_count_init, update, {"max_norm": c}, K)


def tap(observe: Callable[[Params], Any]) -> Optimizer:
    """Pass the gradient through unchanged and show it to ``observe(grads)`` (read-only views):
    how a recorder looks inside a chain, e.g. at the norm before and after clipping."""
    if not callable(observe):          # (else "'int' object is not callable" at the first step)
        raise ValueError(f"observe must be a function grads -> anything, got {observe!r}")

    def update(grads, state, params=None):
        views = {}
        for k, g in grads.items():
            views[k] = g.view()
            views[k].flags.writeable = False
        observe(views)
        return dict(grads), state

    return _optimizer(lambda params: (), update, {}, None)


def trace(momentum=0.0, dampening=0.0, nesterov=False) -> Optimizer:
    """PyTorch's momentum buffer (μ = momentum, τ = dampening).

    First step: buf = g. Then buf = μ·buf + (1 − τ)·g. Output buf, or g + μ·buf (Nesterov).
    With μ = 0 the gradient passes through unchanged (and τ is ignored, as in PyTorch).
    momentum: μ in [0, 1); dampening: τ in [0, 1] (floats or K-arrays); nesterov: a bool
    (needs μ > 0 and τ = 0).
    """
    mu = _checks.in_range("momentum", momentum, 0.0, 1.0)
    tau = _checks.in_range("dampening", dampening, 0.0, 1.0, hi_open=False)
    _checks.flag("nesterov", nesterov)
    K = _batch(momentum=mu, dampening=tau)
    if nesterov and (np.any(np.asarray(mu) <= 0) or np.any(np.asarray(tau) != 0)):
        raise ValueError("nesterov=True requires momentum > 0 and dampening = 0, "
                         f"got momentum={_checks._fmt(mu)}, dampening={_checks._fmt(tau)}")
    # PyTorch ignores dampening when momentum is 0: then buf = g at every step.
    tau_eff = np.where(np.asarray(mu) > 0, tau, 0.0) if np.ndim(mu) else (tau if mu > 0 else 0.0)
    off = _is_zero(mu)

    undamped = _is_zero(tau_eff)          # (1 − τ)·g is g itself: skip that multiply

    def init(params):
        return TraceState(0, {} if off else {k: _zeros(p) for k, p in params.items()})

    def update(grads, state, params=None):
        if off:
            return dict(grads), TraceState(state.count + 1, {})
        if state.count == 0:
            buf = {k: np.array(g, dtype=_float(g)) for k, g in grads.items()}  # buf = g (a copy)
        elif undamped:                  # μ·buf + g, the sum written over the product
            buf, old = {}, state.buf
            for k, g in grads.items():
                b = (mu if type(mu) is float else _pm(mu, g)) * old[k]   # (a float: no call)
                b += g                      # (a 0-d product is a scalar: `+=` rebinds it)
                buf[k] = b
        else:
            buf = {k: _pm(mu, g) * state.buf[k] + _pm(1.0 - tau_eff, g) * g
                   for k, g in grads.items()}
        out = ({k: g + _pm(mu, g) * buf[k] for k, g in grads.items()}
               if nesterov else buf)
        return out, TraceState(state.count + 1, buf)

    return _optimizer(init, update, {"momentum": mu, "dampening": tau, "nesterov": bool(nesterov)},
                      K)


def scale_by_adam(b1=0.9, b2=0.999, eps=1e-8) -> Optimizer:
    """Adam's direction, written as PyTorch computes it (t = 1, 2, ...)::

        m = b1·m + (1 − b1)·g          v = b2·v + (1 − b2)·g²
        denom = √v / √(1 − b2^t) + eps  direction = (m / (1 − b1^t)) / denom

    eps is added *after* the bias correction of √v, i.e. direction = m̂ / (√v̂ + eps).
    """
    b1 = _checks.in_range("b1", b1, 0.0, 1.0)
    b2 = _checks.in_range("b2", b2, 0.0, 1.0)
    eps = _checks.positive("eps", eps)
    K = _batch(b1=b1, b2=b2, eps=eps)

    def init(params):
        zeros = {k: _zeros(p) for k, p in params.items()}
        return AdamState(0, zeros, dict(zeros))

    def update(grads, state, params=None):
        t = state.count + 1
        m, v, out = {}, {}, {}
        for k, g in grads.items():         # the formulas above; one scratch array (tmp)
            beta1, beta2 = _pm(b1, g), _pm(b2, g)       # holds each temporary in turn (a new
            mk = beta1 * state.m[k]                     # array per temporary costs page faults
            tmp = (1 - beta1) * g                       # for a large K)            # (K, ...)
            mk += tmp                       # (a 0-d result is a scalar: `+=` rebinds it,
            vk = beta2 * state.v[k]         #  so the names are stored after the updates)
            tmp = np.multiply(g, 1 - beta2, out=_scratch(tmp, g))
            tmp *= g
            vk += tmp
            denom = np.sqrt(vk, out=_scratch(tmp, vk))
            denom /= _sqrt(1 - beta2**t)
            denom += _pm(eps, g)
            direction = mk / (1 - beta1**t)
            direction /= denom
            m[k], v[k], out[k] = mk, vk, direction
        return out, AdamState(t, m, v)

    return _optimizer(init, update, {"b1": b1, "b2": b2, "eps": eps}, K)


def _scale(name, factor, sign, check, at0) -> Optimizer:
    factor = _hyper(check, name, factor, at0=at0)
    K = _batch(**{name: factor})
    scheduled = callable(factor)          # a schedule is checked at every step, not only at 0

    def signed(value):
        f = sign * value
        if type(f) is not float:          # np.float64 too: it would turn float32 into float64
            f = np.asarray(f, dtype=np.float64)  # a schedule's value: number or (K,) array
            f = float(f) if f.ndim == 0 else f
        return f

    fixed = None if scheduled else signed(factor)     # a number: the same factor every step

    def update(grads, state, params=None):
        f = fixed
        if scheduled:
            value = factor(state.count)
            at0(f"{name}({state.count})", value)
            f = signed(value)
        out = {}
        for k, g in grads.items():
            out[k] = (f if type(f) is float else _pm(f, g)) * g   # (a float: no call)
        return out, CountState(state.count + 1)

    return _optimizer(_count_init, update, {name: factor}, K)


def scale(factor) -> Optimizer:
    """g ← factor_t·g (factor: float, K-array or schedule)."""
    return _scale("factor", factor, 1.0, _checks.hyper, _checks.hyper)


def scale_by_lr(lr) -> Optimizer:
    """g ← −lr_t·g: turn a direction into a descent step (lr: float, K-array or schedule)."""
    return _scale("lr", lr, -1.0, _checks.positive, _checks.nonnegative)


# ---------------------------------------------------------------- optimizers
def _named(*parts: Optimizer, names=(), hyperparams: dict | None = None) -> Optimizer:
    """Chain ``parts``; expose ``hyperparams`` (default: the parts' validated ``names``)."""
    if hyperparams is None:
        found = {k: v for p in parts for k, v in p.hyperparams.items()}
        hyperparams = {name: found[name] for name in names}
    _batch(**hyperparams)  # K mismatch: the message names the user's arguments
    opt = chain(*parts)
    return opt._replace(hyperparams={**hyperparams, "K": opt.hyperparams["K"]})


def sgd(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
        mask=None) -> Optimizer:
    """torch.optim.SGD: g ← g + λθ; momentum buffer (see ``trace``); θ ← θ − lr_t·buf.
    Like PyTorch, ``weight_decay`` acts on every parameter unless ``mask`` lists the decayed
    ones (see ``add_decayed_weights``). lr, momentum, dampening, nesterov, weight_decay, mask:
    see the module docstring."""
    opt = _named(add_decayed_weights(weight_decay, mask), trace(momentum, dampening, nesterov),
                 scale_by_lr(lr),
                 names=("lr", "momentum", "dampening", "nesterov", "weight_decay", "mask"))
    h = opt.hyperparams
    if (_is_zero(h["weight_decay"]) and type(h["momentum"]) is float and h["momentum"] > 0
            and _is_zero(h["dampening"]) and not h["nesterov"] and type(h["lr"]) is float):
        return opt._replace(update_unchecked=_momentum_in_one_loop(
            opt.update_unchecked, h["momentum"], -1.0 * h["lr"]))
    return opt


def _momentum_in_one_loop(chained: Callable, mu: float, f: float) -> Callable:
    """The unchecked update (the one ``loop.run`` calls after step 0) of ``sgd`` with a fixed
    lr, momentum μ > 0 and no decay, dampening or Nesterov: the chain's three transforms
    (decay: nothing; ``trace``: buf = μ·buf + g; ``scale_by_lr``: f·buf, f = −lr) in one loop
    over the parameters. The same operations in the same order (the same bits) and the same
    state; only the calls are fewer: the chain's own machinery (three calls, three dicts, a
    state list) was about 5 % of the slider retrain's time (2→16→16→1, 60 points). Step 0
    (buf = g, a copy) runs the chain."""
    def update(grads, state, params=None):
        if len(state) != 3 or state[1].count == 0:   # step 0 (buf = g, a copy), or a state
            return chained(grads, state, params)       # the chain refuses with its message
        decay, traced, scaled = state
        buf, out, old = {}, {}, traced.buf
        for k, g in grads.items():
            b = mu * old[k]
            b += g                      # (a 0-d product is a scalar: `+=` rebinds it)
            buf[k] = b
            out[k] = f * b
        return out, (CountState(decay.count + 1), TraceState(traced.count + 1, buf),
                     CountState(scaled.count + 1))

    return update


_ADAM_NAMES = ("lr", "b1", "b2", "eps", "weight_decay", "mask")


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, mask=None) -> Optimizer:
    """torch.optim.Adam: the L2 term λθ is added to the gradient *before* the moments
    (every parameter, unless ``mask`` lists the decayed ones). lr, b1, b2, eps, weight_decay,
    mask: see the module docstring."""
    return _named(add_decayed_weights(weight_decay, mask), scale_by_adam(b1, b2, eps),
                  scale_by_lr(lr), names=_ADAM_NAMES)


def adamw(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2, mask=None) -> Optimizer:
    """torch.optim.AdamW: θ ← θ·(1 − lr_t·λ), then the Adam step. Adam + decoupled decay
    (every parameter, unless ``mask`` lists the decayed ones). lr, b1, b2, eps, weight_decay,
    mask: see the module docstring."""
    return _named(scale_by_adam(b1, b2, eps), add_decayed_weights(weight_decay, mask),
                  scale_by_lr(lr), names=_ADAM_NAMES)


def _paper_hypers(lr, weight_decay, multiplier):
    lr, wd = _hyper(_checks.positive, "lr", lr), _weight_decay(weight_decay)
    if multiplier is not None:
        multiplier = _hyper(_checks.nonnegative, "multiplier", multiplier)
    _batch(lr=lr, weight_decay=wd, multiplier=multiplier)  # before their product: its K error
    return lr, wd, multiplier                               # was NumPy's broadcast message


def sgdw(lr, momentum=0.0, weight_decay=0.0, multiplier=None, mask=None) -> Optimizer:
    """SGD with decoupled weight decay (Loshchilov & Hutter, Algorithm 1)::

        m_t = μ·m_{t−1} + η_t·α·g_t          θ_t = θ_{t−1} − m_t − η_t·λ·θ_{t−1}

    α = lr, μ = momentum, λ = weight_decay, η_t = multiplier(t) (a schedule; default 1); mask:
    see the module docstring. The decay is scaled by η_t, not by α. With momentum 0 and η = 1,
    ``sgdw(lr, weight_decay=lr·λ)`` is ``sgd(lr, weight_decay=λ)``; with momentum they differ.
    """
    lr, wd, eta = _paper_hypers(lr, weight_decay, multiplier)
    checked = _checked_schedule(eta, "multiplier")
    parts = (scale(_times(_checked_schedule(lr, "lr"), checked)),  # η_t·α·g
             trace(momentum),                          # m_t = μ·m_{t−1} + η_t·α·g_t
             add_decayed_weights(_times(_checked_decay(wd), checked), mask),  # m_t + η_t·λ·θ
             # (λ checked before the product: an error quotes the schedule's own value)
             scale(-1.0))                              # descend
    return _named(*parts, hyperparams=dict(lr=lr, momentum=parts[1].hyperparams["momentum"],
                                           weight_decay=wd, multiplier=eta,
                                           mask=parts[2].hyperparams["mask"]))


def adamw_paper(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-5,
                multiplier=None, mask=None) -> Optimizer:
    """AdamW as in the paper (Loshchilov & Hutter, Algorithm 2)::

        θ_t = θ_{t−1} − η_t·(α·m̂_t / (√v̂_t + ε) + λ·θ_{t−1})

    α = lr, λ = weight_decay, η_t = multiplier(t) (a schedule; default 1); b1, b2, eps, mask:
    see the module docstring. The decay is scaled by η_t, not by α: ``adamw_paper(lr=α,
    weight_decay=α·w, multiplier=η)`` equals ``adamw(lr=lambda t: α·η(t), weight_decay=w)``.
    The default λ = 1e-5 = 1e-3·1e-2 makes ``adamw_paper()`` equal ``adamw()``.
    """
    lr, wd, eta = _paper_hypers(lr, weight_decay, multiplier)
    adam_dir = scale_by_adam(b1, b2, eps)
    parts = (adam_dir,                                 # m̂ / (√v̂ + ε)
             scale(_checked_schedule(lr, "lr")),     # α·m̂ / (√v̂ + ε)
             add_decayed_weights(wd, mask),            # ... + λ·θ
             scale(_times(-1.0, _checked_schedule(eta, "multiplier"))))  # −η_t·(...)
    return _named(*parts, hyperparams=dict(lr=lr, **{k: v for k, v in adam_dir.hyperparams.items()
                                                     if k != "K"},
                                           weight_decay=wd, multiplier=eta,
                                           mask=parts[2].hyperparams["mask"]))


def apply_updates(params: Params, updates: Params) -> Params:
    """params + updates, key by key, as a new dict (the inputs are not changed)."""
    _checks.same_keys("params", params, "updates", updates)
    return {k: params[k] + updates[k] for k in params}


#: The one table of optimizer names (dashboards, ``train.fit`` and lessons use it).
#: "momentum" / "nesterov" are SGD presets with momentum 0.9 (an explicit ``momentum=`` wins).
OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": sgd,
    "momentum": functools.partial(sgd, momentum=0.9),
    "nesterov": functools.partial(sgd, momentum=0.9, nesterov=True),
    "adam": adam,
    "adamw": adamw,
    "sgdw": sgdw,
    "adamw_paper": adamw_paper,
}


def arguments(name: str) -> tuple[str, ...]:
    """The keyword arguments the optimizer ``name`` takes."""
    return _parameters(OPTIMIZERS[_checks.choice("optimizer", name, OPTIMIZERS)])


@functools.lru_cache(maxsize=64)
def _parameters(factory) -> tuple[str, ...]:
    """A factory's keyword arguments, read once (``inspect.signature`` cost ~80 µs, a third of
    building an optimizer by name: ``fit`` does it every retrain)."""
    return tuple(inspect.signature(factory).parameters)


def get(name: str, **kwargs) -> Optimizer:
    """Build an optimizer by name (a key of ``OPTIMIZERS``) with keyword arguments ``kwargs``:
    ``get("adamw", lr=1e-3, weight_decay=0.1)``. An argument the optimizer does not take
    raises (e.g. ``momentum`` for Adam: its momentum is ``b1``)."""
    allowed = arguments(name)
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        raise ValueError(f"optimizer {name!r} takes no argument {unknown[0]!r} "
                         f"(got {unknown[0]}={_checks._fmt(kwargs[unknown[0]])}); "
                         f"it takes {', '.join(allowed)}")
    return OPTIMIZERS[name](**kwargs)
