"""Lesson 04 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import data, solvers
from wdlib.exercises import lesson04 as L


def _cv(*, seed_of=lambda s: s, evaluate="val", fit_all=False, intercept=True, agg="mean",
        half=True, folds=None, broadcast=False, dtype=np.float64, loss=None):
    def fn(X, y, lams, k, seed):
        n = len(X)
        fl, sizes = [], []
        splits = folds(n, k) if folds else data.kfold(n, k=k, seed=seed_of(seed))
        for tr, va in splits:
            fit = np.arange(n) if fit_all else tr
            w, b = solvers.ridge(X[fit], y[fit], lams)
            b = b if intercept else 0 * b
            idx = va if evaluate == "val" else tr
            target = y[idx] if broadcast else y[idx].reshape(-1, 1)
            pred = X[idx] @ w.T + b
            r = (pred[:, None, :] - target[None, :, :]) if broadcast else pred - target
            r = r.reshape(-1, len(lams))
            fl.append(loss(r) if loss else (0.5 if half else 1.0) * (r**2).mean(axis=0))
            sizes.append(len(idx))
        fl = np.array(fl)
        if agg == "sum":
            return fl.sum(0)
        if agg == "median":
            return np.median(fl, axis=0)
        if agg == "pooled":
            return np.array(sizes) @ fl / n
        if agg == "last":
            return fl[-1]
        if agg == "first":
            return fl[0]
        return fl.mean(0).astype(dtype)
    return fn


def _loop_cv(X, y, lams, k, seed):
    out = np.zeros(len(lams))
    for tr, va in data.kfold(len(X), k=k, seed=seed):
        for j, lam in enumerate(lams):
            w, b = solvers.ridge(X[tr], y[tr].ravel(), lam)
            out[j] += 0.5 * np.mean((X[va] @ w + b - y[va].ravel()) ** 2) / k
    return out


CV_CORRECT = [_cv(), _loop_cv, _cv(dtype=np.float32)]
blocks = lambda n, k: [(np.setdiff1d(np.arange(n), va), va)                 # noqa: E731
                       for va in np.array_split(np.arange(n), k)]
CV_MISTAKES = [
    (_cv(half=False), "plain_mse"),
    (_cv(evaluate="train"), "train_part"),
    (_cv(fit_all=True), "leakage"),
    (_cv(agg="sum"), "summed"),
    (_cv(intercept=False), "no_intercept"),
    (_cv(agg="pooled"), "pooled"),
    (_cv(folds=blocks), "contiguous"),
    (_cv(seed_of=lambda s: 0), "seed_ignored"),
    (_cv(broadcast=True), "broadcast"),
    # found by the simulated class: these got only a description (a factor or entries differ)
    (_cv(loss=lambda r: np.sqrt(np.mean(r**2, axis=0))), "rmse:rmse"),
    (_cv(loss=lambda r: np.sqrt(0.5 * np.mean(r**2, axis=0))), "rmse:half_rmse"),
    (_cv(loss=lambda r: 0.5 * np.sqrt(np.mean(r**2, axis=0))), "rmse:halved_rmse"),   # ½·RMSE
    (_cv(loss=lambda r: np.median(r**2, axis=0)), "median:median"),
    (_cv(loss=lambda r: 0.5 * np.median(r**2, axis=0)), "median:half_median"),
    (_cv(loss=lambda r: np.mean(np.abs(r), axis=0)), "mae:mae"),
    (_cv(loss=lambda r: 0.5 * np.mean(np.abs(r), axis=0)), "mae:half_mae"),
    (_cv(loss=lambda r: 0.5 * np.sum(r**2, axis=0)), "sse:half_sse"),
    (_cv(agg="median"), "median_folds"),
    # round 7: the loop's last fold kept instead of the mean got "6 of 6 entries differ"
    (_cv(agg="last"), "last_fold"),
    # fresh review: a `return` inside the loop over the folds (the first fold's losses) got
    # "6 of 6 entries differ"
    (_cv(agg="first"), "first_fold"),
    # round 8: each pair unpacked the other way round, `for va, tr in data.kfold(...)` (fit on
    # the held-out part, scored on the rest), got "6 of 6 entries differ"
    (lambda X, y, lams, k, seed: np.mean([0.5 * np.mean((X[tr] @ w.T + b - y[tr]) ** 2, axis=0)
                                          for tr, va in data.kfold(len(X), k=k, seed=seed)
                                          for w, b in [solvers.ridge(X[va], y[va], lams)]],
                                         axis=0), "folds_swapped"),
]
test_cv_correct = accepts(L.check_cv_loss, CV_CORRECT)
test_cv_mistakes = names(L.check_cv_loss, L.CV_HINTS, CV_MISTAKES)
test_cv_robust = robust(L.check_cv_loss)
test_cv_robust_extra = robust_extra(L.check_cv_loss)


def _rule(width=lambda F: F.std(0, ddof=1) / np.sqrt(len(F)), pick="max", per_lambda=False,
          index=False):
    def fn(lams, F):
        m = F.mean(0)
        i = int(np.argmin(m))
        se = width(F)
        ok = (m - se <= m[i]) if per_lambda else (m <= m[i] + se[i])
        j = np.flatnonzero(ok).max() if pick == "max" else np.flatnonzero(ok).min()
        return float(j) if index else lams[j]
    return fn


def _rule_loop(lams, F):
    k, L_ = F.shape
    mean = [sum(F[:, j]) / k for j in range(L_)]
    i = min(range(L_), key=lambda j: mean[j])
    sd = np.sqrt(sum((F[:, i] - mean[i]) ** 2) / (k - 1))
    return max(lams[j] for j in range(L_) if mean[j] <= mean[i] + sd / np.sqrt(k))


ONE_SE_CORRECT = [_rule(), _rule_loop, lambda lams, F: np.float32(_rule()(lams, F)),
                  lambda lams, F: np.array([_rule()(lams, F)])]
ONE_SE_MISTAKES = [
    (lambda lams, F: lams[np.argmin(F.mean(0))], "argmin"),
    (_rule(pick="min"), "smallest_in_band"),
    (_rule(index=True), "index"),
    (_rule(width=lambda F: F.std(0, ddof=1)), "std"),
    (_rule(width=lambda F: F.std(0) / np.sqrt(len(F))), "ddof0"),
    (_rule(per_lambda=True), "se_each"),
    (_rule(width=lambda F: F.var(0, ddof=1)), "variance"),
    (_rule(width=lambda F: F.std(0, ddof=1) / len(F)), "no_sqrt_k"),
    (_rule(width=lambda F: 2 * F.std(0, ddof=1) / np.sqrt(len(F))), "two_se"),
    (lambda lams, F: lams[np.argmin(F.mean(0)) + 1], "next"),
    # found by the simulated class: the λ axis is log-scaled, and log10(λ) got a description
    (lambda lams, F: np.log10(_rule()(lams, F)), "log10"),
    (lambda lams, F: np.log(_rule()(lams, F)), "ln"),
]
test_one_se_correct = accepts(L.check_one_se_rule, ONE_SE_CORRECT)
test_one_se_mistakes = names(L.check_one_se_rule, L.ONE_SE_HINTS, ONE_SE_MISTAKES)
test_one_se_robust = robust(L.check_one_se_rule)
test_one_se_robust_extra = robust_extra(L.check_one_se_rule)


def test_the_cv_loss_answer_is_not_a_public_helper():
    """lesson04.fold_losses(...).mean(0) was the cv_loss answer, one import away."""
    assert not hasattr(L, "fold_losses") and "fold_losses" not in L.__all__


def test_cv_loss_as_a_column_is_the_same_vector():
    """A loop over λ that keeps each loss as a (1,)-array returns shape (L, 1): the same
    losses; it was refused with 'wrong shape'."""
    def column(X, y, lams, k=5, seed=0):
        per_fold = []
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            row = []
            for lam in lams:
                w, b = solvers.ridge(X[tr], y[tr], lam)
                row.append(0.5 * np.mean(((X[va] @ w + b)[:, None] - y[va]) ** 2, axis=0))
            per_fold.append(row)
        return np.mean(per_fold, axis=0)                                        # (L, 1)

    ok, line = run(L.check_cv_loss, column)
    assert ok, line
    ok, line = run(L.check_cv_loss, lambda *a: column(*a).T)                    # (1, L)
    assert ok, line
    ok, line = run(L.check_cv_loss, lambda *a: 2 * column(*a))
    assert not ok and L.CV_HINTS["plain_mse"] in line, line


def test_one_se_walk_that_stops_where_the_curve_first_leaves_the_band_is_wrong():
    """Walking right from the minimum while the mean stays in the band gives the largest λ only
    when the curve never comes back into the band; every case had such a curve, so the walk
    passed."""
    def walk(lams, F):
        m, se = F.mean(0), F.std(0, ddof=1) / np.sqrt(len(F))
        i = j = int(np.argmin(m))
        while j + 1 < len(lams) and m[j + 1] <= m[i] + se[i]:
            j += 1
        return lams[j]

    ok, line = run(L.check_one_se_rule, walk)
    assert not ok and L.ONE_SE_HINTS["contiguous"] in line, line


def test_cv_loss_that_ignores_k_is_named():
    """cv_loss(X, y, lams, k=5, seed=0) calling data.kfold(len(X), seed=seed) always makes 5
    folds; it got the generic 'entries differ' line."""
    def five_folds(X, y, lams, k=5, seed=0):
        return _cv()(X, y, lams, 5, seed)

    ok, line = run(L.check_cv_loss, five_folds)
    assert not ok and L.CV_HINTS["k_ignored"] in line, line


def test_a_band_too_narrow_to_pass_the_minimum_is_told_so():
    """A variance over k (sd² / k) for the SE makes a band that reaches no λ past the minimum:
    the answer is the argmin's, whose hint now also names a band too narrow (round 6: it told
    the learner to move to a band they had computed)."""
    ok, line = run(L.check_one_se_rule, _rule(width=lambda F: F.var(0, ddof=1) / len(F)))
    assert not ok and "band is too narrow" in line, line


def test_row_0_of_the_fold_losses_is_not_told_only_of_a_return():
    """The first fold's losses come from a `return` inside the loop over the folds or from
    row 0 of the (k, L) fold losses taken for their mean; the hint named only the return, as
    a fact (fresh review). It asks about both."""
    ok, line = run(L.check_cv_loss, _cv(agg="first"))
    assert not ok and "first fold's loss alone" in line and "row 0" in line, line
