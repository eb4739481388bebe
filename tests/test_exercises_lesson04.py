"""Lesson 04 checkers: accept the reference, reject each typical mistake with its own hint."""

import numpy as np
import pytest

from wdlib import data, solvers
from wdlib.exercises import lesson04


def _stub(*args):
    raise NotImplementedError


# --------------------------------------------------------------------------- k-fold CV loss

def _cv(X, y, lams, k, seed, *, half=True, on="val", fit_all=False, intercept=True,
        reduce="mean", folds=None):
    """A learner-style CV loop with switches for the typical mistakes."""
    y = y.reshape(-1)
    n = len(X)
    folds = data.kfold(n, k=k, seed=seed) if folds is None else folds
    losses, sizes = [], []
    for tr, va in folds:
        idx_fit = np.arange(n) if fit_all else tr
        w, b = solvers.ridge(X[idx_fit], y[idx_fit], lams)
        if not intercept:
            b = 0 * b
        idx = va if on == "val" else tr
        r = X[idx] @ w.T + b - y[idx, None]
        losses.append((0.5 if half else 1.0) * np.mean(r**2, axis=0))
        sizes.append(len(idx))
    losses = np.array(losses)
    if reduce == "mean":
        return losses.mean(axis=0)
    if reduce == "sum":
        return losses.sum(axis=0)
    if reduce == "pooled":
        return np.array(sizes) @ losses / n
    return losses                                # "none": (k, L)


def _blocks(X, y, lams, k, seed):
    n = len(X)
    folds = [(np.setdiff1d(np.arange(n), va), va) for va in np.array_split(np.arange(n), k)]
    return _cv(X, y, lams, k, seed, folds=folds)


def test_cv_loss_accepts_reference_and_a_loop(run_checker):
    assert run_checker(lesson04.check_cv_loss, lesson04.reference_cv_loss)[0]
    ok, out = run_checker(lesson04.check_cv_loss, _cv)
    assert ok and out.startswith("✓ cv_loss: correct")


def test_cv_cases_have_unequal_folds():
    for X, _y, _lams, k, _seed in lesson04.cv_cases():
        assert len(X) % k != 0


@pytest.mark.parametrize("wrong, hint", [
    (lambda *a: _cv(*a, half=False), "plain mean of squares"),
    (lambda *a: _cv(*a, on="train"), "training part of each fold"),
    (lambda *a: _cv(*a, fit_all=True), "leakage"),
    (lambda *a: _cv(*a, reduce="sum"), "summed the fold losses"),
    (lambda *a: _cv(*a, intercept=False), "intercept is missing"),
    (lambda *a: _cv(*a, reduce="pooled"), "pooled all held-out points"),
    (_blocks, "not data.kfold"),
    (lambda *a: _cv(*a, reduce="none"), "average the (k, L) fold losses over the folds"),
    (lambda *a: _cv(*a)[:-1], "wrong shape"),
    (lambda *a: -_cv(*a), "wrong sign"),
    (lambda *a: None, "forget `return`"),
    (_stub, "not implemented yet"),
    (lambda X, *a: X[1000], "raised IndexError"),
])
def test_cv_loss_hints(wrong, hint, run_checker):
    ok, out = run_checker(lesson04.check_cv_loss, wrong)
    assert not ok and out.startswith("✗ cv_loss:") and hint in out, out


# --------------------------------------------------------------------------- one-SE rule

def _one_se(lams, L, *, se="se", ddof=1, pick="max", index=False, at="min"):
    k = L.shape[0]
    m = L.mean(axis=0)
    s = L.std(axis=0, ddof=ddof) / (np.sqrt(k) if se == "se" else 1.0)
    i = int(np.argmin(m))
    inside = (m - s <= m[i]) if at == "each" else (m <= m[i] + s[i])
    j = np.flatnonzero(inside)
    j = j.max() if pick == "max" else j.min()
    return int(j) if index else float(lams[j])


def test_one_se_rule_accepts_reference_and_a_numpy_version(run_checker):
    assert run_checker(lesson04.check_one_se_rule, lesson04.reference_one_se_rule)[0]
    ok, out = run_checker(lesson04.check_one_se_rule, _one_se)
    assert ok and out.startswith("✓ one_se_rule: correct")


def test_first_one_se_case_separates_every_mistake():
    lams, L = lesson04.one_se_cases()[0]
    answers = [lesson04.reference_one_se_rule(lams, L), float(lams[np.argmin(L.mean(0))]),
               _one_se(lams, L, pick="min"), _one_se(lams, L, se="sd"),
               _one_se(lams, L, ddof=0), _one_se(lams, L, at="each")]
    assert len(set(answers)) == len(answers), answers


@pytest.mark.parametrize("wrong, hint", [
    (lambda lams, L: float(lams[np.argmin(L.mean(0))]), "smallest mean CV loss"),
    (lambda lams, L: _one_se(lams, L, pick="min"), "largest λ within the band"),
    (lambda lams, L: _one_se(lams, L, index=True), "returned an index"),
    (lambda lams, L: _one_se(lams, L, se="sd"), "not the standard deviation"),
    (lambda lams, L: _one_se(lams, L, ddof=0), "ddof=1"),
    (lambda lams, L: _one_se(lams, L, at="each"), "at the minimizing λ"),
    (lambda lams, L: lams, "return one number"),
    (lambda lams, L: None, "forget `return`"),
    (_stub, "not implemented yet"),
])
def test_one_se_rule_hints(wrong, hint, run_checker):
    ok, out = run_checker(lesson04.check_one_se_rule, wrong)
    assert not ok and out.startswith("✗ one_se_rule:") and hint in out, out
