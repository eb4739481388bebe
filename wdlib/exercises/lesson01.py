"""Checkers for lesson 01 (capacity and overfitting).

    from wdlib.exercises import lesson01
    lesson01.check_count_params(count_params)
    lesson01.check_ridge_fit(ridge_fit)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_count_params`` / ``assert_ridge_fit`` raise AssertionError(hint) instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import solvers
from wdlib.exercises._core import assert_form, check, outputs

__all__ = ["check_count_params", "check_ridge_fit", "assert_count_params", "assert_ridge_fit",
           "count_params_cases", "ridge_cases"]


# --------------------------------------------------------------------------- parameter count

COUNT_PARAMS_HINTS = {
    "no_biases": "biases not counted: every layer also has one bias per output unit "
                 "(layer l has (fan_in + 1) · fan_out parameters)",
    "extra_bias": "one bias too many per layer: biases belong to the outputs of a layer, "
                  "(fan_in + 1) · fan_out, not (fan_in + 1) · (fan_out + 1)",
    "bias_per_input": "the biases are counted per input unit: a layer has fan_out biases (one "
                      "per output), not fan_in",
    "no_output_bias": "the output layer's biases are missing: the last layer has a bias per "
                      "output unit too",
    "missing_layer": "a layer is missing: sum over every consecutive pair of sizes, "
                     "(sizes[0], sizes[1]), ..., (sizes[-2], sizes[-1])",
    "input_bias": "the input units got biases too: only the layers' outputs have biases (the "
                  "inputs are data, not parameters)",
}


def count_params_cases(seed: int = 0, n: int = 8) -> list[tuple]:
    """Random layer-size tuples ``(n_in, h1, ..., n_out)`` with 1 to 4 layers, plus two fixed."""
    rng = np.random.default_rng(seed)
    cases = [((2, 32, 32, 1),), ((3, 7),)]
    for _ in range(n):
        depth = int(rng.integers(1, 5))                       # number of weight layers
        cases.append((tuple(int(s) for s in rng.integers(2, 50, size=depth + 1)),))
    return cases


def _pairs(sizes):
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def _count(sizes):
    return sum((a + 1) * b for a, b in _pairs(sizes))


def _count_mistakes(sizes) -> dict:
    pairs = _pairs(sizes)
    weights = sum(a * b for a, b in pairs)
    out = {"no_biases": weights,
           "extra_bias": sum((a + 1) * (b + 1) for a, b in pairs),
           "bias_per_input": sum(a * b + a for a, b in pairs),
           "no_output_bias": _count(sizes) - sizes[-1],
           "input_bias": _count(sizes) + sizes[0]}
    if len(pairs) > 1:
        out["missing_layer"] = sum((a + 1) * b for a, b in pairs[:-1])
    return out


def check_count_params(fn: Callable, *, seed: int = 0, grade: bool = False):
    """Check your ``count_params(sizes)``: the parameter count of an MLP with these layer
    sizes. Prints ✓ or a hint."""
    return check("count_params", fn, _count, count_params_cases(seed), mistakes=_count_mistakes,
                 hints=COUNT_PARAMS_HINTS, rtol=0.0, atol=1e-9, grade=grade)


# --------------------------------------------------------------------------- ridge fit

RIDGE_HINTS = {
    "lam_not_scaled": "λ is not scaled by n: the objective is 1/(2n)·‖y − Fw − b‖² + "
                      "λ/2·‖w‖², so solve (FcᵀFc/n + λI) w = Fcᵀyc/n (or (FcᵀFc + nλI) w = "
                      "Fcᵀyc)",
    "lam_times_n": "λ is off by a factor n: use FcᵀFc/n + λI with Fcᵀyc/n, not "
                   "FcᵀFc/n + n·λI",
    "lam_twice": "λ applied twice (2λ): the penalty λ/2·‖w‖² has gradient λw, not 2λw",
    "lam_half": "λ halved: the penalty λ/2·‖w‖² has gradient λw, not λw/2",
    "b_penalized": "the intercept is penalized: b must not be shrunk; center F and y, solve for "
                   "w, then b = mean(y) − mean(F)·w",
    "no_intercept": "no intercept (b = 0): center F and y before solving, then b = mean(y) − "
                    "mean(F)·w",
    "b_is_mean_y": "w is right but b is not: b = mean(y) − mean(F) @ w (F's column means are "
                   "not 0)",
    "no_penalty": "no penalty: you computed least squares; add λ·I to FcᵀFc/n",
    "ddof": "you divided by n − 1 (np.cov's default): the objective is a mean over the n "
            "samples, so solve (FcᵀFc/n + λI) w = Fcᵀyc/n (np.cov(..., bias=True) divides by n)",
    "w_not_centered": "w was solved from F and y as they are, not centred (b added afterwards): "
                      "centre F and y first, solve for w, then b = mean(y) − mean(F)·w",
}


def ridge_cases(seed: int = 0, n_cases: int = 4) -> list[tuple]:
    """Random ``(F, y, lam)`` with nonzero column means and lam > 0 (so mistakes show)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n_cases):
        n, d = int(rng.integers(15, 40)), int(rng.integers(2, 8))
        F = rng.standard_normal((n, d)) + rng.uniform(-2, 2, size=d)      # (n, d), means != 0
        y = F @ rng.standard_normal((d, 1)) + 3.0 + 0.5 * rng.standard_normal((n, 1))  # (n, 1)
        lam = float(10.0 ** rng.uniform(-1.5, 0))
        cases.append((F, y, lam))
    return cases


def _ridge_reference(F, y, lam) -> dict:
    w, b = solvers.ridge(F, y, lam)
    return {"w": w, "b": b}


def _solve(F, y, lam_eff, *, center=True, n_scale=True, penalize_b=False):
    """The normal equations with one typical mistake switched on. Returns {"w", "b"}."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n, d = F.shape
    if penalize_b:                            # intercept as a column of ones, penalized too
        A = np.hstack([np.ones((n, 1)), F])
        sol = np.linalg.solve(A.T @ A / n + lam_eff * np.eye(d + 1), A.T @ y / n)
        return {"w": sol[1:], "b": sol[0]}
    Fc, yc = (F - F.mean(0), y - y.mean()) if center else (F, y)
    s = n if n_scale else 1.0
    w = np.linalg.solve(Fc.T @ Fc / s + lam_eff * np.eye(d), Fc.T @ yc / s)
    b = y.mean() - F.mean(0) @ w if center else 0.0
    return {"w": w, "b": b}


def ridge_mistakes(F, y, lam) -> dict:
    """The value each typical mistake of a ridge fit produces (shared with lesson 02)."""
    n = F.shape[0]
    return {"lam_not_scaled": _solve(F, y, lam, n_scale=False),
            "lam_times_n": _solve(F, y, n * lam),
            "lam_twice": _solve(F, y, 2 * lam),
            "lam_half": _solve(F, y, lam / 2),
            "b_penalized": _solve(F, y, lam, penalize_b=True),
            "no_intercept": _solve(F, y, lam, center=False),
            "b_is_mean_y": {"w": _ridge_reference(F, y, lam)["w"], "b": np.mean(y)},
            "no_penalty": _solve(F, y, 0.0),
            "ddof": _solve(F, y, lam * (n - 1) / n),       # FcᵀFc/(n − 1) + λI, Fcᵀyc/(n − 1)
            "w_not_centered": (lambda w: {"w": w, "b": np.mean(y) - F.mean(0) @ w})(
                _solve(F, y, lam, center=False)["w"])}


def check_ridge_fit(fn: Callable, *, seed: int = 0, grade: bool = False):
    """Check your ``ridge_fit(F, y, lam) -> (w, b)``; prints ✓ or a hint."""
    return check("ridge_fit", fn, _ridge_reference, ridge_cases(seed), mistakes=ridge_mistakes,
                 hints=RIDGE_HINTS, convert=outputs("w", "b", what="a pair (w, b)"),
                 grade=grade)


assert_count_params = assert_form(check_count_params)
assert_ridge_fit = assert_form(check_ridge_fit)
