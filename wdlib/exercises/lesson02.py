"""Checkers for lesson 02 (L2 regularization = weight decay, for gradient descent).

    from wdlib.exercises import lesson02
    lesson02.check_l2_grad(l2_grad_exercise)
    lesson02.check_lam_for_df(lam_for_df)
    lesson02.check_early_stopping_lambda(early_stopping_lambda)

``check_l2_grad`` passes the parameters of K models at once (a leading K axis on every array)
and one λ per model. Each checker calls your function on random inputs and prints ``✓`` or a hint
that names a typical mistake. ``assert_<name>`` raises AssertionError(hint) instead (for
autograders).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import penalties
from wdlib.exercises._core import assert_form, check, real_array

__all__ = ["check_l2_grad", "check_lam_for_df", "check_early_stopping_lambda", "assert_l2_grad",
           "assert_lam_for_df", "assert_early_stopping_lambda"]

_ONE_LAM = ("every model got the same λ: model k's weights are multiplied by its own lam[k] (the "
            "K models are K separate runs, one per λ)")
L2_GRAD_HINTS = {
    **{f"one_lam:{k}": _ONE_LAM for k in ("first", "max", "mean")},     # one text
    "wrong_axis": "model k's λ must multiply model k's weights, the *first* axis: give the K "
                  "values the shape (K, 1, ..., 1), one 1 for each other axis of the array "
                  "(np.reshape(lam, (-1,) + (1,) * (W.ndim - 1))); a (K,) array broadcasts "
                  "against the *last* axis of W, a (K, 1) array against the second to last",
    "biases_decayed": "biases decayed: only the weight matrices (keys starting with 'W') are "
                      "penalized; the gradient for b1, b2, ... is zero",
    "negative": "wrong sign: the gradient of lam/2·‖W‖² is +lam·W (the step goes along "
                "−lam·W)",
    "twice": "off by a factor of 2: the gradient of lam/2·‖W‖² is lam·W, not 2·lam·W (the ½ "
             "cancels the 2 from the square)",
    "weights": "you returned the weights, not lam·W: multiply by lam",
    "value": "you returned the penalty's value per entry (lam/2·W²), not its gradient lam·W",
    "biases_unchanged": "the biases' entries are the biases themselves: the penalty does not "
                        "depend on b, so its gradient for b1, b2, ... is zero",
    "l1": "that is the L1 penalty's gradient, lam·sign(W): the L2 penalty lam/2·‖W‖² has "
          "gradient lam·W",
    "decayed_weights": "that is the decayed weight (1 − lam)·W, what one step of weight decay "
                       "leaves (with lr = 1): the gradient of the penalty is lam·W",
}

_CONVENTION = {
    "textbook": "off by a factor of n: with this lesson's ½·mean objective a direction is kept "
                "by e_j/(e_j + λ) with e_j = s_j²/n (the textbook s_j²/(s_j² + λ) is for the "
                "sum objective ‖y − Xw‖² + λ‖w‖², whose λ is n times ours)",
    "not_centered": "the columns of X were not centered: the intercept absorbs the means, so the "
                    "principal directions are those of X − X.mean(axis=0)",
    "ddof": "the variances are divided by n − 1 (np.cov's default): this lesson's e_j = s_j²/n "
            "(the ½·mean objective divides by n)",
    "std": "e_j is a variance, s_j²/n (the squared singular value over n): you used a standard "
           "deviation, s_j/√n",
}

LAM_FOR_DF_HINTS = {
    **_CONVENTION,
    "removed": "your λ makes the *removed* fractions λ/(e_j + λ) sum to df (df(λ) = d − df): "
               "df(λ) sums the kept fractions h_j = e_j/(e_j + λ), and it falls as λ grows",
    "log10": "you returned log10(λ): return λ itself (10 ** your value)",
    "ln": "you returned the natural log of λ: return λ itself (np.exp of your value)",
}

EARLY_STOP_HINTS = {
    "rule_of_thumb": "every direction got 1/(lr·T): that is the rule of thumb for lr·e_j·T ≪ 1; "
                     "the exact match differs from direction to direction",
    "inverted": "kept and removed are swapped: ridge keeps the fraction e_j/(e_j + λ) of "
                "direction j; match it to the fraction gradient descent has *covered* after T "
                "steps (from w = 0), not to the fraction still missing",
    "ascending": "wrong order: return the directions by decreasing variance e_j (the order of "
                 "the singular values from np.linalg.svd)",
    "off_by_one": "off by one step: after T steps the error along direction j has been "
                  "multiplied T times by (1 − lr·e_j)",
    "continuous": "that is gradient flow's exp(−lr·e_j·T), the small-step approximation: "
                  "gradient descent takes T whole steps, each multiplying the error along "
                  "direction j by (1 − lr·e_j), so it is (1 − lr·e_j)^T",
    **_CONVENTION,
}
EARLY_STOP_HINTS["off_by_one_after"] = EARLY_STOP_HINTS["off_by_one"]   # T + 1: one text
L2_GRAD_HINTS["wrong_axis:2d"] = L2_GRAD_HINTS["wrong_axis"]              # (K, 1): one text


# --------------------------------------------------------------------------- references

def _ref_l2_grad(params: Mapping, lam) -> dict:
    return penalties.L2(lam).grad(params)


def _pm(h, v):
    """K values shaped (K, 1, ..., 1) to multiply model k's part of v."""
    return np.reshape(h, (-1,) + (1,) * (np.ndim(v) - 1))


def _variances(X, *, center=True, ddof=0) -> np.ndarray:
    """e_j = s_j²/n of the (centered) X, by decreasing size."""
    Xc = X - X.mean(axis=0) if center else X
    return np.linalg.svd(Xc, compute_uv=False) ** 2 / (len(X) - ddof)


def _solve_lam(e, df) -> float:
    """The λ with sum_j e_j/(e_j + λ) = df: bisection on log λ (df falls as λ grows)."""
    lo, hi = np.log(e.min()) - 40.0, np.log(e.max()) + 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.sum(e / (e + np.exp(mid))) > df else (lo, mid)
    return float(np.exp(0.5 * (lo + hi)))


def _ref_lam_for_df(X, df) -> float:
    return _solve_lam(_variances(X), df)


def _early_lam(e, lr, T) -> np.ndarray:
    q = (1.0 - lr * e) ** T                       # the fraction of the error still there
    return e * q / (1.0 - q)


def _ref_early_stopping_lambda(X, lr, T) -> np.ndarray:
    return _early_lam(_variances(X), lr, T)


# --------------------------------------------------------------------------- random inputs

def _params(rng, K, sizes=(3, 5, 2)) -> dict:
    """K models' parameters of an MLP with these layer sizes (a leading K axis)."""
    out = {}
    for l, (fi, fo) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        out[f"W{l}"] = rng.standard_normal((K, fi, fo))
        out[f"b{l}"] = rng.standard_normal((K, fo))
    return out


def _l2_cases(seed=2):
    rng = np.random.default_rng(seed)
    # first a case whose every axis has length K (4): λ broadcast on the wrong axis gives numbers
    # there, not an error
    return [(_params(rng, 4, (4, 4, 4)), np.array([0.1, 1e-3, 0.37, 0.0])),
            (_params(rng, 3, (3, 5, 2)), np.array([0.5, 0.02, 0.1])),
            (_params(rng, 2, (2, 4, 4, 1)), np.array([0.37, 1.5]))]


def _design(rng, n, d):
    """Correlated columns of different scales, not centered."""
    A = rng.standard_normal((d, d)) + np.eye(d)
    return rng.standard_normal((n, d)) @ A * rng.uniform(0.5, 2.0, size=d) \
        + rng.uniform(-3, 3, size=d)


def _df_cases(seed=0):
    rng = np.random.default_rng(seed)
    return [(_design(rng, n, d), df) for n, d, df in [(40, 5, 2.5), (30, 4, 1.2), (60, 8, 6.3)]]


def _early_cases(seed=0):
    """lr·e_1 < 1 (no oscillation); lr·e_j·T from about 0.1 to 10, where 1/(lr·T) is not exact."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, frac, T in [(40, 5, 0.5, 20), (30, 4, 0.8, 7), (60, 6, 0.3, 50)]:
        X = _design(rng, n, d)
        cases.append((X, frac / float(_variances(X)[0]), T))
    return cases


# --------------------------------------------------------------------------- answer forms

def _missing_biases(what: str):
    def hint(got, params, *rest) -> str | None:
        """A dict that leaves out only the biases (a form the generic key check misses)."""
        if isinstance(got, Mapping):
            missing = sorted(set(params) - set(got))
            if missing and all(not k.startswith("W") for k in missing):
                return f"missing keys {missing}: return every key of params ({what})"
        return None
    return hint


# --------------------------------------------------------------------------- checkers

def _wrong_axis(params, lam) -> dict:
    """λ as (K,) or (K, 1) against the weights, where that broadcasts without an error (where
    it raises, the learner's function raises too: no hint needed)."""
    out = {}
    for key, h in [("wrong_axis", lam), ("wrong_axis:2d", np.reshape(lam, (-1, 1)))]:
        try:
            got = {k: h * v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}
        except ValueError:
            continue
        if all(got[k].shape == v.shape for k, v in params.items()):
            out[key] = got
    return out


def _l2_mistakes(params, lam):
    ref = _ref_l2_grad(params, lam)
    zero_b = lambda f: {k: f(v, _pm(lam, v)) if k.startswith("W") else np.zeros_like(v)  # noqa
                        for k, v in params.items()}
    return {**{f"one_lam:{name}": zero_b(lambda v, h, one=one: one * v)
               for name, one in [("first", lam[0]), ("max", np.max(lam)),
                                 ("mean", np.mean(lam))]},
            **_wrong_axis(params, lam),
            "biases_decayed": {k: _pm(lam, v) * v for k, v in params.items()},
            "negative": {k: -g for k, g in ref.items()},
            "twice": {k: 2 * g for k, g in ref.items()},
            "weights": zero_b(lambda v, h: v),
            "value": zero_b(lambda v, h: 0.5 * h * v**2),
            "biases_unchanged": {k: _pm(lam, v) * v if k.startswith("W") else v
                                 for k, v in params.items()},
            "l1": zero_b(lambda v, h: h * np.sign(v)),
            "decayed_weights": zero_b(lambda v, h: (1 - h) * v)}


def _l2_form(got, params, lam) -> str | None:
    """The penalty's value returned for its gradient (per model, (K,), or summed), or a dict
    without the biases."""
    if not isinstance(got, Mapping):
        value = real_array(got)
        if value is None:
            return None                                   # judged (and described) later
        per_model = penalties.L2(lam).value(params, batched=True)
        if any(value.shape == v.shape and np.allclose(value, v, rtol=1e-6, atol=1e-12)
               for v in (per_model, np.sum(per_model))):
            return ("that is the penalty's value, λ_k/2·Σ‖W_k‖² (per model or summed): return "
                    "its gradient, a dict with the keys and shapes of params (lam[k]·W[k] for "
                    "the weights, zeros for the biases)")
        return None
    return _missing_biases("zeros for the biases")(got, params, lam)


def check_l2_grad(fn: Callable, *, grade: bool = False):
    """Check your ``l2_grad_exercise(params, lam) -> dict`` (K models, one λ each); prints ✓
    or a hint."""
    return check("l2_grad", fn, _ref_l2_grad, _l2_cases(), mistakes=_l2_mistakes,
                 hints=L2_GRAD_HINTS, form_hint=_l2_form, accept=_l2_scalar_zeros, grade=grade)


def _l2_scalar_zeros(params, lam):
    """A plain 0 for each bias is correct too (it broadcasts in an update b -= lr * g)."""
    return [{k: _pm(lam, v) * v if k.startswith("W") else 0.0 for k, v in params.items()}]


def _convention_mistakes(X, f):
    return {"textbook": len(X) * f(_variances(X)),
            "not_centered": f(_variances(X, center=False)),
            "ddof": f(_variances(X, ddof=1)),
            "std": f(np.sqrt(_variances(X)))}


def _df_mistakes(X, df):
    lam = _ref_lam_for_df(X, df)
    return {**_convention_mistakes(X, lambda e: _solve_lam(e, df)),
            "removed": _solve_lam(_variances(X), X.shape[1] - df),
            "log10": np.log10(lam), "ln": np.log(lam)}


def check_lam_for_df(fn: Callable, *, grade: bool = False):
    """Check your ``lam_for_df(X, df)``: one number, λ; prints ✓ or a hint."""
    return check("lam_for_df", fn, _ref_lam_for_df, _df_cases(6), mistakes=_df_mistakes,
                 hints=LAM_FOR_DF_HINTS, rtol=1e-6, atol=0.0, grade=grade)


def _early_mistakes(X, lr, T):
    e = _variances(X)
    return {"rule_of_thumb": np.full_like(e, 1.0 / (lr * T)),
            "inverted": e * (1.0 - (1.0 - lr * e) ** T) / (1.0 - lr * e) ** T,
            "ascending": _early_lam(e, lr, T)[::-1],
            "off_by_one": _early_lam(e, lr, T - 1) if T > 1 else _early_lam(e, lr, T + 1),
            "off_by_one_after": _early_lam(e, lr, T + 1),
            "continuous": e * np.exp(-lr * e * T) / -np.expm1(-lr * e * T),
            **_convention_mistakes(X, lambda v: _early_lam(v, lr, T))}


def check_early_stopping_lambda(fn: Callable, *, grade: bool = False):
    """Check your ``early_stopping_lambda(X, lr, T)``: one λ per principal direction;
    prints ✓ or a hint."""
    return check("early_stopping_lambda", fn, _ref_early_stopping_lambda, _early_cases(7),
                 mistakes=_early_mistakes, hints=EARLY_STOP_HINTS, rtol=1e-7, atol=0.0,
                 grade=grade)


assert_l2_grad = assert_form(check_l2_grad)
assert_lam_for_df = assert_form(check_lam_for_df)
assert_early_stopping_lambda = assert_form(check_early_stopping_lambda)
