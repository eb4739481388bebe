"""Checkers for lesson 05 (vanishing and exploding gradients: depth, activation, initialization).

    from wdlib.exercises import lesson05
    lesson05.check_leaky_relu_std(leaky_relu_std)
    lesson05.check_backprop_tanh(backprop_tanh)

Each checker calls your function on a few inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import assert_form, check

__all__ = ["check_leaky_relu_std", "check_backprop_tanh", "assert_leaky_relu_std",
           "assert_backprop_tanh", "backprop_cases", "LEAKY_CASES"]

# (fan_in, slope): slopes large enough that ignoring them is visible even at float32 precision
LEAKY_CASES = [(100, 0.3), (64, 0.1), (7, 0.5), (256, 0.2)]

LEAKY_HINTS = {
    "ignores_slope": "the slope does not appear: sqrt(2/fan_in) is He's std for ReLU (slope 0); "
                     "a leaky ReLU keeps the negative half, scaled by the slope, and that half "
                     "adds to the second moment",
    "variance": "you returned the variance; the standard deviation is its square root",
    "slope_not_squared": "the slope enters squared: on the negative half the output is a·z, "
                         "whose second moment is a²·E[z²], not a·E[z²]",
    "no_two": "too small by √2: each half of the symmetric z carries half of Var(z), so "
              "E[φ(z)²] = (share of the positive half + share of the negative half)·Var(z), "
              "with a factor ½ on each",
    "minus_slope": "the negative half adds to the second moment (a² ≥ 0), it does not subtract "
                   "from it",
    "inverted": "you returned 1/std: solve fan_in·Var(W)·E[φ(z)²]/Var(z) = 1 for Var(W), then "
                "take the square root",
    "lecun": "that is LeCun's std 1/√fan_in (Xavier/Glorot's for fan_in = fan_out), right for "
             "tanh or a linear unit: a leaky ReLU passes only the positive half of z fully, so "
             "E[φ(z)²] is below E[z²] and the std needs a gain above 1 that depends on the "
             "slope (He's √2 at slope 0): work out E[φ(z)²] half by half",
    "uniform_bound": "that is √3 × the std: the bound b of a uniform init U(−b, b) with that "
                     "std (torch's kaiming_uniform_); return the standard deviation itself",
    "gain_only": "that is the gain √(2/(1 + slope²)) alone (torch.nn.init.calculate_gain): the "
                 "std also divides by √fan_in",
    "gain_over_fan_in": "you divided by fan_in: fan_in divides the *variance* of the weights, "
                        "so their standard deviation divides by √fan_in",
}
LEAKY_HINTS["minus_slope:a"] = LEAKY_HINTS["minus_slope"]      # (1 − a) or (1 − a²): one text

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
    "stopped_early": "you stopped before the input: that is ∂L/∂a_l of a hidden layer (l ≥ 1), "
                     "not ∂L/∂a_0; go through all L layers, from the last one down to the "
                     "first, W_1",
}
BACKPROP_HINTS["stopped_early:a1"] = BACKPROP_HINTS["stopped_early"]   # one text


# --------------------------------------------------------------------------- references

def _ref_leaky_relu_std(fan_in, slope) -> float:
    return float(np.sqrt(2.0 / ((1.0 + slope**2) * fan_in)))


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

def _leaky_mistakes(fan_in, slope):
    std = _ref_leaky_relu_std(fan_in, slope)
    return {"ignores_slope": np.sqrt(2.0 / fan_in), "variance": std**2,
            "slope_not_squared": np.sqrt(2.0 / ((1.0 + slope) * fan_in)),
            "no_two": std / np.sqrt(2.0),
            "minus_slope": np.sqrt(2.0 / ((1.0 - slope**2) * fan_in)),
            "minus_slope:a": np.sqrt(2.0 / ((1.0 - slope) * fan_in)),
            "inverted": 1.0 / std, "lecun": np.sqrt(1.0 / fan_in),
            "uniform_bound": np.sqrt(3.0) * std, "gain_only": std * np.sqrt(fan_in),
            "gain_over_fan_in": std / np.sqrt(fan_in)}


def check_leaky_relu_std(fn: Callable, *, grade: bool = False):
    """Check your ``leaky_relu_std(fan_in, slope)``; prints ✓ or a hint."""
    return check("leaky_relu_std", fn, _ref_leaky_relu_std, LEAKY_CASES,
                 mistakes=_leaky_mistakes, hints=LEAKY_HINTS, grade=grade)


def _backprop_mistakes(Ws, zs, g):
    L = len(Ws)
    how = {"no_activation": dict(deriv=lambda z: np.ones_like(z)),
           "one_minus_z2": dict(deriv=lambda z: 1.0 - z ** 2),
           "no_square": dict(deriv=lambda z: 1.0 - np.tanh(z)),
           "tanh_itself": dict(deriv=np.tanh),
           "no_transpose": dict(transpose=False),
           "forward_order": dict(order=range(L)),
           "last_linear": dict(last_linear=True),
           "stopped_early": dict(order=[L - 1]),              # the last layer only
           "stopped_early:a1": dict(order=range(L - 1, 0, -1))}   # every layer but W_1
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
                 mistakes=_backprop_mistakes, hints=BACKPROP_HINTS, grade=grade,
                 inputs_unchanged=(0,))   # zs and g are scratch: overwriting them is fine,
                                          # but not changing the network's weights Ws


assert_leaky_relu_std = assert_form(check_leaky_relu_std)
assert_backprop_tanh = assert_form(check_backprop_tanh)
