"""Schedules: functions of the optimizer step, ``step -> value``.

Each builder checks its arguments and returns a ``Schedule``, a plain callable::

    lr = schedules.cosine(0.1, total_steps=100)
    lr(0), lr(50), lr(100)        # 0.1, 0.05, 0.0
    lr(np.arange(101))            # all 101 values at once (vectorized)

Steps count from 0 (the optimizer's first update uses ``lr(0)``). A base value may be a
length-K array: then ``lr(step)`` has shape (K,) for a scalar step and ``(*steps.shape, K)``
for an array of steps. Where PyTorch has a scheduler for the same idea, the values are the
closed form of that scheduler (``torch.optim.lr_scheduler``): value at step t = the lr the
optimizer uses after t calls of ``scheduler.step()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from wdlib import _checks


class Schedule:
    """A callable ``step -> value`` with a readable repr (e.g. ``cosine(base=0.1, ...)``).

    fn: the formula, ``t -> value``, with t a float or an array of float steps (``(*steps, 1)``
    when K is set); name and args: the builder's name and arguments, for the repr; K: the
    length of the array-valued arguments (None: scalar).
    """

    __slots__ = ("_fn", "_repr", "K")

    def __init__(self, fn: Callable, name: str, K: int | None = None, **args):
        self._fn, self.K = fn, K  # K: length of array-valued arguments (None: scalar)
        self._repr = f"{name}({', '.join(f'{k}={_checks._fmt(v)}' for k, v in args.items())})"

    def __call__(self, step):
        """The value at ``step``: an int >= 0 or an array of steps (see the module docstring)."""
        t = _steps(step)
        if self.K is not None and np.ndim(t) > 0:
            t = t[..., None]  # (*steps, 1): broadcasts against the (K,) arguments
        return self._fn(t)

    def __repr__(self) -> str:
        return self._repr


def _steps(step):
    """A step (int) or array of steps as float64; steps must be finite and >= 0."""
    if isinstance(step, (int, np.integer)) and not isinstance(step, bool):
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        try:
            return float(step)
        except OverflowError:       # (a Python int past a float's range: 10 ** 400)
            raise ValueError(f"step must be finite and >= 0, got an integer of "
                             f"{len(str(step))} digits") from None
    if isinstance(step, (bool, str, bytes)) or step is None:
        raise ValueError(f"step must be a number or an array of numbers, got {step!r}")
    try:
        t = np.asarray(step, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"step must be a number or an array of numbers, got {step!r}") from None
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"step must be finite and >= 0, got {_checks._fmt(t)}")
    return float(t) if t.ndim == 0 else t


def constant(value) -> Schedule:
    """The same value at every step."""
    value = _checks.nonnegative("value", value)
    return Schedule(lambda t: value + np.zeros_like(t), "constant",
                    _checks.batch_size(value=value), value=value)


def step_decay(base, step_size: int, gamma=0.1) -> Schedule:
    """base·gamma^⌊t / step_size⌋: multiply by gamma every step_size steps (== StepLR)."""
    base, gamma = _checks.positive("base", base), _checks.positive("gamma", gamma)
    step_size = _checks.positive_int("step_size", step_size)
    return Schedule(lambda t: base * gamma ** np.floor(t / step_size), "step_decay",
                    _checks.batch_size(base=base, gamma=gamma),
                    base=base, step_size=step_size, gamma=gamma)


def _power(gamma, t):
    """gamma ** t, inf where it overflows (as for an array of steps): a Python float's ``**``
    raises OverflowError there instead (gamma > 1, a step in the thousands)."""
    try:
        return gamma**t
    except OverflowError:
        return math.inf


def exponential(base, gamma) -> Schedule:
    """base·gamma^t (== ExponentialLR)."""
    base, gamma = _checks.positive("base", base), _checks.positive("gamma", gamma)
    return Schedule(lambda t: base * _power(gamma, t), "exponential",
                    _checks.batch_size(base=base, gamma=gamma), base=base, gamma=gamma)


def inverse_time(base, decay_rate, decay_steps: int = 1) -> Schedule:
    """base / (1 + decay_rate·t / decay_steps): the classic 1/t decay of stochastic
    approximation (Robbins–Monro)."""
    base = _checks.positive("base", base)
    rate = _checks.nonnegative("decay_rate", decay_rate)
    decay_steps = _checks.positive_int("decay_steps", decay_steps)
    return Schedule(lambda t: base / (1 + rate * t / decay_steps), "inverse_time",
                    _checks.batch_size(base=base, decay_rate=rate),
                    base=base, decay_rate=rate, decay_steps=decay_steps)


def _half_cosine(base, min_value, frac):
    """min + (base − min)·(1 + cos(π·frac))/2: from base at frac=0 to min at frac=1."""
    return min_value + (base - min_value) * (1 + np.cos(math.pi * frac)) / 2


def cosine(base, total_steps: int, min_value=0.0) -> Schedule:
    """Cosine annealing from base (step 0) to min_value (step total_steps), then **held at
    min_value**: value = min + (base − min)·(1 + cos(π·min(t, T)/T))/2.

    Equal to torch's CosineAnnealingLR for t <= total_steps. After total_steps torch's
    formula keeps going and the lr rises back towards base (period 2·T); here it stays at
    min_value, which is what a "decay to min_value over T steps" plan means.
    """
    base = _checks.positive("base", base)
    total_steps = _checks.positive_int("total_steps", total_steps)
    min_value = _checks.nonnegative("min_value", min_value)
    return Schedule(lambda t: _half_cosine(base, min_value, np.minimum(t, total_steps)
                                           / total_steps),
                    "cosine", _checks.batch_size(base=base, min_value=min_value),
                    base=base, total_steps=total_steps, min_value=min_value)


def warmup(peak, warmup_steps: int, start=0.0) -> Schedule:
    """Linear ramp from start (step 0) to peak (step warmup_steps), then constant at peak.

    With start = 0 the very first update has lr 0 (as in optax and Hugging Face).
    """
    peak = _checks.positive("peak", peak)
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    start = _checks.nonnegative("start", start)
    return Schedule(lambda t: start + (peak - start) * np.minimum(t / warmup_steps, 1.0),
                    "warmup", _checks.batch_size(peak=peak, start=start),
                    peak=peak, warmup_steps=warmup_steps, start=start)


def _k_of(schedule) -> int | None:
    k = getattr(schedule, "K", None)
    if isinstance(schedule, Schedule):
        return k
    return _checks.batch_size(value=np.asarray(schedule(0)))  # a plain function: look at step 0


def join(schedules: Sequence[Callable], boundaries: Sequence[int]) -> Schedule:
    """Run schedules one after another (like optax.join_schedules).

    ``schedules[i]`` is used from step ``boundaries[i-1]`` on, and sees the step counted from
    there: ``join([warmup(0.1, 10), cosine(0.1, 90)], [10])(15) == cosine(0.1, 90)(5)``.
    """
    for name, value in (("schedules", schedules), ("boundaries", boundaries)):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise ValueError(f"{name} must be a list, got {_checks._fmt(value)}")
    schedules, boundaries = list(schedules), list(boundaries)
    for i, s in enumerate(schedules):
        if not callable(s):
            raise ValueError(f"schedules[{i}] must be a function step -> value, got {s!r}")
    if len(schedules) != len(boundaries) + 1:
        raise ValueError(f"join needs one more schedule than boundaries, got {len(schedules)} "
                         f"schedules and {len(boundaries)} boundaries")
    for i, b in enumerate(boundaries):
        _checks.positive_int(f"boundaries[{i}]", b)
    if any(b1 <= b0 for b0, b1 in zip(boundaries[:-1], boundaries[1:], strict=True)):
        raise ValueError(f"boundaries must be strictly increasing, got {boundaries}")
    ks = {_k_of(s) for s in schedules}
    K = max(ks - {None}, default=None)
    if len(ks - {None}) > 1:
        raise ValueError(f"schedules must all have the same length K, got {sorted(ks - {None})}")
    starts = np.array([0] + boundaries, dtype=np.float64)

    def fn(t):
        if np.ndim(t) == 0:  # one step: call only the schedule in charge
            i = int(np.searchsorted(starts, t, side="right")) - 1
            local = t - starts[i]
            return schedules[i](int(local) if local.is_integer() else local)
        steps = t[..., 0] if K is not None else t                       # (*steps)
        which = np.searchsorted(starts, steps, side="right") - 1       # (*steps)
        out = [s(np.maximum(steps - b, 0.0)) for s, b in zip(schedules, starts, strict=True)]
        if K is not None:  # scalar-valued parts: (*steps) -> (*steps, 1)
            out = [o if np.ndim(o) == steps.ndim + 1 else o[..., None] for o in out]
            which = which[..., None]
        return np.choose(which, np.broadcast_arrays(*out))

    return Schedule(fn, "join", K, schedules=schedules, boundaries=boundaries)


def warmup_cosine(peak, warmup_steps: int, total_steps: int, min_value=0.0,
                  start=0.0) -> Schedule:
    """Linear warmup from start to peak over warmup_steps, then cosine down to min_value at
    total_steps (counted from step 0, warmup included), then held at min_value."""
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    total_steps = _checks.positive_int("total_steps", total_steps, minimum=warmup_steps + 1)
    return join([warmup(peak, warmup_steps, start),
                 cosine(peak, total_steps - warmup_steps, min_value)], [warmup_steps])


def cosine_warm_restarts(base, T_0: int, T_mult: int = 1, min_value=0.0) -> Schedule:
    """Cosine annealing with restarts (SGDR; == CosineAnnealingWarmRestarts).

    The first cycle lasts T_0 steps, each next one T_mult times longer; in each cycle the value
    goes from base down towards min_value along a half cosine, then jumps back to base.
    """
    base = _checks.positive("base", base)
    T_0 = _checks.positive_int("T_0", T_0)
    T_mult = _checks.positive_int("T_mult", T_mult)
    min_value = _checks.nonnegative("min_value", min_value)

    def fn(t):
        if T_mult == 1:
            t_cur, t_i = np.mod(t, T_0), float(T_0)
        else:
            # cycle n starts at step T_0·(T_mult^n − 1)/(T_mult − 1); the log gives n up to
            # rounding, fixed by one exact comparison each way.
            n = np.floor(np.log(t / T_0 * (T_mult - 1) + 1) / math.log(T_mult))
            def first(n):
                return T_0 * (T_mult**n - 1) / (T_mult - 1)

            n = n + (first(n + 1) <= t) - (first(n) > t)
            t_cur, t_i = t - first(n), T_0 * T_mult**n
        return _half_cosine(base, min_value, t_cur / t_i)

    return Schedule(fn, "cosine_warm_restarts", _checks.batch_size(base=base, min_value=min_value),
                    base=base, T_0=T_0, T_mult=T_mult, min_value=min_value)


_SCHEDULES = {f.__name__: f for f in (constant, step_decay, exponential, inverse_time, cosine,
                                      warmup, warmup_cosine, cosine_warm_restarts)}


def get(name: str, **kwargs) -> Schedule:
    """Build a schedule by name (a builder of this module) with its keyword arguments
    ``kwargs``: ``get("cosine", base=0.1, total_steps=100)``."""
    return _SCHEDULES[_checks.choice("name", name, _SCHEDULES)](**kwargs)
