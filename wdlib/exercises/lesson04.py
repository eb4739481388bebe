"""Checkers for lesson 04 (choosing λ).

    from wdlib.exercises import lesson04
    lesson04.check_cv_loss(cv_loss)          # k-fold cross-validated ridge loss over a λ grid
    lesson04.check_one_se_rule(one_se_rule)  # the one-standard-error rule on (k, L) fold losses

Each checker calls the learner's function on random inputs, compares it with the reference and
prints one line: ``✓ …: correct`` or ``✗ …: <a specific hint>`` (plain MSE instead of ½·MSE,
losses measured on the training part of a fold, the held-out fold used for training, folds not
from ``data.kfold``, the smallest λ in the band instead of the largest, a standard deviation
instead of a standard error, ...). It returns True or False, so a solutions notebook can
``assert`` it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import data, solvers
from wdlib.exercises._core import check

__all__ = ["check_cv_loss", "check_one_se_rule", "reference_cv_loss", "reference_one_se_rule",
           "cv_cases", "one_se_cases", "fold_losses"]

# --------------------------------------------------------------------------- k-fold CV loss

def _half_mse(w, b, X, y):
    """½·mean squared error of K ridge models on (X, y): (L, d), (L,) -> (L,)."""
    return 0.5 * np.mean((X @ w.T + b - y.reshape(-1, 1)) ** 2, axis=0)


def fold_losses(X, y, lams, k=5, seed=0, *, evaluate_on="val", train_on="train",
                intercept=True, folds=None):
    """(k, L) validation losses of ridge on each fold; keyword switches build typical mistakes."""
    y = np.asarray(y).reshape(-1)
    n = X.shape[0]
    folds = data.kfold(n, k=k, seed=seed) if folds is None else folds
    out = []
    for tr, va in folds:
        fit_idx = tr if train_on == "train" else np.arange(n)
        w, b = solvers.ridge(X[fit_idx], y[fit_idx], lams)             # (L, d), (L,)
        if not intercept:
            b = np.zeros_like(b)
        idx = va if evaluate_on == "val" else tr
        out.append(_half_mse(w, b, X[idx], y[idx]))
    return np.array(out)                                               # (k, L)


def reference_cv_loss(X, y, lams, k=5, seed=0):
    """Mean over the k folds of ``data.kfold(n, k, seed)`` of the held-out ½·MSE of
    ``solvers.ridge`` fitted on the other folds, for every λ: shape (L,)."""
    return fold_losses(X, y, lams, k, seed).mean(axis=0)


def cv_cases(seed: int = 0) -> list[tuple]:
    """Small regression problems ``(X, y, lams, k, seed)``; n is not a multiple of k, so fold
    sizes differ (a pooled mean then differs from the mean over folds)."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, k, split_seed in [(23, 4, 5, 0), (31, 6, 4, 3), (17, 3, 3, 7)]:
        X = rng.uniform(-1, 1, size=(n, d))
        y = (X @ rng.standard_normal(d) + 0.5 + 0.3 * rng.standard_normal(n))[:, None]
        lams = np.logspace(-4, 1, 6)
        cases.append((X, y, lams, k, split_seed))
    return cases


def _cv_shape(got, X, y, lams, k, seed) -> str | None:
    """The hint for an answer that is not one loss per λ, shape (L,)."""
    if got is None or np.shape(got) == (len(lams),):
        return None
    if np.shape(got) in ((k, len(lams)), (len(lams), k)):
        return (f"expected one number per λ, shape ({len(lams)},), got shape {np.shape(got)}: "
                f"average the (k, L) fold losses over the folds (axis 0)")
    return f"wrong shape: expected ({len(lams)},), one loss per λ, got {np.shape(got)}"


def _cv_hints(X, y, lams, k, seed) -> dict:
    n = X.shape[0]
    per_fold = fold_losses(X, y, lams, k, seed)                        # (k, L)
    sizes = np.array([len(va) for _, va in data.kfold(n, k=k, seed=seed)])
    blocks = np.array_split(np.arange(n), k)
    contiguous = [(np.setdiff1d(np.arange(n), va), va) for va in blocks]
    return {
        "the loss is ½·mean((ŷ − y)²) in these lessons (the objective ridge minimizes); "
        "you have the plain mean of squares, twice too large": 2 * per_fold.mean(axis=0),
        "these are the losses on the training part of each fold: evaluate on the held-out "
        "fold (val_idx)": fold_losses(X, y, lams, k, seed, evaluate_on="train").mean(axis=0),
        "leakage: you fitted on all n points, held-out fold included; fit on train_idx "
        "only": fold_losses(X, y, lams, k, seed, train_on="all").mean(axis=0),
        f"you summed the fold losses: take the mean over the k = {k} folds":
            per_fold.sum(axis=0),
        "the intercept is missing: predict X @ w + b with the b that solvers.ridge "
        "returns": fold_losses(X, y, lams, k, seed, intercept=False).mean(axis=0),
        "you pooled all held-out points (a mean weighted by fold size); take each fold's "
        "loss, then the plain mean over the folds": (sizes @ per_fold) / n,
        "these folds are not data.kfold(n, k, seed)'s (contiguous blocks?): use "
        "`data.kfold(len(X), k=k, seed=seed)` so everyone gets the same folds":
            fold_losses(X, y, lams, k, seed, folds=contiguous).mean(axis=0),
    }


def check_cv_loss(fn: Callable) -> bool:
    """``fn(X, y, lams, k, seed)`` must return the k-fold CV loss of ridge for every λ: (L,)."""
    return check("cv_loss", fn, reference_cv_loss, cv_cases(), hints_for=_cv_hints,
                 form_hint=_cv_shape)


# --------------------------------------------------------------------------- one-SE rule

def reference_one_se_rule(lams, fold_losses):
    """The one-standard-error rule: the largest λ whose mean CV loss is within one standard error
    of the minimum, the standard error being that of the minimizing λ:
    ``SE = std(fold losses, ddof=1) / sqrt(k)``. ``lams`` (L,) increasing, ``fold_losses``
    (k, L). Returns a float (a value of ``lams``)."""
    lams = np.asarray(lams, dtype=np.float64)
    L = np.asarray(fold_losses, dtype=np.float64)
    k = L.shape[0]
    mean = L.mean(axis=0)
    se = L.std(axis=0, ddof=1) / np.sqrt(k)
    i = int(np.argmin(mean))
    return float(lams[np.flatnonzero(mean <= mean[i] + se[i]).max()])


def _folds_with(mean, se, k, rng):
    """(k, L) fold losses whose mean over folds is ``mean`` and whose standard error
    (``std(ddof=1) / sqrt(k)``) is ``se``, exactly, at every λ."""
    z = rng.standard_normal((k, len(mean)))
    z = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)                      # mean 0, sd 1
    return mean + np.sqrt(k) * se * z


def one_se_cases(seed: int = 0) -> list[tuple]:
    """``(lams, fold_losses)`` with ``lams`` increasing. The first case is built so that every
    typical mistake picks a different λ (minimum at index 14, the rule's λ at 17; with ddof=0:
    16, with the per-λ SE: 18, with a standard deviation: 19, the smallest in the band: 11);
    the others are random U-shaped CV curves with fold noise."""
    rng = np.random.default_rng(seed)
    k, L = 4, 33
    lams = np.logspace(-6, 2, L)
    mean = 1.0 + 0.2 * (np.arange(L) - 14.0) ** 2                         # steep outside
    mean[10:21] = 1.0 + np.array([0.2, 0.09, 0.06, 0.02, 0.0, 0.03, 0.07, 0.095, 0.15,
                                  0.19, 0.3])
    se = np.full(L, 0.05)
    se[14], se[18] = 0.1, 0.16
    cases = [(lams, _folds_with(mean, se, k, rng))]
    for k, L, noise in [(5, 21, 0.08), (10, 17, 0.15)]:
        lams = np.logspace(-6, 2, L)
        u = np.linspace(-1.0, 1.0, L) - rng.uniform(-0.2, 0.2)
        curve = 1.0 + 2.0 * u**2 + 0.6 * np.maximum(u, 0) ** 3            # (L,) U shape
        folds = curve * np.exp(noise * rng.standard_normal((k, 1))) \
            + 0.05 * rng.standard_normal((k, L))                           # (k, L)
        cases.append((lams, folds))
    return cases


def _one_number(got, lams, L) -> str | None:
    if got is None or np.shape(got) == ():
        return None
    return f"return one number (a value of lams), got shape {np.shape(got)}"


def _one_se_hints(lams, L) -> dict:
    lams = np.asarray(lams, dtype=np.float64)
    k = L.shape[0]
    mean = L.mean(axis=0)
    sd = L.std(axis=0, ddof=1)
    se0 = L.std(axis=0, ddof=0) / np.sqrt(k)
    se = sd / np.sqrt(k)
    i = int(np.argmin(mean))
    band = lambda width: float(lams[np.flatnonzero(mean <= mean[i] + width).max()])
    return {
        "that is the λ with the smallest mean CV loss; the rule then moves to the largest λ "
        "whose mean is within one standard error of that minimum": float(lams[i]),
        "the rule picks the largest λ within the band (the simplest model), not the "
        "smallest": float(lams[np.flatnonzero(mean <= mean[i] + se[i]).min()]),
        "you returned an index: return the λ value, lams[j]":
            float(np.flatnonzero(mean <= mean[i] + se[i]).max()),
        "band too wide: the standard error is std / sqrt(k), not the standard deviation":
            band(sd[i]),
        "use the sample standard deviation, np.std(..., ddof=1), for the standard error":
            band(se0[i]),
        "use the standard error at the minimizing λ (one band for all λ), not at each λ":
            float(lams[np.flatnonzero(mean - se <= mean[i]).max()]),
    }


def check_one_se_rule(fn: Callable) -> bool:
    """``fn(lams, fold_losses)`` must return the λ the one-standard-error rule picks."""
    return check("one_se_rule", fn, reference_one_se_rule, one_se_cases(),
                 hints_for=_one_se_hints, form_hint=_one_number, rtol=1e-12)
