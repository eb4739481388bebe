"""The simulated class: answers to every exercise checker, right and wrong, and what each must get.

    python tools/simulate_class.py            # round 5 (the prompts read literally) and probes
    python tools/simulate_class.py --all      # also every answer of rounds 1-4 (the tests' lists)
    python tools/simulate_class.py -v         # print every answer's line

Round 5 read every exercise prompt as a learner who has only the notebook: each reading the
prompt allows (argument order, shapes (n,) or (n, 1), a plain number or a one-item array, a list
for an array, the frameworks' own functions, loops or vectorized code) is written as the careful
learner would write it, and must be accepted (``OK``). A reading the prompt rules out must be
refused with a hint that names it (the ``Hint`` text must appear). Typical mistakes must get
their hint (whether a hint gives the solution away is for a reader of ``-v``'s lines to judge;
tests/test_exercises_lesson05.py checks it where it once did). ``PROBES`` are odd return
values (None, a generator, NaN, inf, a huge array, objects whose ``__eq__``/``__array__``/
``__float__`` raise, ...): each must get one ✗ line, never a traceback or "could not judge",
and the autograder's form (``grade=True``) must raise AssertionError with that hint and nothing
else.

Rounds 1-4 live in tests/test_exercises_lessonNN.py (``accepts(checker, CORRECT)`` and
``names(checker, HINTS, MISTAKES)``); ``--all`` reads them from there, so this script and the
tests never disagree about an answer.

It prints, per checker, the answers run and the false rejects (a correct answer refused), false
accepts (a wrong answer accepted), wrong hints (refused, without the expected hint) and crashes
(an exception escaped, more or fewer than one line printed, or "could not judge"), then the
totals; the exit status is 1 when any of these is not 0. tests/test_simulate_class.py runs round
5 and the probes.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import math
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wdlib import clipping, data, penalties, schedules, solvers
from wdlib.exercises import (
    _core,
    lesson00,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
    lesson09,
)

ROOT = Path(__file__).resolve().parents[1]
OK = None                   # the expected outcome of a correct answer


@dataclass(frozen=True)
class Hint:
    """A refusal whose line must contain ``text``."""
    text: str


REFUSED = Hint("")          # any refusal (a probe: one ✗ line, no traceback)
IN_PLACE = Hint("in place: work on a copy")


# --------------------------------------------------------------------------- lesson 00

def _half_mse_answers():
    def mean_half(yhat, y):
        return 0.5 * np.mean((yhat - y) ** 2)

    def sum_over_2n(yhat, y):
        return np.sum((yhat - y) ** 2) / (2 * len(y))

    def python_float(yhat, y):
        return float(0.5 * np.mean((yhat - y) ** 2))

    def one_item_column(yhat, y):                  # mean over axis 0 of (n, 1): shape (1,)
        return 0.5 * np.mean((yhat - y) ** 2, axis=0)

    def keepdims(yhat, y):                         # (1, 1)
        return 0.5 * np.mean((yhat - y) ** 2, axis=0, keepdims=True)

    def dot(yhat, y):                              # rᵀr / (2n): a (1, 1) array
        r = yhat - y
        return r.T @ r / (2 * len(r))

    def raveled(yhat, y):
        return 0.5 * np.mean((yhat.ravel() - y.ravel()) ** 2)

    def norm(yhat, y):
        return np.linalg.norm(yhat - y) ** 2 / (2 * yhat.shape[0])

    def listed(yhat, y):
        return [0.5 * np.mean((yhat - y) ** 2)]

    def torch_mse(yhat, y):
        import torch
        return 0.5 * torch.nn.functional.mse_loss(torch.from_numpy(yhat), torch.from_numpy(y))

    def in_place(yhat, y):                         # ruled out: "return a value, inputs unchanged"
        yhat -= y
        yhat **= 2
        return 0.5 * yhat.mean()

    def pair(yhat, y):
        from wdlib import losses
        return losses.mse(yhat, y)

    r = lambda yhat, y: yhat - y  # noqa: E731
    H = lesson00.HALF_MSE_HINTS
    return [
        ("½·mean", mean_half, OK), ("Σ/(2n)", sum_over_2n, OK), ("float()", python_float, OK),
        ("mean over axis 0: (1,)", one_item_column, OK), ("keepdims: (1, 1)", keepdims, OK),
        ("rᵀr/(2n): (1, 1)", dot, OK), ("both raveled", raveled, OK), ("‖r‖²/(2n)", norm, OK),
        ("a one-item list", listed, OK), ("torch ½·mse_loss", torch_mse, OK),
        ("in place", in_place, IN_PLACE), ("losses.mse's pair", pair, Hint("a pair (value")),
        ("sum", lambda yhat, y: 0.5 * np.sum(r(yhat, y) ** 2), Hint(H["sum"])),
        ("no ½", lambda yhat, y: np.mean(r(yhat, y) ** 2), Hint(H["no_half"])),
        ("RMSE", lambda yhat, y: np.sqrt(np.mean(r(yhat, y) ** 2)), Hint(H["rmse"])),
        ("np.var", lambda yhat, y: 0.5 * np.var(r(yhat, y)), Hint(H["var"])),
        ("broadcast", lambda yhat, y: 0.5 * np.mean((yhat - y.ravel()) ** 2),
         Hint(H["broadcast"])),
        ("abs", lambda yhat, y: 0.5 * np.mean(np.abs(r(yhat, y))), Hint(H["abs"])),
    ]


# --------------------------------------------------------------------------- lesson 01

def _count_params_answers():
    H = lesson01.COUNT_PARAMS_HINTS

    def loop(sizes):
        total = 0
        for i in range(len(sizes) - 1):
            total += sizes[i] * sizes[i + 1] + sizes[i + 1]
        return total

    def numpy_int(sizes):
        s = np.asarray(sizes)
        return np.sum((s[:-1] + 1) * s[1:])

    def layers(s, last=None):
        return list(zip(s[:-1], s[1:], strict=True))[:last]

    return [
        ("Σ (a+1)·b", lambda s: sum((a + 1) * b for a, b in layers(s)), OK),
        ("a loop", loop, OK), ("a NumPy integer", numpy_int, OK),
        ("a float", lambda s: float(sum((a + 1) * b for a, b in layers(s))), OK),
        ("no biases", lambda s: sum(a * b for a, b in layers(s)), Hint(H["no_biases"])),
        ("(a+1)(b+1)", lambda s: sum((a + 1) * (b + 1) for a, b in layers(s)),
         Hint(H["extra_bias"])),
        ("input biases", lambda s: sum((a + 1) * b for a, b in layers(s)) + s[0],
         Hint(H["input_bias"])),
        ("bias per input", lambda s: sum(a * b + a for a, b in layers(s)),
         Hint(H["bias_per_input"])),
        ("last layer missed", lambda s: sum((a + 1) * b for a, b in layers(s, -1)),
         Hint(H["missing_layer"])),
    ]


def _ridge(F, y, lam, *, scale_n=True, center=True):
    y = np.asarray(y).reshape(-1)
    n, d = F.shape
    Fc, yc = (F - F.mean(0), y - y.mean()) if center else (F, y)
    s = n if scale_n else 1.0
    w = np.linalg.solve(Fc.T @ Fc / s + lam * np.eye(d), Fc.T @ yc / s)
    return w, (float(y.mean() - F.mean(0) @ w) if center else 0.0)


def _ridge_fit_answers():
    H = lesson01.RIDGE_HINTS

    def column(F, y, lam):                   # y (n, 1) as given: w (d, 1), b a (1,) array
        n, d = F.shape
        Fm, ym = F.mean(axis=0), y.mean(axis=0)
        Fc, yc = F - Fm, y - ym
        w = np.linalg.solve(Fc.T @ Fc / n + lam * np.eye(d), Fc.T @ yc / n)
        return w, ym - Fm @ w

    def times_n(F, y, lam):                  # (FcᵀFc + nλI) w = Fcᵀyc
        n, d = F.shape
        Fc, yc = F - F.mean(0), y[:, 0] - y.mean()
        w = np.linalg.solve(Fc.T @ Fc + n * lam * np.eye(d), Fc.T @ yc)
        return w, y.mean() - F.mean(0) @ w

    def augmented(F, y, lam):                # [1, F] with the intercept's penalty 0
        n, d = F.shape
        A = np.hstack([np.ones((n, 1)), F])
        P = lam * np.eye(d + 1)
        P[0, 0] = 0.0
        sol = np.linalg.solve(A.T @ A / n + P, A.T @ y[:, 0] / n)
        return sol[1:], sol[0]

    def lstsq(F, y, lam):                    # stacked rows √(nλ)·I, on centered data
        n, d = F.shape
        Fc, yc = F - F.mean(0), y[:, 0] - y.mean()
        A = np.vstack([Fc, np.sqrt(n * lam) * np.eye(d)])
        w = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(d)]), rcond=None)[0]
        return w, y.mean() - F.mean(0) @ w

    def sklearn_ridge(F, y, lam):            # README: scikit-learn's Ridge(alpha=n·lam)
        from sklearn.linear_model import Ridge
        m = Ridge(alpha=len(F) * lam).fit(F, y.ravel())
        return m.coef_, m.intercept_

    def listed(F, y, lam):
        w, b = _ridge(F, y, lam)
        return [list(w), b]

    def in_place(F, y, lam):                 # "centre the columns of F and y", in place
        Fm, ym = F.mean(0), y.mean()
        F -= Fm
        y -= ym
        w = np.linalg.solve(F.T @ F / len(F) + lam * np.eye(F.shape[1]), F.T @ y[:, 0] / len(F))
        return w, ym - Fm @ w

    return [
        ("centered solve", _ridge, OK), ("y (n, 1): w (d, 1), b (1,)", column, OK),
        ("(FcᵀFc + nλI)", times_n, OK), ("[1, F], intercept unpenalized", augmented, OK),
        ("lstsq with √(nλ) rows", lstsq, OK), ("sklearn Ridge(alpha=n·λ)", sklearn_ridge, OK),
        ("a list [w, b]", listed, OK), ("centered in place", in_place, IN_PLACE),
        ("λ not scaled by n", lambda F, y, lam: _ridge(F, y, lam, scale_n=False),
         Hint(H["lam_not_scaled"])),
        ("2λ", lambda F, y, lam: _ridge(F, y, 2 * lam), Hint(H["lam_twice"])),
        ("no intercept", lambda F, y, lam: _ridge(F, y, lam, center=False),
         Hint(H["no_intercept"])),
        ("no penalty", lambda F, y, lam: _ridge(F, y, 0.0), Hint(H["no_penalty"])),
        ("b = mean(y)", lambda F, y, lam: (_ridge(F, y, lam)[0], float(y.mean())),
         Hint(H["b_is_mean_y"])),
        ("(b, w)", lambda F, y, lam: _ridge(F, y, lam)[::-1], Hint("swapped")),
    ]


# --------------------------------------------------------------------------- lesson 02

def _l2_grad_answers():
    H = lesson02.L2_GRAD_HINTS

    def k1(lam, v):                              # the K values of lam shaped (K, 1, ..., 1)
        return np.reshape(lam, (-1,) + (1,) * (v.ndim - 1))

    def model_loop(p, lam):                      # section 1's l2_grad, model by model
        out = {}
        for k, v in p.items():
            out[k] = np.stack([lam_i * v_i if k.startswith("W") else np.zeros_like(v_i)
                               for lam_i, v_i in zip(lam, v, strict=True)])
        return out

    return [
        ("zeros_like, λ (K, 1, ..., 1)", lambda p, lam: {
            k: k1(lam, v) * v if k.startswith("W") else np.zeros_like(v)
            for k, v in p.items()}, OK),
        ("lam[:, None, None], k[0] == 'W'", lambda p, lam: {
            k: lam[:, None, None] * v if k[0] == "W" else 0 * v for k, v in p.items()}, OK),
        ("a plain 0 for biases", lambda p, lam: {k: k1(lam, v) * v if k.startswith("W") else 0.0
                                                  for k, v in p.items()}, OK),
        ("models.is_weight", lambda p, lam: {k: k1(lam, v) * v if _is_weight(k)
                                             else np.zeros(v.shape) for k, v in p.items()}, OK),
        ("a loop over the models", model_loop, OK),
        ("einsum", lambda p, lam: {k: np.einsum("k,k...->k...", lam, v) if k[0] == "W"
                                   else np.zeros_like(v) for k, v in p.items()}, OK),
        ("biases first", lambda p, lam: {**{k: np.zeros_like(v) for k, v in p.items()
                                            if not k.startswith("W")},
                                         **{k: k1(lam, v) * v for k, v in p.items()
                                            if k.startswith("W")}}, OK),
        ("section 1's l2_grad as it is", lambda p, lam: {
            k: lam * v if k.startswith("W") else np.zeros_like(v) for k, v in p.items()},
         Hint(H["wrong_axis"])),
        ("λ as a column (K, 1)", lambda p, lam: {
            k: lam[:, None] * v if k[0] == "W" else 0 * v for k, v in p.items()},
         Hint(H["wrong_axis"])),
        ("the first λ for all", lambda p, lam: {k: lam[0] * v if k[0] == "W" else 0 * v
                                                for k, v in p.items()}, Hint(H["one_lam:first"])),
        ("biases decayed", lambda p, lam: {k: k1(lam, v) * v for k, v in p.items()},
         Hint(H["biases_decayed"])),
        ("−λW", lambda p, lam: {k: -k1(lam, v) * v if k[0] == "W" else 0 * v
                                for k, v in p.items()}, Hint(H["negative"])),
        ("2λW", lambda p, lam: {k: 2 * k1(lam, v) * v if k[0] == "W" else 0 * v
                                for k, v in p.items()}, Hint(H["twice"])),
        ("λ·sign(W)", lambda p, lam: {k: k1(lam, v) * np.sign(v) if k[0] == "W" else 0 * v
                                      for k, v in p.items()}, Hint(H["l1"])),
        ("the weights", lambda p, lam: {k: v if k[0] == "W" else 0 * v for k, v in p.items()},
         Hint(H["weights"])),
        ("params updated in place", _l2_in_place, IN_PLACE),
        ("weights only", lambda p, lam: {k: k1(lam, v) * v for k, v in p.items() if k[0] == "W"},
         Hint("missing keys")),
    ]


def _l2_in_place(params, lam):
    for k, v in params.items():
        params[k] = np.reshape(lam, (-1,) + (1,) * (v.ndim - 1)) * v if k.startswith("W") \
            else np.zeros_like(v)
    return params


def _center_in_place(X):
    X -= X.mean(axis=0)
    return X


def _is_weight(key):
    from wdlib import models
    return models.is_weight(key)


def _variances(X, ddof=0, center=True):
    Xc = X - X.mean(0) if center else X
    return np.linalg.svd(Xc, compute_uv=False) ** 2 / (len(X) - ddof)


def _bisect_log(e, df, steps=100):
    lo, hi = math.log(e.min()) - 30, math.log(e.max()) + 30
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.sum(e / (e + math.exp(mid))) > df else (lo, mid)
    return math.exp((lo + hi) / 2)


def _lam_for_df_answers():
    H = lesson02.LAM_FOR_DF_HINTS

    def newton(X, df):                   # Newton on u = log λ, from λ = median e
        e = _variances(X)
        u = math.log(np.median(e))
        for _ in range(100):
            lam = math.exp(u)
            h = e / (e + lam)
            f, fp = h.sum() - df, -np.sum(h * (1 - h))
            u -= f / fp
        return math.exp(u)

    def brentq(X, df):
        from scipy.optimize import brentq
        e = _variances(X)
        return brentq(lambda lam: np.sum(e / (e + lam)) - df, 1e-12, 1e12, xtol=1e-300,
                      rtol=1e-14)

    def brentq_log(X, df):               # the default tolerances, on log λ
        from scipy.optimize import brentq
        e = _variances(X)
        return math.exp(brentq(lambda u: np.sum(e / (e + math.exp(u))) - df, -30, 30))

    def linear_bisection(X, df):         # on λ itself, to a relative 1e-10
        e = _variances(X)
        lo, hi = 0.0, 1e6 * e.max()
        while hi - lo > 1e-10 * hi:
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.sum(e / (e + mid)) > df else (lo, mid)
        return (lo + hi) / 2

    def covariance(X, df):               # eigenvalues of np.cov(X.T, bias=True)
        e = np.linalg.eigvalsh(np.cov(X.T, bias=True))
        return _bisect_log(e, df)

    def gram(X, df):                     # eigenvalues of XcᵀXc/n, as a one-item array
        Xc = X - X.mean(0)
        return np.array([_bisect_log(np.linalg.eigvalsh(Xc.T @ Xc / len(X)), df)])

    return [
        ("bisection on log λ", lambda X, df: _bisect_log(_variances(X), df), OK),
        ("Newton on log λ", newton, OK), ("scipy brentq on λ", brentq, OK),
        ("scipy brentq on log λ, default tolerances", brentq_log, OK),
        ("bisection on λ", linear_bisection, OK), ("np.cov(bias=True)", covariance, OK),
        ("eigvalsh of XcᵀXc/n, (1,)", gram, OK),
        ("X centered in place", lambda X, df: _bisect_log(
            np.linalg.svd(_center_in_place(X), compute_uv=False) ** 2 / len(X), df), IN_PLACE),
        ("s² (sum objective)", lambda X, df: _bisect_log(len(X) * _variances(X), df),
         Hint(H["textbook"])),
        ("not centered", lambda X, df: _bisect_log(_variances(X, center=False), df),
         Hint(H["not_centered"])),
        ("np.cov (n − 1)", lambda X, df: _bisect_log(_variances(X, ddof=1), df),
         Hint(H["ddof"])),
        ("log10 λ", lambda X, df: math.log10(_bisect_log(_variances(X), df)),
         Hint(H["log10"])),
        ("stopped at 1e-3", lambda X, df: _bisect_log(_variances(X), df, steps=12), REFUSED),
    ]


def _early(X, lr, T, *, ddof=0, center=True, shift=0):
    e = _variances(X, ddof, center)
    q = (1 - lr * e) ** (T + shift)
    return e * q / (1 - q)


def _early_stopping_answers():
    H = lesson02.EARLY_STOP_HINTS

    def stable(X, lr, T):                # log1p / expm1
        e = _variances(X)
        q = np.exp(T * np.log1p(-lr * e))
        return -e * q / np.expm1(T * np.log1p(-lr * e))

    def eig(X, lr, T):                   # eigvalsh, sorted by decreasing e, as a list
        Xc = X - X.mean(0)
        e = np.sort(np.linalg.eigvalsh(Xc.T @ Xc / len(X)))[::-1]
        q = (1 - lr * e) ** T
        return list(e * q / (1 - q))

    def iterate(X, lr, T):               # run T steps of the factor, then match h_j
        e = _variances(X)
        left = np.ones_like(e)
        for _ in range(T):
            left = left * (1 - lr * e)
        covered = 1 - left
        return e * (1 - covered) / covered

    return [
        ("closed form", _early, OK), ("log1p/expm1", stable, OK), ("eigvalsh, a list", eig, OK),
        ("T factors by a loop", iterate, OK),
        ("X centered in place", lambda X, lr, T: _early(_center_in_place(X), lr, T), IN_PLACE),
        ("1/(lr·T)", lambda X, lr, T: np.full(X.shape[1], 1 / (lr * T)),
         Hint(H["rule_of_thumb"])),
        ("ascending", lambda X, lr, T: _early(X, lr, T)[::-1], Hint(H["ascending"])),
        ("T − 1", lambda X, lr, T: _early(X, lr, T, shift=-1), Hint(H["off_by_one"])),
        ("not centered", lambda X, lr, T: _early(X, lr, T, center=False),
         Hint(H["not_centered"])),
        ("n − 1", lambda X, lr, T: _early(X, lr, T, ddof=1), Hint(H["ddof"])),
        ("inverted", lambda X, lr, T: (lambda e, q: e * (1 - q) / q)(
            _variances(X), (1 - lr * _variances(X)) ** T), Hint(H["inverted"])),
    ]


# --------------------------------------------------------------------------- lesson 03

def _softshrink(w, t):
    import torch
    return torch.nn.functional.softshrink(torch.from_numpy(w), t).numpy()


def _soft_threshold_answers():
    H = lesson03.SOFT_THRESHOLD_HINTS

    def in_place(w, t):
        small = np.abs(w) <= t
        w -= t * np.sign(w)
        w[small] = 0.0
        return w

    return [
        ("sign·max", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0), OK),
        ("np.where", lambda w, t: np.where(w > t, w - t, np.where(w < -t, w + t, 0.0)), OK),
        ("w − clip", lambda w, t: w - np.clip(w, -t, t), OK),
        ("max + min", lambda w, t: np.maximum(w - t, 0) + np.minimum(w + t, 0), OK),
        ("torch softshrink", _softshrink, OK),
        ("in place", in_place, IN_PLACE),
        ("hard", lambda w, t: np.where(np.abs(w) > t, w, 0.0), Hint(H["hard"])),
        ("crossed zero", lambda w, t: w - t * np.sign(w), Hint(H["crossed_zero"])),
        ("sign lost", lambda w, t: np.maximum(np.abs(w) - t, 0), Hint(H["sign_lost"])),
        ("one-sided", lambda w, t: np.maximum(w - t, 0), Hint(H["one_sided"])),
        ("L2 prox", lambda w, t: w / (1 + t), Hint(H["l2_prox"])),
    ]


def _prox(w, X, y, lr, lam, *, thr=None, n_scale=True, sign=1.0):
    n = X.shape[0] if n_scale else 1
    v = w - sign * lr * X.T @ (X @ w - y) / n
    return penalties.soft_threshold(v, lr * lam if thr is None else thr)


def _prox_answers():
    H = lesson03.PROX_HINTS

    def column(w, X, y, lr, lam):                     # y, w as columns: returns (d, 1)
        w, y = w.reshape(-1, 1), y.reshape(-1, 1)
        v = w - lr * X.T @ (X @ w - y) / len(X)
        return np.sign(v) * np.maximum(np.abs(v) - lr * lam, 0)

    def row_form(w, X, y, lr, lam):                   # (Xw − y) @ X / n
        v = w - lr * ((X @ w - y) @ X) / X.shape[0]
        return v - np.clip(v, -lr * lam, lr * lam)

    def in_place(w, X, y, lr, lam):
        w -= lr * X.T @ (X @ w - y) / len(y)
        return np.sign(w) * np.maximum(np.abs(w) - lr * lam, 0)

    return [
        ("gradient step, then S", _prox, OK), ("as columns (d, 1)", column, OK),
        ("(Xw − y) @ X, w − clip", row_form, OK), ("the gradient step in place", in_place,
                                                    IN_PLACE),
        ("threshold λ", lambda w, X, y, lr, lam: _prox(w, X, y, lr, lam, thr=lam),
         Hint(H["threshold_lam"])),
        ("no 1/n", lambda w, X, y, lr, lam: _prox(w, X, y, lr, lam, n_scale=False),
         Hint(H["no_1_over_n"])),
        ("uphill", lambda w, X, y, lr, lam: _prox(w, X, y, lr, lam, sign=-1.0),
         Hint(H["uphill"])),
        ("no threshold", lambda w, X, y, lr, lam: w - lr * X.T @ (X @ w - y) / len(y),
         Hint(H["no_threshold"])),
        ("subgradient", lambda w, X, y, lr, lam: w - lr * (X.T @ (X @ w - y) / len(y)
                                                           + lam * np.sign(w)),
         Hint(H["subgradient"])),
    ]


def _max_norm_answers():
    H = lesson03.MAX_NORM_HINTS

    def loop(W, c):
        out = W.copy()
        for j in range(W.shape[1]):
            n = np.linalg.norm(W[:, j])
            if n > c:
                out[:, j] = W[:, j] * (c / n)
        return out

    def copy_then_in_place(W, c):
        W = W.copy()
        n = np.linalg.norm(W, axis=0)
        big = n > c
        W[:, big] *= c / n[big]
        return W

    def renorm(W, c):
        import torch
        return torch.renorm(torch.from_numpy(W), 2, 1, c).numpy()

    def in_place(W, c):                               # ruled out: "return a copy"
        n = np.linalg.norm(W, axis=0)
        big = n > c
        W[:, big] *= c / n[big]
        return W

    def where_safe(W, c):
        n = np.linalg.norm(W, axis=0, keepdims=True)
        return W * np.where(n > c, c / np.maximum(n, c), 1.0)

    return [
        ("a loop over columns", loop, OK), ("a copy, then in place", copy_then_in_place, OK),
        ("torch.renorm(W, 2, 1, c)", renorm, OK), ("np.where, safe", where_safe, OK),
        ("min(1, c/‖w‖) safe", lambda W, c: W * np.minimum(1.0, c / np.maximum(
            np.linalg.norm(W, axis=0), 1e-300)), OK),
        ("the input in place", in_place, IN_PLACE),
        ("rows", lambda W, c: W * np.minimum(1.0, c / np.linalg.norm(W, axis=1,
                                                                     keepdims=True)),
         Hint(H["rows"])),
        ("every column to c", lambda W, c: W * c / np.maximum(np.linalg.norm(W, axis=0),
                                                               1e-300), REFUSED),
        ("whole matrix", lambda W, c: W * min(1.0, c / np.linalg.norm(W)),
         Hint(H["whole_matrix"])),
        ("clip entries", lambda W, c: np.clip(W, -c, c), Hint(H["clip_entries"])),
    ]


# --------------------------------------------------------------------------- lesson 04

def _cv(X, y, lams, k=5, seed=0, *, loss=lambda r: 0.5 * np.mean(r ** 2, axis=0),
        reduce=np.mean, folds=None, intercept=True):
    out = []
    for tr, va in data.kfold(len(X), k=k, seed=seed) if folds is None else folds:
        w, b = solvers.ridge(X[tr], y[tr, 0], lams)
        out.append(loss(X[va] @ w.T + (b if intercept else 0.0) - y[va]))
    return reduce(np.array(out), axis=0)


def _cv_loss_answers():
    H = lesson04.CV_HINTS

    def loop(X, y, lams, k=5, seed=0):
        losses = np.zeros((k, len(lams)))
        for i, (tr, va) in enumerate(data.kfold(len(X), k=k, seed=seed)):
            for j, lam in enumerate(lams):
                w, b = solvers.ridge(X[tr], y[tr].ravel(), lam)
                losses[i, j] = 0.5 * np.mean((X[va] @ w + b - y[va].ravel()) ** 2)
        return losses.mean(axis=0)

    def y_column(X, y, lams, k=5, seed=0):            # solvers.ridge given y (m, 1)
        per = []
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            w, b = solvers.ridge(X[tr], y[tr], lams)
            per.append(0.5 * ((X[va] @ w.T + b - y[va]) ** 2).mean(axis=0))
        return sum(per) / len(per)

    def listed(X, y, lams, k=5, seed=0):
        return list(_cv(X, y, lams, k, seed))

    def column(X, y, lams, k=5, seed=0):              # (L, 1)
        return _cv(X, y, lams, k, seed)[:, None]

    mse = lambda r: np.mean(r ** 2, axis=0)  # noqa: E731
    return [
        ("batched over λ", _cv, OK), ("a loop over folds and λ", loop, OK),
        ("y (m, 1) into ridge", y_column, OK), ("a list", listed, OK), ("(L, 1)", column, OK),
        ("X centered in place first", lambda X, y, lams, k=5, seed=0: _cv(
            _center_in_place(X), y, lams, k, seed), IN_PLACE),
        ("plain MSE", lambda *a: _cv(*a, loss=mse), Hint(H["plain_mse"])),
        ("summed over folds", lambda *a: _cv(*a, reduce=np.sum), Hint(H["summed"])),
        ("no intercept", lambda *a: _cv(*a, intercept=False), Hint(H["no_intercept"])),
        ("median over folds", lambda *a: _cv(*a, reduce=np.median), Hint(H["median_folds"])),
        ("k ignored", lambda X, y, lams, k=5, seed=0: _cv(X, y, lams, 5, seed), REFUSED),
        ("(k, L) not averaged", lambda *a: _cv(*a, reduce=lambda v, axis: v),
         Hint("average the (k, L) fold losses")),
    ]


def _one_se(lams, L, *, width=lambda sd, k: sd / np.sqrt(k), pick=max, ddof=1):
    L = np.asarray(L)
    mean, k = L.mean(0), L.shape[0]
    i = int(np.argmin(mean))
    thr = mean[i] + width(L.std(0, ddof=ddof)[i], k)
    return pick(lams[j] for j in range(len(lams)) if mean[j] <= thr)


def _one_se_answers():
    H = lesson04.ONE_SE_HINTS

    def from_the_right(lams, L):
        mean = L.mean(axis=0)
        i = mean.argmin()
        se = np.std(L[:, i], ddof=1) / np.sqrt(L.shape[0])
        for j in range(len(lams) - 1, -1, -1):
            if mean[j] <= mean[i] + se:
                return lams[j]

    def masked(lams, L):
        mean = L.mean(0)
        i = np.argmin(mean)
        se = L[:, i].std(ddof=1) / math.sqrt(len(L))
        return float(lams[mean <= mean[i] + se][-1])

    return [
        ("max over the band", _one_se, OK), ("a loop from the right", from_the_right, OK),
        ("mask, last", masked, OK),
        ("np.max, a 0-d array", lambda lams, L: np.max(np.asarray(lams)[
            L.mean(0) <= L.mean(0).min() + L[:, L.mean(0).argmin()].std(ddof=1)
            / np.sqrt(len(L))]), OK),
        ("argmin", lambda lams, L: lams[np.argmin(L.mean(0))], Hint(H["argmin"])),
        ("smallest in band", lambda lams, L: _one_se(lams, L, pick=min),
         Hint(H["smallest_in_band"])),
        ("std", lambda lams, L: _one_se(lams, L, width=lambda sd, k: sd), Hint(H["std"])),
        ("ddof=0", lambda lams, L: _one_se(lams, L, ddof=0), Hint(H["ddof0"])),
        ("2 SE", lambda lams, L: _one_se(lams, L, width=lambda sd, k: 2 * sd / np.sqrt(k)),
         Hint(H["two_se"])),
        ("log10", lambda lams, L: math.log10(_one_se(lams, L)), Hint(H["log10"])),
    ]


# --------------------------------------------------------------------------- lesson 05

def _leaky_answers():
    H = lesson05.LEAKY_HINTS

    def torch_gain(fan_in, slope):
        import torch
        return torch.nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_in)

    std = lambda f, a: math.sqrt(2 / ((1 + a * a) * f))  # noqa: E731
    return [
        ("√(2/((1+a²)·fan_in))", std, OK), ("torch's gain / √fan_in", torch_gain, OK),
        ("np.float64", lambda f, a: np.sqrt(2.0 / (1 + a ** 2)) / np.sqrt(f), OK),
        ("slope ignored", lambda f, a: math.sqrt(2 / f), Hint(H["ignores_slope"])),
        ("variance", lambda f, a: std(f, a) ** 2, Hint(H["variance"])),
        ("a, not a²", lambda f, a: math.sqrt(2 / ((1 + a) * f)), Hint(H["slope_not_squared"])),
        ("no 2", lambda f, a: math.sqrt(1 / ((1 + a * a) * f)), Hint(H["no_two"])),
        ("LeCun", lambda f, a: 1 / math.sqrt(f), Hint(H["lecun"])),
        ("uniform bound", lambda f, a: math.sqrt(3) * std(f, a), Hint(H["uniform_bound"])),
    ]


def _backprop(Ws, zs, g, *, d=lambda z: 1 - np.tanh(z) ** 2, T=True, order=None):
    for l in reversed(range(len(Ws))) if order is None else order:
        g = (g * d(zs[l])) @ (Ws[l].T if T else Ws[l])
    return g


def _backprop_answers():
    H = lesson05.BACKPROP_HINTS

    def zipped(Ws, zs, g):
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            g = (g / np.cosh(z) ** 2) @ W.T
        return g

    def scratch(Ws, zs, g):                    # g and zs overwritten: allowed (scratch)
        for l in range(len(Ws) - 1, -1, -1):
            g *= 1 - np.tanh(zs[l]) ** 2
            g = g @ Ws[l].T
        return g

    def recursive(Ws, zs, g):
        if not Ws:
            return g
        return recursive(Ws[:-1], zs[:-1], (g * (1 - np.tanh(zs[-1]) ** 2)) @ Ws[-1].T)

    def jacobians(Ws, zs, g):                 # "one Jacobian per layer", taken literally
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            J = W[None, :, :] * (1 - np.tanh(z) ** 2)[:, None, :]      # (n, fan_in, fan_out)
            g = np.einsum("nio,no->ni", J, g)
        return g

    def reversed_in_place(Ws, zs, g):         # ruled out: the weights must stay as given
        Ws.reverse()
        zs.reverse()
        for W, z in zip(Ws, zs, strict=True):
            g = (g * (1 - np.tanh(z) ** 2)) @ W.T
        return g

    return [
        ("a loop backwards", _backprop, OK), ("zip(reversed), 1/cosh²", zipped, OK),
        ("g in place (scratch)", scratch, OK), ("recursive", recursive, OK),
        ("per-sample Jacobians, einsum", jacobians, OK),
        ("Ws.reverse()", reversed_in_place, Hint("Ws[::-1] instead of Ws.reverse()")),
        ("no activation", lambda Ws, zs, g: _backprop(Ws, zs, g, d=np.ones_like),
         Hint(H["no_activation"])),
        ("1 − z²", lambda Ws, zs, g: _backprop(Ws, zs, g, d=lambda z: 1 - z ** 2),
         Hint(H["one_minus_z2"])),
        ("tanh itself", lambda Ws, zs, g: _backprop(Ws, zs, g, d=np.tanh),
         Hint(H["tanh_itself"])),
        ("forward order", lambda Ws, zs, g: _backprop(Ws, zs, g, order=range(len(Ws))),
         REFUSED),
        ("no transpose", lambda Ws, zs, g: _backprop(Ws, zs, g, T=False), REFUSED),
    ]


# --------------------------------------------------------------------------- lesson 06

def _per_model(h, g):                      # K values against g's leading axis
    return np.reshape(h, (-1,) + (1,) * (g.ndim - 1)) if np.ndim(h) else h


def _gnorm(grads):                         # one global norm per model, (K,)
    return np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values()))


def _clip_norm(grads, c, *, eps=1e-6, norm=_gnorm, after=False):
    n = norm(grads)
    coef = np.minimum(1.0, c / (n + eps))
    out = {k: _per_model(coef, g) * g for k, g in grads.items()}
    return out, (norm(out) if after else n)


def _clip_norm_answers():
    H = lesson06.CLIP_NORM_HINTS

    def concatenated(grads, max_norm):        # the models' rows joined, one norm per row
        K = len(next(iter(grads.values())))
        norm = np.linalg.norm(np.concatenate([g.reshape(K, -1) for g in grads.values()],
                                             axis=1), axis=1)
        coef = np.minimum(1.0, max_norm / (norm + 1e-6))
        return {k: g * coef.reshape((K,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norm

    def model_loop(grads, max_norm):          # section 1's code, model by model
        K = len(next(iter(grads.values())))
        thresholds = np.broadcast_to(max_norm, (K,))
        clipped, norms = {k: [] for k in grads}, []
        for i in range(K):
            norm = math.sqrt(sum(float(np.sum(g[i] ** 2)) for g in grads.values()))
            coef = min(1.0, thresholds[i] / (norm + 1e-6))
            for k, g in grads.items():
                clipped[k].append(coef * g[i])
            norms.append(norm)
        return {k: np.array(v) for k, v in clipped.items()}, np.array(norms)

    def torch_clip(grads, max_norm):          # torch's own, one model at a time, on copies
        import torch
        K = len(next(iter(grads.values())))
        m = np.broadcast_to(max_norm, (K,))
        out, norms = {k: [] for k in grads}, []
        for i in range(K):
            ts = {k: torch.tensor(g[i]) for k, g in grads.items()}
            for t in ts.values():
                t.grad = t.clone()
            norms.append(torch.nn.utils.clip_grad_norm_(list(ts.values()), float(m[i])))
            for k, t in ts.items():
                out[k].append(t.grad.numpy())
        return {k: np.stack(v) for k, v in out.items()}, torch.stack(norms)

    def expand_dims(grads, max_norm):
        n = _gnorm(grads)
        coef = np.minimum(1.0, max_norm / (n + 1e-6))
        return {k: np.expand_dims(coef, tuple(range(1, g.ndim))) * g
                for k, g in grads.items()}, n

    def in_place(grads, max_norm):            # ruled out: torch's clip_grad_norm_ is in place
        n = _gnorm(grads)
        for g in grads.values():
            g *= _per_model(np.minimum(1.0, max_norm / (n + 1e-6)), g)
        return grads, n

    def section1(grads, max_norm):            # section 1's code as it is: one norm for all K
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        coef = min(1.0, max_norm / (norm + 1e-6))
        return {k: coef * g for k, g in grads.items()}, norm

    def one_norm(grads, max_norm):            # the same, made to take K thresholds
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        coef = np.minimum(1.0, max_norm / (norm + 1e-6))
        return {k: _per_model(coef, g) * g for k, g in grads.items()}, norm

    return [
        ("Σ of squares per model", _clip_norm, OK),
        ("the models' rows joined", concatenated, OK),
        ("section 1's code, model by model", model_loop, OK),
        ("torch's clip_grad_norm_, model by model", torch_clip, OK),
        ("np.expand_dims", expand_dims, OK),
        ("a list [clipped, norms]", lambda g, c: list(_clip_norm(g, c)), OK),
        ("the grads in place", in_place, IN_PLACE),
        ("section 1's clip_by_norm_scratch as it is", section1, Hint(H["one_norm"])),
        ("one norm for all K models", one_norm, Hint(H["one_norm"])),
        ("coef broadcast on the last axis", lambda g, c: (lambda n: (
            {k: np.minimum(1.0, c / (n + 1e-6)) * v for k, v in g.items()}, n))(_gnorm(g)),
         Hint(H["wrong_axis"])),
        ("norm after", lambda g, c: _clip_norm(g, c, after=True), Hint(H["norm_after"])),
        ("no eps", lambda g, c: _clip_norm(g, c, eps=0.0), Hint(H["no_eps"])),
        ("per tensor", lambda g, c: ({k: np.minimum(1, _per_model(c, v) / (_per_model(
            np.linalg.norm(v.reshape(len(v), -1), axis=1), v) + 1e-6)) * v
            for k, v in g.items()}, _gnorm(g)), Hint(H["per_tensor"])),
        ("by value", lambda g, c: (clipping.clip_by_value(g, c), _gnorm(g)),
         Hint(H["by_value"])),
        ("sum of norms", lambda g, c: _clip_norm(g, c, norm=lambda gs: sum(
            np.linalg.norm(v.reshape(len(v), -1), axis=1) for v in gs.values())),
         Hint(H["sum_of_norms"])),
        ("only the dict", lambda g, c: _clip_norm(g, c)[0], Hint("not only the dict")),
    ]


def _clip_value_answers():
    H = lesson06.CLIP_VALUE_HINTS

    def torch_clamp(grads, c):                 # clamp takes tensor bounds of g's shape
        import torch
        return {k: torch.clamp(torch.from_numpy(g), torch.from_numpy(-_per_model(c, g)),
                               torch.from_numpy(_per_model(c, g))).numpy()
                for k, g in grads.items()}

    def model_loop(grads, c):
        return {k: np.array([np.clip(g[i], -c[i], c[i]) for i in range(len(c))])
                for k, g in grads.items()}

    def in_place(grads, c):                   # ruled out: torch's clip_grad_value_ is in place
        for g in grads.values():
            np.clip(g, -_per_model(c, g), _per_model(c, g), out=g)
        return grads

    def bounds(g, c):
        return -_per_model(c, g), _per_model(c, g)

    return [
        ("np.clip, thresholds (K, 1, ..., 1)", lambda g, c: {k: np.clip(v, *bounds(v, c))
                                                             for k, v in g.items()}, OK),
        ("min(max)", lambda g, c: {k: np.minimum(np.maximum(v, bounds(v, c)[0]), bounds(v, c)[1])
                                   for k, v in g.items()}, OK),
        ("torch.clamp", torch_clamp, OK), ("a loop over the models", model_loop, OK),
        ("np.where", lambda g, c: {k: np.where(v > bounds(v, c)[1], bounds(v, c)[1], np.where(
            v < bounds(v, c)[0], bounds(v, c)[0], v)) for k, v in g.items()}, OK),
        ("moveaxis: K last", lambda g, c: {k: np.moveaxis(np.clip(np.moveaxis(v, 0, -1), -c, c),
                                                          -1, 0) for k, v in g.items()}, OK),
        ("the grads in place", in_place, IN_PLACE),
        ("np.clip(g, -c, c) as for one model", lambda g, c: {k: np.clip(v, -c, c)
                                                             for k, v in g.items()},
         Hint(H["wrong_axis"])),
        ("the largest threshold for all", lambda g, c: {k: np.clip(v, -max(c), max(c))
                                                        for k, v in g.items()},
         Hint(H["one_threshold:max"])),
        ("upper only", lambda g, c: {k: np.minimum(v, bounds(v, c)[1]) for k, v in g.items()},
         Hint(H["upper_only"])),
        ("all to ±c", lambda g, c: {k: np.sign(v) * bounds(v, c)[1] for k, v in g.items()},
         Hint(H["all_to_c"])),
        ("by norm", lambda g, c: clipping.clip_by_global_norm(g, c, batched=True)[0],
         Hint(H["by_norm"])),
        ("abs", lambda g, c: {k: np.minimum(np.abs(v), bounds(v, c)[1]) for k, v in g.items()},
         Hint(H["abs"])),
        ("zeroed", lambda g, c: {k: np.where(np.abs(v) > bounds(v, c)[1], 0.0, v)
                                 for k, v in g.items()}, Hint(H["zeroed"])),
        ("weights only", lambda g, c: {k: np.clip(v, *bounds(v, c)) if k[0] == "W" else v
                                       for k, v in g.items()}, Hint(H["weights_only"])),
    ]


def _rows(d, keys=None):                  # (K, n): model k's entries in row k
    return np.concatenate([d[k].reshape(len(d[k]), -1) for k in (d if keys is None else keys)],
                          axis=1)


def _deg(a, b, *, clip=True, unit=np.degrees, keys=None):
    u, v = _rows(a, keys), _rows(b, list(a) if keys is None else keys)
    cos = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return unit(np.arccos(np.clip(cos, -1, 1) if clip else cos))


def _angle_in_place(a, b):                 # "flatten each": a[k] = a[k].reshape(K, -1)
    for d in (a, b):
        for k in d:
            d[k] = d[k].reshape(len(d[k]), -1)
    return _deg(a, b)


def _angle_answers():
    H = lesson06.ANGLE_HINTS

    def maths(a, b):                       # section 1's angle_deg, model by model, in floats
        out = []
        for i in range(len(next(iter(a.values())))):
            u = np.concatenate([np.ravel(a[k][i]) for k in a])
            v = np.concatenate([np.ravel(b[k][i]) for k in a])
            cos = float(u @ v) / math.sqrt(float(u @ u) * float(v @ v))
            out.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
        return out

    def atan2(a, b):
        u, v = _rows(a), _rows(b, list(a))
        u = u / np.linalg.norm(u, axis=1, keepdims=True)
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        return np.rad2deg(2 * np.arctan2(np.linalg.norm(u - v, axis=1),
                                         np.linalg.norm(u + v, axis=1)))

    def einsum(a, b):
        u, v = _rows(a), _rows(b, list(a))
        cos = np.einsum("kn,kn->k", u, v) / np.sqrt(np.einsum("kn,kn->k", u, u)
                                                     * np.einsum("kn,kn->k", v, v))
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    def section1(a, b):                    # section 1's angle_deg as it is: one angle for all K
        u = np.concatenate([np.ravel(a[k]) for k in sorted(a)])
        v = np.concatenate([np.ravel(b[k]) for k in sorted(a)])
        return np.degrees(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)),
                                            -1, 1)))

    def all_pairs(a, b):
        u, v = _rows(a), _rows(b, list(a))
        cos = u @ v.T / np.outer(np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1))
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    return [
        ("arccos, clipped", _deg, OK), ("sorted keys", lambda a, b: _deg(a, b, keys=sorted(a)),
                                        OK),
        ("math.acos, model by model", maths, OK), ("2·atan2, rad2deg", atan2, OK),
        ("einsum", einsum, OK), ("a column (K, 1)", lambda a, b: _deg(a, b)[:, None], OK),
        ("each dict flattened in place", _angle_in_place, IN_PLACE),
        ("one angle for all K models", section1, Hint(H["one_angle"])),
        ("all pairs u @ v.T", all_pairs, Hint(lesson06.PAIRS)),
        ("np.linalg.norm without axis", lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(
            np.sum(u * v, axis=1) / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))(
            _rows(a), _rows(b, list(a))), Hint(H["norm_all_models"])),
        ("raveled, then reshaped (K, -1)", lambda a, b: _deg(
            {"x": np.concatenate([np.ravel(a[k]) for k in a]).reshape(len(a["W1"]), -1)},
            {"x": np.concatenate([np.ravel(b[k]) for k in a]).reshape(len(a["W1"]), -1)}),
         Hint(H["mixed_models"])),
        ("radians", lambda a, b: _deg(a, b, unit=lambda x: x), Hint(H["radians"])),
        ("cosine", lambda a, b: np.cos(np.radians(_deg(a, b))), Hint(H["cosine"])),
        ("no clip", lambda a, b: _deg(a, b, clip=False), Hint("np.clip")),
        ("arcsin", lambda a, b: 90 - _deg(a, b), Hint(H["complement"])),
        ("per-tensor mean", lambda a, b: np.mean([_deg({k: a[k]}, {k: b[k]}) for k in a],
                                                 axis=0), Hint(H["per_tensor_mean"])),
    ]


# --------------------------------------------------------------------------- lesson 07

def _momentum(grads, lr, beta, tau, *, first=lambda g, tau: g, damp=lambda tau: 1 - tau):
    out, buf = [], None
    for g in grads:
        buf = first(g, tau) if buf is None else beta * buf + damp(tau) * g
        out.append(-lr * buf)
    return np.array(out)


def _momentum_answers():
    H = lesson07.MOMENTUM_HINTS

    def zeros_start(grads, lr, beta, dampening):      # a buffer array, row 0 special
        b = np.zeros_like(grads)
        b[0] = grads[0]
        for t in range(1, len(grads)):
            b[t] = beta * b[t - 1] + (1 - dampening) * grads[t]
        return -lr * b

    def torch_sgd(grads, lr, beta, dampening):        # torch's own SGD, on a copy
        import torch
        p = torch.zeros(grads.shape[1], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr, momentum=beta, dampening=dampening)
        out = []
        for g in grads:
            before = p.detach().clone()
            p.grad = torch.from_numpy(g.copy())
            opt.step()
            out.append((p.detach() - before).numpy())
        return np.array(out)

    def listed(grads, lr, beta, dampening):
        return [list(row) for row in _momentum(grads, lr, beta, dampening)]

    def in_place(grads, lr, beta, dampening):         # the buffer written over the input
        for t in range(1, len(grads)):
            grads[t] = beta * grads[t - 1] + (1 - dampening) * grads[t]
        return -lr * grads

    return [
        ("a loop", _momentum, OK), ("a buffer array", zeros_start, OK),
        ("torch.optim.SGD", torch_sgd, OK), ("a list of lists", listed, OK),
        ("the buffer in the grads array", in_place, IN_PLACE),
        ("first step damped", lambda *a: _momentum(*a, first=lambda g, tau: (1 - tau) * g),
         Hint(H["first_damped"])),
        ("(1 − β)·g", lambda G, lr, beta, tau: _momentum(G, lr, beta, tau,
                                                         damp=lambda _: 1 - beta),
         Hint(H["adam_style"])),
        ("no dampening", lambda G, lr, beta, tau: _momentum(G, lr, beta, 0.0),
         Hint(H["no_dampening"])),
        ("the buffer", lambda G, lr, beta, tau: _momentum(G, lr, beta, tau) / -lr,
         Hint(H["buffer"])),
        ("+lr·buf", lambda *a: -_momentum(*a), Hint(H["sign"])),
        ("positions", lambda *a: np.cumsum(_momentum(*a), axis=0), Hint(H["positions"])),
        ("plain SGD", lambda G, lr, beta, tau: -lr * G, Hint(H["plain_sgd"])),
    ]


def _cos(t, base, T, m, *, f=None):
    t = np.asarray(t, dtype=float)
    x = np.minimum(t, T) / T if f is None else f(t, T)
    return m + (base - m) * 0.5 * (1 + np.cos(np.pi * x))


def _cosine_answers():
    H = lesson07.COSINE_HINTS

    def where(t, base, total_steps, min_value):
        t = np.asarray(t)
        lr = min_value + (base - min_value) * (1 + np.cos(np.pi * t / total_steps)) / 2
        return np.where(t >= total_steps, min_value, lr)

    return [
        ("np.minimum", _cos, OK), ("np.where past T", where, OK),
        ("np.clip(t, 0, T)", lambda t, b, T, m: _cos(t, b, T, m,
                                                      f=lambda t, T: np.clip(t, 0, T) / T), OK),
        ("a list", lambda *a: list(_cos(*a)), OK),
        ("math.cos per step, a list", lambda t, b, T, m: [
            m + (b - m) * 0.5 * (1 + math.cos(math.pi * min(int(s), T) / T)) for s in t], OK),
        ("schedules.cosine", lambda t, b, T, m: schedules.cosine(b, T, m)(t), OK),
        ("np.minimum(t, T, out=t)", lambda t, b, T, m: _cos(np.minimum(t, T, out=t), b, T, m),
         IN_PLACE),
        ("not held", lambda t, b, T, m: _cos(t, b, T, m, f=lambda t, T: t / T),
         Hint(H["not_held"])),
        ("min ignored", lambda t, b, T, m: _cos(t, b, T, 0.0), REFUSED),
        ("full period", lambda t, b, T, m: _cos(t, b, T, m,
                                                f=lambda t, T: 2 * np.minimum(t, T) / T),
         Hint(H["full_period"])),
        ("upside down", lambda t, b, T, m: _cos(t, b, T, m,
                                                f=lambda t, T: 1 - np.minimum(t, T) / T),
         Hint(H["upside_down"])),
        ("restarts", lambda t, b, T, m: _cos(t, b, T, m, f=lambda t, T: t % T / T),
         Hint(H["restarts"])),
        ("t + 1", lambda t, b, T, m: _cos(t, b, T, m,
                                          f=lambda t, T: np.minimum(t + 1, T) / T),
         Hint(H["t_plus_one"])),
    ]


# --------------------------------------------------------------------------- lesson 08

def _adamw(w, g, m, v, t, lr, wd, *, decay=None, coupled=False, correct=True, eps_in=False):
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS
    if coupled:
        g = g + wd * w
    m = B1 * m + (1 - B1) * g
    v = B2 * v + (1 - B2) * g * g
    mh, vh = (m / (1 - B1 ** t), v / (1 - B2 ** t)) if correct else (m, v)
    step = mh / (np.sqrt(vh + EPS) if eps_in else np.sqrt(vh) + EPS)
    shrink = 1.0 if coupled else 1 - (lr * wd if decay is None else decay)
    return w * shrink - lr * step, m, v


def _adamw_answers():
    H = lesson08.ADAMW_HINTS

    def decay_last(w, g, m, v, t, lr, wd):            # Adam step, then − lr·wd·w_old
        B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g ** 2
        w_new = w - lr * (m / (1 - B1 ** t)) / (np.sqrt(v / (1 - B2 ** t)) + EPS) - lr * wd * w
        return w_new, m, v

    def torch_adamw(w, g, m, v, t, lr, wd):           # torch's own AdamW, state set to (m, v)
        import torch
        p = torch.tensor(w, requires_grad=True)
        opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd, betas=(lesson08.B1, lesson08.B2),
                                eps=lesson08.EPS)
        p.grad = torch.tensor(g)
        opt.step()                                    # creates the state; then reset it
        with torch.no_grad():
            p.copy_(torch.from_numpy(w))
        state = opt.state[p]
        state["exp_avg"].copy_(torch.from_numpy(m))
        state["exp_avg_sq"].copy_(torch.from_numpy(v))
        state["step"].fill_(t - 1)
        opt.step()
        return (p.detach().numpy().copy(), state["exp_avg"].numpy().copy(),
                state["exp_avg_sq"].numpy().copy())

    def in_place(w, g, m, v, t, lr, wd):              # PyTorch's own way: state updated in place
        B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS
        w *= 1 - lr * wd
        m *= B1
        m += (1 - B1) * g
        v *= B2
        v += (1 - B2) * g * g
        w -= lr * (m / (1 - B1 ** t)) / (np.sqrt(v / (1 - B2 ** t)) + EPS)
        return w, m, v

    return [
        ("shrink, then the step", _adamw, OK), ("the step, then − lr·wd·w", decay_last, OK),
        ("torch.optim.AdamW", torch_adamw, OK), ("a list", lambda *a: list(_adamw(*a)), OK),
        ("w, m, v in place", in_place, IN_PLACE),
        ("Adam + L2", lambda *a: _adamw(*a, coupled=True), Hint(H["coupled"])),
        ("decay without lr", lambda w, g, m, v, t, lr, wd: _adamw(w, g, m, v, t, lr, wd,
                                                                   decay=wd),
         Hint(H["decay_without_lr"])),
        ("no bias correction", lambda *a: _adamw(*a, correct=False),
         Hint(H["no_bias_correction"])),
        ("eps inside the root", lambda *a: _adamw(*a, eps_in=True), Hint(H["eps_inside"])),
        ("t + 1", lambda w, g, m, v, t, lr, wd: _adamw(w, g, m, v, t + 1, lr, wd),
         Hint(H["t_off_by_one"])),
        ("(m̂, v̂) returned", lambda w, g, m, v, t, lr, wd: (lambda r: (
            r[0], r[1] / (1 - lesson08.B1 ** t), r[2] / (1 - lesson08.B2 ** t)))(
            _adamw(w, g, m, v, t, lr, wd)), Hint(H["returned_hats"])),
    ]


def _fixed_points_answers():
    H = lesson08.FIXED_POINT_HINTS
    EPS = lesson08.EPS
    return [
        ("with ε", lambda g, lam: (-g / lam, -g / (lam * (np.abs(g) + EPS))), OK),
        ("without ε", lambda g, lam: (-g / lam, -np.sign(g) / lam), OK),
        ("√(g²) + ε", lambda g, lam: (-g / lam, -g / (lam * (np.sqrt(g * g) + EPS))), OK),
        ("a list", lambda g, lam: [-g / lam, -g / (lam * (np.abs(g) + EPS))], OK),
        ("AdamW like L2", lambda g, lam: (-g / lam, -g / lam), Hint(H["adamw_like_l2"])),
        ("L2 like AdamW", lambda g, lam: (-np.sign(g) / lam, -np.sign(g) / lam),
         Hint(H["l2_like_adamw:no_eps"])),
        ("signs", lambda g, lam: (g / lam, np.sign(g) / lam), Hint(H["sign:no_eps"])),
        ("√|g|", lambda g, lam: (-g / lam, -g / (lam * np.sqrt(np.abs(g)))),
         Hint(H["adamw_sqrt:no_eps"])),
        ("swapped", lambda g, lam: (-np.sign(g) / lam, -g / lam), Hint("swapped")),
    ]


# --------------------------------------------------------------------------- lesson 09

def _angular_answers():
    H = lesson09.ANGLE_HINTS

    def arccos_clipped(a, b):
        a, b = a.ravel(), b.ravel()
        return np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))

    def arccos_plain(a, b):                           # "np.arccos of the cosine is fine"
        a, b = a.ravel(), b.ravel()
        return np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    def atan2(a, b):
        a, b = a.flatten(), b.flatten()
        a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
        return 2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))

    def in_place_ravel(a, b):                         # ravel() is a view: /= changes w_old
        a, b = a.ravel(), b.ravel()
        a /= np.linalg.norm(a)
        b /= np.linalg.norm(b)
        return 2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))

    def torch_cos(a, b):
        import torch
        ta, tb = torch.from_numpy(a.ravel()), torch.from_numpy(b.ravel())
        return torch.arccos(torch.clamp(torch.nn.functional.cosine_similarity(ta, tb, dim=0),
                                        -1, 1))

    return [
        ("arccos, clipped", arccos_clipped, OK), ("arccos", arccos_plain, OK),
        ("2·atan2", atan2, OK), ("torch cosine_similarity", torch_cos, OK),
        ("normalized in place through ravel()", in_place_ravel, IN_PLACE),
        ("degrees", lambda a, b: np.degrees(atan2(a, b)), Hint(H["degrees"])),
        ("cosine", lambda a, b: np.cos(atan2(a, b)), Hint(H["cosine"])),
        ("dot product", lambda a, b: np.arccos(np.clip(a.ravel() @ b.ravel(), -1, 1)),
         Hint(H["unnormalized_arccos"])),
        ("relative step", lambda a, b: np.linalg.norm(b - a) / np.linalg.norm(a),
         Hint(H["relative_step"])),
        ("+1e-8 on the norms", lambda a, b: np.arccos(np.clip(
            a.ravel() @ b.ravel() / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-8), -1, 1)),
         Hint(H["eps:1e-08"])),
    ]


def _shrink(opt, lr, lam):
    return lr * lam if opt.lower() == "sgd" else lam


def _eq_angle_answers():
    H = lesson09.EQ_ANGLE_HINTS
    return [
        ("arctan", lambda o, lr, lam: (lambda d: math.atan(math.sqrt(d * (2 - d)) / (1 - d)))(
            _shrink(o, lr, lam)), OK),
        ("arccos(1 − d)", lambda o, lr, lam: math.acos(1 - _shrink(o, lr, lam)), OK),
        ("arcsin(√(d(2 − d)))", lambda o, lr, lam: (lambda d: np.arcsin(np.sqrt(d * (2 - d))))(
            _shrink(o, lr, lam)), OK),
        ("2·arcsin(√(d/2))", lambda o, lr, lam: 2 * math.asin(math.sqrt(_shrink(o, lr, lam)
                                                                        / 2)), OK),
        ("√(2d)", lambda o, lr, lam: math.sqrt(2 * _shrink(o, lr, lam)), Hint(H["small_d"])),
        ("tan θ", lambda o, lr, lam: (lambda d: math.sqrt(d * (2 - d)) / (1 - d))(
            _shrink(o, lr, lam)), Hint(H["tan"])),
        ("degrees", lambda o, lr, lam: math.degrees(math.acos(1 - _shrink(o, lr, lam))),
         Hint(H["degrees"])),
        ("sgdw with lr·λ", lambda o, lr, lam: math.acos(1 - lr * lam),
         Hint(H["sgdw_like_sgd"])),
        ("conventions swapped", lambda o, lr, lam: math.acos(
            1 - _shrink("sgdw" if o == "sgd" else "sgd", lr, lam)), Hint(H["conventions"])),
    ]


def _eq_norm_answers():
    H = lesson09.EQ_NORM_HINTS
    exact4 = lambda lr, lam, gt: lr * gt / (lam * (2 - lr * lam))  # noqa: E731
    return [
        ("(·)^¼", lambda lr, lam, gt: exact4(lr, lam, gt) ** 0.25, OK),
        ("√√", lambda lr, lam, gt: np.sqrt(np.sqrt(exact4(lr, lam, gt))), OK),
        ("from 1 − (1 − d)²", lambda lr, lam, gt: (lr * lr * gt / (1 - (1 - lr * lam) ** 2))
         ** 0.25, OK),
        ("‖w‖⁴", exact4, Hint(H["fourth_power"])),
        ("‖w‖²", lambda *a: math.sqrt(exact4(*a)), Hint(H["square"])),
        ("without (2 − lr·λ)", lambda lr, lam, gt: (lr * gt / (2 * lam)) ** 0.25,
         Hint(H["approx"])),
        ("lr²", lambda lr, lam, gt: (lr * exact4(lr, lam, gt)) ** 0.25, Hint(H["lr_squared"])),
    ]


# --------------------------------------------------------------------------- the table

ROUND5 = {
    lesson00.check_half_mse: _half_mse_answers,
    lesson01.check_count_params: _count_params_answers,
    lesson01.check_ridge_fit: _ridge_fit_answers,
    lesson02.check_l2_grad: _l2_grad_answers,
    lesson02.check_lam_for_df: _lam_for_df_answers,
    lesson02.check_early_stopping_lambda: _early_stopping_answers,
    lesson03.check_soft_threshold: _soft_threshold_answers,
    lesson03.check_prox_lasso_step: _prox_answers,
    lesson03.check_max_norm: _max_norm_answers,
    lesson04.check_cv_loss: _cv_loss_answers,
    lesson04.check_one_se_rule: _one_se_answers,
    lesson05.check_leaky_relu_std: _leaky_answers,
    lesson05.check_backprop_tanh: _backprop_answers,
    lesson06.check_clip_by_norm: _clip_norm_answers,
    lesson06.check_clip_by_value: _clip_value_answers,
    lesson06.check_angle: _angle_answers,
    lesson07.check_momentum_updates: _momentum_answers,
    lesson07.check_cosine_lr: _cosine_answers,
    lesson08.check_adamw_step: _adamw_answers,
    lesson08.check_fixed_points: _fixed_points_answers,
    lesson09.check_angular_step: _angular_answers,
    lesson09.check_equilibrium_angle: _eq_angle_answers,
    lesson09.check_equilibrium_norm: _eq_norm_answers,
}


# --------------------------------------------------------------------------- probes

class _Raises:
    """An object whose every conversion raises (``__eq__``, ``__array__``, ``__float__``, ...)."""

    def _boom(self, *a, **k):
        raise RuntimeError("conversion refused")

    __eq__ = __ne__ = __array__ = __float__ = __int__ = __index__ = __len__ = __iter__ = _boom
    __bool__ = __complex__ = __getitem__ = __repr__ = __str__ = _boom
    __hash__ = object.__hash__


class _FloatRaises(float):
    def __float__(self):
        raise ValueError("no float")

    def __array__(self, *a, **k):
        raise ValueError("no array")


def _nested(depth=10_000):
    x = 0.0
    for _ in range(depth):
        x = [x]
    return x


def _cycle():
    x = []
    x.append(x)
    return x


def _gen():
    yield 1.0


PROBES = [
    ("None", lambda *a: None), ("a generator", lambda *a: _gen()),
    ("NaN", lambda *a: float("nan")), ("inf", lambda *a: float("inf")),
    ("-inf array", lambda *a: np.full(3, -np.inf)),
    ("10⁷ zeros", lambda *a: np.zeros(10 ** 7)),
    ("an object array", lambda *a: np.array([object(), None], dtype=object)),
    ("conversions raise", lambda *a: _Raises()), ("__float__ raises", lambda *a: _FloatRaises(1)),
    ("a list nested 10⁴ deep", lambda *a: _nested()),
    ("a list holding itself", lambda *a: _cycle()),
    ("a set", lambda *a: {1.0, 2.0}), ("bytes", lambda *a: b"0.5"),
    ("10**400", lambda *a: 10 ** 400), ("a complex array", lambda *a: np.ones(3) * 1j),
    ("a masked array", lambda *a: np.ma.masked_all(3)),
    ("np.matrix", lambda *a: np.matrix([[1.0]])),
    ("the inputs", lambda *a: a), ("the function itself", lambda *a: _gen),
    ("a datetime", lambda *a: np.datetime64("2020-01-01")),
    ("a tuple of conversions that raise", lambda *a: (_Raises(), _Raises(), _Raises())),
    ("a dict of conversions that raise", lambda *a: {"W1": _Raises(), "b1": _Raises()}),
]


# --------------------------------------------------------------------------- running

@dataclass
class Tally:
    run: int = 0
    false_reject: int = 0
    false_accept: int = 0
    wrong_hint: int = 0
    crash: int = 0

    def add(self, other: Tally) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def problems(self) -> int:
        return self.false_reject + self.false_accept + self.wrong_hint + self.crash


def judge(checker, fn, expect) -> tuple[str | None, str]:
    """``(problem, line)``: problem is None, or one of "false reject", "false accept", "wrong
    hint", "crash"."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("ignore")      # the learner's warnings: a notebook shows them
            verdict = checker(fn)
    except Exception as exc:  # noqa: BLE001 - what the class must never see
        return "crash", f"{type(exc).__name__}: {exc}"
    out = buf.getvalue()
    line = out.rstrip("\n")
    if out.count("\n") != 1 or "could not judge" in out or not isinstance(verdict, _core.Verdict):
        return "crash", line
    if expect is OK:
        return (None if verdict else "false reject"), line
    if verdict:
        return "false accept", line
    if expect is REFUSED and not _graded_as(checker, fn, verdict):
        return "crash", line + " (the grade form did not raise AssertionError with this hint)"
    return (None if expect.text in line else "wrong hint"), line


def _graded_as(checker, fn, verdict) -> bool:
    """Whether the autograder's form (``grade=True``) raises AssertionError with the hint of the
    printed ``verdict``, and nothing else (checked for the probes and other plain refusals)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            checker(fn, grade=True)
    except AssertionError as exc:
        return str(exc) == str(verdict.failure())
    except Exception:  # noqa: BLE001 - what the autograder must never see
        return False
    return False


def run_answers(checker, answers, *, verbose=False, out=print) -> Tally:
    tally = Tally()
    for label, fn, expect in answers:
        problem, line = judge(checker, fn, expect)
        tally.run += 1
        if problem:
            setattr(tally, problem.replace(" ", "_"), getattr(tally, problem.replace(" ", "_")) + 1)
        if problem or verbose:
            want = "✓" if expect is OK else f"a hint with {expect.text!r}" if expect.text else "✗"
            out(f"  {'PROBLEM ' + problem if problem else 'ok'}: {label!r} (wants {want}): {line}")
    return tally


OPTIONAL = ("torch", "sklearn", "scipy")      # readings that use a framework's own function


def _installed(fn) -> bool:
    """Whether the modules ``fn`` imports (of ``OPTIONAL``) are installed: a reading written with
    torch is left out where torch is not (the `torch` extra is optional)."""
    names = getattr(getattr(fn, "__code__", None), "co_names", ())
    return all(importlib.util.find_spec(m) is not None for m in OPTIONAL
               if any(n == m or n.startswith(m + ".") for n in names))


def round5(checker) -> list:
    """Round 5's answers to ``checker`` (those whose modules are installed) and the probes."""
    return [a for a in ROUND5[checker]() if _installed(a[1])] + \
        [(f"probe: {label}", fn, REFUSED) for label, fn in PROBES]


def earlier_rounds() -> dict:
    """Rounds 1-4: every ``accepts``/``names`` list of tests/test_exercises_lessonNN.py (the
    checker from the test function's closure, the answers from its parametrize mark), as
    ``{checker: [(label, fn, expect)]}``."""
    sys.path.insert(0, str(ROOT / "tests"))
    found: dict = {}
    for path in sorted((ROOT / "tests").glob("test_exercises_lesson*.py")):
        module = importlib.import_module(path.stem)
        for name, test in vars(module).items():
            if not (name.startswith("test_") and callable(test) and test.__closure__):
                continue
            cells = dict(zip(test.__code__.co_freevars,
                             (c.cell_contents for c in test.__closure__), strict=True))
            marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
            if "checker" not in cells or len(marks) != 1:
                continue
            argnames, values = marks[0].args[:2]
            if argnames == "fn":
                found.setdefault(cells["checker"], []).extend(
                    (f"{name}[{i}]", fn, OK) for i, fn in enumerate(values))
            elif argnames == "fn, key" and "table" in cells:
                found.setdefault(cells["checker"], []).extend(
                    (f"{name}[{key}]", fn, Hint(cells["table"][key])) for fn, key in values)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="also rounds 1-4 (the tests' lists)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer's line")
    args = parser.parse_args(argv)
    total, start = Tally(), time.perf_counter()
    extra = earlier_rounds() if args.all else {}
    for checker in ROUND5:
        name = f"{checker.__module__.rsplit('.', 1)[-1]}.{checker.__name__}"
        print(name)
        tally = run_answers(checker, round5(checker) + extra.get(checker, []),
                            verbose=args.verbose)
        print(f"  {tally.run} answers: {tally.false_reject} false rejects, {tally.false_accept} "
              f"false accepts, {tally.wrong_hint} wrong hints, {tally.crash} crashes")
        total.add(tally)
    took = time.perf_counter() - start
    print(f"\n{total.run} answers to {len(ROUND5)} checkers in {took:.0f} s: "
          f"{total.false_reject} false rejects, {total.false_accept} false accepts, "
          f"{total.wrong_hint} wrong hints, {total.crash} crashes")
    return 1 if total.problems else 0


if __name__ == "__main__":
    sys.exit(main())
