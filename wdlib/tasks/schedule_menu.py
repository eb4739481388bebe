"""Lesson 07's menu of learning-rate schedules: a name -> lr(t) over a fixed number of steps.

Each entry builds a ``wdlib.schedules`` schedule (a function step t -> learning rate, t an int
or an int array) from a base learning rate; ``make_schedule`` adds an optional linear warmup.
The "schedules" dashboard and lesson 07 both build their lr(t) here.
"""

from __future__ import annotations

from types import MappingProxyType

from wdlib import _checks, schedules

__all__ = ["STEPS", "KINDS", "make_schedule"]

STEPS = 100              # the lesson's runs: 100 steps

# name -> builder(base lr, steps after the warmup); each is a function of the step
KINDS = MappingProxyType({
    "constant": lambda lr, n: schedules.constant(lr),
    "step": lambda lr, n: schedules.step_decay(lr, step_size=max(n // 4, 1), gamma=0.5),
    "exponential": lambda lr, n: schedules.exponential(lr, gamma=0.97),
    "1/t": lambda lr, n: schedules.inverse_time(lr, decay_rate=0.1),
    "cosine": lambda lr, n: schedules.cosine(lr, total_steps=n),
    "warmup+cosine": None,                               # schedules.warmup_cosine, below
    "cosine restarts": lambda lr, n: schedules.cosine_warm_restarts(lr, T_0=max(n // 4, 1)),
})


def make_schedule(kind: str, lr: float, warmup: int, steps: int = STEPS):
    """The lesson's lr(t): a linear warmup over ``warmup`` steps (none if 0), then ``kind`` (a
    key of ``KINDS``) from base learning rate ``lr`` over the remaining ``steps - warmup``
    steps. "warmup+cosine" is ``schedules.warmup_cosine`` (the same values as "cosine" after
    the same warmup; with none, the cosine alone, as for every kind)."""
    kind = _checks.choice("kind", kind, KINDS)
    lr = _checks.positive("lr", lr)
    steps = _checks.positive_int("steps", steps)
    warmup = _checks.positive_int("warmup", warmup, minimum=0)
    if warmup >= steps:
        raise ValueError(f"warmup must be < steps = {steps}, got {warmup}")
    if kind == "warmup+cosine":     # (warmup 0 ran warmup_cosine's 1 step at lr 0, while the
        #                             dashboard said "warmup 0": a warmup of none is none)
        return (schedules.warmup_cosine(lr, warmup, steps) if warmup else
                KINDS["cosine"](lr, steps))
    main = KINDS[kind](lr, steps - warmup)
    return main if warmup == 0 else schedules.join([schedules.warmup(lr, warmup), main],
                                                   [warmup])
