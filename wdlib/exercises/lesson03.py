"""Checkers for lesson 03 (L1, sparsity and constraints).

    from wdlib.exercises import lesson03
    lesson03.check_soft_threshold(soft_threshold)      # sign(w) · max(|w| - t, 0)
    lesson03.check_prox_lasso_step(prox_lasso_step)    # one ISTA step: gradient, then threshold
    lesson03.check_max_norm(max_norm_project)          # every column of W to norm <= c

Each checker calls the learner's function on random inputs, compares it with the reference
(``penalties.soft_threshold``, ``penalties.MaxNorm``) and prints ``✓`` or a specific hint (hard
instead of soft thresholding, threshold λ instead of lr·λ, a subgradient step instead of the
proximal one, rows instead of columns, ...). It returns True or False.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import penalties
from wdlib.exercises._core import check

__all__ = ["check_soft_threshold", "check_prox_lasso_step", "check_max_norm",
           "soft_threshold_cases", "prox_lasso_cases", "max_norm_cases",
           "reference_soft_threshold", "reference_prox_lasso_step", "reference_max_norm"]

# --------------------------------------------------------------------------- soft-thresholding

def reference_soft_threshold(w, t):
    """``sign(w) · max(|w| - t, 0)``."""
    return penalties.soft_threshold(w, t)


def soft_threshold_cases(seed: int = 0) -> list[tuple]:
    """Arrays (1-D and 2-D) with entries on both sides of the threshold, and thresholds t > 0."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([-3.0, -0.5, 0.0, 0.2, 1.0, 2.5]), 0.7)]
    for shape in [(7,), (3, 4), (2, 3, 2)]:
        cases.append((2.0 * rng.standard_normal(shape), float(rng.uniform(0.3, 1.2))))
    return cases


def _soft_hints(w, t) -> dict:
    S = penalties.soft_threshold
    small = np.abs(w) <= t
    return {
        "that is hard thresholding (w kept as it is where |w| > t): soft-thresholding also moves "
        "the surviving weights towards 0 by t": np.where(small, 0.0, w),
        "small weights crossed zero: w - t·sign(w) must stop at 0, clamp |w| - t with "
        "max(·, 0)": w - t * np.sign(w),
        "the sign is lost: multiply max(|w| - t, 0) by sign(w)": np.maximum(np.abs(w) - t, 0.0),
        "that is the L2 proximal step w / (1 + t), a shrink by a factor; L1 subtracts t and "
        "stops at 0": w / (1.0 + t),
        "threshold off by a factor of 2: too large (subtract t, not 2t)": S(w, 2 * t),
        "threshold off by a factor of 2: too small (subtract t, not t/2)": S(w, t / 2),
    }


def check_soft_threshold(fn: Callable) -> bool:
    """``fn(w, t)`` must return ``sign(w) · max(|w| - t, 0)`` with w's shape."""
    return check("soft_threshold", fn, reference_soft_threshold, soft_threshold_cases(),
                 hints_for=_soft_hints)


# --------------------------------------------------------------------------- proximal lasso step

def _data_grad(w, X, y):
    """Gradient of 1/(2n)‖y - Xw‖² (no intercept): Xᵀ(Xw - y)/n.  # (d,)"""
    return X.T @ (X @ w - y) / X.shape[0]


def reference_prox_lasso_step(w, X, y, lr, lam):
    """One proximal gradient (ISTA) step on 1/(2n)‖y - Xw‖² + lam‖w‖₁:
    ``soft_threshold(w - lr · Xᵀ(Xw - y)/n, lr · lam)``."""
    return penalties.soft_threshold(w - lr * _data_grad(w, X, y), lr * lam)


def prox_lasso_cases(seed: int = 0) -> list[tuple]:
    """Small random problems ``(w, X, y, lr, lam)``: X (n, d), y (n,), w (d,)."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, lr, lam in [(30, 6, 0.1, 0.3), (12, 4, 0.05, 1.0), (50, 8, 0.2, 0.1)]:
        X = rng.standard_normal((n, d))
        y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
        w = rng.standard_normal(d)
        cases.append((w, X, y, lr, lam))
    return cases


def _prox_hints(w, X, y, lr, lam) -> dict:
    S = penalties.soft_threshold
    g = _data_grad(w, X, y)
    n = X.shape[0]
    first = S(w, lr * lam)
    return {
        "the threshold is lr·λ (the step size times λ), not λ": S(w - lr * g, lam),
        "that is a subgradient step w - lr·(∇L + λ·sign(w)); the proximal step is a plain "
        "gradient step on the data loss, then soft-thresholding by lr·λ":
            w - lr * (g + lam * np.sign(w)),
        "the soft-thresholding is missing: after the gradient step, apply "
        "sign(v)·max(|v| - lr·λ, 0)": w - lr * g,
        "the gradient step goes uphill: the data gradient is Xᵀ(Xw - y)/n and the step "
        "subtracts it": S(w + lr * g, lr * lam),
        "the data gradient is missing its 1/n: the loss is a mean over the n samples":
            S(w - lr * n * g, lr * lam),
        "the data gradient is twice too large: the loss is ½·mean((Xw - y)²), whose gradient "
        "is Xᵀ(Xw - y)/n (no factor 2)": S(w - 2 * lr * g, lr * lam),
        "the order is swapped: take the gradient step first, then soft-threshold":
            first - lr * _data_grad(first, X, y),
    }


def check_prox_lasso_step(fn: Callable) -> bool:
    """``fn(w, X, y, lr, lam)`` must return ``soft_threshold(w - lr·Xᵀ(Xw - y)/n, lr·lam)``."""
    return check("prox_lasso_step", fn, reference_prox_lasso_step, prox_lasso_cases(),
                 hints_for=_prox_hints)


# --------------------------------------------------------------------------- max-norm projection

def reference_max_norm(W, c):
    """Rescale each column of W (a unit's incoming weights) whose norm exceeds c to norm c."""
    return penalties.MaxNorm(c).project({"W": W})["W"]


def max_norm_cases(seed: int = 0) -> list[tuple]:
    """Non-square W (fan_in, fan_out) with some columns inside the ball and some outside."""
    rng = np.random.default_rng(seed)
    cases = []
    for (fan_in, fan_out), c in [((5, 4), 1.5), ((3, 6), 1.0), ((8, 2), 2.5)]:
        W = rng.standard_normal((fan_in, fan_out)) * rng.uniform(0.2, 1.5, size=fan_out)
        cases.append((W, c))
    return cases


def _max_norm_hints(W, c) -> dict:
    cols = np.linalg.norm(W, axis=0, keepdims=True)
    rows = np.linalg.norm(W, axis=1, keepdims=True)
    frob = np.linalg.norm(W)
    return {
        "you rescaled rows: with W of shape (fan_in, fan_out), a unit's incoming weights are a "
        "column (norm over axis 0)": W * np.minimum(1.0, c / rows),
        "every column was rescaled to norm exactly c: a constraint leaves the columns already "
        "inside the ball (norm <= c) unchanged": W * (c / cols),
        "that bounds the norm of the whole matrix: max-norm bounds each unit (column) "
        "separately": W * min(1.0, c / frob),
        "compare norms, not squared norms: the factor is c / ‖w‖, not c² / ‖w‖²":
            W * np.minimum(1.0, c**2 / cols**2),
    }


def check_max_norm(fn: Callable) -> bool:
    """``fn(W, c)`` must return W with every column of norm > c rescaled to norm c."""
    return check("max_norm_project", fn, reference_max_norm, max_norm_cases(),
                 hints_for=_max_norm_hints)
