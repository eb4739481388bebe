"""Checkers for lesson 08 (decoupled weight decay: Adam + L2 vs AdamW).

How checkers work: see ``wdlib.exercises``.

==========================  ==============================================================
checker                     the learner's function
==========================  ==============================================================
``check_adamw_step``        ``adamw_step(w, g, m, v, t, lr, wd) -> (w, m, v)``: one step of
                            PyTorch's AdamW (b1 = 0.9, b2 = 0.999, eps = 1e-8), t = 1, 2, ...
``check_effective_decay``   ``effective_decay(v_hat, lr, lam) -> array``: the per-step decay
                            rate lr·lam/(√v̂ + eps) that Adam + L2 applies to each weight
==========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import WrongForm, check

__all__ = ["B1", "B2", "EPS", "check_adamw_step", "check_effective_decay", "ref_adamw_step",
           "ref_effective_decay"]

B1, B2, EPS = 0.9, 0.999, 1e-8


# --------------------------------------------------------------------------- references

def _adam_step(w, g, m, v, t, lr, wd, *, coupled=False, lr_decay=True, shrink_new=False,
               bias_correct=True, eps_inside=False):
    """The reference and its typical mistakes, one switch each."""
    g = g + wd * w if coupled else g
    m = B1 * m + (1 - B1) * g
    v = B2 * v + (1 - B2) * g * g
    m_hat = m / (1 - B1**t) if bias_correct else m
    v_hat = v / (1 - B2**t) if bias_correct else v
    step = m_hat / (np.sqrt(v_hat + EPS) if eps_inside else np.sqrt(v_hat) + EPS)
    if coupled:
        return {"w": w - lr * step, "m": m, "v": v}
    decay = lr * wd if lr_decay else wd
    new = (w - lr * step) * (1 - decay) if shrink_new else w * (1 - decay) - lr * step
    return {"w": new, "m": m, "v": v}


def ref_adamw_step(w, g, m, v, t, lr, wd) -> dict:
    """torch.optim.AdamW, one step: w ← w·(1 − lr·wd), then w ← w − lr·m̂/(√v̂ + eps)."""
    return _adam_step(w, g, m, v, t, lr, wd)


def ref_effective_decay(v_hat, lr, lam) -> np.ndarray:
    """Adam + L2: the λ·w part of the update is lr·λ·w/(√v̂ + eps): a decay rate per weight."""
    return lr * lam / (np.sqrt(v_hat) + EPS)


# --------------------------------------------------------------------------- random inputs

def _step_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    settings = [((4, 3), 1, 1e-2, 0.1), ((5,), 7, 3e-3, 0.5), ((2, 6), 40, 0.05, 0.02)]
    for shape, t, lr, wd in settings:
        w = rng.standard_normal(shape)
        g = rng.standard_normal(shape) * rng.uniform(0.1, 3.0, size=shape)
        m = 0.1 * rng.standard_normal(shape) if t > 1 else np.zeros(shape)
        v = rng.uniform(0.01, 1.0, size=shape) if t > 1 else np.zeros(shape)
        cases.append((w, g, m, v, t, lr, wd))
    w = rng.standard_normal(4)                       # tiny gradients: where eps matters
    cases.append((w, 1e-6 * rng.standard_normal(4), 1e-7 * rng.standard_normal(4),
                  rng.uniform(1e-14, 1e-12, size=4), 12, 1e-3, 0.1))
    return cases


def _decay_cases(seed=0):
    rng = np.random.default_rng(seed)
    return [(10.0 ** rng.uniform(-6, 1, size=shape), lr, lam)
            for shape, lr, lam in [((6,), 1e-3, 0.1), ((3, 4), 0.01, 1.0), ((5,), 3e-4, 2.0)]]


# --------------------------------------------------------------------------- answer forms

def _step_convert(got):
    """A triple (w, m, v) -> {"w", "m", "v"} (``WrongForm`` if it is not one)."""
    if got is None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise WrongForm(f"return a triple (w, m, v): the new weights and both new moments, "
                        f"got {type(got).__name__}")
    return {k: np.asarray(x, dtype=np.float64) for k, x in zip("wmv", got, strict=True)}


# --------------------------------------------------------------------------- checkers

def check_adamw_step(fn: Callable) -> bool:
    """``fn(w, g, m, v, t, lr, wd) -> (w, m, v)``: one step of PyTorch's AdamW."""

    def hints(*args):
        s = lambda **kw: _adam_step(*args, **kw)                              # noqa: E731
        return {
            "that is Adam + L2, not AdamW: the decay must not go into the gradient (and so "
            "into m and v); shrink the weights directly, w·(1 − lr·wd)": s(coupled=True),
            "the decay is not multiplied by lr: PyTorch's AdamW shrinks by (1 − lr·wd), "
            "not (1 − wd) (that is the paper's convention with η_t = 1)": s(lr_decay=False),
            "you shrank the new weights, (w − lr·step)·(1 − lr·wd): shrink the old w, "
            "w·(1 − lr·wd) − lr·step": s(shrink_new=True),
            "no bias correction: divide m by (1 − b1^t) and v by (1 − b2^t) (t starts at 1)":
                s(bias_correct=False),
            "eps inside the square root: PyTorch divides by √v̂ + eps": s(eps_inside=True),
            "no decay at all: AdamW shrinks the weights by (1 − lr·wd) each step":
                _adam_step(*args[:6], 0.0),
        }

    return check("adamw_step", fn, ref_adamw_step, _step_cases(8), hints_for=hints,
                 convert=_step_convert, rtol=1e-7, atol=1e-12)


def check_effective_decay(fn: Callable) -> bool:
    """``fn(v_hat, lr, lam) -> array``: lr·lam/(√v̂ + eps), one rate per weight."""

    def hints(v_hat, lr, lam):
        return {
            "you forgot the square root: Adam divides by √v̂ (the gradient's RMS), not by v̂":
                lr * lam / (v_hat + EPS),
            "you multiplied by √v̂: Adam divides the λ·w term by √v̂ + eps":
                lr * lam * (np.sqrt(v_hat) + EPS),
            "that is AdamW's decay lr·λ, the same for every weight: with Adam + L2 it is "
            "divided by √v̂ + eps": np.full_like(v_hat, lr * lam),
            "the decay is not multiplied by lr: lr·λ/(√v̂ + eps)": lam / (np.sqrt(v_hat) + EPS),
        }

    return check("effective_decay", fn, ref_effective_decay, _decay_cases(9), hints_for=hints,
                 rtol=1e-7, atol=0.0)
