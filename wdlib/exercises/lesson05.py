"""Checkers for lesson 05 (vanishing and exploding gradients: depth, activation, initialization).

    from wdlib.exercises import lesson05
    lesson05.check_glorot_std(glorot_std)
    lesson05.check_he_std(he_std)
    lesson05.check_backprop_tanh(backprop_tanh)

Each checker calls your function on a few inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import assert_form, check

__all__ = ["check_glorot_std", "check_he_std", "check_backprop_tanh", "assert_glorot_std",
           "assert_he_std", "assert_backprop_tanh", "backprop_cases", "FAN_CASES"]

FAN_CASES = [(100, 30), (64, 64), (3, 300), (256, 512)]   # first: every typical mistake differs

_STD_COMMON = {
    "variance": "you returned the variance; the standard deviation is its square root",
    "sqrt2_large": "off by a factor √2 (too large): check the factor 2 under the square root",
    "sqrt2_small": "off by a factor √2 (too small): the variance has a factor 2 in the numerator",
}

GLOROT_HINTS = {
    "fan_in": "you used fan_in only (sqrt(1/fan_in) is LeCun's init): Glorot averages the "
              "forward condition fan_in·Var = 1 and the backward one fan_out·Var = 1, "
              "Var = 2/(fan_in + fan_out)",
    "fan_out": "you used fan_out only: Glorot uses both, Var = 2/(fan_in + fan_out)",
    "he": "you used sqrt(2/fan_in), He's init for ReLU; Glorot is sqrt(2/(fan_in + fan_out))",
    "uniform_bound": "you returned the bound a = sqrt(6/(fan_in + fan_out)) of the *uniform* "
                     "Glorot init; its std is a/√3",
    "product": "you used fan_in·fan_out: Glorot averages the two, Var = 2/(fan_in + fan_out)",
    **_STD_COMMON,
}

HE_HINTS = {
    "fan_out": "you used fan_out: He's forward condition is fan_in·Var(W)/2 = 1, Var = 2/fan_in",
    "glorot": "you used the Glorot formula sqrt(2/(fan_in + fan_out)); for ReLU He uses "
              "sqrt(2/fan_in)",
    "no_two": "the factor 2 is missing: ReLU zeroes half of its inputs, so it halves the second "
              "moment; He's variance is 2/fan_in, not 1/fan_in",
    **_STD_COMMON,
}

BACKPROP_HINTS = {
    "no_activation": "you forgot the activation: multiply by tanh'(z_l) = 1 − tanh(z_l)² "
                     "before each Wᵀ",
    "one_minus_z2": "wrong derivative: tanh'(z) = 1 − tanh(z)², not 1 − z²",
    "no_square": "wrong derivative: tanh'(z) = 1 − tanh(z)², not 1 − tanh(z) (the square is "
                 "missing)",
    "tanh_itself": "you multiplied by tanh(z) instead of its derivative 1 − tanh(z)²",
    "no_transpose": "use the transpose: the forward pass is a @ W, so the backward pass is g @ Wᵀ",
    "forward_order": "wrong order: go backwards, from the last layer (W_L, z_L) to the first",
    "last_linear": "the last layer is a tanh too (a_L = tanh(z_L)): multiply g by tanh'(z_L) "
                   "before going through W_Lᵀ",
}


# --------------------------------------------------------------------------- references

def _ref_glorot_std(fan_in, fan_out) -> float:
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def _ref_he_std(fan_in, fan_out) -> float:
    return float(np.sqrt(2.0 / fan_in))


def _tanh_backward(Ws, zs, g, *, deriv=lambda z: 1.0 - np.tanh(z) ** 2, transpose=True,
                   order=None, last_linear=False):
    order = range(len(Ws) - 1, -1, -1) if order is None else order
    for l in order:
        if not (last_linear and l == len(Ws) - 1):
            g = g * deriv(zs[l])
        g = g @ (Ws[l].T if transpose else Ws[l])
    return g


def _ref_backprop_tanh(Ws, zs, g) -> np.ndarray:
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


# --------------------------------------------------------------------------- checkers

def _std_common(std):
    return {"variance": std**2, "sqrt2_large": std * np.sqrt(2.0), "sqrt2_small": std / np.sqrt(2)}


def _glorot_mistakes(fan_in, fan_out):
    return {"fan_in": np.sqrt(1.0 / fan_in), "fan_out": np.sqrt(1.0 / fan_out),
            "he": np.sqrt(2.0 / fan_in), "uniform_bound": np.sqrt(6.0 / (fan_in + fan_out)),
            "product": np.sqrt(2.0 / (fan_in * fan_out)),
            **_std_common(_ref_glorot_std(fan_in, fan_out))}


def _he_mistakes(fan_in, fan_out):
    return {"fan_out": np.sqrt(2.0 / fan_out), "glorot": np.sqrt(2.0 / (fan_in + fan_out)),
            "no_two": np.sqrt(1.0 / fan_in), **_std_common(_ref_he_std(fan_in, fan_out))}


def check_glorot_std(fn: Callable, *, grade: bool = False):
    """Check your ``glorot_std(fan_in, fan_out)``; prints ✓ or a hint."""
    return check("glorot_std", fn, _ref_glorot_std, FAN_CASES, mistakes=_glorot_mistakes,
                 hints=GLOROT_HINTS, grade=grade)


def check_he_std(fn: Callable, *, grade: bool = False):
    """Check your ``he_std(fan_in, fan_out)``; prints ✓ or a hint."""
    return check("he_std", fn, _ref_he_std, FAN_CASES, mistakes=_he_mistakes, hints=HE_HINTS,
                 grade=grade)


def _backprop_mistakes(Ws, zs, g):
    L = len(Ws)
    how = {"no_activation": dict(deriv=lambda z: np.ones_like(z)),
           "one_minus_z2": dict(deriv=lambda z: 1.0 - z ** 2),
           "no_square": dict(deriv=lambda z: 1.0 - np.tanh(z)),
           "tanh_itself": dict(deriv=np.tanh),
           "no_transpose": dict(transpose=False),
           "forward_order": dict(order=range(L)),
           "last_linear": dict(last_linear=True)}
    out = {}
    for key, kw in how.items():
        try:                               # some mistakes only exist for square layers
            out[key] = _tanh_backward(Ws, zs, g, **kw)
        except ValueError:
            pass
    return out


def check_backprop_tanh(fn: Callable, *, grade: bool = False):
    """Check your ``backprop_tanh(Ws, zs, g)``; prints ✓ or a hint."""
    return check("backprop_tanh", fn, _ref_backprop_tanh, backprop_cases(1),
                 mistakes=_backprop_mistakes, hints=BACKPROP_HINTS, grade=grade)


assert_glorot_std = assert_form(check_glorot_std)
assert_he_std = assert_form(check_he_std)
assert_backprop_tanh = assert_form(check_backprop_tanh)
