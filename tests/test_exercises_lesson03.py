"""Lesson 03 checkers: accept the reference, reject each typical mistake with its own hint."""

import numpy as np
import pytest

from wdlib import penalties
from wdlib.exercises import lesson03

S = penalties.soft_threshold


def _grad(w, X, y):
    return X.T @ (X @ w - y) / X.shape[0]


def _stub(*args):
    raise NotImplementedError


# --------------------------------------------------------------------------- soft-thresholding

def test_soft_threshold_accepts_reference_and_a_numpy_version(run_checker):
    assert run_checker(lesson03.check_soft_threshold, lesson03.reference_soft_threshold)[0]
    ok, out = run_checker(lesson03.check_soft_threshold,
                          lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0))
    assert ok and out.startswith("✓ soft_threshold: correct")


def test_soft_threshold_cases_straddle_the_threshold():
    for w, t in lesson03.soft_threshold_cases():
        assert np.any(np.abs(w) < t) and np.any(np.abs(w) > t)


@pytest.mark.parametrize("wrong, hint", [
    (lambda w, t: np.where(np.abs(w) <= t, 0.0, w), "hard thresholding"),
    (lambda w, t: w - t * np.sign(w), "crossed zero"),
    (lambda w, t: np.maximum(np.abs(w) - t, 0.0), "sign is lost"),
    (lambda w, t: w / (1 + t), "L2 proximal step"),
    (lambda w, t: S(w, 2 * t), "factor of 2: too large (subtract t, not 2t)"),
    (lambda w, t: S(w, t / 2), "factor of 2: too small"),
    (lambda w, t: -S(w, t), "wrong sign"),
    (lambda w, t: S(w, t).ravel(), "wrong shape"),
    (lambda w, t: None, "forget `return`"),
    (_stub, "not implemented yet"),
    (lambda w, t: w[100], "raised IndexError"),
])
def test_soft_threshold_hints(wrong, hint, run_checker):
    ok, out = run_checker(lesson03.check_soft_threshold, wrong)
    assert not ok and out.startswith("✗ soft_threshold:") and hint in out, out


def test_checker_does_not_let_learner_mutate_the_cases(run_checker):
    def in_place(w, t):
        w[:] = S(w, t)
        return w
    ok, _ = run_checker(lesson03.check_soft_threshold, in_place)
    assert ok                                   # it gets copies: in-place is still correct


# --------------------------------------------------------------------------- proximal lasso step

def test_prox_lasso_step_accepts_reference(run_checker):
    def mine(w, X, y, lr, lam):
        v = w - lr * X.T @ (X @ w - y) / len(y)
        return np.sign(v) * np.maximum(np.abs(v) - lr * lam, 0)
    ok, out = run_checker(lesson03.check_prox_lasso_step, mine)
    assert ok and out.startswith("✓ prox_lasso_step: correct")


@pytest.mark.parametrize("wrong, hint", [
    (lambda w, X, y, lr, lam: S(w - lr * _grad(w, X, y), lam), "threshold is lr·λ"),
    (lambda w, X, y, lr, lam: w - lr * (_grad(w, X, y) + lam * np.sign(w)), "subgradient step"),
    (lambda w, X, y, lr, lam: w - lr * _grad(w, X, y), "soft-thresholding is missing"),
    (lambda w, X, y, lr, lam: S(w + lr * _grad(w, X, y), lr * lam), "goes uphill"),
    (lambda w, X, y, lr, lam: S(w - lr * X.T @ (X @ w - y), lr * lam), "missing its 1/n"),
    (lambda w, X, y, lr, lam: S(w - 2 * lr * _grad(w, X, y), lr * lam), "twice too large"),
    (lambda w, X, y, lr, lam: S(w, lr * lam) - lr * _grad(S(w, lr * lam), X, y),
     "order is swapped"),
    (lambda w, X, y, lr, lam: S(w - lr * _grad(w, X, y), lr * lam)[:, None], "wrong shape"),
    (_stub, "not implemented yet"),
])
def test_prox_lasso_step_hints(wrong, hint, run_checker):
    ok, out = run_checker(lesson03.check_prox_lasso_step, wrong)
    assert not ok and out.startswith("✗ prox_lasso_step:") and hint in out, out


def test_prox_steps_converge_to_the_lasso():
    """The reference step, iterated, reaches solvers.lasso on a centered problem (sanity)."""
    from wdlib import solvers
    w, X, y, lr, lam = lesson03.prox_lasso_cases()[0]
    X, y = X - X.mean(0), y - y.mean()
    for _ in range(3000):
        w = lesson03.reference_prox_lasso_step(w, X, y, lr, lam)
    w_ref, _ = solvers.lasso(X, y, lam)
    np.testing.assert_allclose(w, w_ref, atol=1e-8)


# --------------------------------------------------------------------------- max-norm projection

def test_max_norm_accepts_reference(run_checker):
    def mine(W, c):
        norms = np.linalg.norm(W, axis=0)
        return W * np.minimum(1.0, c / norms)
    ok, out = run_checker(lesson03.check_max_norm, mine)
    assert ok and out.startswith("✓ max_norm_project: correct")


def test_max_norm_cases_have_columns_inside_and_outside():
    for W, c in lesson03.max_norm_cases():
        norms = np.linalg.norm(W, axis=0)
        assert np.any(norms < c) and np.any(norms > c)
        assert W.shape[0] != W.shape[1]


@pytest.mark.parametrize("wrong, hint", [
    (lambda W, c: W * np.minimum(1.0, c / np.linalg.norm(W, axis=1, keepdims=True)), "rows"),
    (lambda W, c: W * (c / np.linalg.norm(W, axis=0)), "exactly c"),
    (lambda W, c: W * min(1.0, c / np.linalg.norm(W)), "whole matrix"),
    (lambda W, c: W * np.minimum(1.0, c**2 / np.linalg.norm(W, axis=0) ** 2), "squared norms"),
    (lambda W, c: W, "not equal to the reference"),
    (lambda W, c: W.T, "wrong shape"),
    (_stub, "not implemented yet"),
])
def test_max_norm_hints(wrong, hint, run_checker):
    ok, out = run_checker(lesson03.check_max_norm, wrong)
    assert not ok and out.startswith("✗ max_norm_project:") and hint in out, out
