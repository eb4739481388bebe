"""Checkers for lesson 05 (vanishing and exploding gradients: depth, activation, initialization).

    from wdlib.exercises import lesson05
    lesson05.check_glorot_std(glorot_std)        # sqrt(2 / (fan_in + fan_out))
    lesson05.check_he_std(he_std)                # sqrt(2 / fan_in)
    lesson05.check_backprop_tanh(backprop_tanh)  # dL/da_0 through a stack of tanh layers

Each checker calls the learner's function on a few inputs, compares the result with the reference
(the formulas of ``wdlib.init``) and prints ``✓`` or a specific hint (the variance
instead of the standard deviation, fan_in only, the factor 2 missing, W instead of Wᵀ, the tanh
derivative forgotten, ...). It returns True or False.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import WrongForm, check

__all__ = ["check_glorot_std", "check_he_std", "check_backprop_tanh", "ref_glorot_std",
           "ref_he_std", "ref_backprop_tanh", "backprop_cases", "FAN_CASES"]

FAN_CASES = [(100, 30), (64, 64), (3, 300), (256, 512)]   # first: every typical mistake differs


# --------------------------------------------------------------------------- references

def ref_glorot_std(fan_in, fan_out) -> float:
    """Xavier/Glorot: std = sqrt(2 / (fan_in + fan_out)), the scale ``init.xavier`` draws with."""
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def ref_he_std(fan_in, fan_out) -> float:
    """He/Kaiming for ReLU: std = sqrt(2 / fan_in), the scale ``init.he`` draws with."""
    return float(np.sqrt(2.0 / fan_in))


def _tanh_backward(Ws, zs, g, *, deriv=lambda z: 1.0 - np.tanh(z) ** 2, transpose=True,
                   order=None):
    order = range(len(Ws) - 1, -1, -1) if order is None else order
    for l in order:
        g = g * deriv(zs[l])
        g = g @ (Ws[l].T if transpose else Ws[l])
    return g


def ref_backprop_tanh(Ws, zs, g) -> np.ndarray:
    """dL/da_0 for a_l = tanh(z_l), z_l = a_{l-1} @ W_l (l = 1..L), given g = dL/da_L.

    Going back through layer l: multiply elementwise by tanh'(z_l) = 1 − tanh(z_l)², then by W_lᵀ.
    """
    return _tanh_backward(Ws, zs, g)


def backprop_cases(seed=0):
    """(Ws, zs, g) triples: a square stack first (so W and Wᵀ have the same shape), then
    unequal widths."""
    rng = np.random.default_rng(seed)
    cases = []
    for sizes, n in [((4, 4, 4, 4), 3), ((3, 5, 2), 4), ((2, 6, 6, 6, 1), 5)]:
        X = rng.standard_normal((n, sizes[0]))
        Ws = [rng.standard_normal((fi, fo)) * np.sqrt(1.5 / fi)
              for fi, fo in zip(sizes[:-1], sizes[1:], strict=True)]
        a, zs = X, []
        for W in Ws:
            z = a @ W
            zs.append(z)
            a = np.tanh(z)
        cases.append((Ws, zs, rng.standard_normal((n, sizes[-1]))))
    return cases


# --------------------------------------------------------------------------- answer forms

def _scalar(got):
    """A number (or a 1-element array) as a float array of shape ()."""
    if got is None:
        return None
    arr = np.asarray(got, dtype=np.float64)
    if arr.size != 1:
        raise WrongForm(f"return one number (the standard deviation), got shape {arr.shape}")
    return arr.reshape(())


def _std_hints(formula_std: Callable):
    """Hints shared by both standard-deviation checkers; ``formula_std(fi, fo)`` is the answer."""
    def hints(fan_in, fan_out):
        std = formula_std(fan_in, fan_out)
        return {"you returned the variance; the standard deviation is its square root":
                std ** 2,
                "off by a factor √2 (too large): check the factor 2 under the square root":
                std * np.sqrt(2.0),
                "off by a factor √2 (too small): the variance has a factor 2 in the numerator":
                std / np.sqrt(2.0)}
    return hints


# --------------------------------------------------------------------------- checkers

def check_glorot_std(fn: Callable) -> bool:
    """``fn(fan_in, fan_out) -> float``: the Xavier/Glorot std, sqrt(2 / (fan_in + fan_out))."""
    base = _std_hints(ref_glorot_std)

    def hints(fan_in, fan_out):
        return {
            "you used fan_in only (sqrt(1/fan_in) is LeCun's init): Glorot averages the forward "
            "condition fan_in·Var = 1 and the backward one fan_out·Var = 1, "
            "Var = 2/(fan_in + fan_out)": np.sqrt(1.0 / fan_in),
            "you used fan_out only: Glorot uses both, Var = 2/(fan_in + fan_out)":
                np.sqrt(1.0 / fan_out),
            "you used sqrt(2/fan_in), He's init for ReLU; Glorot is sqrt(2/(fan_in + fan_out))":
                np.sqrt(2.0 / fan_in),
            "you returned the bound a = sqrt(6/(fan_in + fan_out)) of the *uniform* Glorot init; "
            "its std is a/√3": np.sqrt(6.0 / (fan_in + fan_out)),
            **base(fan_in, fan_out),
        }

    return check("glorot_std", fn, ref_glorot_std, FAN_CASES, hints_for=hints, convert=_scalar)


def check_he_std(fn: Callable) -> bool:
    """``fn(fan_in, fan_out) -> float``: the He/Kaiming std for ReLU, sqrt(2 / fan_in)."""
    base = _std_hints(ref_he_std)

    def hints(fan_in, fan_out):
        return {
            "you used fan_out: He's forward condition is fan_in·Var(W)/2 = 1, Var = 2/fan_in":
                np.sqrt(2.0 / fan_out),
            "you used the Glorot formula sqrt(2/(fan_in + fan_out)); for ReLU He uses "
            "sqrt(2/fan_in)": np.sqrt(2.0 / (fan_in + fan_out)),
            "the factor 2 is missing: ReLU zeroes half of its inputs, so it halves the second "
            "moment; He's variance is 2/fan_in, not 1/fan_in": np.sqrt(1.0 / fan_in),
            **base(fan_in, fan_out),
        }

    return check("he_std", fn, ref_he_std, FAN_CASES, hints_for=hints, convert=_scalar)


def check_backprop_tanh(fn: Callable) -> bool:
    """``fn(Ws, zs, g) -> dL/da_0``: backpropagate g = dL/da_L through tanh layers a @ W."""

    def hints(Ws, zs, g):
        L = len(Ws)
        wrong = {
            "you forgot the activation: multiply by tanh'(z_l) = 1 − tanh(z_l)² before each Wᵀ":
                dict(deriv=lambda z: np.ones_like(z)),
            "wrong derivative: tanh'(z) = 1 − tanh(z)², not 1 − z²":
                dict(deriv=lambda z: 1.0 - z ** 2),
            "wrong derivative: tanh'(z) = 1 − tanh(z)², not 1 − tanh(z) (the square is missing)":
                dict(deriv=lambda z: 1.0 - np.tanh(z)),
            "you multiplied by tanh(z) instead of its derivative 1 − tanh(z)²":
                dict(deriv=np.tanh),
            "use the transpose: the forward pass is a @ W, so the backward pass is g @ Wᵀ":
                dict(transpose=False),
            "wrong order: go backwards, from the last layer (W_L, z_L) to the first":
                dict(order=range(L)),
        }
        out = {}
        for message, how in wrong.items():
            try:                           # some mistakes only exist for square layers
                out[message] = _tanh_backward(Ws, zs, g, **how)
            except ValueError:
                pass
        return out

    return check("backprop_tanh", fn, ref_backprop_tanh, backprop_cases(1), hints_for=hints)
