"""Checkers for lesson 09 (weight decay on scale-invariant weights).

How checkers work: see ``wdlib.exercises``.

==============================  =========================================================
checker                         the learner's function
==============================  =========================================================
``check_angular_step``          ``angular_step(w_old, w_new) -> float``: the angle in radians
                                between two weight arrays (of any shape)
``check_equilibrium_angle``     ``equilibrium_angle(optimizer, lr, lam) -> float``: the exact
                                equilibrium angular step of "sgd" (L2) or "sgdw" (the paper's)
                                on a scale-invariant weight, no momentum
``check_equilibrium_norm``      ``equilibrium_norm(lr, lam, g_tilde_sq) -> float``: SGD + L2's
                                equilibrium ‖w‖ when ‖g‖² = g_tilde_sq / ‖w‖²
==============================  =========================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import WrongForm, check

__all__ = ["check_angular_step", "check_equilibrium_angle", "check_equilibrium_norm",
           "ref_angular_step", "ref_equilibrium_angle", "ref_equilibrium_norm"]


# --------------------------------------------------------------------------- references

def ref_angular_step(w_old, w_new) -> float:
    """The angle between w_old and w_new (flattened), in radians, accurate for tiny angles."""
    a, b = np.ravel(w_old), np.ravel(w_new)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return float(2.0 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b)))


def _shrink(optimizer, lr, lam):
    return lam if optimizer == "sgdw" else lr * lam


def ref_equilibrium_angle(optimizer, lr, lam) -> float:
    """w ← (1 − d)w − lr·g with g ⟂ w (d = lr·λ for "sgd", λ for "sgdw"); in equilibrium
    lr²‖g‖² = (1 − (1 − d)²)‖w‖², and the angle θ has tan θ = lr‖g‖ / ((1 − d)‖w‖)."""
    d = _shrink(optimizer, lr, lam)
    return float(np.arctan(np.sqrt(d * (2.0 - d)) / (1.0 - d)))


def ref_equilibrium_norm(lr, lam, g_tilde_sq) -> float:
    """‖w‖⁴ = lr·‖g̃‖² / (λ(2 − lr·λ)) (the fixed point of ‖w‖² ← (1 − lr·λ)²‖w‖² + lr²‖g̃‖²/‖w‖²)."""
    return float((lr * g_tilde_sq / (lam * (2.0 - lr * lam))) ** 0.25)


# --------------------------------------------------------------------------- random inputs

def _angle_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for shape, size in [((8, 4), 0.3), ((5,), 1e-4), ((3, 3), 1.2)]:
        w = rng.standard_normal(shape)
        step = rng.standard_normal(shape)
        cases.append((w, 2.5 * (w + size * np.linalg.norm(w) * step / np.linalg.norm(step))))
    return cases


def _eq_cases():
    return [("sgd", 0.1, 0.05), ("sgdw", 0.1, 0.01), ("sgd", 0.5, 0.4), ("sgdw", 2.0, 0.2)]


def _norm_cases():
    return [(0.1, 0.05, 2.0), (0.5, 0.4, 0.3), (0.02, 1.0, 10.0)]


def _scalar(got):
    if got is None:
        return None
    value = np.asarray(got, dtype=np.float64)
    if value.size != 1:
        raise WrongForm(f"return one number, got an array of shape {value.shape}")
    return float(value.ravel()[0])


# --------------------------------------------------------------------------- checkers

def check_angular_step(fn: Callable) -> bool:
    """``fn(w_old, w_new) -> float``: the angle between them, in radians."""

    def hints(w_old, w_new):
        a, b = np.ravel(w_old), np.ravel(w_new)
        cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
        theta = ref_angular_step(w_old, w_new)
        return {
            "that is in degrees: return radians (np.arccos / np.arctan2 give radians)":
                np.degrees(theta),
            "that is the cosine of the angle: take the arccos (or better, 2·atan2 of the "
            "differences of the unit vectors)": cos,
            "you forgot to normalize: divide the dot product by both norms": a @ b,
            "that is ‖w_new − w_old‖ / ‖w_old‖, the relative step: the angle ignores the "
            "change of length": np.linalg.norm(b - a) / np.linalg.norm(a),
        }

    return check("angular_step", fn, ref_angular_step, _angle_cases(3), hints_for=hints,
                 convert=_scalar, rtol=1e-6, atol=1e-12)


def check_equilibrium_angle(fn: Callable) -> bool:
    """``fn(optimizer, lr, lam) -> float``: the exact equilibrium angle (no momentum)."""

    def hints(optimizer, lr, lam):
        d = _shrink(optimizer, lr, lam)
        other = "sgd" if optimizer == "sgdw" else "sgdw"
        return {
            "that is √(2·d), the small-d approximation: give the exact angle, "
            "tan θ = √(d(2 − d)) / (1 − d)": np.sqrt(2 * d),
            "that is tan θ, not θ: take the arctan": np.sqrt(d * (2.0 - d)) / (1.0 - d),
            "that is √(d(2 − d)): the angle also has the (1 − d) of the shrunk w, "
            "tan θ = √(d(2 − d)) / (1 − d)": np.sqrt(d * (2.0 - d)),
            "mixed up the conventions: for \"sgd\" (L2) the shrink per step is lr·λ, for "
            "\"sgdw\" (the paper's) it is λ alone": ref_equilibrium_angle(other, lr, lam),
        }

    return check("equilibrium_angle", fn, ref_equilibrium_angle, _eq_cases(), hints_for=hints,
                 convert=_scalar, rtol=1e-7, atol=1e-12)


def check_equilibrium_norm(fn: Callable) -> bool:
    """``fn(lr, lam, g_tilde_sq) -> float``: SGD + L2's equilibrium ‖w‖."""

    def hints(lr, lam, gt):
        exact4 = lr * gt / (lam * (2.0 - lr * lam))
        return {
            "that is ‖w‖⁴ (or ‖w‖²): take the fourth root": exact4,
            "that is ‖w‖²: take the square root once more (‖w‖⁴ is the fixed point)":
                np.sqrt(exact4),
            "that is the approximation lr·‖g̃‖²/(2λ) under the fourth root: keep "
            "(2 − lr·λ)": (lr * gt / (2 * lam)) ** 0.25,
            "‖g̃‖² enters with lr, not lr²: lr²‖g̃‖²/‖w‖² = (1 − (1 − lr·λ)²)‖w‖², divide by lr":
                (lr * lr * gt / (lam * (2.0 - lr * lam))) ** 0.25,
        }

    return check("equilibrium_norm", fn, ref_equilibrium_norm, _norm_cases(), hints_for=hints,
                 convert=_scalar, rtol=1e-7, atol=1e-12)
