"""Lesson 02 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
import pytest
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import solvers
from wdlib.exercises import lesson02 as L

W = lambda k: k.startswith("W")                                             # noqa: E731

L2_CORRECT = [
    lambda p, lam: {k: lam * v if W(k) else np.zeros_like(v) for k, v in p.items()},
    lambda p, lam: {k: lam * v * W(k) for k, v in p.items()},
    lambda p, lam: {k: (lam * v if W(k) else 0 * v).astype(np.float32) for k, v in p.items()},
]
zb = lambda f: lambda p, lam: {k: f(v, lam) if W(k) else 0 * v for k, v in p.items()}  # noqa
L2_MISTAKES = [
    (lambda p, lam: {k: lam * v for k, v in p.items()}, "biases_decayed"),
    (zb(lambda v, lam: -lam * v), "negative"),
    (zb(lambda v, lam: 2 * lam * v), "twice"),
    (zb(lambda v, lam: v), "weights"),
    (zb(lambda v, lam: lam / 2 * v**2), "value"),
    (lambda p, lam: {k: lam * v if W(k) else v for k, v in p.items()}, "biases_unchanged"),
]
test_l2_correct = accepts(L.check_l2_grad, L2_CORRECT)
test_l2_mistakes = names(L.check_l2_grad, L.L2_GRAD_HINTS, L2_MISTAKES)
test_l2_robust = robust(L.check_l2_grad)
test_l2_robust_extra = robust_extra(L.check_l2_grad)


def test_l2_missing_bias_keys():
    ok, line = run(L.check_l2_grad, lambda p, lam: {k: lam * v for k, v in p.items() if W(k)})
    assert not ok and "missing keys" in line and "zeros for the biases" in line, line


def _l2_way(p, g, lr, lam):
    return {k: v - lr * (g[k] + lam * v if W(k) else g[k]) for k, v in p.items()}


def _decay_way(p, g, lr, lam):
    return {k: ((1 - lr * lam) * v if W(k) else v) - lr * g[k] for k, v in p.items()}


def _in_place(p, g, lr, lam):
    for k in p:
        if W(k):
            p[k] *= 1 - lr * lam
        p[k] -= lr * g[k]
    return p


STEP_CORRECT = [_l2_way, _decay_way, _in_place,
                lambda *a: {k: v.astype(np.float32) for k, v in _decay_way(*a).items()}]


def _step(decay=lambda lr, lam: 1 - lr * lam, bias_decay=False, g_scale=lambda lr: lr,
          sign=-1.0, after=False, move_b=True, g_w=1.0):
    def fn(p, g, lr, lam):
        out = {}
        for k, v in p.items():
            f = decay(lr, lam) if (W(k) or bias_decay) else 1.0
            step = sign * g_scale(lr) * g[k] * (g_w if W(k) else 1.0) * (move_b or W(k))
            out[k] = f * (v + step) if after else f * v + step
        return out
    return fn


STEP_MISTAKES = [
    (_step(bias_decay=True), "biases_shrunk"),
    (_step(move_b=False), "biases_not_updated"),
    (_step(decay=lambda lr, lam: 1 - lam), "decay_without_lr"),
    (_step(decay=lambda lr, lam: 1 + lr * lam, sign=+1.0), "both_signs"),
    (_step(sign=+1.0), "grad_sign"),
    (_step(decay=lambda lr, lam: 1 + lr * lam), "decay_sign"),
    (_step(g_scale=lambda lr: 1.0), "grad_without_lr"),
    (_step(after=True), "shrink_after"),
    (_step(decay=lambda lr, lam: 1.0), "no_decay"),
    (_step(decay=lambda lr, lam: 1 - 2 * lr * lam), "decay_twice"),
    (_step(g_w=0.0), "only_decay"),
]

for _name, _checker in [("l2", L.check_sgd_step_l2), ("decay", L.check_sgd_step_decay)]:
    globals()[f"test_step_{_name}_correct"] = accepts(_checker, STEP_CORRECT)
    globals()[f"test_step_{_name}_mistakes"] = names(_checker, L.STEP_HINTS, STEP_MISTAKES)
    globals()[f"test_step_{_name}_robust"] = robust(_checker)
    globals()[f"test_step_{_name}_robust_extra"] = robust_extra(_checker)


@pytest.mark.parametrize("checker", [L.check_sgd_step_l2, L.check_sgd_step_decay])
def test_step_missing_biases_gets_the_step_hint_not_zeros(checker):
    ok, line = run(checker, lambda p, g, lr, lam: {k: v for k, v in p.items() if W(k)})
    assert not ok and "b − lr·g" in line and "zeros" not in line, line


def _ridge_like(lam_of=lambda lam, n: lam, center=True, scale=True):
    def fn(X, y, lam):
        n, d = X.shape
        xm, ym = (X.mean(0), y.mean()) if center else (np.zeros(d), 0.0)
        Xc, yc = X - xm, y[:, 0] - ym
        s = n if scale else 1
        w = np.linalg.solve(Xc.T @ Xc / s + lam_of(lam, n) * np.eye(d), Xc.T @ yc / s)
        return w, ym - xm @ w
    return fn


RIDGE_CORRECT = [_ridge_like(), solvers.ridge, lambda *a: list(solvers.ridge(*a)),
                 lambda *a: tuple(np.float32(x) if np.ndim(x) == 0 else x.astype(np.float32)
                                  for x in solvers.ridge(*a))]
RIDGE_MISTAKES = [
    (_ridge_like(scale=False), "lam_not_scaled"),
    (_ridge_like(lam_of=lambda lam, n: n * lam), "lam_times_n"),
    (_ridge_like(lam_of=lambda lam, n: 2 * lam), "lam_twice"),
    (_ridge_like(lam_of=lambda lam, n: lam / 2), "lam_half"),
    (_ridge_like(center=False), "no_intercept"),
    (lambda X, y, lam: (solvers.ridge(X, y, lam)[0], float(np.mean(y))), "b_is_mean_y"),
    (_ridge_like(lam_of=lambda lam, n: 0.0), "no_penalty"),
]
test_ridge_correct = accepts(L.check_ridge, RIDGE_CORRECT)
test_ridge_mistakes = names(L.check_ridge, L.RIDGE_HINTS, RIDGE_MISTAKES)
test_ridge_robust = robust(L.check_ridge)
test_ridge_robust_extra = robust_extra(L.check_ridge)


def test_references_are_not_public():
    assert not [n for n in L.__all__ if "ref" in n]
    assert "lam * v" not in (L.check_l2_grad.__doc__ or "")
