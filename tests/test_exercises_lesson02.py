"""Lesson 02 checkers: accept the reference, reject each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib import solvers
from wdlib.exercises import lesson02 as L


def _stub(*args):
    raise NotImplementedError


def _is_w(k):
    return k.startswith("W")


# ------------------------------------------------------------------------------------- l2_grad

def test_l2_grad_accepts_reference_and_a_rewrite(run_checker):
    ok, out = run_checker(L.check_l2_grad, L.ref_l2_grad)
    assert ok and out == "✓ l2_grad: correct"

    def learner(params, lam):
        out = {}
        for k, v in params.items():
            out[k] = v * lam if _is_w(k) else 0.0 * v
        return out

    assert run_checker(L.check_l2_grad, learner)[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda p, lam: {k: lam * v for k, v in p.items()}, "biases decayed"),
    (lambda p, lam: {k: 2 * lam * v if _is_w(k) else 0 * v for k, v in p.items()},
     "factor of 2"),
    (lambda p, lam: {k: -lam * v if _is_w(k) else 0 * v for k, v in p.items()}, "wrong sign"),
    (lambda p, lam: {k: lam * v for k, v in p.items() if _is_w(k)}, "missing keys"),
    (lambda p, lam: {k: v if _is_w(k) else 0 * v for k, v in p.items()}, "multiply by lam"),
    (lambda p, lam: {k: 0.5 * lam * v**2 if _is_w(k) else 0 * v for k, v in p.items()},
     "value"),
    (lambda p, lam: None, "returned None"),
    (lambda p, lam: {k: lam * v.T if _is_w(k) else 0 * v for k, v in p.items()},
     "wrong shape"),
    (lambda p, lam: 1 / 0, "ZeroDivisionError"),
])
def test_l2_grad_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_l2_grad, fn)
    assert not ok
    assert out.startswith("✗ l2_grad:") and hint in out, out


# ------------------------------------------------------------------------------------- SGD steps

def _l2_way(p, g, lr, lam):
    return {k: v - lr * (g[k] + lam * v if _is_w(k) else g[k]) for k, v in p.items()}


def _decay_way(p, g, lr, lam):
    return {k: ((1 - lr * lam) * v if _is_w(k) else v) - lr * g[k] for k, v in p.items()}


@pytest.mark.parametrize("checker", [L.check_sgd_step_l2, L.check_sgd_step_decay])
@pytest.mark.parametrize("fn", [L.ref_sgd_step, _l2_way, _decay_way])
def test_steps_accept_both_ways(run_checker, checker, fn):
    ok, out = run_checker(checker, fn)
    assert ok and out.startswith("✓"), out


def _step(decay=lambda lr, lam: 1 - lr * lam, bias_decay=False, g_scale=lambda lr: lr,
          sign=-1.0, after=False):
    def fn(p, g, lr, lam):
        out = {}
        for k, v in p.items():
            f = decay(lr, lam) if (_is_w(k) or bias_decay) else 1.0
            out[k] = f * (v + sign * g_scale(lr) * g[k]) if after \
                else f * v + sign * g_scale(lr) * g[k]
        return out
    return fn


@pytest.mark.parametrize("checker", [L.check_sgd_step_l2, L.check_sgd_step_decay])
@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_step(bias_decay=True), "biases decayed"),
    (_step(decay=lambda lr, lam: 1 - lam), "not multiplied by lr"),
    (_step(decay=lambda lr, lam: 1 + lr * lam, sign=+1.0), "sign wrong"),
    (_step(sign=+1.0), "gradient step has the wrong sign"),
    (_step(decay=lambda lr, lam: 1 + lr * lam), "decay has the wrong sign"),
    (_step(g_scale=lambda lr: 1.0), "gradient is not multiplied by lr"),
    (_step(after=True), "shrank after the gradient step"),
    (_step(decay=lambda lr, lam: 1.0), "no decay at all"),
    (_step(decay=lambda lr, lam: 1 - 2 * lr * lam), "factor of 2"),
    (lambda p, g, lr, lam: {k: v for k, v in p.items() if _is_w(k)}, "missing keys"),
])
def test_step_hints(run_checker, checker, fn, hint):
    ok, out = run_checker(checker, fn)
    assert not ok
    assert out.startswith("✗ sgd_step_") and hint in out, out


def test_steps_do_not_let_in_place_bugs_corrupt_the_reference(run_checker):
    def in_place(p, g, lr, lam):
        for k in p:
            if _is_w(k):
                p[k] *= 1 - lr * lam
            p[k] -= lr * g[k]
        return p

    ok, _ = run_checker(L.check_sgd_step_decay, in_place)
    assert ok


# ------------------------------------------------------------------------------------- ridge

def _ridge_like(lam_of=lambda lam, n: lam, center=True):
    def fn(X, y, lam):
        n, d = X.shape
        xm, ym = (X.mean(0), y.mean()) if center else (np.zeros(d), 0.0)
        Xc, yc = X - xm, y[:, 0] - ym
        w = np.linalg.solve(Xc.T @ Xc / n + lam_of(lam, n) * np.eye(d), Xc.T @ yc / n)
        return w, ym - xm @ w
    return fn


def test_ridge_accepts_reference_forms(run_checker):
    assert run_checker(L.check_ridge, _ridge_like())[0]
    assert run_checker(L.check_ridge, solvers.ridge)[0]
    # b as a 1-element array is fine too
    assert run_checker(L.check_ridge,
                       lambda X, y, lam: (solvers.ridge(X, y, lam)[0],
                                          np.array([solvers.ridge(X, y, lam)[1]])))[0]


def _bias_penalized(X, y, lam):
    n, d = X.shape
    Xa = np.hstack([X, np.ones((n, 1))])
    v = np.linalg.solve(Xa.T @ Xa / n + lam * np.eye(d + 1), Xa.T @ y[:, 0] / n)
    return v[:d], v[d]


def _sklearn_alpha_lam(X, y, lam):        # (XcᵀXc + λI) w = Xcᵀyc: alpha = λ instead of n·λ
    xm, ym = X.mean(0), y.mean()
    Xc, yc = X - xm, y[:, 0] - ym
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ yc)
    return w, ym - xm @ w


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_bias_penalized, "intercept penalized"),
    (_ridge_like(center=False), "no intercept"),
    (lambda X, y, lam: (solvers.ridge(X, y, lam)[0], float(np.mean(y))), "b is wrong"),
    (_sklearn_alpha_lam, "factor n"),
    (_ridge_like(lam_of=lambda lam, n: n * lam), "factor n"),
    (_ridge_like(lam_of=lambda lam, n: 2 * lam), "factor of 2"),
    (_ridge_like(lam_of=lambda lam, n: lam / 2), "factor of 2"),
    (_ridge_like(lam_of=lambda lam, n: 0.0), "no penalty"),
    (lambda X, y, lam: {"w": 0, "b": 0}, "not a dict"),
    (lambda X, y, lam: solvers.ridge(X, y, lam)[0], "pair (w, b)"),
    (lambda X, y, lam: (solvers.ridge(X, y, lam)[0][:, None], 0.0), "flatten"),
    (lambda X, y, lam: None, "returned None"),
])
def test_ridge_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_ridge, fn)
    assert not ok
    assert out.startswith("✗ ridge:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_ridge, 3)
    assert not ok and "expected a function" in out
