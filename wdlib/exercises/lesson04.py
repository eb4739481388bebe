"""Checkers for lesson 04 (choosing λ).

    from wdlib.exercises import lesson04
    lesson04.check_cv_loss(cv_loss)
    lesson04.check_one_se_rule(one_se_rule)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import data, solvers
from wdlib.exercises._core import assert_form, check, is_vector_of

__all__ = ["check_cv_loss", "check_one_se_rule", "assert_cv_loss", "assert_one_se_rule",
           "cv_cases", "one_se_cases"]

CV_HINTS = {
    "plain_mse": "the loss is ½·mean((ŷ − y)²) in these lessons (the objective ridge "
                 "minimizes); you have the plain mean of squares, twice too large",
    "train_part": "these are the losses on the training part of each fold: evaluate on the "
                  "held-out fold (val_idx)",
    "folds_swapped": "you fitted on the held-out fold and scored on the rest: each pair of "
                     "data.kfold is (train_idx, val_idx), in that order (for tr, va in "
                     "data.kfold(...)): fit on train_idx, score on val_idx",
    "leakage": "leakage: you fitted on all n points, held-out fold included; fit on train_idx "
               "only",
    "summed": "you summed the fold losses: take the mean over the k folds",
    "no_intercept": "the intercept is missing: predict X @ w + b with the b that solvers.ridge "
                    "returns",
    "pooled": "you pooled all held-out points (a mean weighted by fold size); take each fold's "
              "loss, then the plain mean over the folds",
    "contiguous": "these folds are not data.kfold(n, k, seed)'s (contiguous blocks?): use "
                  "`data.kfold(len(X), k=k, seed=seed)` so everyone gets the same folds",
    "seed_ignored": "the folds ignore the `seed` argument: pass it on, "
                    "data.kfold(len(X), k=k, seed=seed)",
    "k_ignored": "the folds ignore the `k` argument (always 5 folds, kfold's default?): pass "
                 "it on, data.kfold(len(X), k=k, seed=seed)",
    **{f"{name}:{loss}": text for name, (text, losses) in {
        "rmse": ("that is the root of the mean squared error (RMSE): the loss is "
                 "½·mean((ŷ − y)²) on each held-out fold, no square root",
                 ("rmse", "half_rmse", "halved_rmse")),
        "median": ("you took the median of the squared errors: the loss is their mean, "
                   "½·mean((ŷ − y)²) on each held-out fold", ("median", "half_median")),
        "mae": ("that is the mean absolute error: the loss is ½·mean((ŷ − y)²), of squared "
                "errors", ("mae", "half_mae")),
        "sse": ("you summed the squared errors of each fold: take their mean, "
                "½·mean((ŷ − y)²), so that folds of different sizes compare", ("sse", "half_sse")),
    }.items() for loss in losses},
    "median_folds": "you took the median of the k fold losses: the CV loss is their mean",
    "last_fold": "that is the last fold's loss alone (the last value of the loop over the "
                 "folds, kept instead of collected?): keep each fold's losses, then average "
                 "them over the k folds",
    "first_fold": "that is the first fold's loss alone (a `return` inside the loop over the "
                  "folds, which ends it at the first fold? or row 0 of the (k, L) fold "
                  "losses?): keep each fold's losses, then return their average over the k "
                  "folds after the loop",
    "broadcast": "a shape slip: predictions of shape (m,) minus targets of shape (m, 1) "
                 "broadcast to an (m, m) matrix; flatten y (y.reshape(-1)) before subtracting",
}

ONE_SE_HINTS = {
    "argmin": "that is the λ with the smallest mean CV loss; the rule then moves to the "
              "largest λ whose mean is within one standard error of that minimum (if yours "
              "does, its band is too narrow to reach past the minimum: the SE is "
              "std(ddof=1) / sqrt(k), not a variance)",
    "smallest_in_band": "the rule picks the largest λ within the band (the simplest model), not "
                        "the smallest",
    "index": "you returned an index: return the λ value, lams[j]",
    **{log: f"you returned {log}(λ) (the λ axis is plotted on a log scale): return the λ value "
            f"itself, lams[j]" for log in ("log10", "ln")},
    "std": "band too wide: the standard error is std / sqrt(k), not the standard deviation",
    "no_sqrt_k": "band too narrow: the standard error is std / sqrt(k), not std / k",
    "two_se": "band too wide: the rule allows one standard error above the minimum, not two",
    "ddof0": "use the sample standard deviation, np.std(..., ddof=1), for the standard error",
    "se_each": "use the standard error at the minimizing λ (one band for all λ), not at each λ",
    "variance": "the band uses the variance of the fold losses: the standard error is "
                "std(ddof=1) / sqrt(k), a square root",
    "next": "you took the next λ after the minimum: the rule takes the largest λ whose mean "
            "loss is still within one standard error of the minimum",
    "contiguous": "you stopped at the first λ past the minimum whose mean leaves the band: the "
                  "rule takes the largest λ of the whole grid whose mean is within it (a bumpy "
                  "CV curve can come back into the band)",
}

# --------------------------------------------------------------------------- k-fold CV loss

_LOSSES = {   # a fold's loss from its residuals (m, L) -> (L,): the course's, and mistakes
    "half_mse": lambda r: 0.5 * np.mean(r**2, axis=0),
    "mse": lambda r: np.mean(r**2, axis=0),
    "rmse": lambda r: np.sqrt(np.mean(r**2, axis=0)),
    "half_rmse": lambda r: np.sqrt(0.5 * np.mean(r**2, axis=0)),
    "halved_rmse": lambda r: 0.5 * np.sqrt(np.mean(r**2, axis=0)),
    "median": lambda r: np.median(r**2, axis=0),
    "half_median": lambda r: 0.5 * np.median(r**2, axis=0),
    "mae": lambda r: np.mean(np.abs(r), axis=0),
    "half_mae": lambda r: 0.5 * np.mean(np.abs(r), axis=0),
    "sse": lambda r: np.sum(r**2, axis=0),
    "half_sse": lambda r: 0.5 * np.sum(r**2, axis=0),
}


def _fold_losses(X, y, lams, k=5, seed=0, *, evaluate_on="val", train_on="train",
                intercept=True, folds=None, broadcast=False, loss="half_mse"):
    """(k, L) validation losses of ridge on each fold; keyword switches build typical mistakes
    (``loss``: a key of ``_LOSSES``)."""
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
        if broadcast:                                                  # (m, 1, L) - (m, L)
            r = ((X[idx] @ w.T + b)[:, None, :] - y[idx][None, :, None]).reshape(-1, len(b))
        else:
            r = X[idx] @ w.T + b - y[idx].reshape(-1, 1)                # (m, L)
        out.append(_LOSSES[loss](r))
    return np.array(out)                                               # (k, L)


def _ref_cv_loss(X, y, lams, k=5, seed=0):
    return _fold_losses(X, y, lams, k, seed).mean(axis=0)


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
    if got is None or is_vector_of(np.shape(got), len(lams)):
        return None
    if np.shape(got) in ((k, len(lams)), (len(lams), k)):
        return (f"expected one number per λ, shape ({len(lams)},), got shape {np.shape(got)}: "
                f"average the (k, L) fold losses over the folds (axis 0)")
    return f"wrong shape: expected ({len(lams)},), one loss per λ, got {np.shape(got)}"


def _cv_mistakes(X, y, lams, k, seed) -> dict:
    n = X.shape[0]
    per_fold = _fold_losses(X, y, lams, k, seed)                        # (k, L)
    sizes = np.array([len(va) for _, va in data.kfold(n, k=k, seed=seed)])
    blocks = np.array_split(np.arange(n), k)
    contiguous = [(np.setdiff1d(np.arange(n), va), va) for va in blocks]
    out = {"plain_mse": 2 * per_fold.mean(axis=0),
           "train_part": _fold_losses(X, y, lams, k, seed, evaluate_on="train").mean(axis=0),
           "leakage": _fold_losses(X, y, lams, k, seed, train_on="all").mean(axis=0),
           "summed": per_fold.sum(axis=0),
           "no_intercept": _fold_losses(X, y, lams, k, seed, intercept=False).mean(axis=0),
           "pooled": (sizes @ per_fold) / n,
           "contiguous": _fold_losses(X, y, lams, k, seed, folds=contiguous).mean(axis=0),
           "broadcast": _fold_losses(X, y, lams, k, seed, broadcast=True).mean(axis=0),
           "median_folds": np.median(per_fold, axis=0),
           "last_fold": per_fold[-1], "first_fold": per_fold[0],
           "folds_swapped": _fold_losses(X, y, lams, k, seed, folds=[
               (va, tr) for tr, va in data.kfold(n, k=k, seed=seed)]).mean(axis=0),
           **{key: _fold_losses(X, y, lams, k, seed, loss=key.split(":")[1]).mean(axis=0)
              for key in CV_HINTS if ":" in key}}       # "name:loss", a key of _LOSSES
    if seed != 0:
        out["seed_ignored"] = _fold_losses(X, y, lams, k, 0).mean(axis=0)
    if k != 5:
        out["k_ignored"] = _fold_losses(X, y, lams, 5, seed).mean(axis=0)
    return out


def check_cv_loss(fn: Callable, *, grade: bool = False):
    """Check your ``cv_loss(X, y, lams, k, seed)``; prints ✓ or a hint."""
    return check("cv_loss", fn, _ref_cv_loss, cv_cases(), mistakes=_cv_mistakes, hints=CV_HINTS,
                 form_hint=_cv_shape, grade=grade)


# --------------------------------------------------------------------------- one-SE rule

def _ref_one_se_rule(lams, fold_losses):
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
    typical mistake picks a different λ: k = 6 folds (with k = 4, std = 2·se exactly, so "two
    SEs" and "the std" coincide), minimum at index 14 with se = 0.12, so the band half-widths
    are std/k 0.049, variance 0.086, ddof=0 0.110, se 0.12, 2·se 0.24, std 0.294; they pick
    the indices 16, 17, 18, 19 (the rule), 20, 21; the next λ: 15, the per-λ SE: 22, the
    smallest in the band: 11. The second leaves the band after its minimum and comes back
    (a walk to the right that stops where the curve first leaves the band is wrong there). The
    others are random U-shaped CV curves with fold noise."""
    rng = np.random.default_rng(seed)
    k, L = 6, 33
    lams = np.logspace(-6, 2, L)
    mean = 1.0 + 0.2 * (np.arange(L) - 14.0) ** 2                         # steep outside
    mean[10:23] = 1.0 + np.array([0.2, 0.09, 0.06, 0.02, 0.0, 0.03, 0.045, 0.07, 0.1, 0.115,
                                  0.2, 0.27, 0.5])
    se = np.full(L, 0.05)
    se[14], se[22] = 0.12, 0.6
    cases = [(lams, _folds_with(mean, se, k, rng))]
    k, L = 5, 12                                   # minimum at 4 (se 0.1, band up to 1.1)
    mean = 1.0 + 0.3 * (np.arange(L) - 4.0) ** 2
    mean[4:8] = [1.0, 1.06, 1.3, 1.08]             # in, out, back in: the rule picks 7, not 5
    se = np.full(L, 0.05)
    se[4] = 0.1
    cases.append((np.logspace(-4, 1, L), _folds_with(mean, se, k, rng)))
    for k, L, noise in [(5, 21, 0.08), (10, 17, 0.15)]:
        lams = np.logspace(-6, 2, L)
        u = np.linspace(-1.0, 1.0, L) - rng.uniform(-0.2, 0.2)
        curve = 1.0 + 2.0 * u**2 + 0.6 * np.maximum(u, 0) ** 3            # (L,) U shape
        folds = curve * np.exp(noise * rng.standard_normal((k, 1))) \
            + 0.05 * rng.standard_normal((k, L))                           # (k, L)
        cases.append((lams, folds))
    return cases


def _one_se_mistakes(lams, L) -> dict:
    lams = np.asarray(lams, dtype=np.float64)
    k = L.shape[0]
    mean = L.mean(axis=0)
    sd = L.std(axis=0, ddof=1)
    se0 = L.std(axis=0, ddof=0) / np.sqrt(k)
    se = sd / np.sqrt(k)
    i = int(np.argmin(mean))
    band = lambda width: float(lams[np.flatnonzero(mean <= mean[i] + width).max()])  # noqa: E731
    out = {"log10": _ref_one_se_rule(np.log10(lams), L), "ln": _ref_one_se_rule(np.log(lams), L),
           "argmin": float(lams[i]),
           "smallest_in_band": float(lams[np.flatnonzero(mean <= mean[i] + se[i]).min()]),
           "index": float(np.flatnonzero(mean <= mean[i] + se[i]).max()),
           "std": band(sd[i]), "ddof0": band(se0[i]),
           "no_sqrt_k": band(sd[i] / k), "two_se": band(2.0 * se[i]),
           "se_each": float(lams[np.flatnonzero(mean - se <= mean[i]).max()]),
           "variance": band(sd[i] ** 2)}
    if i + 1 < len(lams):
        out["next"] = float(lams[i + 1])
    j = i
    while j + 1 < len(lams) and mean[j + 1] <= mean[i] + se[i]:
        j += 1
    out["contiguous"] = float(lams[j])
    return out


def check_one_se_rule(fn: Callable, *, grade: bool = False):
    """Check your ``one_se_rule(lams, fold_losses)``; prints ✓ or a hint."""
    return check("one_se_rule", fn, _ref_one_se_rule, one_se_cases(), mistakes=_one_se_mistakes,
                 hints=ONE_SE_HINTS, rtol=1e-12, atol=0.0, grade=grade)


assert_cv_loss = assert_form(check_cv_loss)
assert_one_se_rule = assert_form(check_one_se_rule)
