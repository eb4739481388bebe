"""Lesson 05 checkers: accept the reference, reject each typical mistake with its own hint."""

import numpy as np
import pytest

from wdlib import init
from wdlib.exercises import lesson05 as L


def _stub(*args):
    raise NotImplementedError


# ----------------------------------------------------------------- init standard deviations

@pytest.mark.parametrize("fan_in, fan_out", L.FAN_CASES)
def test_references_match_the_library_initializers(fan_in, fan_out):
    rng = np.random.default_rng(0)
    for draw, ref in [(init.xavier, L.ref_glorot_std), (init.he, L.ref_he_std)]:
        W = draw(rng, (fan_in, fan_out))
        z = W / ref(fan_in, fan_out)                 # must be standard normal
        assert abs(np.std(z) - 1) < 5 / np.sqrt(W.size) + 0.02


def test_glorot_accepts_reference_and_rewrites(run_checker):
    ok, out = run_checker(L.check_glorot_std, L.ref_glorot_std)
    assert ok and out == "✓ glorot_std: correct"
    assert run_checker(L.check_glorot_std, lambda fi, fo: (2 / (fi + fo)) ** 0.5)[0]
    assert run_checker(L.check_glorot_std, lambda fi, fo: np.array([np.sqrt(2 / (fi + fo))]))[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda fi, fo: None, "returned None"),
    (lambda fi, fo: 2 / (fi + fo), "variance"),
    (lambda fi, fo: np.sqrt(1 / fi), "fan_in only"),
    (lambda fi, fo: np.sqrt(1 / fo), "fan_out only"),
    (lambda fi, fo: np.sqrt(2 / fi), "He's init"),
    (lambda fi, fo: np.sqrt(6 / (fi + fo)), "uniform"),
    (lambda fi, fo: np.sqrt(1 / (fi + fo)), "factor √2 (too small)"),
    (lambda fi, fo: np.sqrt(4 / (fi + fo)), "factor √2 (too large)"),
    (lambda fi, fo: -np.sqrt(2 / (fi + fo)), "wrong sign"),
    (lambda fi, fo: np.full(3, np.sqrt(2 / (fi + fo))), "one number"),
    (lambda fi, fo: 1 / 0, "ZeroDivisionError"),
])
def test_glorot_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_glorot_std, fn)
    assert not ok
    assert out.startswith("✗ glorot_std:") and hint in out, out


def test_he_accepts_reference(run_checker):
    ok, out = run_checker(L.check_he_std, lambda fi, fo: np.sqrt(2.0 / fi))
    assert ok and out == "✓ he_std: correct"


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda fi, fo: 2 / fi, "variance"),
    (lambda fi, fo: np.sqrt(2 / fo), "used fan_out"),
    (lambda fi, fo: np.sqrt(2 / (fi + fo)), "Glorot"),
    (lambda fi, fo: np.sqrt(1 / fi), "factor 2 is missing"),
    (lambda fi, fo: np.sqrt(4 / fi), "factor √2 (too large)"),
])
def test_he_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_he_std, fn)
    assert not ok
    assert out.startswith("✗ he_std:") and hint in out, out


# --------------------------------------------------------------------------- backprop through tanh

def _learner(Ws, zs, g):
    for W, z in zip(reversed(Ws), reversed(zs), strict=True):
        g = (g * (1 - np.tanh(z) ** 2)) @ W.T
    return g


def test_backprop_reference_is_the_gradient():
    """The reference equals a finite-difference gradient of L = sum(g * a_L) w.r.t. the input."""
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((3, 4)) * 0.7, rng.standard_normal((4, 2)) * 0.7]
    X, g = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))

    def forward(X):
        a, zs = X, []
        for W in Ws:
            zs.append(a @ W)
            a = np.tanh(zs[-1])
        return a, zs

    _, zs = forward(X)
    got = L.ref_backprop_tanh(Ws, zs, g)
    num = np.zeros_like(X)
    eps = 1e-6
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += eps
        Xm[idx] -= eps
        num[idx] = (np.sum(g * forward(Xp)[0]) - np.sum(g * forward(Xm)[0])) / (2 * eps)
    assert np.allclose(got, num, atol=1e-8)


def test_backprop_accepts_reference_and_a_rewrite(run_checker):
    ok, out = run_checker(L.check_backprop_tanh, L.ref_backprop_tanh)
    assert ok and out == "✓ backprop_tanh: correct"
    assert run_checker(L.check_backprop_tanh, _learner)[0]


def _variant(deriv=lambda z: 1 - np.tanh(z) ** 2, transpose=True, forward_order=False):
    def fn(Ws, zs, g):
        pairs = list(zip(Ws, zs, strict=True))
        for W, z in (pairs if forward_order else reversed(pairs)):
            g = (g * deriv(z)) @ (W.T if transpose else W)
        return g
    return fn


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda Ws, zs, g: None, "returned None"),
    (_variant(deriv=lambda z: np.ones_like(z)), "forgot the activation"),
    (_variant(deriv=lambda z: 1 - z ** 2), "not 1 − z²"),
    (_variant(deriv=lambda z: 1 - np.tanh(z)), "square is missing"),
    (_variant(deriv=np.tanh), "instead of its derivative"),
    (_variant(transpose=False), "transpose"),
    (_variant(forward_order=True), "go backwards"),
    (lambda Ws, zs, g: -_learner(Ws, zs, g), "wrong sign"),
    (lambda Ws, zs, g: 2 * _learner(Ws, zs, g), "factor of 2"),
    (lambda Ws, zs, g: _learner(Ws, zs, g).T, "wrong shape"),
])
def test_backprop_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_backprop_tanh, fn)
    assert not ok
    assert out.startswith("✗ backprop_tanh:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_he_std, 0.1)
    assert not ok and "expected a function" in out
