"""Checker for lesson 00 (start here): the loss convention every lesson uses.

    from wdlib.exercises import lesson00
    lesson00.check_half_mse(half_mse)     # ½·mean((ŷ − y)²), the value of ``losses.mse``

The checker calls the learner's function on random inputs, compares it with ``losses.mse`` and
prints ``✓`` or a specific hint (the ½ missing, a sum instead of a mean, ...). Returns True/False.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import losses
from wdlib.exercises._core import check

__all__ = ["check_half_mse", "half_mse_cases"]


def half_mse_cases(seed: int = 0, n_cases: int = 4) -> list[tuple]:
    """Random ``(yhat, y)`` pairs of shape (n, 1), n from 5 to 50."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n_cases):
        n = int(rng.integers(5, 50))
        cases.append((rng.standard_normal((n, 1)), rng.standard_normal((n, 1))))
    return cases


def _reference(yhat, y) -> float:
    return float(losses.mse(yhat, y)[0])


def _hints(yhat, y) -> dict:
    """Typical wrong values for this case (the hints know n)."""
    want, n = _reference(yhat, y), y.shape[0]
    return {
        "a sum instead of a mean: divide by the number of samples n "
            f"(here n = {n})": n * want,
        "off by a factor of 2: too large, the ½ is missing (the lessons' loss is "
            "½·mean((ŷ − y)²), PyTorch's MSELoss has no ½)": 2 * want,
        "a sum instead of a mean, and the ½ is missing: ½·mean((ŷ − y)²) = Σ(ŷ − y)² / (2n) "
            f"(here n = {n})": 2 * n * want,
        "the square root of the answer: no square root here, this is not the RMSE":
            np.sqrt(want),
    }


def _one_number(got, yhat, y) -> str | None:
    if got is not None and np.ndim(got) != 0:
        return ("return one number (the mean over all samples), got an array of shape "
                f"{np.shape(got)}")
    return None


def check_half_mse(fn: Callable, *, seed: int = 0) -> bool:
    """Check ``fn(yhat, y) -> float`` = ½·mean((yhat − y)²) on random (n, 1) arrays."""
    return check("half_mse", fn, _reference, half_mse_cases(seed), hints_for=_hints,
                 form_hint=_one_number)
