"""Lesson 01 checkers: accept the reference, reject each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib import models, solvers
from wdlib.exercises import lesson01

# --------------------------------------------------------------------------- count_params

def count_ref(sizes):
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def test_count_params_accepts_reference_and_library(run_checker):
    assert run_checker(lesson01.check_count_params, count_ref) == (True,
                                                                  "✓ count_params: correct")
    ok, _ = run_checker(lesson01.check_count_params, lambda s: models.MLP(s).num_params())
    assert ok


def test_count_params_cases_are_seeded_and_varied():
    a, b = lesson01.count_params_cases(0), lesson01.count_params_cases(0)
    assert a == b
    assert len({len(s[0]) for s in a}) >= 3          # several depths


def pairs(s):
    return zip(s[:-1], s[1:], strict=True)


@pytest.mark.parametrize("wrong, hint", [
    (lambda s: sum(a * b for a, b in pairs(s)), "biases not counted"),
    (lambda s: sum((a + 1) * (b + 1) for a, b in pairs(s)), "one bias too many"),
    (lambda s: sum(a * b + a for a, b in pairs(s)), "counted per input unit"),
    (lambda s: sum((a + 1) * b for a, b in pairs(s[:-1])), "a layer is missing"),
    (lambda s: -count_ref(s), "wrong sign"),
    (lambda s: 2 * count_ref(s), "factor of 2"),
    (lambda s: count_ref(s) + 7, "not equal to the reference"),
])
def test_count_params_rejects_typical_mistakes(wrong, hint, run_checker):
    ok, out = run_checker(lesson01.check_count_params, wrong)
    assert not ok
    assert out.startswith("✗ count_params:") and hint in out, out


def test_count_params_stub_none_wrong_type_and_exception(run_checker):
    def stub(sizes):
        raise NotImplementedError

    ok, out = run_checker(lesson01.check_count_params, stub)
    assert not ok and "not implemented yet" in out
    ok, out = run_checker(lesson01.check_count_params, lambda s: None)
    assert not ok and "forget `return`" in out
    ok, out = run_checker(lesson01.check_count_params, lambda s: [count_ref(s)])
    assert not ok and "return one number" in out
    ok, out = run_checker(lesson01.check_count_params, lambda s: s[5])
    assert not ok and "raised IndexError" in out


# --------------------------------------------------------------------------- ridge_fit

def ridge_ref(F, y, lam):
    n, d = F.shape
    Fc, yc = F - F.mean(0), y.ravel() - y.mean()
    w = np.linalg.solve(Fc.T @ Fc / n + lam * np.eye(d), Fc.T @ yc / n)
    return w, y.mean() - F.mean(0) @ w


def test_ridge_fit_accepts_reference_and_library(run_checker):
    assert run_checker(lesson01.check_ridge_fit, ridge_ref) == (True, "✓ ridge_fit: correct")
    ok, _ = run_checker(lesson01.check_ridge_fit, solvers.ridge)
    assert ok


def _variant(lam_factor=1.0, n_scale=True, center=True, penalize_b=False, b_zero_mean=False):
    def fn(F, y, lam):
        n, d = F.shape
        y = y.ravel()
        if penalize_b:
            A = np.hstack([np.ones((n, 1)), F])
            sol = np.linalg.solve(A.T @ A / n + lam * np.eye(d + 1), A.T @ y / n)
            return sol[1:], sol[0]
        Fc, yc = (F - F.mean(0), y - y.mean()) if center else (F, y)
        s = n if n_scale else 1
        w = np.linalg.solve(Fc.T @ Fc / s + lam_factor * lam * np.eye(d), Fc.T @ yc / s)
        if b_zero_mean:
            return w, y.mean()
        return w, (y.mean() - F.mean(0) @ w) if center else 0.0
    return fn


@pytest.mark.parametrize("wrong, hint", [
    (_variant(n_scale=False), "not scaled by n"),
    (_variant(lam_factor=2.0), "λ applied twice"),
    (_variant(lam_factor=0.5), "λ halved"),
    (_variant(penalize_b=True), "intercept is penalized"),
    (_variant(center=False), "no intercept"),
    (_variant(b_zero_mean=True), "w is right but b is not"),
    (lambda F, y, lam: tuple(-np.asarray(v) for v in ridge_ref(F, y, lam)), "wrong sign"),
])
def test_ridge_fit_rejects_typical_mistakes(wrong, hint, run_checker):
    ok, out = run_checker(lesson01.check_ridge_fit, wrong)
    assert not ok
    assert out.startswith("✗ ridge_fit:") and hint in out, out


def test_ridge_fit_shape_and_type_hints(run_checker):
    def column(F, y, lam):
        w, b = ridge_ref(F, y, lam)
        return w[:, None], b

    ok, out = run_checker(lesson01.check_ridge_fit, column)
    assert not ok and "wrong shape for 'w'" in out and "(1, 1)" not in out
    ok, out = run_checker(lesson01.check_ridge_fit, lambda F, y, lam: ridge_ref(F, y, lam)[0])
    assert not ok and "return a pair (w, b)" in out
    ok, out = run_checker(lesson01.check_ridge_fit,
                          lambda F, y, lam: (ridge_ref(F, y, lam)[0], np.ones(3)))
    assert not ok and "b must be a single number" in out


def test_ridge_fit_stub_and_learner_cannot_corrupt_inputs(run_checker):
    def stub(F, y, lam):
        raise NotImplementedError

    ok, out = run_checker(lesson01.check_ridge_fit, stub)
    assert not ok and out == ("✗ ridge_fit: not implemented yet: replace "
                              "`raise NotImplementedError` with your code")

    def mutating(F, y, lam):
        w, b = ridge_ref(F, y, lam)
        F *= 0.0                                  # an in-place bug after computing the answer
        return w, b

    ok, _ = run_checker(lesson01.check_ridge_fit, mutating)
    assert ok
