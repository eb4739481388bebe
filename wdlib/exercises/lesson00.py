"""Checker for lesson 00 (start here): the loss convention every lesson uses.

    from wdlib.exercises import lesson00
    lesson00.check_half_mse(half_mse)

The checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_half_mse(half_mse)`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import WrongForm, assert_form, check, size_of

__all__ = ["check_half_mse", "assert_half_mse", "half_mse_cases"]

HALF_MSE_HINTS = {
    "sum": "a sum instead of a mean: divide by the number of samples n",
    "no_half": "off by a factor of 2: too large, the ½ is missing (the lessons' loss is "
               "½·mean((ŷ − y)²); PyTorch's MSELoss has no ½)",
    "sum_no_half": "a sum instead of a mean, and the ½ is missing: ½·mean((ŷ − y)²) = "
                   "Σ(ŷ − y)² / (2n)",
    "sqrt": "the square root of the answer: no square root here, this is not the RMSE",
    "rmse": "that is the RMSE, sqrt(mean((ŷ − y)²)): no square root, and the loss has a ½: "
            "½·mean((ŷ − y)²)",
    "square_of_mean": "you squared the mean error, (mean(ŷ − y))²: square each error first, "
                      "then take the mean",
    "abs": "you averaged |ŷ − y| (an absolute error): square the errors instead",
    "var": "you took the variance of the errors (np.var subtracts their mean): the loss is the "
           "mean of the squared errors themselves, ½·mean((ŷ − y)²)",
    "var:ddof1": "you took the variance of the errors (np.var subtracts their mean; ddof=1 also "
                 "divides by n − 1): the loss is the mean of the squared errors themselves, "
                 "½·mean((ŷ − y)²), Σ(ŷ − y)² / (2n)",
    "ddof": "you divided by n − 1: the loss is a mean over the n samples, Σ(ŷ − y)² / (2n)",
    "broadcast": "an (n, 1) array minus an (n,) array broadcasts to an (n, n) matrix of every "
                 "ŷ_i − y_j: keep both arrays of shape (n, 1) (do not ravel only one)",
    "times_n": "multiplied by n instead of divided: Python reads Σ(ŷ − y)² / 2 * n left to "
               "right, as (Σ(ŷ − y)² / 2)·n; write Σ(ŷ − y)² / (2 * n)",
    "n_twice": "divided by n twice: np.mean already divides by n, so it is ½·mean((ŷ − y)²), "
               "or Σ(ŷ − y)² / (2n) with a sum, not both",
}


def half_mse_cases(seed: int = 0, n_cases: int = 4) -> list[tuple]:
    """Random ``(yhat, y)`` pairs of shape (n, 1), n from 5 to 50."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n_cases):
        n = int(rng.integers(5, 50))
        cases.append((rng.standard_normal((n, 1)), rng.standard_normal((n, 1))))
    return cases


def _reference(yhat, y):
    return 0.5 * np.mean((yhat - y) ** 2)


def _mistakes(yhat, y) -> dict:
    r = yhat - y
    return {"sum": 0.5 * np.sum(r**2), "no_half": np.mean(r**2), "sum_no_half": np.sum(r**2),
            "sqrt": np.sqrt(0.5 * np.mean(r**2)), "rmse": np.sqrt(np.mean(r**2)),
            "square_of_mean": 0.5 * np.mean(r) ** 2,
            "abs": 0.5 * np.mean(np.abs(r)),
            "var": 0.5 * np.var(r), "var:ddof1": 0.5 * np.var(r, ddof=1),
            "ddof": 0.5 * np.sum(r**2) / (r.size - 1),
            "broadcast": 0.5 * np.mean((yhat - y.reshape(-1)) ** 2),
            "times_n": np.sum(r**2) / 2 * r.size, "n_twice": 0.5 * np.mean(r**2) / r.size}


def _convert(got):
    if isinstance(got, (tuple, list)) and len(got) == 2 and size_of(got[0]) == 1 \
            and (size_of(got[1]) or 0) > 1:
        raise WrongForm("you returned a pair (value, gradient), which is what losses.mse "
                        "returns: return only the value, e.g. losses.mse(yhat, y)[0]")
    return got


def check_half_mse(fn: Callable, *, seed: int = 0, grade: bool = False):
    """Check your ``half_mse(yhat, y)`` on random (n, 1) arrays; prints ✓ or a hint."""
    return check("half_mse", fn, _reference, half_mse_cases(seed), mistakes=_mistakes,
                 hints=HALF_MSE_HINTS, convert=_convert, grade=grade)


assert_half_mse = assert_form(check_half_mse)
