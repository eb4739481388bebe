"""Checkers for lesson 07 (learning rate, momentum, schedules).

How checkers work: see ``wdlib.exercises``.

============================  ============================================================
checker                       the learner's function
============================  ============================================================
``check_momentum_updates``    ``momentum_updates(grads, lr, beta, dampening) -> (T, d)``: the
                              change of the parameters at each step of PyTorch's SGD with
                              momentum (buffer form), for a given sequence of gradients
``check_cosine_lr``           ``cosine_lr(t, base, total_steps, min_value) -> array``: cosine
                              annealing from base to min_value, held at min_value after
                              total_steps (``schedules.cosine``)
============================  ============================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import schedules
from wdlib.exercises._core import check

__all__ = ["check_momentum_updates", "check_cosine_lr", "ref_momentum_updates", "ref_cosine_lr"]


# --------------------------------------------------------------------------- references

def _momentum(grads, lr, mu, dampening, *, first_damped=False, damp_buf=False):
    """Per-step parameter changes of heavy-ball momentum; the keyword flags build the typical
    mistakes (the reference has them all False)."""
    grads = np.asarray(grads, dtype=np.float64)
    out, buf = np.empty_like(grads), None
    for t, g in enumerate(grads):
        if buf is None:
            buf = (1 - dampening) * g if first_damped else g.copy()
        elif damp_buf:
            buf = (1 - dampening) * mu * buf + g
        else:
            buf = mu * buf + (1 - dampening) * g
        out[t] = -lr * buf
    return out


def ref_momentum_updates(grads, lr, mu, dampening) -> np.ndarray:
    """PyTorch SGD(momentum=mu, dampening=dampening): buf = g at the first step, then
    buf = mu·buf + (1 − dampening)·g; the parameters change by −lr·buf. Shape (T, d)."""
    return _momentum(grads, lr, mu, dampening)


def ref_cosine_lr(t, base, total_steps, min_value) -> np.ndarray:
    """``schedules.cosine(base, total_steps, min_value)(t)`` for an array of steps t."""
    return np.asarray(schedules.cosine(base, total_steps, min_value)(t), dtype=np.float64)


# --------------------------------------------------------------------------- random inputs

def _momentum_cases(seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((T, d)), lr, mu, tau)
            for T, d, lr, mu, tau in [(12, 3, 0.1, 0.9, 0.3), (8, 5, 0.05, 0.5, 0.2),
                                      (15, 2, 0.3, 0.8, 0.5)]]


def _cosine_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for base, T, lo in [(0.1, 50, 0.0), (1.0, 20, 0.05), (0.3, 37, 0.01)]:
        t = np.concatenate([np.arange(0, 2 * T + 3), rng.integers(0, 3 * T, size=5)])
        cases.append((t, base * rng.uniform(0.5, 2.0), T, lo))
    return cases


# --------------------------------------------------------------------------- checkers

def check_momentum_updates(fn: Callable) -> bool:
    """``fn(grads, lr, mu, dampening) -> (T, d)``: PyTorch's momentum buffer, p changes by
    −lr·buf."""

    def hints(grads, lr, mu, tau):
        ref = ref_momentum_updates(grads, lr, mu, tau)
        buf = -ref / lr
        return {
            "first step: PyTorch sets buf = g (undamped) at the first step, not (1 − dampening)·g"
            " (a buffer that starts at 0)": _momentum(grads, lr, mu, tau, first_damped=True),
            "dampening on the wrong term: buf = β·buf + (1 − dampening)·g (the damping "
            "multiplies the new gradient, not the old buffer)":
                _momentum(grads, lr, mu, tau, damp_buf=True),
            "no dampening: the new gradient enters as (1 − dampening)·g":
                _momentum(grads, lr, mu, 0.0),
            "you returned the buffer: the parameters change by −lr·buf": buf,
            "sign wrong: the step goes against the buffer, −lr·buf": -ref,
            "the step is not multiplied by lr: the change is −lr·buf": -buf,
            "you returned the positions (the running sum of the changes), not the change at "
            "each step": np.cumsum(ref, axis=0),
            "no momentum: this is plain SGD, −lr·g; keep a buffer buf = β·buf + "
            "(1 − dampening)·g": -lr * grads,
        }

    def convert(got):
        return got if got is None else np.asarray(got, dtype=np.float64)

    def form(got, grads, *rest):
        if got is not None and got.shape != grads.shape:
            return f"wrong shape: expected {grads.shape} (one row per step, like grads), " \
                   f"got {got.shape}"
        return None

    return check("momentum_updates", fn, ref_momentum_updates, _momentum_cases(7),
                 hints_for=hints, convert=convert, form_hint=form)


def check_cosine_lr(fn: Callable) -> bool:
    """``fn(t, base, total_steps, min_value)`` for an array of steps t (may pass total_steps)."""

    def hints(t, base, T, lo):
        t = np.asarray(t, dtype=np.float64)
        frac = t / T
        return {
            "not held after total_steps: past T your formula rises again (that is torch's "
            "CosineAnnealingLR formula); clamp the step with np.minimum(t, total_steps)":
                lo + (base - lo) * (1 + np.cos(np.pi * frac)) / 2,
            "min_value ignored: the schedule goes from base down to min_value, "
            "min + (base − min)·(1 + cos(π·t/T))/2":
                base * (1 + np.cos(np.pi * np.minimum(frac, 1))) / 2,
            "missing the (1 + ...)/2: the cosine factor (1 + cos(π·t/T))/2 runs from 1 to 0":
                lo + (base - lo) * np.cos(np.pi * np.minimum(frac, 1)),
            "the period is off by a factor of 2: use cos(π·t/T), a half cosine over the T steps":
                lo + (base - lo) * (1 + np.cos(2 * np.pi * np.minimum(frac, 1))) / 2,
            "the cosine is upside down: at t = 0 the lr must be base, at t = total_steps "
            "min_value": lo + (base - lo) * (1 - np.cos(np.pi * np.minimum(frac, 1))) / 2,
        }

    def form(got, t, *rest):
        if got is not None and np.shape(got) != np.shape(t):
            return (f"wrong shape: expected {np.shape(t)} (one value per step in t), got "
                    f"{np.shape(got)}; use NumPy functions so an array of steps works")
        return None

    def convert(got):
        return got if got is None else np.asarray(got, dtype=np.float64)

    return check("cosine_lr", fn, ref_cosine_lr, _cosine_cases(3), hints_for=hints,
                 convert=convert, form_hint=form)
