"""Checkers for lesson 07 (learning rate, momentum, schedules).

    from wdlib.exercises import lesson07
    lesson07.check_momentum_updates(momentum_updates)
    lesson07.check_cosine_lr(cosine_lr)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import schedules
from wdlib.exercises._core import assert_form, check

__all__ = ["check_momentum_updates", "check_cosine_lr", "assert_momentum_updates",
           "assert_cosine_lr"]

MOMENTUM_HINTS = {
    "first_damped": "first step: PyTorch sets buf = g (undamped) at the first step, not "
                    "(1 − dampening)·g (a buffer that starts at 0)",
    "damp_buf": "dampening on the wrong term: buf = β·buf + (1 − dampening)·g (the damping "
                "multiplies the new gradient, not the old buffer)",
    "adam_style": "that is an Adam-style average, buf = β·buf + (1 − β)·g: PyTorch's SGD damps "
                  "the new gradient with (1 − dampening), not (1 − β)",
    "no_dampening": "no dampening: the new gradient enters as (1 − dampening)·g",
    "buffer": "you returned the buffer: the parameters change by −lr·buf",
    "sign": "sign wrong: the step goes against the buffer, −lr·buf",
    "no_lr": "the step is not multiplied by lr: the change is −lr·buf",
    "positions": "you returned the positions (the running sum of the changes), not the change "
                 "at each step",
    "plain_sgd": "no momentum: this is plain SGD, −lr·g; keep a buffer buf = β·buf + "
                 "(1 − dampening)·g",
    "damp_swapped": "dampening the other way round: the new gradient enters as "
                    "(1 − dampening)·g, not dampening·g",
    "nesterov": "that is Nesterov's momentum, a step along g + β·buf: plain momentum "
                "(nesterov=False) changes the parameters by −lr·buf",
    "one_step_late": "one step late: your row t is the change of step t − 1 (and the first row "
                     "is 0); update the buffer with step t's gradient first, then record "
                     "−lr·buf for step t",
    "first_row_zero": "your first row is 0: the first step already changes the parameters, by "
                      "−lr·g₁ (PyTorch sets buf = g₁ at the first step); record the change of "
                      "every step, the first included",
    "reversed": "your rows are in reverse order: row t is the change of step t, the first "
                "step's first",
    "step_damped": "every change is scaled by (1 − dampening): dampening multiplies the new "
                   "gradient inside the buffer (from the second step on), not the step "
                   "−lr·buf",
}

COSINE_HINTS = {
    "not_held": "not held after total_steps: past T your formula rises again (that is torch's "
                "CosineAnnealingLR formula); clamp the step with np.minimum(t, total_steps)",
    "min_ignored": "min_value ignored: the schedule goes from base down to min_value, "
                   "min + (base − min)·(1 + cos(π·t/T))/2",
    "no_half": "missing the (1 + ...)/2: the cosine factor (1 + cos(π·t/T))/2 runs from 1 to 0",
    "no_div2": "the factor (1 + cos(π·t/T)) is missing its /2: it must run from 1 down to 0",
    "full_period": "the period is off by a factor of 2: use cos(π·t/T), a half cosine over the "
                   "T steps",
    "upside_down": "the cosine is upside down: at t = 0 the lr must be base, at t = total_steps "
                   "min_value",
    "zero_after": "after total_steps the lr must stay at min_value, not drop to 0",
    "restarts": "after total_steps your lr starts over from base (SGDR's warm restarts, "
                "torch's CosineAnnealingWarmRestarts): this schedule stays at min_value from "
                "t = total_steps on; use min(t, T)/T, not t % T",
    "t_plus_one": "off by one step: the lr is base at t = 0 and reaches min_value at "
                  "t = total_steps; use min(t, T)/T (no t ± 1, no T ± 1)",
}
for _key in ("T_minus_one", "t_minus_one", "t_minus_one_clamped", "T_plus_one",
             "T_plus_one:held_at_T", "T_minus_one:held_at_T"):
    COSINE_HINTS[_key] = COSINE_HINTS["t_plus_one"]          # the same slip, one text


# --------------------------------------------------------------------------- references

def _momentum(grads, lr, mu, dampening, *, first_damped=False, damp_buf=False,
              adam_style=False):
    """Per-step parameter changes of heavy-ball momentum; the keyword flags build the typical
    mistakes (the reference has them all False)."""
    grads = np.asarray(grads, dtype=np.float64)
    out, buf = np.empty_like(grads), None
    for t, g in enumerate(grads):
        if buf is None:
            buf = (1 - dampening) * g if first_damped else g.copy()
        elif adam_style:
            buf = mu * buf + (1 - mu) * g
        elif damp_buf:
            buf = (1 - dampening) * mu * buf + g
        else:
            buf = mu * buf + (1 - dampening) * g
        out[t] = -lr * buf
    return out


def _ref_momentum_updates(grads, lr, mu, dampening) -> np.ndarray:
    return _momentum(grads, lr, mu, dampening)


def _ref_cosine_lr(t, base, total_steps, min_value) -> np.ndarray:
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

def _momentum_mistakes(grads, lr, mu, tau):
    ref = _ref_momentum_updates(grads, lr, mu, tau)
    buf = -ref / lr
    return {"first_damped": _momentum(grads, lr, mu, tau, first_damped=True),
            "damp_buf": _momentum(grads, lr, mu, tau, damp_buf=True),
            "adam_style": _momentum(grads, lr, mu, tau, adam_style=True),
            "no_dampening": _momentum(grads, lr, mu, 0.0),
            "buffer": buf, "sign": -ref, "no_lr": -buf,
            "positions": np.cumsum(ref, axis=0), "plain_sgd": -lr * grads,
            "damp_swapped": _momentum(grads, lr, mu, 1.0 - tau),
            "nesterov": -lr * grads + mu * ref,
            "one_step_late": np.vstack([np.zeros_like(ref[:1]), ref[:-1]]),
            "first_row_zero": np.vstack([np.zeros_like(ref[:1]), ref[1:]]),
            "reversed": ref[::-1], "step_damped": (1 - tau) * ref}


def check_momentum_updates(fn: Callable, *, grade: bool = False):
    """Check your ``momentum_updates(grads, lr, beta, dampening) -> (T, d)``."""
    return check("momentum_updates", fn, _ref_momentum_updates, _momentum_cases(7),
                 mistakes=_momentum_mistakes, hints=MOMENTUM_HINTS, grade=grade)


def _cosine_mistakes(t, base, T, lo):
    t = np.asarray(t, dtype=np.float64)
    half = lambda x: (1 + np.cos(np.pi * x)) / 2   # noqa: E731 - 1 at x = 0, 0 at x = 1

    def lr(f, *, low=lo, factor=half):
        """The schedule, written once: each mistake changes one argument (the fraction f of
        the T steps, the low end, the factor)."""
        return low + (base - low) * factor(f)

    held = lambda s, steps=T: np.minimum(s, steps) / steps  # noqa: E731 - min(t, T)/T
    return {"not_held": lr(t / T),
            "min_ignored": lr(held(t), low=0.0),
            "no_half": lr(held(t), factor=lambda x: 2 * half(x) - 1),    # cos(πx)
            "no_div2": lr(held(t), factor=lambda x: 2 * half(x)),
            "full_period": lr(2 * held(t)),
            "upside_down": lr(1 - held(t)),
            "zero_after": np.where(t > T, 0.0, lr(held(t))),
            "t_plus_one": lr(held(t + 1)),
            "T_minus_one": lr(held(t, T - 1)),
            "t_minus_one": lr(np.minimum(t - 1, T) / T),      # cos(−π/T) at t = 0
            "t_minus_one_clamped": lr(held(np.maximum(t - 1, 0))),
            "T_plus_one": lr(held(t, T + 1)),
            "T_plus_one:held_at_T": lr(np.minimum(t, T) / (T + 1)),     # clamped at T, / (T ± 1)
            "T_minus_one:held_at_T": lr(np.minimum(t, T) / (T - 1)),
            "restarts": lr(t % T / T)}


def check_cosine_lr(fn: Callable, *, grade: bool = False):
    """Check your ``cosine_lr(t, base, total_steps, min_value)`` for an array of steps t."""
    return check("cosine_lr", fn, _ref_cosine_lr, _cosine_cases(3), mistakes=_cosine_mistakes,
                 hints=COSINE_HINTS, grade=grade)


assert_momentum_updates = assert_form(check_momentum_updates)
assert_cosine_lr = assert_form(check_cosine_lr)
