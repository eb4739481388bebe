"""Checkers for lesson 03 (L1, sparsity and constraints).

    from wdlib.exercises import lesson03
    lesson03.check_soft_threshold(soft_threshold)
    lesson03.check_prox_lasso_step(prox_lasso_step)
    lesson03.check_max_norm(max_norm_project)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import penalties
from wdlib.exercises._core import (
    ATOL,
    RTOL,
    UpTo,
    _all_close,
    _canonical,
    _tolerances,
    assert_form,
    check,
    real_array,
)

__all__ = ["check_soft_threshold", "check_prox_lasso_step", "check_max_norm",
           "assert_soft_threshold", "assert_prox_lasso_step", "assert_max_norm",
           "soft_threshold_cases", "prox_lasso_cases", "max_norm_cases"]

SOFT_THRESHOLD_HINTS = {
    "hard": "that is hard thresholding (w kept as it is where |w| > t): soft-thresholding also "
            "moves the surviving weights towards 0 by t",
    "crossed_zero": "small weights crossed zero: w - t·sign(w) must stop at 0, clamp |w| - t "
                    "with max(·, 0)",
    "sign_lost": "the sign is lost: multiply max(|w| - t, 0) by sign(w)",
    "l2_prox": "that is the L2 proximal step w / (1 + t), a shrink by a factor; L1 subtracts t "
               "and stops at 0",
    "t_twice": "threshold off by a factor of 2: too large (subtract t, not 2t)",
    "t_half": "threshold off by a factor of 2: too small (subtract t, not t/2)",
    "min_for_max": "np.minimum where np.maximum belongs: sign(w)·max(|w| − t, 0) clamps |w| − t "
                   "from below at 0",
    "clip": "that is np.clip(w, −t, t), the part soft-thresholding removes: the answer is "
            "w − clip(w, −t, t)",
    "one_sided": "negative weights were all set to 0: max(w - t, 0) only handles w > 0; a "
                 "weight below -t moves towards 0 too (w + t)",
}

PROX_HINTS = {
    "threshold_lam": "the threshold is lr·λ (the step size times λ), not λ",
    "threshold_over_n": "the threshold is lr·λ: the 1/(2n) scales only the data term, λ‖w‖₁ is "
                        "not divided by n",
    "threshold_half": "the threshold is lr·λ, not lr·λ/2: the L1 penalty λ‖w‖₁ has no ½ (the ½ "
                      "belongs to the squared terms, ½·mean and λ/2‖w‖²)",
    "threshold_twice": "the threshold is lr·λ, not 2·lr·λ: the derivative of λ|w| is λ·sign(w) "
                       "(no 2: that comes from a square)",
    "subgradient": "that is a subgradient step w - lr·(∇L + λ·sign(w)); the proximal step is a "
                   "plain gradient step on the data loss, then soft-thresholding by lr·λ",
    "no_threshold": "the soft-thresholding is missing: after the gradient step, apply "
                    "sign(v)·max(|v| - lr·λ, 0)",
    "uphill": "the gradient step goes uphill: the data gradient is Xᵀ(Xw - y)/n and the step "
              "subtracts it",
    "no_1_over_n": "the data gradient is missing its 1/n: the loss is a mean over the n samples",
    "grad_twice": "the data gradient is twice too large: the loss is ½·mean((Xw - y)²), whose "
                  "gradient is Xᵀ(Xw - y)/n (no factor 2)",
    "order_swapped": "the order is swapped: take the gradient step first, then soft-threshold",
    "threshold_w": "you soft-thresholded the old w and added the gradient step: threshold the "
                   "point after the gradient step, S(w - lr·∇L, lr·λ)",
    "l2_prox": "that is the L2 (ridge) proximal step, a shrink by 1/(1 + lr·λ): the lasso's is "
               "soft-thresholding, sign(v)·max(|v| - lr·λ, 0), which sets small weights to 0",
    # a soft-thresholding slip inside the step, v = w − lr·∇L (exercise 1's mistakes)
    "crossed_zero": "the gradient step is right, but small weights crossed zero: v − lr·λ·sign(v) "
                    "must stop at 0 (where |v| ≤ lr·λ the weight becomes 0); soft-threshold, "
                    "sign(v)·max(|v| − lr·λ, 0)",
    "one_sided": "negative weights were all set to 0: max(v − lr·λ, 0) only handles v > 0; a "
                 "weight below −lr·λ moves towards 0 too (v + lr·λ)",
    "sign_lost": "the sign is lost after the gradient step: multiply max(|v| − lr·λ, 0) by "
                 "sign(v)",
    "hard": "that is hard thresholding after the gradient step (v kept as it is where "
            "|v| > lr·λ): soft-thresholding also moves the surviving weights towards 0 by lr·λ",
}

_EPS_FORMS = ("renorm", "min", "keras")   # how an eps enters a max-norm: torch.renorm's
                                          # where(‖w‖ > c), min(1, ·), Keras's clip(‖w‖, 0, c)
MAX_NORM_HINTS = {
    "rows": "you rescaled rows: with W of shape (fan_in, fan_out), a unit's incoming weights are "
            "a column (norm over axis 0)",
    "all_columns": "every column was rescaled to norm exactly c: a constraint leaves the columns "
                   "already inside the ball (norm <= c) unchanged",
    "whole_matrix": "that bounds the norm of the whole matrix: max-norm bounds each unit "
                    "(column) separately",
    "squared": "compare norms, not squared norms: the factor is c / ‖w‖, not c² / ‖w‖²",
    "squared:c": "the column's norm is √(Σw²): you divided c by the squared norm Σw² (no square "
                 "root); the factor is c / ‖w‖",
    "clip_entries": "you clipped each entry into [-c, c]: max-norm rescales a whole column, so "
                    "its direction is kept",
    "rows_renorm": "you rescaled rows (torch.renorm(W, 2, 0, c)? its dim is the one whose "
                   "slices are bounded, W[i, :] for dim 0): a unit's incoming weights are a "
                   "column of W (fan_in, fan_out), torch.renorm(W, 2, 1, c)",
    "unit_norm": "the columns above c were rescaled to norm 1 (divided by their norm): rescale "
                 "them to norm c, multiply by c / ‖w‖",
    "l1_columns": "you bounded each column's L1 norm, Σ|w|: max-norm bounds its Euclidean "
                  "(L2) norm, √(Σw²) (np.linalg.norm's default; torch.renorm's p = 2)",
}
# any eps, read from the answer (_eps_added): up to 1e-7, the frameworks' own, is accepted
MAX_NORM_EPS = ("almost: you divide by the column's norm + {eps}, an eps that shrinks the "
                "columns it rescales by up to a relative {rel}; divide by the norm itself "
                "(torch.renorm and Keras add 1e-7; up to that is accepted)")
MAX_NORM_EPS_INSIDE = ("almost: you divide by √(‖w‖² + {eps}), an eps inside the square root "
                       "that shrinks the columns it rescales by up to a relative {rel}; divide "
                       "by the norm itself")

# --------------------------------------------------------------------------- soft-thresholding

def _ref_soft_threshold(w, t):
    return penalties.soft_threshold(w, t)


def soft_threshold_cases(seed: int = 0) -> list[tuple]:
    """Arrays (1-D to 3-D) with entries on both sides of the threshold, thresholds t > 0, and
    last t = 0 (the prompt allows t ≥ 0: nothing moves) with zeros in w, where a shrink factor
    written as 1 − t/|w| is 0/0."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([-3.0, -0.5, 0.0, 0.2, 1.0, 2.5]), 0.7)]
    for shape in [(7,), (3, 4), (2, 3, 2)]:
        cases.append((2.0 * rng.standard_normal(shape), float(rng.uniform(0.3, 1.2))))
    cases.append((np.array([[-1.5, 0.0, 0.4], [0.0, -0.2, 2.0]]), 0.0))
    return cases


def _soft_mistakes(w, t) -> dict:
    S = penalties.soft_threshold
    small = np.abs(w) <= t
    return {"hard": np.where(small, 0.0, w), "crossed_zero": w - t * np.sign(w),
            "sign_lost": np.maximum(np.abs(w) - t, 0.0), "l2_prox": w / (1.0 + t),
            "t_twice": S(w, 2 * t), "t_half": S(w, t / 2),
            "one_sided": np.maximum(w - t, 0.0),
            "min_for_max": np.sign(w) * np.minimum(np.abs(w) - t, 0.0),
            "clip": np.clip(w, -t, t)}


def _soft_nan_at_zero(got, w, t) -> str | None:
    """NaN exactly where w = 0 (and nowhere else) at t = 0: a shrink factor 1 − t/|w|, which is
    0/0 there (for t > 0 it is −inf, and max(·, 0) makes it 0)."""
    arr = real_array(got)
    if arr is None:
        return None                                   # judged (and described) later
    nan = np.isnan(arr)
    if t == 0 and arr.shape == w.shape and nan.any() and np.array_equal(nan, w == 0):
        return ("with t = 0 nothing moves (the answer is w itself), but yours is NaN where "
                "w = 0: a shrink factor 1 − t/|w| is 0/0 there; write sign(w)·max(|w| − t, 0), "
                "or leave the entries with w = 0 at 0")
    return None


def check_soft_threshold(fn: Callable, *, grade: bool = False):
    """Check your ``soft_threshold(w, t)``; prints ✓ or a hint."""
    return check("soft_threshold", fn, _ref_soft_threshold, soft_threshold_cases(),
                 mistakes=_soft_mistakes, hints=SOFT_THRESHOLD_HINTS,
                 form_hint=_soft_nan_at_zero, grade=grade)


# --------------------------------------------------------------------------- proximal lasso step

def _data_grad(w, X, y):
    return X.T @ (X @ w - y) / X.shape[0]


def _ref_prox_lasso_step(w, X, y, lr, lam):
    return penalties.soft_threshold(w - lr * _data_grad(w, X, y), lr * lam)


def prox_lasso_cases(seed: int = 0) -> list[tuple]:
    """Small random problems ``(w, X, y, lr, lam)``: X (n, d), y (n,), w (d,). The last has a
    threshold lr·λ = 0.6 that sets five of its eight weights to 0 after the gradient step (the
    others' lr·λ is below every |w − lr·∇L|: no weight reaches 0 there, so a step that does not
    stop at 0 was accepted)."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, lr, lam in [(30, 6, 0.1, 0.3), (12, 4, 0.05, 1.0), (50, 8, 0.2, 0.1),
                          (20, 8, 0.1, 6.0)]:
        X = rng.standard_normal((n, d))
        y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
        w = rng.standard_normal(d)
        cases.append((w, X, y, lr, lam))
    return cases


def _prox_mistakes(w, X, y, lr, lam) -> dict:
    S = penalties.soft_threshold
    g = _data_grad(w, X, y)
    n = X.shape[0]
    first = S(w, lr * lam)
    return {"threshold_lam": S(w - lr * g, lam),
            "threshold_over_n": S(w - lr * g, lr * lam / n),
            "threshold_half": S(w - lr * g, lr * lam / 2),
            "threshold_twice": S(w - lr * g, 2 * lr * lam),
            "subgradient": w - lr * (g + lam * np.sign(w)),
            "no_threshold": w - lr * g,
            "uphill": S(w + lr * g, lr * lam),
            "no_1_over_n": S(w - lr * n * g, lr * lam),
            "grad_twice": S(w - 2 * lr * g, lr * lam),
            "order_swapped": first - lr * _data_grad(first, X, y),
            "threshold_w": first - lr * g,
            "l2_prox": (w - lr * g) / (1.0 + lr * lam),
            "crossed_zero": w - lr * g - lr * lam * np.sign(w - lr * g),
            "one_sided": np.maximum(w - lr * g - lr * lam, 0.0),
            "sign_lost": np.maximum(np.abs(w - lr * g) - lr * lam, 0.0),
            "hard": np.where(np.abs(w - lr * g) > lr * lam, w - lr * g, 0.0)}


def check_prox_lasso_step(fn: Callable, *, grade: bool = False):
    """Check your ``prox_lasso_step(w, X, y, lr, lam)``; prints ✓ or a hint."""
    return check("prox_lasso_step", fn, _ref_prox_lasso_step, prox_lasso_cases(),
                 mistakes=_prox_mistakes, hints=PROX_HINTS, grade=grade)


# --------------------------------------------------------------------------- max-norm projection

def _ref_max_norm(W, c):
    return penalties.MaxNorm(c).project({"W": W})["W"]


def max_norm_cases(seed: int = 0) -> list[tuple]:
    """Non-square W (fan_in, fan_out) with some columns inside the ball and some outside, and
    one with a zero column (a dead unit: it stays 0, no division by its norm may make it NaN)."""
    rng = np.random.default_rng(seed)
    cases = []
    for (fan_in, fan_out), c in [((5, 4), 1.5), ((3, 6), 1.0), ((8, 2), 2.5), ((4, 3), 1.0)]:
        W = rng.standard_normal((fan_in, fan_out)) * rng.uniform(0.2, 1.5, size=fan_out)
        cases.append((W, c))
    cases[-1][0][:, 1] = 0.0
    return cases


def _max_norm_mistakes(W, c) -> dict:
    with np.errstate(divide="ignore", invalid="ignore"):     # the zero-column case
        return _max_norm_mistakes_of(W, c)


def _max_norm_mistakes_of(W, c) -> dict:
    cols = np.linalg.norm(W, axis=0, keepdims=True)
    safe = np.where(cols > 0, cols, 1.0)   # a zero column stays 0: a NaN there matched no
    rows = np.linalg.norm(W, axis=1, keepdims=True)          # answer, not even one keeping it 0
    frob = np.linalg.norm(W)
    l1 = np.abs(W).sum(axis=0, keepdims=True)
    return {"l1_columns": W * np.minimum(1.0, c / np.where(l1 > 0, l1, 1.0)),
            "rows": W * np.minimum(1.0, c / rows),
            "rows_renorm": W * np.where(rows > c, c / (rows + 1e-7), 1.0),
            "all_columns": W * (c / safe),
            "unit_norm": W * np.where(cols > c, 1.0 / safe, 1.0),
            "whole_matrix": W * min(1.0, c / frob),
            "squared": W * np.minimum(1.0, c**2 / safe**2),
            "squared:c": W * np.minimum(1.0, c / safe**2), "clip_entries": np.clip(W, -c, c)}


def _max_norm_frameworks(W, c):
    """The frameworks' max-norms are correct too: torch.renorm divides by (norm + 1e-7) where
    the norm is over c; Keras's MaxNorm multiplies every column by clip(norm, 0, c) /
    (1e-7 + norm), so also those inside the ball (by norm / (1e-7 + norm)). A smaller eps, in
    either form (min(1, ·)'s is torch.renorm's), is nearer the exact projection: accepted too."""
    return [UpTo(_max_norm_with(W, c, 1e-7, "renorm")), UpTo(_max_norm_with(W, c, 1e-7, "keras"))]


def _max_norm_with(W, c, eps, form, inside=False):
    """The max-norm projection with an ``eps`` added to each column's norm (``inside``: to its
    square, √(‖w‖² + eps)), written the way ``form`` (one of ``_EPS_FORMS``) writes it (a zero
    column stays 0 for ``eps`` > 0)."""
    cols = np.linalg.norm(W, axis=0)
    norm = _eps_norm(cols, eps, inside)
    if form == "keras":
        return W * (np.clip(cols, 0.0, c) / norm)
    if form == "min":
        return W * np.minimum(1.0, c / norm)
    return W * np.where(cols > c, c / norm, 1.0)


def _eps_norm(cols, eps, inside):
    """A column norm with an eps: ‖w‖ + eps, or √(‖w‖² + eps) when ``inside``."""
    return np.sqrt(cols * cols + eps) if inside else cols + eps


def _eps_added(runs) -> str | None:
    """The hint for a max-norm that divides by a column's norm + eps, or by √(‖w‖² + eps) (an
    eps inside the square root), for any eps > 0: eps is solved for from the most rescaled
    column of the first case that rescales one (its factor r = c / (norm + eps), or
    c / √(norm² + eps)), and the answer must be that projection (outside: written one of the
    ways of ``_EPS_FORMS``) on every case, at the checker's tolerance for its precision."""
    r = None
    for (W, c), got, _want, _e, _ok in runs:
        cols = np.linalg.norm(W, axis=0)
        j = int(np.argmax(cols))
        if cols[j] > c:
            w, g = W[:, j], got[""][:, j]
            r, n = float((g @ w) / (w @ w)), float(cols[j])    # the factor the column got
            break
    if r is None or not 0.0 < r < 1.0:
        return None
    for inside in (False, True):
        eps = (c / r) ** 2 - n * n if inside else c / r - n
        if not (np.isfinite(eps) and eps > 0):
            continue
        for form in ("min",) if inside else _EPS_FORMS:
            if all(_all_close(got, _canonical(_max_norm_with(W, c, eps, form, inside)),
                              _tolerances(want, RTOL, ATOL, e))
                   for (W, c), got, want, e, _ok in runs):
                shrink = max((1.0 - m / _eps_norm(m, eps, inside) for (W, c), *_ in runs
                              for m in np.linalg.norm(W, axis=0) if m > c), default=0.0)
                return (MAX_NORM_EPS_INSIDE if inside else MAX_NORM_EPS).format(
                    eps=f"{eps:.2g}", rel=f"{shrink:.1g}")
    return None


def check_max_norm(fn: Callable, *, grade: bool = False):
    """Check your ``max_norm_project(W, c)``; prints ✓ or a hint."""
    return check("max_norm_project", fn, _ref_max_norm, max_norm_cases(),
                 mistakes=_max_norm_mistakes, hints=MAX_NORM_HINTS, accept=_max_norm_frameworks,
                 rtol=RTOL, atol=ATOL, explain=_eps_added, grade=grade)


assert_soft_threshold = assert_form(check_soft_threshold)
assert_prox_lasso_step = assert_form(check_prox_lasso_step)
assert_max_norm = assert_form(check_max_norm)
