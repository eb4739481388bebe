"""Checkers for lesson 01 (capacity and overfitting).

    from wdlib.exercises import lesson01
    lesson01.check_count_params(count_params)   # an MLP's parameter count from its layer sizes
    lesson01.check_ridge_fit(ridge_fit)          # ridge regression from the normal equations

Each checker calls the learner's function on random inputs, compares it with the reference
(``models.MLP(sizes).num_params()``, ``solvers.ridge``) and prints ``✓`` or a specific hint
(biases not counted, λ not scaled by n, intercept penalized, ...). It returns True or False.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import models, solvers
from wdlib.exercises._core import WrongForm, check

__all__ = ["check_count_params", "check_ridge_fit", "count_params_cases", "ridge_cases"]


# --------------------------------------------------------------------------- parameter count

def count_params_cases(seed: int = 0, n: int = 8) -> list[tuple]:
    """Random layer-size tuples ``(n_in, h1, ..., n_out)`` with 1 to 4 layers, plus two fixed."""
    rng = np.random.default_rng(seed)
    cases = [((2, 32, 32, 1),), ((1, 1),)]
    for _ in range(n):
        depth = int(rng.integers(1, 5))                       # number of weight layers
        cases.append((tuple(int(s) for s in rng.integers(1, 50, size=depth + 1)),))
    return cases


def _pairs(sizes):
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def _count_hints(sizes) -> dict:
    """The hint each typical wrong count earns -> that count for these layer sizes."""
    pairs = _pairs(sizes)
    weights = sum(a * b for a, b in pairs)
    return {
        "biases not counted: every layer also has one bias per output unit "
        "(layer l has (fan_in + 1) · fan_out parameters)": weights,
        "one bias too many per layer: biases belong to the outputs of a layer, "
        "(fan_in + 1) · fan_out, not (fan_in + 1) · (fan_out + 1)":
            sum((a + 1) * (b + 1) for a, b in pairs),
        "the biases are counted per input unit: a layer has fan_out biases (one per output), "
        "not fan_in": sum(a * b + a for a, b in pairs),
        "a layer is missing: sum over every consecutive pair of sizes, "
        "(sizes[0], sizes[1]), ..., (sizes[-2], sizes[-1])": sum(
            (a + 1) * b for a, b in pairs[:-1]) if len(pairs) > 1 else 0,
    }


def _as_count(got):
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer, float,
                                                                 np.floating)):
        if got is None:
            return None
        raise WrongForm(f"return one number (an int), got {type(got).__name__}")
    return got


def check_count_params(fn: Callable, *, seed: int = 0) -> bool:
    """Check ``fn(sizes) -> int``, the number of parameters of ``models.MLP(sizes)``."""
    return check("count_params", fn, lambda sizes: models.MLP(sizes).num_params(),
                 count_params_cases(seed), hints_for=_count_hints, convert=_as_count)


# --------------------------------------------------------------------------- ridge fit

def ridge_cases(seed: int = 0, n_cases: int = 4) -> list[tuple]:
    """Random ``(F, y, lam)`` with nonzero column means and lam > 0 (so mistakes show)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n_cases):
        n, d = int(rng.integers(15, 40)), int(rng.integers(2, 8))
        F = rng.standard_normal((n, d)) + rng.uniform(-2, 2, size=d)      # (n, d), means != 0
        y = F @ rng.standard_normal((d, 1)) + 3.0 + 0.5 * rng.standard_normal((n, 1))  # (n, 1)
        lam = float(10.0 ** rng.uniform(-2, 0))
        cases.append((F, y, lam))
    return cases


def _ridge_reference(F, y, lam) -> dict:
    w, b = solvers.ridge(F, y, lam)
    return {"w": w, "b": np.asarray(b)}


def _solve(F, y, lam_eff, *, center=True, n_scale=True, penalize_b=False):
    """The normal equations with one typical mistake switched on. Returns {"w", "b"}."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n, d = F.shape
    if penalize_b:                            # intercept as a column of ones, penalized too
        A = np.hstack([np.ones((n, 1)), F])
        sol = np.linalg.solve(A.T @ A / n + lam_eff * np.eye(d + 1), A.T @ y / n)
        return {"w": sol[1:], "b": np.asarray(sol[0])}
    Fc, yc = (F - F.mean(0), y - y.mean()) if center else (F, y)
    s = n if n_scale else 1.0
    w = np.linalg.solve(Fc.T @ Fc / s + lam_eff * np.eye(d), Fc.T @ yc / s)
    b = y.mean() - F.mean(0) @ w if center else 0.0
    return {"w": w, "b": np.asarray(b)}


def _ridge_hints(F, y, lam) -> dict:
    return {
        "λ is not scaled by n: the objective is 1/(2n)·‖y − Fw − b‖² + λ/2·‖w‖², so solve "
        "(FcᵀFc/n + λI) w = Fcᵀyc/n (or (FcᵀFc + nλI) w = Fcᵀyc)":
            _solve(F, y, lam, n_scale=False),
        "λ applied twice (2λ): the penalty λ/2·‖w‖² has gradient λw, not 2λw":
            _solve(F, y, 2 * lam),
        "λ halved: the penalty λ/2·‖w‖² has gradient λw, not λw/2":
            _solve(F, y, lam / 2),
        "the intercept is penalized: b must not be shrunk; center F and y, solve for w, "
        "then b = mean(y) − mean(F)·w": _solve(F, y, lam, penalize_b=True),
        "no intercept (b = 0): center F and y before solving, then b = mean(y) − mean(F)·w":
            _solve(F, y, lam, center=False),
        "w is right but b is not: b = mean(y) − mean(F) @ w (F's column means, not 0)":
            {"w": _ridge_reference(F, y, lam)["w"], "b": np.asarray(y.mean())},
    }


def _as_wb(got):
    if got is None:
        return None
    if not isinstance(got, tuple) or len(got) != 2:
        raise WrongForm(f"return a pair (w, b): w of shape (d,), b a number; got "
                        f"{type(got).__name__}" + (f" of length {len(got)}"
                                                   if isinstance(got, tuple) else ""))
    w, b = got
    if np.ndim(b) != 0:
        raise WrongForm(f"b must be a single number, got an array of shape {np.shape(b)}")
    return {"w": np.asarray(w, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}


def check_ridge_fit(fn: Callable, *, seed: int = 0) -> bool:
    """Check ``fn(F, y, lam) -> (w, b)`` against ``solvers.ridge`` (objective with ½·MSE)."""
    return check("ridge_fit", fn, _ridge_reference, ridge_cases(seed), hints_for=_ridge_hints,
                 convert=_as_wb)
