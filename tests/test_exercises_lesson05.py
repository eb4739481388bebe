"""Lesson 05 checkers: correct variants accepted, each typical mistake named, robust."""

import math

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra

from wdlib.exercises import lesson05 as L

GLOROT_CORRECT = [lambda a, b: math.sqrt(2 / (a + b)), lambda a, b: np.sqrt(2.0 / (a + b)),
                  lambda a, b: (2 / (a + b)) ** 0.5, lambda a, b: np.float32(np.sqrt(2 / (a + b))),
                  lambda a, b: np.sqrt(6 / (a + b)) / np.sqrt(3)]
GLOROT_MISTAKES = [
    (lambda a, b: math.sqrt(1 / a), "fan_in"), (lambda a, b: math.sqrt(1 / b), "fan_out"),
    (lambda a, b: math.sqrt(2 / a), "he"), (lambda a, b: math.sqrt(6 / (a + b)), "uniform_bound"),
    (lambda a, b: 2 / (a + b), "variance"), (lambda a, b: math.sqrt(4 / (a + b)), "sqrt2_large"),
    (lambda a, b: math.sqrt(1 / (a + b)), "sqrt2_small"),
    (lambda a, b: math.sqrt(2 / (a * b)), "product"),
]
test_glorot_correct = accepts(L.check_glorot_std, GLOROT_CORRECT)
test_glorot_mistakes = names(L.check_glorot_std, L.GLOROT_HINTS, GLOROT_MISTAKES)
test_glorot_robust = robust(L.check_glorot_std)
test_glorot_robust_extra = robust_extra(L.check_glorot_std)

HE_CORRECT = [lambda a, b: math.sqrt(2 / a), lambda a, b: np.sqrt(2) / np.sqrt(a),
              lambda a, b: np.float32(math.sqrt(2 / a)), lambda a, b: [math.sqrt(2 / a)]]
HE_MISTAKES = [
    (lambda a, b: math.sqrt(2 / b), "fan_out"), (lambda a, b: math.sqrt(2 / (a + b)), "glorot"),
    (lambda a, b: math.sqrt(1 / a), "no_two"), (lambda a, b: 2 / a, "variance"),
    (lambda a, b: 2 / math.sqrt(a), "sqrt2_large"),
]
test_he_correct = accepts(L.check_he_std, HE_CORRECT)
test_he_mistakes = names(L.check_he_std, L.HE_HINTS, HE_MISTAKES)
test_he_robust = robust(L.check_he_std)
test_he_robust_extra = robust_extra(L.check_he_std)


def _bp(deriv=lambda z: 1 - np.tanh(z) ** 2, T=True, forward=False, last_linear=False,
        after=False, dtype=None):
    def fn(Ws, zs, g):
        L_ = len(Ws)
        order = range(L_) if forward else reversed(range(L_))
        for l in order:
            if after:
                g = g @ Ws[l].T
                if l > 0:
                    g = g * deriv(zs[l - 1])
                continue
            if not (last_linear and l == L_ - 1):
                g = g * deriv(zs[l])
            g = g @ (Ws[l].T if T else Ws[l])
        return g if dtype is None else g.astype(dtype)
    return fn


def _in_place(Ws, zs, g):
    for l in range(len(Ws) - 1, -1, -1):
        np.tanh(zs[l], out=zs[l])
        zs[l] **= 2
        g = g * (1 - zs[l]) @ Ws[l].T
    return g


BP_CORRECT = [_bp(), _in_place, _bp(dtype=np.float32),
              _bp(deriv=lambda z: 1 / np.cosh(z) ** 2)]
BP_MISTAKES = [
    (_bp(deriv=lambda z: np.ones_like(z)), "no_activation"),
    (_bp(deriv=lambda z: 1 - z**2), "one_minus_z2"),
    (_bp(deriv=lambda z: 1 - np.tanh(z)), "no_square"),
    (_bp(deriv=np.tanh), "tanh_itself"),
    (_bp(forward=True), "forward_order"),
    (_bp(last_linear=True), "last_linear"),
]
test_bp_correct = accepts(L.check_backprop_tanh, BP_CORRECT)
test_bp_mistakes = names(L.check_backprop_tanh, L.BACKPROP_HINTS, BP_MISTAKES)
test_bp_robust = robust(L.check_backprop_tanh)
test_bp_robust_extra = robust_extra(L.check_backprop_tanh)


def test_no_transpose_gets_a_shape_hint_or_its_own():
    from exercise_harness import run
    ok, line = run(L.check_backprop_tanh, _bp(T=False))
    assert not ok and ("transpose" in line or "raised ValueError" in line), line
