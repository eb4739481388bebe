"""The simulated class: answers to every exercise checker, right and wrong, and what each must get.

    python tools/simulate_class.py            # rounds 5 to 10 (the prompts read literally), probes
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

Round 6 read the prompts again for forms round 5 did not write: loops over entries, math-module
floats, float32 inputs, tuples, 0-d arrays, an extra keyword argument with a default, answers
that print or warn, that copy their inputs first, torch tensors (also ones that require grad, and
torch's float32 default), slow but correct loops (10⁴ steps a call), and the library's own
function where a prompt once said "not ..." (a checker judges values; the prompts now say so);
and the misconceptions the lessons teach against, in new forms. The learner's own prints come
before the checker's line, as in a notebook.

Round 7 read them again for other methods for the same value (lstsq, pinv, Cholesky, an SVD,
brentq, lfilter, torch's optimizers and schedulers with their state set by hand), namedtuples and
stacked arrays, the boundary inputs a prompt allows (t = 0), answers rounded for display,
math-module functions and Python's min on arrays, inputs changed through views, ``out=`` and
``.shape``, and misreadings (gradient flow for gradient descent, each dict in its own key order).

Round 8 was a fresh class that had not written the others: other NumPy idioms (einsum,
np.average, np.square of np.subtract, math.fsum, np.matrix in and out, integer arrays, torch's
calculate_gain, sklearn's Ridge with alpha = n·λ, an augmented [F 1] system), answers in float32
throughout, and the slips of a class in new forms: λ/2 where λ is meant, n twice or n multiplied,
the folds' (train, val) pair unpacked the other way, one threshold for all K models, per-row
angles, torch's names on NumPy arrays (x.clamp, .norm(dim=1), .mul), an answer written into an
integer array or cut (not rounded) to a few decimals, a print for a return, the inputs changed
in place.

Round 9, another fresh class: exact and extended numbers (Fraction, Decimal, np.longdouble),
masked arrays with nothing masked, jax.numpy (float32 by default), generators consumed once, a
view of the input where nothing changes, functools caches, an instance with ``__call__``, answers
that warn or run under np.errstate, scipy.optimize's other root finders, float32 work cast back
to float64 (refused with the float32 text: the checker cannot tell it from a float64 answer with
a tiny error; the float32 result itself is accepted), and slips: lr applied twice, β and τ
swapped, Adam's betas swapped, (1 + a)² for 1 + a², an ε inside the square root, the wrong
layer's z, an angle folded into [0, π/2] (arcsin(√(1 − cos²)), arccos(|cos|): lesson 09's inputs
had no angle above 90°, and it was accepted).

Round 10, a fresh class again: loops over samples in Python floats, recursion, np.vectorize,
einsum, torch (autograd too) converted back, closed forms iterated instead, rearrangements with
other rounding, lists for arrays, answers that print every entry or take a while, inputs changed
in place (an input the prompt calls scratch: accepted), a progress print that ends mid-line
(the checker's line was glued to it), and partly right answers (right for λ = 0, K = 1, L = 1,
t = 1, positive weights only, square shapes only), NumPy's gotchas (ord=2 of a matrix is its
spectral norm, np.dot of two matrices, a reduction over the wrong axis, ^ for a power). The
lasso step that does not stop at 0 (v − lr·λ·sign(v)) was accepted: no test input's threshold
reached a weight.

Rounds 1-4 live in tests/test_exercises_lessonNN.py (``accepts(checker, CORRECT)`` and
``names(checker, HINTS, MISTAKES)``); ``--all`` reads them from there, so this script and the
tests never disagree about an answer.

It prints, per checker, the answers run and the false rejects (a correct answer refused), false
accepts (a wrong answer accepted), wrong hints (refused, without the expected hint) and crashes
(an exception escaped, more or fewer than one line printed, or "could not judge"), then the
totals; the exit status is 1 when any of these is not 0. tests/test_simulate_class.py runs rounds
5 to 10 and the probes.
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
from collections import OrderedDict
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
        # "at most": a mean exactly on min + SE never happens with real losses, so < passes too
        ("strict <", lambda lams, L: float(np.max(lams[L.mean(0) < L.mean(0).min() + L[
            :, np.argmin(L.mean(0))].std(ddof=1) / np.sqrt(len(L))])), OK),
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


# --------------------------------------------------------------------------- round 6: lessons 00-04
#
# Round 6 was written by a reader who had only each prompt, looking for forms rounds 1-5 did not
# try: loops over entries, math-module floats, float32 inputs, tuples where a list is natural,
# 0-d arrays, an extra keyword argument with a default, answers that print or warn, that copy
# their inputs first, torch, slow but correct per-call loops, and the library's own function
# where a prompt once said "not ..." (the checker judges values; the prompts now say so).

def _r6_half_mse():
    H = lesson00.HALF_MSE_HINTS

    def loop_math(yhat, y):                        # a loop over samples, Python floats
        total = 0.0
        for a, b in zip(yhat.ravel().tolist(), y.ravel().tolist(), strict=True):
            total += (a - b) ** 2
        return total / (2 * len(y))

    def fsum(yhat, y):
        return math.fsum((float(a) - float(b)) ** 2
                          for a, b in zip(yhat.flat, y.flat, strict=True)) / (2 * y.size)

    def zero_d(yhat, y):
        return np.asarray(0.5 * np.mean(np.square(yhat - y)))

    def printing(yhat, y, verbose=True):           # an extra keyword, and a print
        loss = 0.5 * np.mean((yhat - y) ** 2)
        if verbose:
            print("loss", loss)
        return loss

    def warns(yhat, y):
        warnings.warn("checking my loss", stacklevel=1)
        return 0.5 * ((yhat - y) ** 2).sum() / y.shape[0]

    def copies(yhat, y):
        a, b = yhat.copy(), y.copy()
        a -= b
        a *= a
        return a.mean() / 2

    def einsum(yhat, y):
        r = (yhat - y)[:, 0]
        return np.einsum("i,i->", r, r) / (2 * r.size)

    def torch_sum(yhat, y):
        import torch
        r = torch.as_tensor(yhat, dtype=torch.float64) - torch.as_tensor(y, dtype=torch.float64)
        return (r.pow(2).sum() / (2 * r.numel())).item()

    def torch_requires_grad(yhat, y):              # a tensor that requires grad, returned as is
        import torch
        a = torch.tensor(yhat, requires_grad=True)
        return 0.5 * torch.mean((a - torch.tensor(y)) ** 2)

    def torch_float32(yhat, y):                    # torch.tensor of Python floats: float32
        import torch
        return 0.5 * torch.mean((torch.tensor(yhat.tolist()) - torch.tensor(y.tolist())) ** 2)

    def tuple_one(yhat, y):
        return (0.5 * np.mean((yhat - y) ** 2),)

    def float32_inputs(yhat, y):                   # float32 throughout: float32's tolerance
        r = yhat.astype(np.float32) - y.astype(np.float32)
        return np.float32(0.5) * np.mean(r * r)

    r = lambda yhat, y: yhat - y  # noqa: E731
    return [
        ("loop over samples, floats", loop_math, OK), ("math.fsum", fsum, OK),
        ("a 0-d array", zero_d, OK), ("extra keyword, prints", printing, OK),
        ("warns", warns, OK), ("copies, then in place on the copy", copies, OK),
        ("einsum", einsum, OK), ("torch .item()", torch_sum, OK),
        ("a one-item tuple", tuple_one, OK),
        ("torch, requires_grad", torch_requires_grad, OK), ("torch float32", torch_float32, OK),
        ("float32 throughout", float32_inputs, OK),
        ("Σr²/2 (no n)", lambda yhat, y: float(np.sum(r(yhat, y) ** 2)) / 2, Hint(H["sum"])),
        ("mean of r², no ½", lambda yhat, y: float(np.dot(r(yhat, y).ravel(), r(yhat, y).ravel())
                                                  / len(y)), Hint(H["no_half"])),
        ("Σr² (neither)", lambda yhat, y: np.sum(r(yhat, y) ** 2), Hint(H["sum_no_half"])),
        ("½·(mean r)²", lambda yhat, y: 0.5 * np.mean(r(yhat, y)) ** 2,
         Hint(H["square_of_mean"])),
        ("½·var(ddof=1)", lambda yhat, y: 0.5 * np.var(r(yhat, y), ddof=1),
         Hint(H["var:ddof1"])),
        ("y.ravel() broadcast", lambda yhat, y: 0.5 * ((yhat.ravel()[:, None] - y.ravel()) ** 2
                                                       ).mean(),
         Hint(H["broadcast"])),
        ("½·mean|r| in Python", lambda yhat, y: 0.5 * sum(abs(float(v)) for v in r(yhat, y).flat)
         / len(y), Hint(H["abs"])),
        ("mutates y (y -= yhat)", lambda yhat, y: (y.__isub__(yhat), 0.5 * np.mean(y ** 2))[1],
         IN_PLACE),
    ]


def _r6_count_params():
    H = lesson01.COUNT_PARAMS_HINTS

    def zip_loop(sizes):
        return sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))

    def recursive(sizes):
        sizes = list(sizes)
        return 0 if len(sizes) < 2 else (sizes[0] + 1) * sizes[1] + recursive(sizes[1:])

    def numpy_int(sizes):
        s = np.asarray(sizes, dtype=np.int64)
        return np.int64(np.sum((s[:-1] + 1) * s[1:]))

    def as_float(sizes):
        return float(sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1)))

    def with_flag(sizes, biases=True):
        n = 0
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=False):
            n += fan_in * fan_out + (fan_out if biases else 0)
        return n

    def with_mlp(sizes):                           # the library's model: the checker sees a number
        from wdlib import models
        return models.MLP(list(sizes)).n_params() if hasattr(models.MLP, "n_params") else \
            zip_loop(sizes)

    def pairs(sizes):                              # (fan_in, fan_out) of each layer
        return zip(sizes[:-1], sizes[1:], strict=True)

    def weights_then_biases(sizes):
        w = np.dot(sizes[:-1], sizes[1:])
        return int(w) + sum(sizes[1:])

    return [
        ("zip loop", zip_loop, OK), ("recursive", recursive, OK), ("np.int64", numpy_int, OK),
        ("a float", as_float, OK), ("extra keyword", with_flag, OK),
        ("models.MLP if it counts", with_mlp, OK), ("np.dot + Σ biases", weights_then_biases, OK),
        ("weights only", lambda s: sum(a * b for a, b in pairs(s)), Hint(H["no_biases"])),
        ("one bias per input unit", lambda s: sum((a * b + a) for a, b in pairs(s)),
         Hint(H["bias_per_input"])),
        ("hidden biases only", lambda s: sum(a * b for a, b in pairs(s)) + sum(s[1:-1]),
         Hint(H["no_output_bias"])),
        ("forgot the last layer", lambda s: sum((a + 1) * b for a, b in pairs(s[:-1])),
         Hint(H["missing_layer"])),
        ("every unit's bias, input too", lambda s: sum(a * b for a, b in pairs(s)) + sum(s),
         Hint(H["input_bias"])),
        ("the count as a string", lambda s: str(zip_loop(s)), Hint("not text")),
        ("(fan_in + 1)(fan_out + 1)", lambda s: sum((a + 1) * (b + 1) for a, b in pairs(s)),
         Hint(H["extra_bias"])),
    ]


def _r6_ridge_fit():
    H = lesson01.RIDGE_HINTS

    def lstsq_augmented(F, y, lam):                # [Fc; √λ·√n I] w = [yc; 0] by lstsq
        n, d = F.shape
        Fc, yc = F - F.mean(0), (y - y.mean()).ravel()
        A = np.vstack([Fc, np.sqrt(n * lam) * np.eye(d)])
        w = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(d)]), rcond=None)[0]
        return w, float(y.mean() - F.mean(0) @ w)

    def loops(F, y, lam):                          # normal equations built with loops
        n, d = F.shape
        mf = [sum(F[i, j] for i in range(n)) / n for j in range(d)]
        my = sum(y[i, 0] for i in range(n)) / n
        A = np.array([[sum((F[i, a] - mf[a]) * (F[i, b] - mf[b]) for i in range(n)) / n
                       + (lam if a == b else 0.0) for b in range(d)] for a in range(d)])
        r = np.array([sum((F[i, a] - mf[a]) * (y[i, 0] - my) for i in range(n)) / n
                      for a in range(d)])
        w = np.linalg.solve(A, r)
        return w, my - sum(mf[j] * w[j] for j in range(d))

    def column_tuple_list(F, y, lam):              # w a column, b a one-item array, a list
        Fm, ym = F.mean(0, keepdims=True), y.mean(0, keepdims=True)
        Fc, yc = F - Fm, y - ym
        w = np.linalg.solve(Fc.T @ Fc / len(F) + lam * np.eye(F.shape[1]), Fc.T @ yc / len(F))
        return [w, (ym - Fm @ w).ravel()]

    def sklearn_ridge(F, y, lam):
        from sklearn.linear_model import Ridge
        m = Ridge(alpha=len(F) * lam).fit(F, y.ravel())
        return m.coef_, m.intercept_

    def unpenalized_b_system(F, y, lam):           # solve for [w, b] jointly, b unpenalized
        n, d = F.shape
        A = np.hstack([F, np.ones((n, 1))])
        P = np.diag([lam] * d + [0.0])
        wb = np.linalg.solve(A.T @ A / n + P, A.T @ y.ravel() / n)
        return wb[:d], wb[d]

    def torch_solve(F, y, lam):
        import torch
        Ft, yt = torch.from_numpy(F), torch.from_numpy(y)
        Fc, yc = Ft - Ft.mean(0), yt - yt.mean(0)
        w = torch.linalg.solve(Fc.T @ Fc / len(F) + lam * torch.eye(F.shape[1], dtype=Ft.dtype),
                               Fc.T @ yc / len(F))
        return w.ravel(), (yt.mean() - Ft.mean(0) @ w.ravel())

    def with_solvers(F, y, lam):                   # the library: the checker judges the values
        w, b = solvers.ridge(F, y, lam)
        return np.ravel(w), float(np.ravel(b)[0])

    def cholesky(F, y, lam, center=True):
        Fc = F - F.mean(0) if center else F
        yc = y - y.mean() if center else y
        L = np.linalg.cholesky(Fc.T @ Fc / len(F) + lam * np.eye(F.shape[1]))
        w = np.linalg.solve(L.T, np.linalg.solve(L, Fc.T @ yc.ravel() / len(F)))
        return w, y.mean() - F.mean(0) @ w

    def joint(F, y, lam, pen_b=0.0, scale=1.0):
        n, d = F.shape
        A = np.hstack([F, np.ones((n, 1))])
        P = np.diag([lam * scale] * d + [pen_b])
        wb = np.linalg.solve(A.T @ A / n + P, A.T @ y.ravel() / n)
        return wb[:d], wb[d]

    def no_center(F, y, lam):
        w = np.linalg.solve(F.T @ F / len(F) + lam * np.eye(F.shape[1]), F.T @ y.ravel() / len(F))
        return w, 0.0

    return [
        ("lstsq on the augmented system", lstsq_augmented, OK), ("loops", loops, OK),
        ("a list [column, (1,)]", column_tuple_list, OK), ("sklearn Ridge(n·λ)", sklearn_ridge, OK),
        ("joint [w, b], b free", unpenalized_b_system, OK), ("torch.linalg.solve", torch_solve, OK),
        ("solvers.ridge", with_solvers, OK), ("Cholesky, extra keyword", cholesky, OK),
        ("a dict {'w', 'b'}", lambda F, y, lam: dict(zip("wb", with_solvers(F, y, lam),
                                                          strict=True)),
         Hint("a pair (w, b)")),
        ("w a row (1, d), b (1, 1)", lambda F, y, lam: (lambda w, b: (w[None, :], np.array([[b]])))(
            *with_solvers(F, y, lam)), OK),
        ("b penalized too", lambda F, y, lam: joint(F, y, lam, pen_b=lam), Hint(H["b_penalized"])),
        ("λ/2 on the diagonal", lambda F, y, lam: joint(F, y, lam, scale=0.5),
         Hint(H["lam_half"])),
        ("2λ (Keras l2(λ) reading)", lambda F, y, lam: joint(F, y, lam, scale=2.0),
         Hint(H["lam_twice"])),
        ("n·λ (sum objective)", lambda F, y, lam: joint(F, y, lam, scale=len(F)),
         Hint(H["lam_times_n"])),
        ("no intercept, not centred", no_center, REFUSED),
        ("λ = 0", lambda F, y, lam: joint(F, y, 0.0), Hint(H["no_penalty"])),
        ("np.cov's n − 1", lambda F, y, lam: joint(F, y, lam * (len(F) - 1) / len(F)),
         Hint(H["ddof"])),
        ("w from F, y not centred; b after", lambda F, y, lam: (
            lambda w: (w, y.mean() - F.mean(0) @ w))(no_center(F, y, lam)[0]),
         Hint(H["w_not_centered"])),
    ]


def _r6_l2_grad():
    H = lesson02.L2_GRAD_HINTS

    def loop_models(params, lam):                  # a Python loop over K, float lam values
        out = {}
        for key, v in params.items():
            g = np.zeros_like(v)
            if key[0] == "W":
                for k in range(len(v)):
                    g[k] = float(lam[k]) * v[k]
            out[key] = g
        return out

    def einsum(params, lam):
        return {k: np.einsum("k,k...->k...", lam, v) if k.startswith("W") else 0 * v
                for k, v in params.items()}

    def expand_dims(params, lam):
        out = {}
        for k, v in params.items():
            lk = np.asarray(lam, dtype=float)
            while lk.ndim < v.ndim:
                lk = lk[..., None]
            out[k] = lk * v if k.startswith("W") else np.zeros(v.shape)
        return out

    def torch_grad(params, lam):                   # autograd of the penalty
        import torch
        t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        lt = torch.as_tensor(lam, dtype=torch.float64)
        pen = sum((lt * (w ** 2).flatten(1).sum(1)).sum() / 2 for k, w in t.items()
                  if k.startswith("W"))
        grads = torch.autograd.grad(pen, list(t.values()), allow_unused=True)
        return {k: (g.numpy() if g is not None else np.zeros_like(params[k]))
                for k, g in zip(t, grads, strict=False)}

    def copy_first(params, lam, bias_decay=False):
        p = {k: v.copy() for k, v in params.items()}
        for k in p:
            if k.startswith("W") or bias_decay:
                p[k] *= np.reshape(lam, (-1,) + (1,) * (p[k].ndim - 1))
            else:
                p[k][...] = 0.0
        return p

    def from_penalties(params, lam):
        return penalties.L2(lam=lam).grad(params) if hasattr(penalties, "L2") else None

    pm = lambda lam, v: np.reshape(lam, (-1,) + (1,) * (v.ndim - 1))  # noqa: E731
    return [
        ("a loop over K, float(lam[k])", loop_models, OK), ("einsum k,k...", einsum, OK),
        ("[..., None] until it fits", expand_dims, OK), ("torch autograd", torch_grad, OK),
        ("copies first, extra keyword", copy_first, OK),
        ("keys reversed, OrderedDict", lambda p, lam: OrderedDict(
            (k, pm(lam, v) * v if k[0] == "W" else np.zeros_like(v))
            for k, v in reversed(list(p.items()))), OK),
        ("a plain int 0 for the biases", lambda p, lam: {
            k: pm(lam, v) * v if k[0] == "W" else 0 for k, v in p.items()}, OK),
        ("λ·W with the biases decayed", lambda p, lam: {k: pm(lam, v) * v for k, v in p.items()},
         Hint(H["biases_decayed"])),
        ("−λW", lambda p, lam: {k: -pm(lam, v) * v if k[0] == "W" else 0 * v
                                for k, v in p.items()}, Hint(H["negative"])),
        ("2λW (Keras l2(c) reading)", lambda p, lam: {k: 2 * pm(lam, v) * v if k[0] == "W"
                                                      else 0 * v for k, v in p.items()},
         Hint(H["twice"])),
        ("the decayed weights (1 − λ)W", lambda p, lam: {
            k: (1 - pm(lam, v)) * v if k[0] == "W" else 0 * v for k, v in p.items()},
         Hint(H["decayed_weights"])),
        ("λ·sign(W)", lambda p, lam: {k: pm(lam, v) * np.sign(v) if k[0] == "W" else 0 * v
                                      for k, v in p.items()}, Hint(H["l1"])),
        ("biases returned unchanged", lambda p, lam: {k: pm(lam, v) * v if k[0] == "W" else v
                                                      for k, v in p.items()},
         Hint(H["biases_unchanged"])),
        ("in place, W *= λ", lambda p, lam: {k: (v.__imul__(pm(lam, v)) if k[0] == "W"
                                                else np.zeros_like(v)) for k, v in p.items()},
         IN_PLACE),
    ]


def _r6_lam_for_df():
    H = lesson02.LAM_FOR_DF_HINTS

    def bisection_1e8(X, df):                      # the prompt's own stopping rule, on λ's ratio
        e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
        lo, hi = 1e-12, 1e12
        while hi / lo > 1 + 1e-8:
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if sum(e / (e + mid)) > df else (lo, mid)
        return lo

    def newton_df_tol(X, df):                      # Newton stopped once df is within 1e-8
        e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
        u = math.log(float(np.mean(e)))
        while True:
            h = e / (e + math.exp(u))
            if abs(h.sum() - df) < 1e-8:
                return math.exp(u)
            u += (h.sum() - df) / np.sum(h * (1 - h))

    def per_direction_loop(X, df):                 # df(λ) by a Python loop over directions
        Xc = X - X.mean(axis=0)
        e = [s * s / X.shape[0] for s in np.linalg.svd(Xc, compute_uv=False)]
        f = lambda lam: sum(ej / (ej + lam) for ej in e)  # noqa: E731
        lo, hi = -50.0, 50.0
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if f(math.exp(mid)) > df else (lo, mid)
        return math.exp(hi)

    def scipy_root(X, df):
        from scipy.optimize import root_scalar
        e = np.linalg.eigvalsh(np.cov(X, rowvar=False, ddof=0))
        return np.exp(root_scalar(lambda u: np.sum(e / (e + np.exp(u))) - df, bracket=[-40, 40],
                                  method="brentq", xtol=1e-12).root)

    def slow_bisection(X, df):                     # 10⁴ bisection steps: slow, and correct
        e = _variances(X)
        lo, hi = -60.0, 60.0
        for _ in range(10_000):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if float(np.sum(e / (e + math.exp(mid)))) > df else (lo, mid)
        return math.exp(lo)

    def zero_d(X, df, tol=1e-10):
        return np.asarray(_bisect_log(_variances(X), df))

    def float32_X(X, df):                          # float32 data: float32's tolerance
        X32 = X.astype(np.float32)
        e = np.linalg.svd(X32 - X32.mean(0), compute_uv=False) ** 2 / np.float32(len(X))
        return np.float32(_bisect_log(e.astype(np.float64), df))

    return [
        ("bisection on λ's ratio to 1e-8, returns lo", bisection_1e8, OK),
        ("Newton stopped when |df − target| < 1e-8", newton_df_tol, OK),
        ("loop over directions, returns hi", per_direction_loop, OK),
        ("scipy root_scalar on log λ", scipy_root, OK), ("10⁴ bisection steps", slow_bisection, OK),
        ("a 0-d array, extra keyword", zero_d, OK),
        ("float32 data", float32_X, OK),
        ("sum objective (svd² without /n)", lambda X, df: _bisect_log(
            np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2, df), Hint(H["textbook"])),
        ("not centred", lambda X, df: _bisect_log(np.linalg.svd(X, compute_uv=False) ** 2 / len(X),
                                                  df), Hint(H["not_centered"])),
        ("np.var(ddof=1) eigen", lambda X, df: _bisect_log(np.linalg.eigvalsh(np.cov(X.T)), df),
         Hint(H["ddof"])),
        ("ln λ", lambda X, df: math.log(_bisect_log(_variances(X), df)), Hint(H["ln"])),
        ("np.std for e_j", lambda X, df: _bisect_log(np.std(X @ np.linalg.svd(
            X - X.mean(0))[2].T, axis=0), df), Hint(H["std"])),
        ("df(λ) solved for d − df", lambda X, df: _bisect_log(_variances(X), X.shape[1] - df),
         Hint(H["removed"])),
        ("stopped at 1e-4 relative", lambda X, df: _bisect_log(_variances(X), df) * (1 + 1e-4),
         REFUSED),
    ]


def _r6_early_stopping():
    H = lesson02.EARLY_STOP_HINTS

    def loop_dirs(X, lr, T):                       # per direction, Python floats
        s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
        out = []
        for sj in s:
            e = float(sj) ** 2 / len(X)
            q = (1 - lr * e) ** T
            out.append(e * q / (1 - q))
        return out

    def simulate(X, lr, T):                        # run the T steps on each direction's error
        e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
        r = np.ones_like(e)
        for _ in range(int(T)):
            r = r - lr * e * r
        kept = 1 - r                               # ridge keeps e/(e+λ): solve for λ
        return e * (1 - kept) / kept

    def tuple_of(X, lr, T):
        e = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]
        q = np.power(1 - lr * e, T)
        return tuple(e * q / (1 - q))

    def column(X, lr, T, ascending=False):
        e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
        q = np.exp(T * np.log1p(-lr * e))
        lam = (e * q / -np.expm1(T * np.log1p(-lr * e)))[:, None]
        return lam[::-1] if ascending else lam

    def torch_version(X, lr, T):
        import torch
        Xt = torch.from_numpy(X)
        e = torch.linalg.svdvals(Xt - Xt.mean(0)) ** 2 / len(X)
        q = (1 - lr * e) ** T
        return e * q / (1 - q)

    def lam_of(X, lr, T, shift=0, invert=False):
        e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
        q = (1 - lr * e) ** (T + shift)
        lam = e * q / (1 - q)
        return 1 / lam if invert else lam

    return [
        ("a list of floats", loop_dirs, OK), ("the T steps simulated", simulate, OK),
        ("a tuple, eigvalsh sorted down", tuple_of, OK), ("a column, log1p/expm1", column, OK),
        ("torch.linalg.svdvals", torch_version, OK),
        ("float32 data", lambda X, lr, T: lam_of(X.astype(np.float32), np.float32(lr), T), OK),
        ("s_j/√n for e_j", lambda X, lr, T: (lambda e: e * (1 - lr * e) ** T
                                             / (1 - (1 - lr * e) ** T))(
            np.linalg.svd(X - X.mean(0), compute_uv=False) / math.sqrt(len(X))), Hint(H["std"])),
        ("1/(lr·T) for all", lambda X, lr, T: np.full(X.shape[1], 1 / (lr * T)),
         Hint(H["rule_of_thumb"])),
        ("T + 1 steps", lambda X, lr, T: lam_of(X, lr, T, shift=1), Hint(H["off_by_one"])),
        ("T − 1 steps", lambda X, lr, T: lam_of(X, lr, T, shift=-1), Hint(H["off_by_one"])),
        ("increasing e", lambda X, lr, T: lam_of(X, lr, T)[::-1], Hint(H["ascending"])),
        ("kept and missing swapped", _swapped_early, Hint(H["inverted"])),
        ("not centred", lambda X, lr, T: (lambda e: e * (1 - lr * e) ** T
                                          / (1 - (1 - lr * e) ** T))(
            np.linalg.svd(X, compute_uv=False) ** 2 / len(X)), REFUSED),
    ]


def _swapped_early(X, lr, T):                      # ridge's e/(e+λ) set to the part still missing
    e = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2 / len(X)
    q = (1 - lr * e) ** T
    return e * (1 - q) / q


def _r6_soft_threshold():
    H = lesson03.SOFT_THRESHOLD_HINTS

    def loop(w, t):                                # entry by entry, math functions
        out = np.empty_like(w, dtype=float)
        for i, x in np.ndenumerate(w):
            out[i] = math.copysign(max(abs(x) - t, 0.0), x)
        return out

    def where(w, t):
        return np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))

    def clip_trick(w, t):
        return w - np.clip(w, -t, t)

    def torch_shrink(w, t):
        import torch
        return torch.nn.functional.softshrink(torch.from_numpy(np.asarray(w, float)), float(t))

    def library(w, t):                             # the library's: the checker judges values
        return penalties.soft_threshold(w, t)

    def maximum_minimum(w, t, copy=True):
        w = np.array(w, dtype=float, copy=copy)
        return np.maximum(w - t, 0) + np.minimum(w + t, 0)

    def float32(w, t):
        w32 = w.astype(np.float32)
        return np.sign(w32) * np.maximum(np.abs(w32) - np.float32(t), 0)

    return [
        ("math.copysign loop", loop, OK), ("nested np.where", where, OK),
        ("w − clip(w, −t, t)", clip_trick, OK), ("torch softshrink", torch_shrink, OK),
        ("penalties.soft_threshold", library, OK), ("max(w−t,0)+min(w+t,0)", maximum_minimum, OK),
        ("float32", float32, OK),
        ("hard threshold", lambda w, t: np.where(np.abs(w) > t, w, 0.0), Hint(H["hard"])),
        ("|w| − t kept negative", lambda w, t: np.sign(w) * (np.abs(w) - t),
         Hint(H["crossed_zero"])),
        ("no sign", lambda w, t: np.maximum(np.abs(w) - t, 0), Hint(H["sign_lost"])),
        ("ridge's prox w/(1+t)", lambda w, t: w / (1 + t), Hint(H["l2_prox"])),
        ("2t (λ·‖w‖² reading)", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - 2 * t, 0),
         Hint(H["t_twice"])),
        ("t/2", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t / 2, 0), Hint(H["t_half"])),
        ("clip(w, −t, t)", lambda w, t: np.clip(w, -t, t), Hint(H["clip"])),
        ("in place", lambda w, t: (w.__isub__(np.clip(w, -t, t)), w)[1], IN_PLACE),
    ]


def _r6_prox():
    H = lesson03.PROX_HINTS

    def loop(w, X, y, lr, lam):                    # the gradient by a loop over samples
        n, d = X.shape
        grad = np.zeros(d)
        for i in range(n):
            grad += (X[i] @ w - y[i]) * X[i]
        z = w - lr * grad / n
        return np.array([math.copysign(max(abs(v) - lr * lam, 0.0), v) for v in z])

    def torch_step(w, X, y, lr, lam):              # autograd for the data gradient
        import torch
        wt = torch.tensor(w, requires_grad=True)
        loss = 0.5 * torch.mean((torch.from_numpy(X) @ wt - torch.from_numpy(y)) ** 2)
        loss.backward()
        z = (wt - lr * wt.grad).detach()
        return torch.nn.functional.softshrink(z, lr * lam).numpy()

    def library_shrink(w, X, y, lr, lam):
        return penalties.soft_threshold(w - lr * X.T @ (X @ w - y) / len(y), lr * lam)

    def column(w, X, y, lr, lam, verbose=False):   # w as a column internally, returned (d, 1)
        wc = w.reshape(-1, 1)
        z = wc - lr * X.T @ (X @ wc - y.reshape(-1, 1)) / X.shape[0]
        return np.sign(z) * np.clip(np.abs(z) - lr * lam, 0, None)

    def tuple_out(w, X, y, lr, lam):
        z = w + lr * X.T @ (y - X @ w) / len(y)
        return tuple(z - np.clip(z, -lr * lam, lr * lam))

    def step(w, X, y, lr, lam, *, thr=None, scale=None, grad_sign=1.0, after=False):
        n = len(y) if scale is None else scale
        thr = lr * lam if thr is None else thr
        z = w - grad_sign * lr * X.T @ (X @ w - y) / n
        return np.sign(z) * np.maximum(np.abs(z) - thr, 0)

    def subgrad(w, X, y, lr, lam):
        return w - lr * (X.T @ (X @ w - y) / len(y) + lam * np.sign(w))

    return [
        ("a loop over samples", loop, OK), ("torch autograd + softshrink", torch_step, OK),
        ("penalties.soft_threshold", library_shrink, OK), ("a column (d, 1)", column, OK),
        ("a tuple, clip trick", tuple_out, OK),
        ("coordinate by coordinate", lambda w, X, y, lr, lam: np.array([
            math.copysign(max(abs(zj) - lr * lam, 0.0), zj)
            for zj in w - lr * X.T @ (X @ w - y) / len(y)]), OK),
        ("threshold λ", lambda w, X, y, lr, lam: step(w, X, y, lr, lam, thr=lam),
         Hint(H["threshold_lam"])),
        ("subgradient step", subgrad, Hint(H["subgradient"])),
        ("no threshold", lambda w, X, y, lr, lam: step(w, X, y, lr, lam, thr=0.0),
         Hint(H["no_threshold"])),
        ("uphill", lambda w, X, y, lr, lam: step(w, X, y, lr, lam, grad_sign=-1.0),
         Hint(H["uphill"])),
        ("λ over n too", lambda w, X, y, lr, lam: step(w, X, y, lr, lam, thr=lr * lam / len(y)),
         Hint(H["threshold_over_n"])),
        ("no 1/n", lambda w, X, y, lr, lam: step(w, X, y, lr, lam, scale=1),
         Hint(H["no_1_over_n"])),
        ("gradient twice (no ½)", lambda w, X, y, lr, lam: step(w, X, y, lr, lam,
                                                                scale=len(y) / 2),
         Hint(H["grad_twice"])),
        ("w updated in place", _prox_in_place, IN_PLACE),
    ]


def _prox_in_place(w, X, y, lr, lam):
    w -= lr * X.T @ (X @ w - y) / len(y)
    return np.sign(w) * np.maximum(np.abs(w) - lr * lam, 0)


def _r6_max_norm():
    H = lesson03.MAX_NORM_HINTS

    def loop_columns(W, c):
        out = W.copy()
        for j in range(W.shape[1]):
            nj = math.sqrt(sum(float(x) ** 2 for x in W[:, j]))
            if nj > c:
                out[:, j] = W[:, j] * (c / nj)
        return out

    def minimum(W, c):
        n = np.linalg.norm(W, axis=0)
        return W * np.minimum(1.0, c / np.where(n > 0, n, 1.0))

    def torch_renorm(W, c):                        # torch.renorm on dim=1 (columns)
        import torch
        return torch.renorm(torch.from_numpy(W), p=2, dim=1, maxnorm=c).numpy()

    def where_keepdims(W, c, eps=0.0):
        n = np.sqrt((W ** 2).sum(axis=0, keepdims=True))
        return np.where(n > c, W * c / (n + eps), W)

    def float32(W, c):
        W32 = W.astype(np.float32)
        n = np.linalg.norm(W32, axis=0)
        return W32 * np.minimum(np.float32(1), np.float32(c) / n)

    def listed(W, c):
        return [[x for x in row] for row in minimum(W, c)]

    return [
        ("loop over columns", loop_columns, OK), ("np.minimum(1, c/n)", minimum, OK),
        ("torch.renorm dim=1", torch_renorm, OK), ("np.where, extra keyword", where_keepdims, OK),
        ("float32", float32, OK), ("nested lists", listed, OK),
        ("rows", lambda W, c: (W.T * np.minimum(1, c / np.linalg.norm(W, axis=1))).T,
         Hint(H["rows"])),
        ("every column to c", lambda W, c: W * c / np.linalg.norm(W, axis=0),
         Hint(H["all_columns"])),
        ("the whole matrix", lambda W, c: W * min(1.0, c / np.linalg.norm(W)),
         Hint(H["whole_matrix"])),
        ("the norm left squared", lambda W, c: W * np.minimum(1, c / (W ** 2).sum(0)),
         Hint(H["squared:c"])),
        ("entries clipped", lambda W, c: np.clip(W, -c, c), Hint(H["clip_entries"])),
        ("norm 1, not c", lambda W, c: np.where(np.linalg.norm(W, axis=0) > c,
                                                W / np.linalg.norm(W, axis=0), W),
         Hint(H["unit_norm"])),
        ("L1 column norms", lambda W, c: W * np.minimum(1, c / np.abs(W).sum(0)),
         Hint(H["l1_columns"])),
        ("in place", lambda W, c: (W.__imul__(np.minimum(1, c / np.linalg.norm(W, axis=0))), W)[1],
         IN_PLACE),
    ]


def _r6_cv_loss():
    H = lesson04.CV_HINTS

    def loop_numpy_fit(X, y, lams, k=5, seed=0):   # ridge by the normal equations, per λ
        out = np.zeros(len(lams))
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            Xt, yt = X[tr], y[tr, 0]
            Xm, ym = Xt.mean(0), yt.mean()
            for j, lam in enumerate(lams):
                A = (Xt - Xm).T @ (Xt - Xm) / len(tr) + lam * np.eye(X.shape[1])
                w = np.linalg.solve(A, (Xt - Xm).T @ (yt - ym) / len(tr))
                out[j] += 0.5 * np.mean((X[va] @ w + ym - Xm @ w - y[va, 0]) ** 2) / k
        return out

    def stacked(X, y, lams, k=5, seed=0):          # np.stack the folds, then mean
        per = [0.5 * np.mean((X[va] @ w.T + b - y[va]) ** 2, axis=0)
               for tr, va in data.kfold(len(X), k=k, seed=seed)
               for w, b in [solvers.ridge(X[tr], y[tr, 0], lams)]]
        return np.stack(per).mean(axis=0)

    def tuple_out(X, y, lams, k=5, seed=0):
        return tuple(float(v) for v in _cv(X, y, lams, k, seed))

    def copies_and_prints(X, y, lams, k=5, seed=0, verbose=True):
        X, y = X.copy(), y.copy()
        L = _cv(X, y, lams, k, seed)
        if verbose:
            print("cv:", L)
        return L

    def sklearn_fit(X, y, lams, k=5, seed=0):
        from sklearn.linear_model import Ridge
        out = np.zeros(len(lams))
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            for j, lam in enumerate(lams):
                m = Ridge(alpha=len(tr) * lam).fit(X[tr], y[tr, 0])
                out[j] += 0.5 * np.mean((m.predict(X[va]) - y[va, 0]) ** 2)
        return out / k

    def pooled(X, y, lams, k=5, seed=0):           # all held-out residuals pooled, one mean
        r = np.concatenate([X[va] @ w.T + b - y[va] for tr, va in data.kfold(len(X), k=k,
                                                                               seed=seed)
                            for w, b in [solvers.ridge(X[tr], y[tr, 0], lams)]])
        return 0.5 * np.mean(r ** 2, axis=0)

    def train_part(X, y, lams, k=5, seed=0):
        per = []
        for tr, _va in data.kfold(len(X), k=k, seed=seed):
            w, b = solvers.ridge(X[tr], y[tr, 0], lams)
            per.append(0.5 * np.mean((X[tr] @ w.T + b - y[tr]) ** 2, axis=0))
        return np.mean(per, axis=0)

    rmse = lambda r: np.sqrt(np.mean(r ** 2, axis=0))  # noqa: E731
    sse = lambda r: 0.5 * np.sum(r ** 2, axis=0)  # noqa: E731
    return [
        ("normal equations in a loop", loop_numpy_fit, OK), ("np.stack", stacked, OK),
        ("a tuple of floats", tuple_out, OK),
        ("copies, prints, extra keyword", copies_and_prints, OK),
        ("sklearn Ridge(n_train·λ)", sklearn_fit, OK),
        ("np.average of the folds", lambda X, y, lams, k=5, seed=0: np.average(
            [_cv(X, y, lams, 1, seed, folds=[f], reduce=np.mean)
             for f in data.kfold(len(X), k=k, seed=seed)], axis=0), OK),
        ("pooled residuals", pooled, REFUSED),   # equal fold sizes make it equal: judged below
        ("training part", train_part, Hint(H["train_part"])),
        ("RMSE", lambda *a: _cv(*a, loss=rmse), Hint(H["rmse:rmse"])),
        ("½·SSE", lambda *a: _cv(*a, loss=sse), Hint(H["sse:half_sse"])),
        ("mean |r|", lambda *a: _cv(*a, loss=lambda r: np.mean(np.abs(r), axis=0)),
         Hint(H["mae:mae"])),
        ("seed ignored", lambda X, y, lams, k=5, seed=0: _cv(X, y, lams, k, 0), REFUSED),
        ("(m,) − (m, 1) in a loop over λ", _cv_broadcast, Hint(H["broadcast"])),
    ]


def _cv_broadcast(X, y, lams, k=5, seed=0):        # predictions (m,) minus targets (m, 1)
    out = np.zeros(len(lams))
    for tr, va in data.kfold(len(X), k=k, seed=seed):
        for j, lam in enumerate(lams):
            w, b = solvers.ridge(X[tr], y[tr, 0], lam)
            out[j] += 0.5 * np.mean((X[va] @ np.ravel(w) + float(np.ravel(b)[0]) - y[va]) ** 2)
    return out / k


def _r6_one_se():
    H = lesson04.ONE_SE_HINTS

    def python_lists(lams, fold_losses):           # plain Python: statistics module
        import statistics
        cols = list(zip(*fold_losses.tolist(), strict=False))
        means = [sum(c) / len(c) for c in cols]
        i = means.index(min(means))
        se = statistics.stdev(cols[i]) / math.sqrt(len(cols[i]))
        return max(lam for lam, m in zip(lams.tolist(), means, strict=False) if m <= means[i] + se)

    def nonzero_last(lams, fold_losses):
        m = fold_losses.mean(0)
        i = m.argmin()
        se = fold_losses[:, i].std(ddof=1) / np.sqrt(fold_losses.shape[0])
        return lams[np.nonzero(m <= m[i] + se)[0][-1]]

    def zero_d(lams, fold_losses, n_se=1.0):
        m = np.mean(fold_losses, axis=0)
        se = np.std(fold_losses, axis=0, ddof=1)[np.argmin(m)] / np.sqrt(len(fold_losses))
        return np.asarray(np.max(np.where(m <= m.min() + n_se * se, lams, -np.inf)))

    def float32_losses(lams, fold_losses):
        F = fold_losses.astype(np.float32)
        return _one_se(lams, F)

    def reversed_argmax(lams, fold_losses):
        m = fold_losses.mean(0)
        ok = m <= m.min() + fold_losses[:, m.argmin()].std(ddof=1) / len(fold_losses) ** 0.5
        return float(lams[len(lams) - 1 - np.argmax(ok[::-1])])

    return [
        ("statistics.stdev, lists", python_lists, OK), ("nonzero, last", nonzero_last, OK),
        ("a 0-d array, extra keyword", zero_d, OK), ("float32 losses", float32_losses, OK),
        ("argmax of the reversed mask", reversed_argmax, OK),
        ("np.flatnonzero, max", lambda lams, L: float(np.max(lams[np.flatnonzero(
            L.mean(0) <= L.mean(0).min() + L[:, L.mean(0).argmin()].std(ddof=1)
            / np.sqrt(L.shape[0]))])), OK),
        ("no √k", lambda lams, L: _one_se(lams, L, width=lambda sd, k: sd), REFUSED),
        ("ddof=0 (np.std's default)", lambda lams, L: _one_se(lams, L, ddof=0),
         Hint(H["ddof0"])),
        ("variance for the SE", lambda lams, L: _one_se(lams, L, width=lambda sd, k: sd * sd / k),
         Hint("band is too narrow")),
        ("the index, not λ", lambda lams, L: int(np.nonzero(
            L.mean(0) <= L.mean(0).min() + L[:, L.mean(0).argmin()].std(ddof=1)
            / np.sqrt(len(L)))[0][-1]), Hint(H["index"])),
        ("the best λ", lambda lams, L: float(lams[L.mean(0).argmin()]), Hint(H["argmin"])),
        ("smallest λ in the band", lambda lams, L: _one_se(lams, L, pick=min),
         Hint(H["smallest_in_band"])),
    ]


def _r6_leaky():
    H = lesson05.LEAKY_HINTS

    def integral(fan_in, slope):                   # E[φ(z)²] = (1 + a²)/2 · E[z²], by hand
        second_moment = (1 + slope * slope) / 2
        return (1 / (fan_in * second_moment)) ** 0.5

    def float32(fan_in, slope):
        return np.float32(np.sqrt(np.float32(2) / ((1 + np.float32(slope) ** 2) * fan_in)))

    def zero_d(fan_in, slope):
        return np.array(math.sqrt(2.0 / (1.0 + slope ** 2)) / math.sqrt(fan_in))

    def with_gain(fan_in, slope, gain=None):
        gain = math.sqrt(2.0 / (1 + slope ** 2)) if gain is None else gain
        return gain * fan_in ** -0.5

    def torch_init(fan_in, slope):                 # torch's kaiming_normal_ std, from its gain
        import torch
        gain = torch.nn.init.calculate_gain("leaky_relu", slope)
        return float(gain / math.sqrt(fan_in))

    def one_tuple(fan_in, slope):
        return (math.sqrt(2 / (fan_in * (1 + slope ** 2))),)

    return [
        ("second moment by hand", integral, OK), ("float32", float32, OK),
        ("a 0-d array", zero_d, OK), ("extra keyword", with_gain, OK),
        ("torch calculate_gain", torch_init, OK), ("a one-item tuple", one_tuple, OK),
        ("1 − a", lambda f, a: math.sqrt(2 / ((1 - a) * f)), Hint(H["minus_slope:a"])),
        ("1/std", lambda f, a: math.sqrt((1 + a * a) * f / 2), Hint(H["inverted"])),
        ("the gain alone", lambda f, a: math.sqrt(2 / (1 + a * a)), Hint(H["gain_only"])),
        ("variance", lambda f, a: 2 / ((1 + a * a) * f), Hint(H["variance"])),
        ("He, slope ignored", lambda f, a: (2 / f) ** 0.5, Hint(H["ignores_slope"])),
        ("1 + a, not 1 + a²", lambda f, a: (2 / ((1 + a) * f)) ** 0.5,
         Hint(H["slope_not_squared"])),
    ]


def _r6_backprop():
    H = lesson05.BACKPROP_HINTS

    def index_loop(Ws, zs, g):
        L = len(Ws)
        delta = np.array(g, dtype=float, copy=True)
        for i in range(L):
            l = L - 1 - i
            delta = (delta * (1.0 - np.tanh(zs[l]) ** 2)) @ np.transpose(Ws[l])
        return delta

    def per_sample(Ws, zs, g):                     # a loop over samples, then layers
        out = []
        for i in range(g.shape[0]):
            d = g[i]
            for W, z in zip(Ws[::-1], zs[::-1], strict=True):
                d = W @ (d * (1 - np.tanh(z[i]) ** 2))
            out.append(d)
        return np.array(out)

    def torch_autograd(Ws, zs, g):                 # a_0 recovered is not needed: chain on z
        import torch
        gt = torch.from_numpy(np.array(g))
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            zt = torch.tensor(z, requires_grad=True)
            a = torch.tanh(zt)
            (dz,) = torch.autograd.grad(a, zt, grad_outputs=gt)
            gt = dz @ torch.from_numpy(W).T
        return gt.numpy()

    def tuple_lists(Ws, zs, g):                    # Ws/zs as tuples, copied
        Ws, zs = tuple(w.copy() for w in Ws), tuple(z.copy() for z in zs)
        for l in range(len(Ws))[::-1]:
            g = np.einsum("no,io->ni", g * (1 - np.tanh(zs[l]) ** 2), Ws[l])
        return g

    def sech(Ws, zs, g, keep=False):
        for W, z in reversed(list(zip(Ws, zs, strict=False))):
            g = (g * (2 / (np.exp(z) + np.exp(-z))) ** 2) @ W.T
        return g

    return [
        ("index loop, np.transpose", index_loop, OK), ("per sample", per_sample, OK),
        ("torch autograd per layer", torch_autograd, OK), ("tuples, einsum", tuple_lists, OK),
        ("sech² by exp, extra keyword", sech, OK),
        ("float32", lambda Ws, zs, g: _backprop([W.astype(np.float32) for W in Ws],
                                                [z.astype(np.float32) for z in zs],
                                                g.astype(np.float32)), OK),
        ("no activation", lambda Ws, zs, g: _backprop(Ws, zs, g, d=lambda z: 1.0 + 0 * z),
         Hint(H["no_activation"])),
        ("1 − tanh (no square)", lambda Ws, zs, g: _backprop(Ws, zs, g,
                                                              d=lambda z: 1 - np.tanh(z)),
         Hint(H["no_square"])),
        ("1 − z²", lambda Ws, zs, g: _backprop(Ws, zs, g, d=lambda z: 1 - z * z),
         Hint(H["one_minus_z2"])),
        ("the last layer taken as linear", _last_linear, Hint(H["last_linear"])),
        ("W not transposed (square layers)", lambda Ws, zs, g: _backprop(Ws, zs, g, T=False),
         REFUSED),
        ("Ws.pop() consumes the list", _pop_backprop, Hint("in place")),
    ]


def _last_linear(Ws, zs, g):                       # the last layer treated as linear
    g = g @ Ws[-1].T
    for l in reversed(range(len(Ws) - 1)):
        g = (g * (1 - np.tanh(zs[l]) ** 2)) @ Ws[l].T
    return g


def _pop_backprop(Ws, zs, g):
    while Ws:
        W, z = Ws.pop(), zs.pop()
        g = (g * (1 - np.tanh(z) ** 2)) @ W.T
    return g


def _r6_clip_norm():
    H = lesson06.CLIP_NORM_HINTS

    def torch_per_model(grads, max_norm):          # torch's clip_grad_norm_ on each model's copy
        import torch
        K = len(next(iter(grads.values())))
        c = np.broadcast_to(np.asarray(max_norm, dtype=float), (K,))
        clipped, norms = {k: np.empty_like(g) for k, g in grads.items()}, []
        for i in range(K):
            ts = [torch.tensor(g[i]) for g in grads.values()]
            for t in ts:
                t.grad = t.clone()
            norms.append(float(torch.nn.utils.clip_grad_norm_(ts, float(c[i]))))
            for k, t in zip(grads, ts, strict=True):
                clipped[k][i] = t.grad.numpy()
        return clipped, np.array(norms)

    def library(grads, max_norm):                  # the library's (the prompt names it)
        return clipping.clip_by_global_norm(grads, max_norm, batched=True)

    def tuple_norms_list(grads, max_norm):          # a list for the pair, a tuple of norms
        out, n = _clip_norm(grads, max_norm)
        return [out, tuple(float(x) for x in n)]

    def where_form(grads, max_norm, eps=1e-6):     # np.where instead of np.minimum
        n = _gnorm(grads)
        coef = np.where(n + eps > max_norm, max_norm / (n + eps), 1.0)
        return {k: _per_model(coef, g) * g for k, g in grads.items()}, n

    def einsum_norms(grads, max_norm):
        K = len(next(iter(grads.values())))
        sq = sum(np.einsum("ki,ki->k", g.reshape(K, -1), g.reshape(K, -1)) for g in grads.values())
        n = np.sqrt(sq)
        coef = np.minimum(1.0, np.asarray(max_norm) / (n + 1e-6))
        return {k: np.einsum("k,k...->k...", coef, g) for k, g in grads.items()}, n

    def copies_then_in_place(grads, max_norm):
        out = {k: g.copy() for k, g in grads.items()}
        n = _gnorm(out)
        for g in out.values():
            g *= _per_model(np.minimum(1.0, max_norm / (n + 1e-6)), g)
        return out, n

    def per_tensor_torch_style(grads, max_norm):   # each tensor by its own norm
        out = {}
        for k, g in grads.items():
            n = np.sqrt(np.sum(g ** 2, axis=tuple(range(1, g.ndim))))
            out[k] = _per_model(np.minimum(1.0, max_norm / (n + 1e-6)), g) * g
        return out, _gnorm(grads)

    def min_over_models(grads, max_norm):          # min(1.0, *coefs): one coefficient for all
        n = _gnorm(grads)
        coef = min(1.0, *np.ravel(max_norm / (n + 1e-6)))
        return {k: coef * g for k, g in grads.items()}, n

    def k_norms_builtin_min(grads, max_norm):      # section 1's min kept, norms per model
        n = _gnorm(grads)
        coef = min(1.0, max_norm / (n + 1e-6))
        return {k: _per_model(coef, g) * g for k, g in grads.items()}, n

    return [
        ("torch clip_grad_norm_ per model", torch_per_model, OK),
        ("clipping.clip_by_global_norm", library, OK),
        ("a list, norms a tuple", tuple_norms_list, OK),
        ("np.where, extra keyword", where_form, OK), ("einsum", einsum_norms, OK),
        ("norms a column (K, 1)", lambda g, c: (lambda cl, n: (cl, np.reshape(n, (-1, 1))))(
            *clipping.clip_by_global_norm(g, c, batched=True)), OK),
        ("copies, then in place", copies_then_in_place, OK),
        ("a loop over models, max_norm read both ways", lambda g, c: _clip_loop(
            g, c, index=np.ndim(c) > 0), OK),
        ("no eps (TF/optax)", lambda g, c: _clip_norm(g, c, eps=0.0), Hint(H["no_eps"])),
        ("eps 1e-8 (Adam's)", lambda g, c: _clip_norm(g, c, eps=1e-8), Hint(H["no_eps"])),
        ("per tensor", per_tensor_torch_style, Hint(H["per_tensor"])),
        ("norms after", lambda g, c: _clip_norm(g, c, after=True), Hint(H["norm_after"])),
        ("by value", lambda g, c: ({k: np.clip(v, -_per_model(c, v), _per_model(c, v))
                                    for k, v in g.items()}, _gnorm(g)), Hint(H["by_value"])),
        ("the smallest coefficient for every model", min_over_models,
         Hint(H["one_coefficient"])),
        ("min(1.0, K values)", k_norms_builtin_min, Hint("np.minimum(1.0, x)")),
        ("a loop over models, max_norm[k] only", lambda g, c: _clip_loop(g, c, index=True),
         Hint("you indexed a plain number")),
        ("a loop over models, one max_norm only", lambda g, c: _clip_loop(g, c, index=False),
         Hint("model k's own value x[k]")),
        ("a global norm over every model", lambda g, c: _clip_norm(
            g, c, norm=lambda d: np.full(len(next(iter(d.values()))),
                                         np.sqrt(sum(np.sum(v * v) for v in d.values())))),
         Hint(H["one_norm"])),
    ]


def _clip_loop(grads, max_norm, *, index):          # model by model, Python floats
    K = len(next(iter(grads.values())))
    out, norms = {k: np.empty_like(g) for k, g in grads.items()}, []
    for i in range(K):
        n = math.sqrt(sum(float(np.sum(g[i] ** 2)) for g in grads.values()))
        coef = min(1.0, (max_norm[i] if index else max_norm) / (n + 1e-6))
        for k, g in grads.items():
            out[k][i] = coef * g[i]
        norms.append(n)
    return out, np.array(norms)


def _r6_clip_value():
    H = lesson06.CLIP_VALUE_HINTS

    def loop_entries(grads, clip_value):           # a loop over models, math min/max per entry
        out = {}
        for k, g in grads.items():
            o = np.empty_like(g)
            for i in range(len(g)):
                c = float(clip_value[i])
                o[i] = np.vectorize(lambda x, c=c: max(-c, min(c, x)))(g[i])
            out[k] = o
        return out

    def torch_clamp(grads, clip_value):
        import torch
        out = {}
        for k, g in grads.items():
            c = torch.as_tensor(np.reshape(clip_value, (-1,) + (1,) * (g.ndim - 1)))
            out[k] = torch.clamp(torch.from_numpy(g), min=-c, max=c)
        return out

    def minimum_maximum(grads, clip_value):
        return {k: np.maximum(np.minimum(g, _per_model(clip_value, g)), -_per_model(clip_value, g))
                for k, g in grads.items()}

    def library(grads, clip_value):
        return clipping.clip_by_value(grads, clip_value)

    def list_threshold(grads, clip_value, inclusive=True):   # clip_value read as a list
        c = list(clip_value)
        return {k: np.stack([np.clip(g[i], -c[i], c[i]) for i in range(len(c))])
                for k, g in grads.items()}

    def float32(grads, clip_value):
        return {k: np.clip(g.astype(np.float32), -_per_model(clip_value, g).astype(np.float32),
                           _per_model(clip_value, g).astype(np.float32)) for k, g in grads.items()}

    c = lambda h, g: _per_model(h, g)  # noqa: E731
    return [
        ("per entry, Python min/max", loop_entries, OK), ("torch.clamp", torch_clamp, OK),
        ("np.maximum(np.minimum)", minimum_maximum, OK), ("clipping.clip_by_value", library, OK),
        ("a list, per model, extra keyword", list_threshold, OK), ("float32", float32, OK),
        ("one threshold (the first)", lambda g, h: {k: np.clip(v, -h[0], h[0])
                                                    for k, v in g.items()},
         Hint(H["one_threshold:first"])),
        ("upper only", lambda g, h: {k: np.minimum(v, c(h, v)) for k, v in g.items()},
         Hint(H["upper_only"])),
        ("[0, c]", lambda g, h: {k: np.clip(v, 0, c(h, v)) for k, v in g.items()},
         Hint(H["lower_zero"])),
        ("to zero outside", lambda g, h: {k: np.where(np.abs(v) > c(h, v), 0.0, v)
                                          for k, v in g.items()}, Hint(H["zeroed"])),
        ("|g| clipped", lambda g, h: {k: np.minimum(np.abs(v), c(h, v)) for k, v in g.items()},
         Hint(H["abs"])),
        ("weights only", lambda g, h: {k: np.clip(v, -c(h, v), c(h, v)) if k[0] == "W" else v
                                       for k, v in g.items()}, Hint(H["weights_only"])),
        ("np.clip(out=g)", lambda g, h: {k: np.clip(v, -c(h, v), c(h, v), out=v)
                                         for k, v in g.items()}, IN_PLACE),
    ]


def _r6_angle():
    H = lesson06.ANGLE_HINTS

    def loop_models(a, b):                         # a loop over models, math.acos
        K = len(next(iter(a.values())))
        out = []
        for k in range(K):
            u = np.concatenate([a[key][k].ravel() for key in a])
            v = np.concatenate([b[key][k].ravel() for key in a])
            cos = float(u @ v) / (math.sqrt(float(u @ u)) * math.sqrt(float(v @ v)))
            out.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
        return out

    def sums_per_key(a, b):                        # dot and norms summed key by key
        ax = lambda g: tuple(range(1, g.ndim))  # noqa: E731
        dot = sum(np.sum(a[k] * b[k], axis=ax(a[k])) for k in a)
        na = np.sqrt(sum(np.sum(a[k] ** 2, axis=ax(a[k])) for k in a))
        nb = np.sqrt(sum(np.sum(b[k] ** 2, axis=ax(b[k])) for k in a))
        return np.rad2deg(np.arccos(np.clip(dot / (na * nb), -1, 1)))

    def atan2_form(a, b):                          # more accurate, the lesson-09 way
        K = len(next(iter(a.values())))
        u = np.hstack([a[k].reshape(K, -1) for k in a])
        v = np.hstack([b[k].reshape(K, -1) for k in a])
        u = u / np.linalg.norm(u, axis=1, keepdims=True)
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        return np.degrees(2 * np.arctan2(np.linalg.norm(u - v, axis=1),
                                         np.linalg.norm(u + v, axis=1)))

    def torch_cos(a, b):
        import torch
        K = len(next(iter(a.values())))
        u = torch.cat([torch.from_numpy(a[k]).reshape(K, -1) for k in a], dim=1)
        v = torch.cat([torch.from_numpy(b[k]).reshape(K, -1) for k in a], dim=1)
        return torch.rad2deg(torch.arccos(torch.clamp(
            torch.nn.functional.cosine_similarity(u, v, dim=1), -1, 1)))

    def column(a, b, key_order=None):              # (K, 1)
        keys = sorted(a) if key_order is None else key_order
        return _deg(a, b, keys=keys)[:, None]

    def tuple_out(a, b):
        return tuple(_deg(a, b))

    return [
        ("loop over models, math.acos", loop_models, OK), ("sums key by key", sums_per_key, OK),
        ("2·atan2", atan2_form, OK), ("torch cosine_similarity", torch_cos, OK),
        ("a column, extra keyword", column, OK), ("a tuple", tuple_out, OK),
        ("radians", lambda a, b: np.radians(_deg(a, b)), Hint(H["radians"])),
        ("the cosine", lambda a, b: np.cos(np.radians(_deg(a, b))), Hint(H["cosine"])),
        ("90° − angle (arcsin)", lambda a, b: 90.0 - _deg(a, b), Hint(H["complement"])),
        ("mean of per-tensor angles", lambda a, b: np.mean(
            [_deg({k: a[k]}, {k: b[k]}) for k in a], axis=0), Hint(H["per_tensor_mean"])),
        ("one angle, repeated", lambda a, b: np.full(len(next(iter(a.values()))), _deg(
            {k: v.reshape(1, -1) for k, v in a.items()},
            {k: v.reshape(1, -1) for k, v in b.items()})[0]), Hint(H["one_angle"])),
        ("the K×K matrix", lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(
            (u / np.linalg.norm(u, axis=1, keepdims=True))
            @ (v / np.linalg.norm(v, axis=1, keepdims=True)).T, -1, 1))))(
            _rows(a), _rows(b, list(a))), Hint("u @ v.T")),
    ]


def _r6_momentum():
    H = lesson07.MOMENTUM_HINTS

    def python_lists(grads, lr, beta, dampening):  # lists of floats, a loop over steps
        out, buf = [], None
        for row in grads.tolist():
            buf = row if buf is None else [beta * b + (1 - dampening) * g
                                           for b, g in zip(buf, row, strict=True)]
            out.append([-lr * b for b in buf])
        return out

    def velocity_const_lr(grads, lr, beta, dampening):   # the velocity form: same at constant lr
        v = -lr * grads[0]
        out = [v]
        for g in grads[1:]:
            v = beta * v - lr * (1 - dampening) * g
            out.append(v)
        return np.vstack(out)

    def tuple_rows(grads, lr, beta, dampening, nesterov=False):
        return tuple(_momentum(grads, lr, beta, dampening))

    def closed_form(grads, lr, beta, dampening):   # b_t as a weighted sum of the gradients
        T = len(grads)
        t = np.arange(T)
        P = np.tril(beta ** (t[:, None] - t[None, :]).clip(0)) * (1 - dampening)
        P[:, 0] = beta ** t                        # the first gradient enters undamped
        return -lr * P @ grads

    def float32(grads, lr, beta, dampening):
        return _momentum(grads.astype(np.float32), np.float32(lr), np.float32(beta),
                         np.float32(dampening))

    def torch_float32(grads, lr, beta, dampening):  # torch's SGD on a float32 parameter
        import torch
        p = torch.zeros(grads.shape[1], requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr, momentum=beta, dampening=dampening)
        out = []
        for g in grads:
            before = p.detach().clone()
            p.grad = torch.tensor(g, dtype=torch.float32)
            opt.step()
            out.append(p.detach() - before)
        return torch.stack(out)

    def prints(grads, lr, beta, dampening):
        out = _momentum(grads, lr, beta, dampening)
        print("last step", out[-1])
        return out

    return [
        ("lists of floats", python_lists, OK), ("velocity form", velocity_const_lr, OK),
        ("a tuple of rows, extra keyword", tuple_rows, OK), ("a closed form", closed_form, OK),
        ("float32", float32, OK), ("prints", prints, OK),
        ("torch SGD, float32 tensors", torch_float32, OK),
        ("b₀ = 0 (first step damped)", lambda G, lr, beta, tau: _momentum(
            G, lr, beta, tau, first=lambda g, tau: (1 - tau) * g), Hint(H["first_damped"])),
        ("Nesterov", lambda G, lr, beta, tau: _nesterov(G, lr, beta, tau), Hint(H["nesterov"])),
        ("dampening swapped (τ·g)", lambda G, lr, beta, tau: _momentum(
            G, lr, beta, tau, damp=lambda tau: tau), Hint(H["damp_swapped"])),
        ("rows in reverse", lambda *a: _momentum(*a)[::-1], Hint(H["reversed"])),
        ("one step late", lambda G, lr, beta, tau: np.vstack(
            [np.zeros_like(G[:1]), _momentum(G, lr, beta, tau)[:-1]]), Hint(H["one_step_late"])),
        ("no lr", lambda G, lr, beta, tau: _momentum(G, 1.0, beta, tau), Hint(H["no_lr"])),
    ]


def _nesterov(grads, lr, beta, tau):
    out, buf = [], None
    for g in grads:
        buf = g if buf is None else beta * buf + (1 - tau) * g
        out.append(-lr * (g + beta * buf))
    return np.array(out)


def _r6_cosine():
    H = lesson07.COSINE_HINTS

    def loop_math(t, base, total_steps, min_value):  # a per-step loop, math.cos, an array back
        out = np.empty(len(t))
        for i, s in enumerate(t):
            frac = min(float(s), total_steps) / total_steps
            out[i] = min_value + (base - min_value) * 0.5 * (1 + math.cos(math.pi * frac))
        return out

    def slow_loop(t, base, total_steps, min_value):  # slow but correct: 2000 passes per call
        for _ in range(2000):
            out = [min_value + (base - min_value) * (1 + math.cos(math.pi * min(s, total_steps)
                                                                  / total_steps)) / 2
                   for s in np.asarray(t).tolist()]
        return out

    def piecewise(t, base, total_steps, min_value):
        return np.piecewise(np.asarray(t, dtype=float), [np.asarray(t) < total_steps],
                            [lambda s: min_value + (base - min_value) * 0.5
                             * (1 + np.cos(np.pi * s / total_steps)), min_value])

    def torch_cos(t, base, total_steps, min_value):  # t as a tensor that requires grad
        import torch
        s = torch.clamp(torch.tensor(np.asarray(t, dtype=float), requires_grad=True),
                        max=total_steps)
        return min_value + (base - min_value) * 0.5 * (1 + torch.cos(math.pi * s / total_steps))

    def float32_t(t, base, total_steps, min_value, warmup=0):   # an unused keyword
        s = np.minimum(np.asarray(t, dtype=np.float32), np.float32(total_steps))
        return min_value + (base - min_value) * 0.5 * (1 + np.cos(np.pi * s / total_steps))

    def tuple_out(t, base, total_steps, min_value):
        return tuple(_cos(t, base, total_steps, min_value))

    def builtin_min(t, base, total_steps, min_value):   # Python's min on the array of steps
        return min_value + (base - min_value) * 0.5 * (1 + np.cos(np.pi * min(t, total_steps)
                                                                  / total_steps))

    return [
        ("per-step loop, math.cos", loop_math, OK), ("slow loop (2000 passes)", slow_loop, OK),
        ("np.piecewise", piecewise, OK), ("torch", torch_cos, OK),
        ("float32 steps, extra keyword", float32_t, OK), ("a tuple", tuple_out, OK),
        ("Python's min on the array", builtin_min, Hint("np.minimum(1.0, x)")),
        ("no ½", lambda t, b, T, m: m + (b - m) * (1 + np.cos(np.pi * np.minimum(t, T) / T)),
         Hint(H["no_div2"])),
        ("min_value ignored", lambda t, b, T, m: b * 0.5 * (1 + np.cos(np.pi * np.minimum(t, T)
                                                                    / T)),
         Hint(H["min_ignored"])),
        ("0 after T", lambda t, b, T, m: np.where(np.asarray(t) > T, 0.0, _cos(t, b, T, m)),
         Hint(H["zero_after"])),
        ("PyTorch's climb back", lambda t, b, T, m: _cos(t, b, T, m, f=lambda t, T: t / T),
         Hint(H["not_held"])),
        ("sin instead of cos", lambda t, b, T, m: _cos(
            t, b, T, m, f=lambda t, T: 1 - np.minimum(t, T) / T), Hint(H["upside_down"])),
    ]


def _r6_adamw():
    H = lesson08.ADAMW_HINTS
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS

    def torch_adamw(w, g, m, v, t, lr, wd):        # torch's AdamW with its state set to m, v
        import torch
        p = torch.tensor(w, requires_grad=True)
        opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd, betas=(B1, B2), eps=EPS)
        p.grad = torch.tensor(g)
        opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m),
                        "exp_avg_sq": torch.tensor(v)}
        opt.step()
        s = opt.state[p]
        return p.detach().numpy(), s["exp_avg"].numpy(), s["exp_avg_sq"].numpy()

    def python_floats(w, g, m, v, t, lr, wd):      # element by element, math.sqrt
        W, M, V = (np.array(x, dtype=float, copy=True) for x in (w, m, v))
        for i in np.ndindex(W.shape):
            M[i] = B1 * M[i] + (1 - B1) * g[i]
            V[i] = B2 * V[i] + (1 - B2) * g[i] ** 2
            mh, vh = M[i] / (1 - B1 ** t), V[i] / (1 - B2 ** t)
            W[i] = W[i] * (1 - lr * wd) - lr * mh / (math.sqrt(vh) + EPS)
        return W, M, V

    def step_size_form(w, g, m, v, t, lr, wd):     # torch's own arrangement of the same step
        m = m * B1 + g * (1 - B1)
        v = v * B2 + g * g * (1 - B2)
        step_size = lr / (1 - B1 ** t)
        denom = np.sqrt(v) / math.sqrt(1 - B2 ** t) + EPS
        return w * (1 - lr * wd) - step_size * m / denom, m, v

    def list_out(w, g, m, v, t, lr, wd, amsgrad=False):
        return list(_adamw(w, g, m, v, t, lr, wd))

    def float32(w, g, m, v, t, lr, wd):
        f = lambda x: np.asarray(x, dtype=np.float32)  # noqa: E731
        return _adamw(f(w), f(g), f(m), f(v), t, np.float32(lr), np.float32(wd))

    def torch_stack(*args):                        # the triple stacked into one tensor
        import torch
        return torch.stack([torch.from_numpy(np.asarray(x)) for x in _adamw(*args)])

    def order(w, g, m, v, t, lr, wd):              # the decay applied last, to the old w
        m2, v2 = B1 * m + (1 - B1) * g, B2 * v + (1 - B2) * g * g
        step = (m2 / (1 - B1 ** t)) / (np.sqrt(v2 / (1 - B2 ** t)) + EPS)
        return w - lr * step - lr * wd * w, m2, v2

    return [
        ("torch.optim.AdamW with its state", torch_adamw, OK),
        ("element by element", python_floats, OK), ("torch's step_size form", step_size_form, OK),
        ("a list, extra keyword", list_out, OK), ("float32", float32, OK),
        ("np.array([w, m, v])", lambda *a: np.array(_adamw(*a)), OK),
        ("torch.stack", torch_stack, OK),
        ("decay subtracted last, from the old w", order, OK),
        ("Adam + L2 (torch Adam(weight_decay))", lambda *a: _adamw(*a, coupled=True),
         Hint(H["coupled"])),
        ("Keras l2(wd): 2·wd·w in the gradient", lambda w, g, m, v, t, lr, wd: _adamw(
            w, g, m, v, t, lr, 2 * wd, coupled=True), Hint(H["coupled_keras"])),
        ("the paper's λ: shrink by wd alone", lambda *a: _adamw(*a, decay=a[6]),
         Hint(H["decay_without_lr"])),
        ("no bias correction", lambda *a: _adamw(*a, correct=False), Hint(H["no_bias_correction"])),
        ("ε inside the root", lambda *a: _adamw(*a, eps_in=True), Hint(H["eps_inside"])),
        ("t + 1 in the correction", lambda w, g, m, v, t, lr, wd: _adamw(w, g, m, v, t + 1, lr, wd),
         Hint(H["t_off_by_one"])),
        ("the new weights shrunk", _adamw_shrink_new, Hint(H["shrink_new"])),
        ("a dict {'w', 'm', 'v'}", lambda *a: dict(zip("wmv", _adamw(*a), strict=True)),
         Hint("not a dict")),
        ("w updated in place", lambda w, g, m, v, t, lr, wd: _adamw_in_place(
            w, g, m, v, t, lr, wd), IN_PLACE),
    ]


def _adamw_shrink_new(w, g, m, v, t, lr, wd):     # Adam's step first, then the shrink
    w_adam, m, v = _adamw(w, g, m, v, t, lr, 0.0)
    return w_adam * (1 - lr * wd), m, v


def _adamw_in_place(w, g, m, v, t, lr, wd):
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS
    m *= B1
    m += (1 - B1) * g
    v *= B2
    v += (1 - B2) * g * g
    w *= 1 - lr * wd
    w -= lr * (m / (1 - B1 ** t)) / (np.sqrt(v / (1 - B2 ** t)) + EPS)
    return w, m, v


def _r6_fixed_points():
    H = lesson08.FIXED_POINT_HINTS
    EPS = lesson08.EPS

    def loops(g, lam):                             # entry by entry, math functions
        a = np.empty_like(g)
        b = np.empty_like(g)
        for i, gi in np.ndenumerate(g):
            a[i] = -gi / lam
            b[i] = -math.copysign(1.0, gi) * abs(gi) / (lam * (abs(gi) + EPS))
        return a, b

    def sign_form(g, lam):                         # sign(g)·|g|/(|g| + ε)
        return -g / lam, -np.sign(g) / lam * (np.abs(g) / (np.abs(g) + EPS))

    def torch_form(g, lam):
        import torch
        gt = torch.from_numpy(g)
        return (-gt / lam).numpy(), (-gt / (lam * (gt.abs() + EPS))).numpy()

    def with_eps_kwarg(g, lam, eps=EPS):
        return -g / lam, -g / (lam * (np.abs(g) + eps))

    def divide_form(g, lam):
        return np.divide(-g, lam), np.divide(-np.sign(g), lam) / (1 + EPS / np.abs(g))

    def float32(g, lam):
        g32 = g.astype(np.float32)
        return -g32 / np.float32(lam), -np.sign(g32) / np.float32(lam)

    return [
        ("entry by entry", loops, OK), ("sign·|g|/(|g|+ε)", sign_form, OK),
        ("torch", torch_form, OK), ("ε as a keyword", with_eps_kwarg, OK),
        ("np.divide, 1/(1 + ε/|g|)", divide_form, OK), ("float32, no ε", float32, OK),
        ("np.stack of the pair", lambda g, lam: np.stack([-g / lam, -np.sign(g) / lam]), OK),
        ("AdamW like L2 (−g/λ twice)", lambda g, lam: (-g / lam, -g / lam),
         Hint(H["adamw_like_l2"])),
        ("signs flipped", lambda g, lam: (g / lam, g / (lam * (np.abs(g) + EPS))),
         Hint(H["sign"])),
        ("AdamW without the sign", lambda g, lam: (-g / lam, np.full_like(g, -1 / lam)),
         REFUSED),
        ("AdamW by √|g|", lambda g, lam: (-g / lam, -g / (lam * np.sqrt(np.abs(g)))), REFUSED),
        ("columns (n, 1) for g of shape (3, 4)", lambda g, lam: (
            (-g / lam).reshape(-1, 1), (-np.sign(g) / lam).reshape(-1, 1)), REFUSED),
        ("a dict", lambda g, lam: {"adam_l2": -g / lam, "adamw": -np.sign(g) / lam}, REFUSED),
        ("L2's by the lr-free AdamW box, swapped", lambda g, lam: (-np.sign(g) / lam, -g / lam),
         Hint("swapped")),
    ]


def _r6_angular():
    H = lesson09.ANGLE_HINTS

    def loops(w_old, w_new):                       # Python sums over entries
        a, b = w_old.ravel().tolist(), w_new.ravel().tolist()
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
        return math.acos(max(-1.0, min(1.0, dot / (na * nb))))

    def vdot(w_old, w_new):                        # np.vdot flattens by itself
        c = np.vdot(w_old, w_new) / (np.linalg.norm(w_old) * np.linalg.norm(w_new))
        return np.arccos(np.clip(c, -1.0, 1.0))

    def cross_sine(w_old, w_new):                  # atan2 of |sin| and cos, via the Gram matrix
        a, b = w_old.reshape(-1), w_new.reshape(-1)
        c = a @ b
        s = math.sqrt(max((a @ a) * (b @ b) - c * c, 0.0))
        return math.atan2(s, c)

    def copies(w_old, w_new, eps=0.0):
        a, b = w_old.copy().ravel(), w_new.copy().ravel()
        a /= np.linalg.norm(a)
        b /= np.linalg.norm(b)
        return 2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))

    def torch_requires_grad(w_old, w_new):         # autograd-ready tensors, returned as is
        import torch
        a, b = torch.tensor(w_old, requires_grad=True), torch.tensor(w_new)
        c = (a.flatten() @ b.flatten()) / (a.norm() * b.norm())
        return torch.arccos(torch.clamp(c, -1, 1))

    def zero_d(w_old, w_new):
        return np.asarray(np.arccos(np.clip(np.sum(w_old * w_new) / np.sqrt(
            np.sum(w_old ** 2) * np.sum(w_new ** 2)), -1, 1)))

    def float32(w_old, w_new):
        a, b = w_old.astype(np.float32).ravel(), w_new.astype(np.float32).ravel()
        a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
        return 2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))

    return [
        ("Python sums, math.acos", loops, OK), ("np.vdot", vdot, OK),
        ("atan2(|sin|, cos)", cross_sine, OK), ("copies first, extra keyword", copies, OK),
        ("a 0-d array", zero_d, OK), ("float32", float32, OK),
        ("torch, requires_grad", torch_requires_grad, OK),
        ("degrees", lambda a, b: math.degrees(loops(a, b)), Hint(H["degrees"])),
        ("the cosine", lambda a, b: math.cos(loops(a, b)), Hint(H["cosine"])),
        ("arccos of the dot", lambda a, b: np.arccos(np.clip(np.vdot(a, b), -1, 1)),
         Hint(H["unnormalized_arccos"])),
        ("‖Δw‖/‖w‖", lambda a, b: np.linalg.norm(b - a) / np.linalg.norm(a),
         Hint(H["relative_step"])),
        ("arcsin of the cosine", lambda a, b: np.pi / 2 - loops(a, b), Hint(H["complement"])),
        ("normalized through ravel()", lambda a, b: (
            lambda u, v: (u.__itruediv__(np.linalg.norm(u)), v.__itruediv__(np.linalg.norm(v)),
                          float(np.arccos(np.clip(u @ v, -1, 1))))[2])(a.ravel(), b.ravel()),
         IN_PLACE),
    ]


def _r6_eq_angle():
    H = lesson09.EQ_ANGLE_HINTS

    def branches(optimizer, lr, lam):              # if/else, Python floats
        if optimizer == "sgd":
            d = lr * lam
        elif optimizer == "sgdw":
            d = lam
        else:
            raise ValueError(f"optimizer must be 'sgd' or 'sgdw', got {optimizer!r}")
        return math.acos(1.0 - d)

    def dict_lookup(optimizer, lr, lam):
        d = {"sgd": lr * lam, "sgdw": lam}[optimizer]
        return float(np.arctan2(np.sqrt(d * (2 - d)), 1 - d))

    def zero_d(optimizer, lr, lam, momentum=0.0):
        d = lr * lam if optimizer == "sgd" else lam
        return np.arccos(np.asarray(1 - d))

    def from_norms(optimizer, lr, lam):            # cos θ = ‖(1−d)w‖/‖w_new‖, ‖w_new‖² = ‖w‖²
        d = lr * lam if optimizer == "sgd" else lam
        return math.atan(math.sqrt(1 / (1 - d) ** 2 - 1))

    def upper(optimizer, lr, lam):                # any capitalization, "SGD" or "sgd"
        return math.acos(1 - (lam if optimizer.upper() == "SGDW" else lr * lam))

    def torch_acos(optimizer, lr, lam):
        import torch
        d = lr * lam if optimizer == "sgd" else lam
        return torch.acos(torch.tensor(1 - d, dtype=torch.float64))

    def one_tuple(optimizer, lr, lam):
        d = lr * lam if optimizer == "sgd" else lam
        return (math.acos(1 - d),)

    s = _shrink
    return [
        ("if/elif, math.acos", branches, OK), ("dict, arctan2", dict_lookup, OK),
        ("a 0-d array, extra keyword", zero_d, OK), ("from the norms", from_norms, OK),
        ("torch.acos", torch_acos, OK), (".upper()", upper, OK),
        ("a one-item tuple", one_tuple, OK),
        ("√(2·d)", lambda o, lr, lam: math.sqrt(2 * s(o, lr, lam)), Hint(H["small_d"])),
        ("degrees", lambda o, lr, lam: math.degrees(math.acos(1 - s(o, lr, lam))),
         Hint(H["degrees"])),
        ("sgd with λ alone", lambda o, lr, lam: math.acos(1 - lam), Hint(H["sgd_like_sgdw"])),
        ("sgdw with lr·λ", lambda o, lr, lam: math.acos(1 - lr * lam), Hint(H["sgdw_like_sgd"])),
        ("tan θ", lambda o, lr, lam: (lambda d: math.sqrt(d * (2 - d)) / (1 - d))(s(o, lr, lam)),
         Hint(H["tan"])),
        ("√(2·lr·λ) for both", lambda o, lr, lam: math.sqrt(2 * lr * lam), REFUSED),
    ]


def _r6_eq_norm():
    H = lesson09.EQ_NORM_HINTS

    def iterate(lr, lam, g_tilde_sq):              # iterate the norm recursion to rest
        n2 = 1.0
        for _ in range(100_000):
            n2 = (1 - lr * lam) ** 2 * n2 + lr * lr * g_tilde_sq / n2
        return math.sqrt(n2)

    def pow_quarter(lr, lam, g_tilde_sq):
        return math.pow(lr * g_tilde_sq / (lam * (2 - lr * lam)), 0.25)

    def zero_d(lr, lam, g_tilde_sq, exact=True):
        return np.asarray(np.power(lr * g_tilde_sq / (lam * (2 - lr * lam)), 1 / 4))

    def float32(lr, lam, g_tilde_sq):
        return np.float32(lr * g_tilde_sq / (lam * (2 - lr * lam))) ** np.float32(0.25)

    def torch_form(lr, lam, g_tilde_sq):
        import torch
        return torch.tensor(lr * g_tilde_sq / (lam * (2 - lr * lam)), dtype=torch.float64) ** 0.25

    def sqrt_of_sqrt(lr, lam, g_tilde_sq):
        return math.sqrt(math.sqrt(lr) * math.sqrt(g_tilde_sq) / math.sqrt(lam * (2 - lr * lam)))

    ex4 = lambda lr, lam, gt: lr * gt / (lam * (2 - lr * lam))  # noqa: E731
    return [
        ("iterated to rest (slow)", iterate, OK), ("math.pow", pow_quarter, OK),
        ("a 0-d array, extra keyword", zero_d, OK), ("float32", float32, OK),
        ("torch", torch_form, OK), ("√ of √", sqrt_of_sqrt, OK),
        ("‖w‖⁴", ex4, Hint(H["fourth_power"])), ("‖w‖²", lambda *a: ex4(*a) ** 0.5,
                                                Hint(H["square"])),
        ("(lr·g̃²/(2λ))^¼", lambda lr, lam, gt: (lr * gt / (2 * lam)) ** 0.25, Hint(H["approx"])),
        ("lr²", lambda lr, lam, gt: (lr * lr * gt / (lam * (2 - lr * lam))) ** 0.25,
         Hint(H["lr_squared"])),
        ("(2 + lr·λ)", lambda lr, lam, gt: (lr * gt / (lam * (2 + lr * lam))) ** 0.25, REFUSED),
        ("cube root", lambda *a: ex4(*a) ** (1 / 3), REFUSED),
    ]


ROUND6 = {
    lesson00.check_half_mse: _r6_half_mse,
    lesson01.check_count_params: _r6_count_params,
    lesson01.check_ridge_fit: _r6_ridge_fit,
    lesson02.check_l2_grad: _r6_l2_grad,
    lesson02.check_lam_for_df: _r6_lam_for_df,
    lesson02.check_early_stopping_lambda: _r6_early_stopping,
    lesson03.check_soft_threshold: _r6_soft_threshold,
    lesson03.check_prox_lasso_step: _r6_prox,
    lesson03.check_max_norm: _r6_max_norm,
    lesson04.check_cv_loss: _r6_cv_loss,
    lesson04.check_one_se_rule: _r6_one_se,
    lesson05.check_leaky_relu_std: _r6_leaky,
    lesson05.check_backprop_tanh: _r6_backprop,
    lesson06.check_clip_by_norm: _r6_clip_norm,
    lesson06.check_clip_by_value: _r6_clip_value,
    lesson06.check_angle: _r6_angle,
    lesson07.check_momentum_updates: _r6_momentum,
    lesson07.check_cosine_lr: _r6_cosine,
    lesson08.check_adamw_step: _r6_adamw,
    lesson08.check_fixed_points: _r6_fixed_points,
    lesson09.check_angular_step: _r6_angular,
    lesson09.check_equilibrium_angle: _r6_eq_angle,
    lesson09.check_equilibrium_norm: _r6_eq_norm,
}


# --------------------------------------------------------------------------- round 7
#
# Round 7 read every prompt again for what rounds 1-6 did not try: other methods for the same
# value (lstsq on an augmented system, pinv, Cholesky, an SVD, scikit-learn, scipy's brentq,
# lfilter, a lower-triangular matrix of β powers, torch's own optimizers and schedulers with
# their state set by hand), namedtuples and stacked arrays, boundary inputs the prompts allow
# (soft_threshold at t = 0), rounding for display, math-module functions and Python's min on
# arrays, inputs changed through views, out= and .shape, and misreadings such as gradient flow
# for gradient descent, each dict in its own key order, or β and dampening swapped.

def _r7_rounded(fn, d):
    """``fn`` with its (one-number) answer rounded for display to ``d`` decimals."""
    return lambda *a: round(float(fn(*a)), d)


def _r7_half_mse():
    H = lesson00.HALF_MSE_HINTS
    right = lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2)  # noqa: E731

    def checks_itself(yhat, y):                   # the checker's line indented into the def
        lesson00.check_half_mse(checks_itself)
        return right(yhat, y)

    return [
        ("the checker called inside the function", checks_itself, Hint("inside itself")),
        ("(y − ŷ)², the other way round", lambda yhat, y: 0.5 * np.mean((y - yhat) ** 2), OK),
        ("statistics.fmean", lambda yhat, y: __import__("statistics").fmean(
            ((yhat - y) ** 2).ravel().tolist()) / 2, OK),
        ("a Fraction", lambda yhat, y: __import__("fractions").Fraction(float(right(yhat, y))),
         OK),
        ("np.longdouble", lambda yhat, y: np.longdouble(right(yhat, y)), OK),
        ("Σ/(2·len(yhat.T)): len of the transpose is 1", lambda yhat, y: np.sum(
            (yhat - y) ** 2) / (2 * len(yhat.T)), Hint(H["sum"])),
        ("½·(mean ŷ − mean y)²", lambda yhat, y: 0.5 * (np.mean(yhat) - np.mean(y)) ** 2,
         Hint(H["square_of_mean"])),
        ("rounded to 3 decimals", _r7_rounded(right, 3), Hint("rounded to 3 decimals")),
        ("rounded to 6 decimals", _r7_rounded(right, 6), Hint("rounded to 6 decimals")),
        ('f"{loss:g}": 6 significant digits', lambda yhat, y: float(f"{right(yhat, y):g}"),
         Hint("rounded to 6 significant digits")),
        ('f"{loss:.4g}"', lambda yhat, y: float(f"{right(yhat, y):.4g}"),
         Hint("rounded to 4 significant digits")),
        ("float32, rounded to 3 decimals", lambda yhat, y: np.round(np.float32(right(yhat, y)),
                                                                    3),
         Hint("rounded to 3 decimals")),
        ("the notebook's yhat and y, not the arguments", lambda yhat, y: right(
            *np.split(np.linspace(-1.0, 1.0, 40).reshape(-1, 1) ** 3, 2)),
         Hint("same answer on all")),
        ("per sample, axis=1", lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2, axis=1),
         Hint("return one number")),
        ("`if` on the arrays", lambda yhat, y: right(yhat, y) if yhat.any() > y else 0.0,
         REFUSED),
    ]


def _r7_count_params():
    H = lesson01.COUNT_PARAMS_HINTS
    layers = lambda s: list(zip(s[:-1], s[1:], strict=True))  # noqa: E731

    def torch_layers(sizes):
        import torch
        net = torch.nn.Sequential(*[torch.nn.Linear(a, b) for a, b in layers(sizes)])
        return sum(p.numel() for p in net.parameters())

    return [
        ("np.dot of (fan_in + 1) and fan_out", lambda s: int(np.dot(np.add(s[:-1], 1), s[1:])),
         OK),
        ("torch.nn.Linear layers", torch_layers, OK),
        ("the library's MLP", lambda s: __import__("wdlib.models", fromlist=["MLP"]).MLP(
            sizes=tuple(s)).num_params(), OK),
        ("per-layer list", lambda s: [(a + 1) * b for a, b in layers(s)],
         Hint("return one number")),
        ("hidden biases only", lambda s: sum(a * b for a, b in layers(s)) + sum(s[1:-1]),
         Hint(H["no_output_bias"])),
        ("a·(b + 1)", lambda s: sum(a * (b + 1) for a, b in layers(s)),
         Hint(H["bias_per_input"])),
        ("Σ sizes²", lambda s: sum(x * x for x in s), REFUSED),
        ("the lesson's (2, 32, 32, 1) hard-coded", lambda s: sum(
            (a + 1) * b for a, b in layers((2, 32, 32, 1))), REFUSED),
    ]


def _r7_ridge_fit():
    H = lesson01.RIDGE_HINTS

    def centred(F, y):
        return F - F.mean(axis=0), (y - y.mean(axis=0)).ravel()

    def augmented_lstsq(F, y, lam):               # [Fc; √(nλ) I] w ≈ [yc; 0]
        n, d = F.shape
        Fc, yc = centred(F, y)
        A = np.vstack([Fc, np.sqrt(n * lam) * np.eye(d)])
        w = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(d)]), rcond=None)[0]
        return w, float(y.mean() - F.mean(axis=0) @ w)

    def pinv(F, y, lam):
        n, d = F.shape
        Fc, yc = centred(F, y)
        w = np.linalg.pinv(Fc.T @ Fc / n + lam * np.eye(d)) @ (Fc.T @ yc / n)
        return w, y.mean() - F.mean(axis=0) @ w

    def cholesky(F, y, lam):
        n, d = F.shape
        Fc, yc = centred(F, y)
        L = np.linalg.cholesky(Fc.T @ Fc + n * lam * np.eye(d))
        w = np.linalg.solve(L.T, np.linalg.solve(L, Fc.T @ yc))
        return w, y.mean() - F.mean(axis=0) @ w

    def svd(F, y, lam):
        n = len(F)
        Fc, yc = centred(F, y)
        U, s, Vt = np.linalg.svd(Fc, full_matrices=False)
        w = Vt.T @ (s / (s ** 2 + n * lam) * (U.T @ yc))
        return w, y.mean() - F.mean(axis=0) @ w

    def penalty_matrix(F, y, lam):               # [1, F] with the intercept's λ set to 0
        n, d = F.shape
        A = np.hstack([np.ones((n, 1)), F])
        P = np.eye(d + 1)
        P[0, 0] = 0.0
        sol = np.linalg.solve(A.T @ A / n + lam * P, A.T @ y.ravel() / n)
        return sol[1:], sol[0]

    def sklearn_ridge(F, y, lam):                 # scikit-learn's alpha is n·λ
        from sklearn.linear_model import Ridge
        m = Ridge(alpha=len(F) * lam).fit(F, y)
        return m.coef_, m.intercept_

    R = __import__("collections").namedtuple("Ridge", "w b")
    return [
        ("lstsq on [Fc; √(nλ)I]", augmented_lstsq, OK), ("pinv", pinv, OK),
        ("Cholesky", cholesky, OK), ("SVD", svd, OK),
        ("λ·P, the intercept's entry 0", penalty_matrix, OK),
        ("scikit-learn Ridge(alpha=nλ)", sklearn_ridge, OK),
        ("a namedtuple (w, b)", lambda F, y, lam: R(*svd(F, y, lam)), OK),
        ("b first", lambda F, y, lam: svd(F, y, lam)[::-1], Hint("outputs swapped")),
        ("scikit-learn Ridge(alpha=λ)", lambda F, y, lam: sklearn_ridge(F, y, lam / len(F)),
         Hint(H["lam_not_scaled"])),
        ("b inside w", lambda F, y, lam: (np.append(svd(F, y, lam)[1], svd(F, y, lam)[0]), 0.0),
         Hint("wrong shape for output 'w'")),
        ("−b", lambda F, y, lam: (svd(F, y, lam)[0], -svd(F, y, lam)[1]), REFUSED),
    ]


def _r7_l2_grad():
    H = lesson02.L2_GRAD_HINTS
    pm = _per_model

    def einsum(params, lam):
        return {k: np.einsum("k,k...->k...", lam, v) if k[0] == "W" else 0 * v
                for k, v in params.items()}

    def shape_restored(params, lam):              # lam.shape set and put back: unchanged
        out = {}
        for k, v in params.items():
            if k.startswith("W"):
                lam.shape = (-1,) + (1,) * (v.ndim - 1)
                out[k] = lam * v
                lam.shape = (-1,)
            else:
                out[k] = np.zeros_like(v)
        return out

    def shape_left(params, lam):                  # lam.shape set and left: changed
        lam.shape = (-1, 1, 1)
        return {k: lam * v if k[0] == "W" else np.zeros_like(v) for k, v in params.items()}

    def reassigned(params, lam):                  # params[k] = ...: the caller's dict changes
        for k in list(params):
            params[k] = pm(lam, params[k]) * params[k] if k[0] == "W" else 0 * params[k]
        return params

    return [
        ("np.einsum('k,k...->k...')", einsum, OK), ("'W' in key", lambda p, lam: {
            k: pm(lam, v) * v if "W" in k else np.zeros_like(v) for k, v in p.items()}, OK),
        ("lam.shape set, then put back", shape_restored, OK),
        ("lam.shape set and left", shape_left, Hint("input `lam` in place")),
        ("params[k] = ... in the caller's dict", reassigned, IN_PLACE),
        ("mean λ for every model", lambda p, lam: {
            k: np.mean(lam) * v if k[0] == "W" else 0 * v for k, v in p.items()},
         Hint(H["one_lam:mean"])),
        ("λ/2·W", lambda p, lam: {k: pm(lam, v) * v / 2 if k[0] == "W" else 0 * v
                                  for k, v in p.items()}, REFUSED),
        ("the penalty's value per model", lambda p, lam: sum(
            0.5 * np.sum(pm(lam, v) * v ** 2, axis=tuple(range(1, v.ndim)))
            for k, v in p.items() if k[0] == "W"), Hint("that is the penalty's value")),
    ]


def _r7_lam_for_df():
    H = lesson02.LAM_FOR_DF_HINTS

    def e_of(X):
        return np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2 / len(X)

    def brentq(X, df):
        from scipy.optimize import brentq as root
        e = np.linalg.eigvalsh(np.cov(X.T, bias=True))
        return root(lambda lam: np.sum(e / (e + lam)) - df, 1e-12, 1e12, xtol=1e-14)

    def newton_log(X, df):                        # Newton on u = log λ, stopped at |Δdf| < 1e-8
        e, u = e_of(X), 0.0
        for _ in range(100):
            h = e / (e + np.exp(u))
            if abs(h.sum() - df) < 1e-8:
                break
            u += (h.sum() - df) / np.sum(h * (1 - h))
        return np.exp(u)

    def bisect_linear(X, df):                     # bisection on λ itself, to 1e-8
        e, lo, hi = e_of(X), 0.0, 1e6
        while hi - lo > 1e-8:
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.sum(e / (e + mid)) > df else (lo, mid)
        return (lo + hi) / 2

    def fsolve_log(X, df):                        # a one-item array, from scipy's fsolve
        from scipy.optimize import fsolve
        e = e_of(X)
        return np.exp(fsolve(lambda u: np.sum(e / (e + np.exp(u))) - df, 0.0))

    return [
        ("brentq on np.cov(bias=True)'s eigenvalues", brentq, OK),
        ("Newton on log λ", newton_log, OK), ("bisection on λ, to 1e-8", bisect_linear, OK),
        ("fsolve on log λ, exp of it", fsolve_log, OK),
        ("np.cov's default ddof", lambda X, df: brentq(X * np.sqrt(len(X) / (len(X) - 1)), df),
         Hint(H["ddof"])),
        ("fsolve's log λ returned", lambda X, df: np.log(fsolve_log(X, df)), Hint(H["ln"])),
        ("df rounded to an integer", lambda X, df: brentq(X, round(df)), REFUSED),
        ("minimize_scalar((df(λ) − df)²), default tolerance", lambda X, df: np.exp(
            __import__("scipy.optimize", fromlist=["minimize_scalar"]).minimize_scalar(
                lambda u: (np.sum(e_of(X) / (e_of(X) + np.exp(u))) - df) ** 2,
                bounds=(-20, 20), method="bounded").x), Hint("stop at a tolerance")),
    ]


def _r7_early_stopping():
    H = lesson02.EARLY_STOP_HINTS

    def e_of(X):
        return np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2 / len(X)

    def expm1(X, lr, T):                          # e / ((1 − lr·e)^−T − 1), accurate
        e = e_of(X)
        return e / np.expm1(-T * np.log1p(-lr * e))

    def simulated(X, lr, T):                      # the fraction covered, step by step
        e, f = e_of(X), 0.0
        for _ in range(T):
            f = f + lr * e * (1 - f)
        return e * (1 - f) / f

    def eigh(X, lr, T):
        e = np.linalg.eigvalsh(np.cov(X.T, bias=True))[::-1]
        q = (1 - lr * e) ** T
        return e * q / (1 - q)

    return [
        ("e/expm1(−T·log1p(−lr·e))", expm1, OK), ("the covered fraction step by step",
                                                   simulated, OK),
        ("eigvalsh of np.cov(bias=True), flipped", eigh, OK),
        ("gradient flow, exp(−lr·e·T)", lambda X, lr, T: (
            lambda e: e / np.expm1(lr * e * T))(e_of(X)), Hint(H["continuous"])),
        ("eigvalsh's ascending order", lambda X, lr, T: eigh(X, lr, T)[::-1],
         Hint(H["ascending"])),
        ("T − 1 steps", lambda X, lr, T: (lambda e, q: e * q / (1 - q))(
            e_of(X), (1 - lr * e_of(X)) ** (T - 1)), Hint(H["off_by_one"])),
        ("removed over kept", lambda X, lr, T: 1 / eigh(X, lr, T), REFUSED),
    ]


def _r7_soft_threshold():
    H = lesson03.SOFT_THRESHOLD_HINTS

    def shrink_factor(w, t):                      # w·max(0, 1 − t/|w|): 0/0 at w = 0, t = 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return w * np.maximum(0.0, 1.0 - t / np.abs(w))

    def softshrink(w, t):
        import torch
        return torch.nn.functional.softshrink(torch.from_numpy(w), t).numpy()

    return [
        ("shrink factor, NaN set to 0", lambda w, t: np.nan_to_num(shrink_factor(w, t)), OK),
        ("max(|w|, t) − t, signed", lambda w, t: np.sign(w) * (np.maximum(np.abs(w), t) - t),
         OK),
        ("torch softshrink", softshrink, OK),
        ("w − clip(w, −t, t)", lambda w, t: w - np.clip(w, -t, t), OK),
        ("shrink factor, 0/0 at w = 0 when t = 0", shrink_factor, Hint("0/0")),
        ("Python's max on the array", lambda w, t: np.sign(w) * max(np.abs(w) - t, 0),
         Hint("np.maximum")),
        ("2t", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - 2 * t, 0),
         Hint(H["t_twice"])),
        ("rounded to 4 decimals", lambda w, t: np.round(
            np.sign(w) * np.maximum(np.abs(w) - t, 0), 4), Hint("rounded to 4 decimals")),
        ("float32, rounded to 2 decimals", lambda w, t: np.round((np.sign(w) * np.maximum(
            np.abs(w) - t, 0)).astype(np.float32), 2), Hint("rounded to 2 decimals")),
        ("plus np.emath.sqrt(min(|w| − t, 0)): imaginary below t", lambda w, t: np.sign(w)
         * np.maximum(np.abs(w) - t, 0) + np.emath.sqrt(np.minimum(np.abs(w) - t, 0)),
         Hint("complex numbers")),
    ]


def _r7_prox():
    H = lesson03.PROX_HINTS
    S = _softshrink

    def residual(w, X, y, lr, lam):               # + Xᵀ(y − Xw): the same step
        return S(w + lr * X.T @ (y - X @ w) / len(y), lr * lam)

    def per_sample_mean(w, X, y, lr, lam):
        return S(w - lr * np.mean(X * (X @ w - y)[:, None], axis=0), lr * lam)

    def float32(w, X, y, lr, lam):
        f = np.float32
        return residual(w.astype(f), X.astype(f), y.astype(f), f(lr), f(lam))

    g = lambda w, X, y: X.T @ (X @ w - y) / len(y)  # noqa: E731
    return [
        ("residual y − Xw, plus", residual, OK), ("mean over samples", per_sample_mean, OK),
        ("float32", float32, OK),
        ("the step without lr", lambda w, X, y, lr, lam: S(w - g(w, X, y), lr * lam), REFUSED),
        ("two steps", lambda w, X, y, lr, lam: residual(residual(w, X, y, lr, lam), X, y, lr,
                                                          lam), REFUSED),
        ("divided by d, not n", lambda w, X, y, lr, lam: S(
            w - lr * X.T @ (X @ w - y) / X.shape[1], lr * lam), REFUSED),
        ("λ as the threshold", lambda w, X, y, lr, lam: S(w - lr * g(w, X, y), lam),
         Hint(H["threshold_lam"])),
    ]


def _r7_max_norm():
    H = lesson03.MAX_NORM_HINTS
    cols = lambda W: np.linalg.norm(W, axis=0)  # noqa: E731

    def loop(W, c):                               # column by column, a dead column kept
        out = []
        for col in W.T:
            n = np.linalg.norm(col)
            out.append(col * min(1.0, c / n) if n > 0 else col)
        return np.stack(out, axis=1)

    def squares(W, c):                            # compare squared norms, then scale by c/‖w‖
        sq = np.sum(W ** 2, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sq > c * c, W * c / np.sqrt(sq), W)

    def renorm(W, c):
        import torch
        return torch.renorm(torch.from_numpy(W), 2, 1, c).numpy()

    return [
        ("a loop over columns", loop, OK), ("squared norms compared", squares, OK),
        ("torch.renorm(dim=1)", renorm, OK),
        ("c / the largest column norm", lambda W, c: W * min(1.0, c / cols(W).max()), REFUSED),
        ("np.maximum for np.minimum", lambda W, c: W * np.maximum(
            1.0, c / np.maximum(cols(W), 1e-300)), REFUSED),
        ("every column to c", lambda W, c: W * c / np.maximum(cols(W), 1e-300),
         Hint(H["all_columns"])),
        ("out=W", lambda W, c: np.multiply(W, np.minimum(1, c / np.maximum(cols(W), 1e-300)),
                                           out=W), IN_PLACE),
    ]


def _r7_cv_loss():
    def folds(X, k, seed):
        return data.kfold(len(X), k, seed)       # positional k and seed

    def per_lambda(X, y, lams, k=5, seed=0):      # one λ at a time, y (m,) against (m,)
        out = np.zeros((k, len(lams)))
        for i, (tr, va) in enumerate(folds(X, k, seed)):
            for j, lam in enumerate(lams):
                w, b = solvers.ridge(X[tr], y[tr], lam)
                out[i, j] = 0.5 * np.mean(((X[va] @ w + b).ravel() - y[va].ravel()) ** 2)
        return out.mean(axis=0)

    def own_ridge(X, y, lams, k=5, seed=0):       # the normal equations, per fold and λ
        out = []
        for tr, va in folds(X, k, seed):
            Xt, yt = X[tr], y[tr].ravel()
            m, s = Xt.mean(axis=0), yt.mean()
            A = (Xt - m).T @ (Xt - m) / len(tr)
            row = []
            for lam in lams:
                w = np.linalg.solve(A + lam * np.eye(X.shape[1]), (Xt - m).T @ (yt - s) / len(tr))
                row.append(0.5 * np.mean((X[va] @ w + s - m @ w - y[va].ravel()) ** 2))
            out.append(row)
        return np.mean(out, axis=0)

    def sklearn_ridge(X, y, lams, k=5, seed=0, scale=True):
        from sklearn.linear_model import Ridge
        out = []
        for tr, va in folds(X, k, seed):
            out.append([0.5 * np.mean((Ridge(alpha=lam * (len(tr) if scale else 1)).fit(
                X[tr], y[tr].ravel()).predict(X[va]) - y[va].ravel()) ** 2) for lam in lams])
        return np.mean(out, axis=0)

    return [
        ("one λ at a time", per_lambda, OK), ("the normal equations per fold", own_ridge, OK),
        ("scikit-learn Ridge(alpha=n_train·λ)", sklearn_ridge, OK),
        ("scikit-learn Ridge(alpha=λ)", lambda X, y, lams, k=5, seed=0: sklearn_ridge(
            X, y, lams, k, seed, scale=False), REFUSED),
        ("the reversed grid's order", lambda X, y, lams, k=5, seed=0: per_lambda(
            X, y, lams, k, seed)[::-1], REFUSED),
        ("k − 1 folds", lambda X, y, lams, k=5, seed=0: per_lambda(X, y, lams, k - 1, seed),
         REFUSED),
        ("the loop's last fold", lambda X, y, lams, k=5, seed=0: (
            lambda tr, va: 0.5 * np.mean((X[va] @ solvers.ridge(X[tr], y[tr], lams)[0].T
                                          + solvers.ridge(X[tr], y[tr], lams)[1]
                                          - y[va].reshape(-1, 1)) ** 2, axis=0))(
            *folds(X, k, seed)[-1]), Hint(lesson04.CV_HINTS["last_fold"])),
        ("a return inside the fold loop: the first fold", lambda X, y, lams, k=5, seed=0: (
            lambda tr, va: 0.5 * np.mean((X[va] @ solvers.ridge(X[tr], y[tr], lams)[0].T
                                          + solvers.ridge(X[tr], y[tr], lams)[1]
                                          - y[va].reshape(-1, 1)) ** 2, axis=0))(
            *folds(X, k, seed)[0]), Hint(lesson04.CV_HINTS["first_fold"])),
        ("lams reversed in place", lambda X, y, lams, k=5, seed=0: (
            lams.__setitem__(slice(None), lams[::-1].copy()),
            per_lambda(X, y, lams, k, seed)[::-1])[1], IN_PLACE),
    ]


def _r7_one_se():
    H = lesson04.ONE_SE_HINTS

    def base(L):
        L = np.asarray(L)
        m = L.mean(axis=0)
        i = int(m.argmin())
        return m, i, L.std(axis=0, ddof=1) / np.sqrt(len(L))

    def sem(lams, L):
        from scipy.stats import sem as standard_error
        m, i, _ = base(L)
        return float(lams[np.nonzero(m <= m[i] + standard_error(L[:, i]))[0][-1]])

    def strict(lams, L):                          # < instead of ≤: no mean sits on the line
        m, i, se = base(L)
        return lams[m < m[i] + se[i]].max()

    def from_the_right(lams, L):                  # the first in the band, walking down from the top
        m, i, se = base(L)
        return lams[::-1][np.argmax((m <= m[i] + se[i])[::-1])]

    def with_se(lams, L, width):
        m, i, se = base(L)
        return lams[m <= m[i] + width(se, i, L)].max()

    return [
        ("scipy.stats.sem", sem, OK), ("strict <", strict, OK),
        ("the first in the band from the right", from_the_right, OK),
        ("float32", lambda lams, L: strict(lams.astype(np.float32), L.astype(np.float32)), OK),
        ("a one-item list", lambda lams, L: [strict(lams, L)], OK),
        ("SE over √L, not √k", lambda lams, L: with_se(
            lams, L, lambda se, i, L: se[i] * np.sqrt(len(L) / L.shape[1])), REFUSED),
        ("the smallest SE of the grid", lambda lams, L: with_se(
            lams, L, lambda se, i, L: se.min()), REFUSED),
        ("two SEs", lambda lams, L: with_se(lams, L, lambda se, i, L: 2 * se[i]),
         Hint(H["two_se"])),
        ("the argmin again", lambda lams, L: float(lams[base(L)[1]]), Hint(H["argmin"])),
        ("F.sort(axis=0) in place", lambda lams, L: (L.sort(axis=0), strict(lams, L))[1],
         IN_PLACE),
    ]


def _r7_leaky():
    H = lesson05.LEAKY_HINTS

    def torch_gain(fan_in, slope):
        import torch
        return torch.nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_in)

    def monte_carlo(fan_in, slope):               # E[φ(z)²] estimated: not the exact value
        z = np.random.default_rng(0).standard_normal(10 ** 6)
        return math.sqrt(1 / (fan_in * np.mean(np.where(z > 0, z, slope * z) ** 2)))

    def checks_half_mse(fan_in, slope):           # the last cell's checker line indented in
        lesson00.check_half_mse(lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2))
        return math.sqrt(2 / ((1 + slope * slope) * fan_in))

    return [
        ("the half_mse checker indented into the function", checks_half_mse,
         Hint("each time the leaky_relu_std check runs your function")),
        ("math.sqrt(2 / ((1 + a²)·fan_in))", lambda f, a: math.sqrt(2 / ((1 + a * a) * f)), OK),
        ("torch's calculate_gain / √fan_in", torch_gain, OK),
        ("gain, then / √fan_in", lambda f, a: math.sqrt(2 / (1 + a ** 2)) / math.sqrt(f), OK),
        ("Xavier's 2/(fan_in + fan_out), fan_out = fan_in", lambda f, a: math.sqrt(
            2 / ((1 + a * a) * (f + f))), Hint(H["no_two"])),
        ("√2/(1 + a²), the root on one factor only", lambda f, a: math.sqrt(2) / (1 + a * a)
         / math.sqrt(f), REFUSED),
        ("a Monte Carlo estimate", monte_carlo, REFUSED),
        ("the variance", lambda f, a: 2 / ((1 + a * a) * f), Hint(H["variance"])),
    ]


def _r7_backprop():
    H = lesson05.BACKPROP_HINTS

    def W_times_g(Ws, zs, g):                     # (W (g ⊙ tanh')ᵀ)ᵀ: the same product
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            g = (W @ (g * (1 - np.tanh(z) ** 2)).T).T
        return g

    def one_minus_a2(Ws, zs, g):                  # a = tanh(z) first, then 1 − a²
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            a = np.tanh(z)
            g = (g * (1 - a * a)) @ W.T
        return g

    def tanh_out(Ws, zs, g):                      # np.tanh(z, out=z): zs overwritten
        for l in reversed(range(len(Ws))):
            np.tanh(zs[l], out=zs[l])
            g = (g * (1 - zs[l] ** 2)) @ Ws[l].T
        return g

    def shifted(Ws, zs, g):                       # Wᵀ first, then the previous layer's tanh'
        for l in reversed(range(len(Ws))):
            g = g @ Ws[l].T
            if l > 0:
                g = g * (1 - np.tanh(zs[l - 1]) ** 2)
        return g

    def every_layer(Ws, zs, g):                   # the list of all the gradients
        out = []
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            g = (g * (1 - np.tanh(z) ** 2)) @ W.T
            out.append(g)
        return out

    return [
        ("(W (g ⊙ tanh')ᵀ)ᵀ", W_times_g, OK), ("1 − a², a = tanh(z)", one_minus_a2, OK),
        ("copies of zs and g first, then in place", lambda Ws, zs, g: tanh_out(
            Ws, [z.copy() for z in zs], g.copy()), OK),
        ("np.tanh(z, out=z): zs is scratch, as the prompt says", tanh_out, OK),
        ("Wᵀ first, then the layer below's tanh'", shifted, Hint(H["last_linear"])),
        ("every layer's gradient", every_layer, REFUSED),
        ("pinv(W) for Wᵀ", lambda Ws, zs, g: _backprop(
            [np.linalg.pinv(W).T for W in Ws], zs, g), REFUSED),
        ("σ'(z) for tanh'(z)", lambda Ws, zs, g: _backprop(
            Ws, zs, g, d=lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2), REFUSED),
    ]


def _r7_clip_norm():
    H = lesson06.CLIP_NORM_HINTS
    pm = _per_model

    def torch_per_model(grads, max_norm):         # clip_grad_norm_ on each model's tensors
        import torch
        K = len(next(iter(grads.values())))
        c = np.broadcast_to(max_norm, (K,))
        out, norms = {k: [] for k in grads}, []
        for i in range(K):
            ts = [torch.tensor(grads[k][i].copy()) for k in grads]
            for t in ts:
                t.grad = t.clone()
            norms.append(float(torch.nn.utils.clip_grad_norm_(ts, float(c[i]))))
            for k, t in zip(grads, ts, strict=True):
                out[k].append(t.grad.numpy())
        return {k: np.stack(v) for k, v in out.items()}, np.array(norms)

    def over_max(grads, max_norm):                # c / max(‖g‖ + 1e-6, c) = min(1, ...)
        n = _gnorm(grads)
        coef = max_norm / np.maximum(n + 1e-6, max_norm)
        return {k: pm(coef, g) * g for k, g in grads.items()}, n

    def out_param(grads, max_norm):               # np.multiply(..., out=g): the caller's grads
        n = _gnorm(grads)
        coef = np.minimum(1.0, max_norm / (n + 1e-6))
        for g in grads.values():
            np.multiply(g, pm(coef, g), out=g)
        return grads, n

    return [
        ("torch clip_grad_norm_, model by model", torch_per_model, OK),
        ("c / max(‖g‖ + 1e-6, c)", over_max, OK),
        ("norms as a list", lambda g, c: (over_max(g, c)[0], list(over_max(g, c)[1])), OK),
        ("the norms squared", lambda g, c: (over_max(g, c)[0], over_max(g, c)[1] ** 2),
         REFUSED),
        ("the norms after clipping", lambda g, c: (over_max(g, c)[0], _gnorm(
            over_max(g, c)[0])), Hint(H["norm_after"])),
        ("np.multiply(..., out=g)", out_param, IN_PLACE),
        ("the loop's last norm, not the K", lambda g, c: (over_max(g, c)[0],
                                                           float(over_max(g, c)[1][-1])),
         Hint("'s norm alone")),
        ("a return inside the loop: model 0's norm", lambda g, c: (over_max(g, c)[0],
                                                                 float(over_max(g, c)[1][0])),
         Hint("`return` inside the loop")),
        ("the norms in the dict", lambda g, c: {**over_max(g, c)[0], "norm": over_max(
            g, c)[1]}, Hint("not only the dict")),
    ]


def _r7_clip_value():
    pm = _per_model

    def torch_clamp(grads, c):
        import torch
        out = {}
        for k, g in grads.items():
            cc = torch.tensor(c).reshape(-1, *[1] * (g.ndim - 1))
            out[k] = torch.clamp(torch.tensor(g), -cc, cc).numpy()
        return out

    return [
        ("torch.clamp with tensor bounds", torch_clamp, OK),
        ("max(min(g, c), −c)", lambda gr, c: {k: np.maximum(np.minimum(g, pm(c, g)), -pm(c, g))
                                              for k, g in gr.items()}, OK),
        ("sign·min(|g|, c)", lambda gr, c: {k: np.sign(g) * np.minimum(np.abs(g), pm(c, g))
                                            for k, g in gr.items()}, OK),
        ("2c", lambda gr, c: {k: np.clip(g, -2 * pm(c, g), 2 * pm(c, g))
                              for k, g in gr.items()}, REFUSED),
        ("each model rescaled so its largest entry is c", lambda gr, c: (
            lambda m: {k: pm(np.minimum(1, c / m), g) * g for k, g in gr.items()})(
            np.max([np.max(np.abs(g), axis=tuple(range(1, g.ndim))) for g in gr.values()],
                   axis=0)), REFUSED),
        ("np.clip(..., out=g)", lambda gr, c: {k: np.clip(g, -pm(c, g), pm(c, g), out=g)
                                               for k, g in gr.items()}, IN_PLACE),
        ("`if` on the K thresholds", lambda gr, c: {k: g if c > 1 else g
                                                    for k, g in gr.items()},
         Hint("model k's own value x[k]")),
    ]


def _r7_angle():
    H = lesson06.ANGLE_HINTS

    def joined(d, keys):
        return np.concatenate([d[k].reshape(len(d[k]), -1) for k in keys], axis=1)

    def angles(u, v):
        c = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
        return np.degrees(np.arccos(np.clip(c, -1, 1)))

    def atan2(a, b):
        u, v = joined(a, list(a)), joined(b, list(a))
        u = u / np.linalg.norm(u, axis=1, keepdims=True)
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        return np.degrees(2 * np.arctan2(np.linalg.norm(u - v, axis=1),
                                         np.linalg.norm(u + v, axis=1)))

    def cosine_similarity(a, b):
        import torch
        u, v = torch.tensor(joined(a, list(a))), torch.tensor(joined(b, list(a)))
        return torch.rad2deg(torch.arccos(torch.clamp(
            torch.nn.functional.cosine_similarity(u, v, dim=1), -1, 1)))

    return [
        ("a's key order for both", lambda a, b: angles(joined(a, list(a)), joined(b, list(a))),
         OK),
        ("2·atan2 of unit vectors", atan2, OK), ("torch cosine_similarity", cosine_similarity, OK),
        ("each dict in its own key order", lambda a, b: angles(joined(a, list(a)),
                                                               joined(b, list(b))),
         Hint(H["key_order"])),
        ("|cos|", lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(np.abs(np.sum(
            u * v, axis=1)) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)), -1, 1))))(
            joined(a, list(a)), joined(b, list(a))), REFUSED),
        ("the loop's last angle, not the K", lambda a, b: float(atan2(a, b)[-1]),
         Hint("'s angle alone")),
        ("a return inside the loop: model 0's angle", lambda a, b: float(atan2(a, b)[0]),
         Hint("`return` inside the loop")),
        ("arccos of the dot product, no clip", lambda a, b: (lambda u, v: np.degrees(
            np.arccos(np.sum(u * v, axis=1))))(joined(a, list(a)), joined(b, list(a))),
         Hint("not only by a rounding")),
        ("NaN set to 0", lambda a, b: (lambda u, v: np.nan_to_num(np.degrees(np.arccos(
            np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))))))(
            joined(a, list(a)), joined(b, list(a))), REFUSED),
        ("the mean of per-tensor cosines", lambda a, b: np.degrees(np.arccos(np.clip(np.mean(
            [np.cos(np.radians(angles(joined(a, [k]), joined(b, [k])))) for k in a], axis=0),
            -1, 1))), REFUSED),
    ]


def _r7_momentum():
    H = lesson07.MOMENTUM_HINTS

    def powers(grads, lr, beta, tau):             # b_t = Σ_s β^(t−s) c_s g_s, one matrix
        T = len(grads)
        t = np.arange(T)
        P = np.tril(beta ** np.maximum(t[:, None] - t[None, :], 0))
        c = np.full(T, 1 - tau)
        c[0] = 1.0
        return -lr * P @ (c[:, None] * grads)

    def lfilter(grads, lr, beta, tau):
        from scipy.signal import lfilter as iir
        x = (1 - tau) * grads
        x[0] = grads[0]
        return -lr * iir([1.0], [1.0, -beta], x, axis=0)

    def torch_sgd(grads, lr, beta, tau):
        import torch
        p = torch.zeros(grads.shape[1], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr, momentum=beta, dampening=tau)
        out = []
        for g in grads:
            before = p.detach().clone()
            p.grad = torch.tensor(g)
            opt.step()
            out.append((p.detach() - before).numpy())
        return np.array(out)

    return [
        ("a lower-triangular matrix of β powers", powers, OK), ("scipy lfilter", lfilter, OK),
        ("torch.optim.SGD, float64", torch_sgd, OK),
        ("nested lists", lambda *a: powers(*a).tolist(), OK),
        ("β and dampening swapped", lambda G, lr, b, tau: powers(G, lr, tau, b), REFUSED),
        ("lr and β swapped", lambda G, lr, b, tau: powers(G, b, lr, tau), REFUSED),
        ("the last row left at 0", lambda *a: np.vstack([powers(*a)[:-1],
                                                          np.zeros_like(a[0][:1])]), REFUSED),
        ("a buffer from 0", lambda G, lr, b, tau: _momentum(
            G, lr, b, tau, first=lambda g, tau: (1 - tau) * g), Hint(H["first_damped"])),
        ("transposed", lambda *a: powers(*a).T, Hint("transpose")),
    ]


def _r7_cosine():
    H = lesson07.COSINE_HINTS

    def scheduler_held(t, base, T, m):            # torch's scheduler, its values up to T held
        import torch
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=base)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=m)
        lrs = []
        for _ in range(T + 1):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.array(lrs)[np.minimum(t, T)]

    def cos_squared(t, base, T, m):               # (1 + cos x)/2 = cos²(x/2)
        return m + (base - m) * np.cos(np.pi * np.minimum(t, T) / (2 * T)) ** 2

    return [
        ("torch's CosineAnnealingLR, held at T", scheduler_held, OK),
        ("cos²(πt/2T)", cos_squared, OK),
        ("np.where(t >= T, m, ...)", lambda t, b, T, m: np.where(
            t >= T, m, m + (b - m) * 0.5 * (1 + np.cos(np.pi * t / T))), OK),
        ("math.cos", lambda t, b, T, m: m + (b - m) * 0.5 * (1 + math.cos(
            math.pi * np.minimum(t, T) / T)), Hint("math module")),
        ("int(t) on the array of steps", lambda t, b, T, m: m + (b - m) * 0.5 * (1 + np.cos(
            np.pi * np.minimum(int(t), T) / T)), Hint("int() take one number")),
        ("Python's min(t, T)", lambda t, b, T, m: cos_squared(min(t, T), b, T, m),
         Hint("np.minimum(1.0, x)")),
        ("degrees: cos(180·t/T)", lambda t, b, T, m: m + (b - m) * 0.5 * (1 + np.cos(
            180 * np.minimum(t, T) / T)), REFUSED),
        ("linear decay", lambda t, b, T, m: m + (b - m) * (1 - np.minimum(t, T) / T), REFUSED),
        ("base and min swapped", lambda t, b, T, m: cos_squared(t, m, T, b),
         Hint(H["upside_down"])),
    ]


def _r7_adamw():
    H = lesson08.ADAMW_HINTS
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS

    def torch_state(w, g, m, v, t, lr, wd, *, foreach=None):   # AdamW's state set by hand
        import torch
        p = torch.nn.Parameter(torch.tensor(w.copy()))
        opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd, betas=(B1, B2), eps=EPS,
                                foreach=foreach)
        p.grad = torch.tensor(g.copy())
        opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m.copy()),
                        "exp_avg_sq": torch.tensor(v.copy())}
        opt.step()
        state = opt.state[p]
        return p.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()

    def lr_t(w, g, m, v, t, lr, wd):              # the paper's lr_t and ε·√(1 − β2^t): exact
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        step = lr * np.sqrt(1 - B2 ** t) / (1 - B1 ** t) * m / (np.sqrt(v)
                                                               + EPS * np.sqrt(1 - B2 ** t))
        return w * (1 - lr * wd) - step, m, v

    def decay_in_step(w, g, m, v, t, lr, wd):     # w − lr·(step + wd·w): the same update
        w_new, m, v = _adamw(w, g, m, v, t, lr, 0.0)
        return w_new - lr * wd * w, m, v

    T = __import__("collections").namedtuple("AdamW", "w m v")
    return [
        ("torch AdamW, state set by hand", torch_state, OK),
        ("torch AdamW, foreach", lambda *a: torch_state(*a, foreach=True), OK),
        ("lr_t and ε·√(1 − β2^t)", lr_t, OK), ("w − lr·(step + wd·w)", decay_in_step, OK),
        ("a namedtuple", lambda *a: T(*_adamw(*a)), OK),
        ("np.stack of the three", lambda *a: np.stack(_adamw(*a)), OK),
        ("(w, v, m)", lambda *a: (lambda w, m, v: (w, v, m))(*_adamw(*a)), Hint("swapped")),
        ("t + 1", lambda w, g, m, v, t, lr, wd: _adamw(w, g, m, v, t + 1, lr, wd),
         Hint(H["t_off_by_one"])),
        ("β1 and β2 swapped", lambda w, g, m, v, t, lr, wd: (
            lambda m2, v2: (w * (1 - lr * wd) - lr * (m2 / (1 - B2 ** t)) / (
                np.sqrt(v2 / (1 - B1 ** t)) + EPS), m2, v2))(
            B2 * m + (1 - B2) * g, B1 * v + (1 - B1) * g * g), REFUSED),
        ("(1 − β)^t for 1 − β^t", lambda w, g, m, v, t, lr, wd: (
            lambda m2, v2: (w * (1 - lr * wd) - lr * (m2 / (1 - B1) ** t) / (
                np.sqrt(v2 / (1 - B2) ** t) + EPS), m2, v2))(
            B1 * m + (1 - B1) * g, B2 * v + (1 - B2) * g * g), REFUSED),
        ("a dict", lambda *a: dict(zip("wmv", _adamw(*a), strict=True)), Hint("not a dict")),
    ]


def _r7_fixed_points():
    H = lesson08.FIXED_POINT_HINTS
    EPS = lesson08.EPS
    return [
        ("np.stack of the pair", lambda g, lam: np.stack([-g / lam, -g / (lam * (np.abs(g)
                                                                                + EPS))]), OK),
        ("copysign", lambda g, lam: (-g / lam, np.copysign(1 / lam, -g)), OK),
        ("a namedtuple", lambda g, lam: __import__("collections").namedtuple("F", "l2 w")(
            -g / lam, -g / (lam * (np.abs(g) + EPS))), OK),
        ("math.copysign on the array", lambda g, lam: (-g / lam, math.copysign(1 / lam, -g)),
         Hint("math module")),
        ("`if g > 0` on the array", lambda g, lam: (-g / lam, -1 / lam if g > 0 else 1 / lam),
         Hint("np.where(cond, a, b)")),
        ("AdamW's ε in the numerator", lambda g, lam: (-g / lam, -(g + EPS) / (
            lam * np.abs(g))), REFUSED),
        ("pair swapped", lambda g, lam: (-np.sign(g) / lam, -g / lam), Hint("swapped")),
        ("λ·w = g", lambda g, lam: (g / lam, np.sign(g) / lam), Hint(H["sign:no_eps"])),
        ("ε inside the root, √(g² + ε)", lambda g, lam: (-g / lam, -g / (lam * np.sqrt(
            g * g + EPS))), Hint(H["adamw_eps_inside"])),
    ]


def _r7_angular():
    H = lesson09.ANGLE_HINTS

    def projection(w_old, w_new):                 # atan2(‖b − (b·â)â‖, b·â)
        a, b = np.ravel(w_old), np.ravel(w_new)
        u = a / np.linalg.norm(a)
        p = b @ u
        return math.atan2(np.linalg.norm(b - p * u), p)

    def two_arcsin(w_old, w_new):                 # the chord of the unit vectors
        a, b = np.ravel(w_old), np.ravel(w_new)
        return 2 * np.arcsin(np.linalg.norm(a / np.linalg.norm(a) - b / np.linalg.norm(b)) / 2)

    def scipy_cosine(w_old, w_new):
        from scipy.spatial.distance import cosine
        return np.arccos(1 - cosine(np.ravel(w_old), np.ravel(w_new)))

    return [
        ("atan2 of the projection", projection, OK), ("2·arcsin(chord/2)", two_arcsin, OK),
        ("scipy's cosine distance", scipy_cosine, OK),
        ("the trace of W_oldᵀ W_new", lambda a, b: np.arccos(np.clip(
            np.trace(np.atleast_2d(a).T @ np.atleast_2d(b)) / (np.linalg.norm(a)
                                                               * np.linalg.norm(b)), -1, 1))
         if a.ndim == 2 else projection(a, b), OK),
        ("arccos of a·b / ‖a‖², one norm", lambda a, b: np.arccos(np.clip(
            np.vdot(a, b) / np.vdot(a, a), -1, 1)), Hint(H["unnormalized_arccos"])),
        ("arccos of the dot product, no clip", lambda a, b: np.arccos(np.vdot(a, b)),
         Hint("arccos/arcsin of a number outside [−1, 1]")),
        ("arctan, not 2·arctan2", lambda a, b: (
            lambda u, v: np.arctan(np.linalg.norm(u - v) / np.linalg.norm(u + v)))(
            np.ravel(a) / np.linalg.norm(a), np.ravel(b) / np.linalg.norm(b)), REFUSED),
        ("the angle between w_old and the step", lambda a, b: projection(a, b - a), REFUSED),
        ("the mean of per-row angles", lambda a, b: float(np.mean([
            projection(r, s) for r, s in zip(np.atleast_2d(a), np.atleast_2d(b), strict=True)])),
         REFUSED),
        ("degrees, rounded to 2 decimals", lambda a, b: round(math.degrees(projection(a, b)), 2),
         REFUSED),
        ("rounded to 8 decimals", lambda a, b: round(projection(a, b), 8),
         Hint("rounded to 8 decimals")),
        ('f"{angle:.5g}"', lambda a, b: float(f"{projection(a, b):.5g}"),
         Hint("rounded to 5 significant digits")),
        ("normalized through reshape(-1)", lambda a, b: (
            lambda u: (u.__itruediv__(np.linalg.norm(u)), projection(u, b))[1])(a.reshape(-1)),
         IN_PLACE),
    ]


def _r7_eq_angle():
    H = lesson09.EQ_ANGLE_HINTS

    def d_of(optimizer, lr, lam):
        return lr * lam if optimizer == "sgd" else lam

    return [
        ("arccos(1 − d)", lambda o, lr, lam: math.acos(1 - d_of(o, lr, lam)), OK),
        ("arcsin(√(d(2 − d)))", lambda o, lr, lam: (
            lambda d: math.asin(math.sqrt(d * (2 - d))))(d_of(o, lr, lam)), OK),
        ("atan2(√(d(2 − d)), 1 − d)", lambda o, lr, lam: (
            lambda d: math.atan2(math.sqrt(d * (2 - d)), 1 - d))(d_of(o, lr, lam)), OK),
        ("case-insensitive, np.float32", lambda o, lr, lam: np.float32(math.acos(
            1 - d_of(o.lower(), lr, lam))), OK),
        ("√(2d)/(1 − d) under the arctan", lambda o, lr, lam: (
            lambda d: math.atan(math.sqrt(2 * d) / (1 - d)))(d_of(o, lr, lam)), REFUSED),
        ("lr·λ for both", lambda o, lr, lam: math.acos(1 - lr * lam), Hint(H["sgdw_like_sgd"])),
        ("tan θ itself", lambda o, lr, lam: (lambda d: math.sqrt(d * (2 - d)) / (1 - d))(
            d_of(o, lr, lam)), Hint(H["tan"])),
        ("arccos(1 − d) in degrees", lambda o, lr, lam: math.degrees(math.acos(
            1 - d_of(o, lr, lam))), Hint(H["degrees"])),
    ]


def _r7_eq_norm():
    H = lesson09.EQ_NORM_HINTS

    def iterate(lr, lam, gt):                     # the norm's recursion run to its fixed point
        w2 = 1.0
        for _ in range(200_000):
            w2 = (1 - lr * lam) ** 2 * w2 + lr * lr * gt / w2
        return math.sqrt(w2)

    return [
        ("√√(...)", lambda lr, lam, gt: math.sqrt(math.sqrt(lr * gt / (lam * (2 - lr * lam)))),
         OK),
        ("the recursion iterated", iterate, OK),
        ("np.float32", lambda lr, lam, gt: np.float32((lr * gt / (lam * (2 - lr * lam)))
                                                      ** 0.25), OK),
        ("(2 + lr·λ)", lambda lr, lam, gt: (lr * gt / (lam * (2 + lr * lam))) ** 0.25, REFUSED),
        ("(1 − lr·λ)", lambda lr, lam, gt: (lr * gt / (lam * (1 - lr * lam))) ** 0.25, REFUSED),
        ("g̃ not squared: g̃²", lambda lr, lam, gt: (lr * gt * gt / (lam * (2 - lr * lam)))
         ** 0.25, REFUSED),
        ("the square", lambda lr, lam, gt: math.sqrt(lr * gt / (lam * (2 - lr * lam))),
         Hint(H["square"])),
    ]


ROUND7 = {
    lesson00.check_half_mse: _r7_half_mse,
    lesson01.check_count_params: _r7_count_params,
    lesson01.check_ridge_fit: _r7_ridge_fit,
    lesson02.check_l2_grad: _r7_l2_grad,
    lesson02.check_lam_for_df: _r7_lam_for_df,
    lesson02.check_early_stopping_lambda: _r7_early_stopping,
    lesson03.check_soft_threshold: _r7_soft_threshold,
    lesson03.check_prox_lasso_step: _r7_prox,
    lesson03.check_max_norm: _r7_max_norm,
    lesson04.check_cv_loss: _r7_cv_loss,
    lesson04.check_one_se_rule: _r7_one_se,
    lesson05.check_leaky_relu_std: _r7_leaky,
    lesson05.check_backprop_tanh: _r7_backprop,
    lesson06.check_clip_by_norm: _r7_clip_norm,
    lesson06.check_clip_by_value: _r7_clip_value,
    lesson06.check_angle: _r7_angle,
    lesson07.check_momentum_updates: _r7_momentum,
    lesson07.check_cosine_lr: _r7_cosine,
    lesson08.check_adamw_step: _r7_adamw,
    lesson08.check_fixed_points: _r7_fixed_points,
    lesson09.check_angular_step: _r7_angular,
    lesson09.check_equilibrium_angle: _r7_eq_angle,
    lesson09.check_equilibrium_norm: _r7_eq_norm,
}


# --------------------------------------------------------------------------- round 8

# Round 8: a fresh class. Other NumPy idioms (einsum, np.average, np.square/np.subtract, nan-
# functions, np.matrix, pandas), answers that work in float32 or on a list, and the mistakes a
# class makes in new forms: λ/2 for λ, mean over the wrong thing, an argument swapped for a
# global, a print instead of a return, the wrong order of a tuple, an off-by-one in a step count.

_R8_GLOBAL_Y = np.linspace(-1.0, 1.0, 12).reshape(-1, 1)      # a notebook variable, not an argument


def _r8_prints(fn):
    """``fn`` that prints its value and returns nothing."""
    def printer(*a):
        print(fn(*a))
    return printer


def _r8_half_mse():
    H = lesson00.HALF_MSE_HINTS
    right = lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2)  # noqa: E731

    def pandas_frame(yhat, y):
        import pandas as pd
        return 0.5 * pd.DataFrame(yhat - y).pow(2).to_numpy().mean()

    def pandas_series(yhat, y):                  # a one-item Series
        import pandas as pd
        return 0.5 * pd.DataFrame(yhat - y).pow(2).mean()

    def matrix(yhat, y):
        r = np.asmatrix(yhat - y)
        return r.T @ r / (2 * r.shape[0])

    return [
        ("np.square(np.subtract)", lambda yhat, y: np.square(np.subtract(yhat, y)).mean() / 2, OK),
        ("einsum", lambda yhat, y: np.einsum("ij,ij->", yhat - y, yhat - y) / (2 * y.size), OK),
        ("np.average", lambda yhat, y: np.average((yhat - y) ** 2) * 0.5, OK),
        ("math.fsum", lambda yhat, y: __import__("math").fsum(((yhat - y) ** 2).ravel())
         / (2 * len(y)), OK),
        ("np.nanmean", lambda yhat, y: 0.5 * np.nanmean((yhat - y) ** 2), OK),
        ("pandas, to_numpy", pandas_frame, OK),
        ("pandas: a one-item Series", pandas_series, OK),
        ("np.matrix: a (1, 1) matrix", matrix, OK),
        ("float32 throughout", lambda yhat, y: 0.5 * np.mean(
            (yhat.astype(np.float32) - y.astype(np.float32)) ** 2), OK),
        ("mean, then /(2n) again", lambda yhat, y: np.mean((yhat - y) ** 2) / (2 * len(y)),
         Hint(H["n_twice"])),
        ("/2*n: precedence", lambda yhat, y: np.sum((yhat - y) ** 2) / 2 * len(y),
         Hint(H["times_n"])),
        ("floor division //", lambda yhat, y: np.sum((yhat - y) ** 2) // (2 * len(y)),
         Hint("only whole numbers")),
        ("a global y", lambda yhat, y: 0.5 * np.mean((yhat - _R8_GLOBAL_Y[:len(yhat)]) ** 2),
         Hint("operands could not be broadcast")),
        ("printed, not returned", _r8_prints(right), Hint("forget `return`")),
        ("½·(mean r)²", lambda yhat, y: 0.5 * np.mean(yhat - y) ** 2, Hint(H["square_of_mean"])),
        ("relative error", lambda yhat, y: 0.5 * np.mean(((yhat - y) / y) ** 2), REFUSED),
        ("median", lambda yhat, y: 0.5 * np.median((yhat - y) ** 2), REFUSED),
        ("np.trunc to 4 decimals", lambda yhat, y: np.trunc(right(yhat, y) * 1e4) / 1e4,
         Hint("cut to 4 decimals")),
        ("torch MSELoss()", lambda yhat, y: __import__("torch").nn.MSELoss()(
            __import__("torch").as_tensor(yhat), __import__("torch").as_tensor(y)),
         Hint(H["no_half"])),
        ("np.matrix inputs", _r8_hm_matrix_input, OK), ("torch tensor", _r8_hm_torch_tensor, OK),
        ("a tensor that requires grad", _r8_hm_req_grad, OK),
    ]


def _r8_count_params():
    layers = lambda s: list(zip(s[:-1], s[1:], strict=True))  # noqa: E731

    def dot(sizes):
        s = np.asarray(sizes)
        return int(s[:-1] @ s[1:] + s[1:].sum())

    def recursive(sizes):
        sizes = list(sizes)
        return 0 if len(sizes) < 2 else (sizes[0] + 1) * sizes[1] + recursive(sizes[1:])

    def per_layer(sizes):
        return [(a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]

    return [
        ("s[:-1]·s[1:] + Σ s[1:]", dot, OK),
        ("recursive", recursive, OK),
        ("math.prod per layer", lambda s: sum(__import__("math").prod((a + 1, b))
                                               for a, b in layers(s)), OK),
        ("np.int32", lambda s: np.int32(sum((a + 1) * b for a, b in layers(s))), OK),
        ("a string", lambda s: str(sum((a + 1) * b for a, b in layers(s))), REFUSED),
        ("the list per layer", per_layer, REFUSED),
        ("Σ s² ", lambda s: sum(a * a for a in s), REFUSED),
        ("biases counted for every size", lambda s: sum(a * b for a, b in layers(s)) + sum(s),
         REFUSED),
        ("np.matrix", _r8_cp_np_matrix, OK),
    ]


def _r8_ridge_fit():
    def augmented(F, y, lam):                        # [w; b] from one system, b unpenalized
        n, d = F.shape
        A = np.hstack([F, np.ones((n, 1))])
        P = np.eye(d + 1) * lam
        P[-1, -1] = 0.0
        wb = np.linalg.solve(A.T @ A / n + P, A.T @ np.ravel(y) / n)
        return wb[:-1], wb[-1]

    def center_f_only(F, y, lam):                   # Fcᵀ y = Fcᵀ yc
        n, d = F.shape
        Fc = F - F.mean(0)
        w = np.linalg.solve(Fc.T @ Fc / n + lam * np.eye(d), Fc.T @ y.ravel() / n)
        return w, y.mean() - F.mean(0) @ w

    def sklearn_ridge(F, y, lam):
        from sklearn.linear_model import Ridge
        m = Ridge(alpha=lam * len(F)).fit(F, y.ravel())
        return m.coef_, m.intercept_

    def sklearn_alpha_lam(F, y, lam):
        from sklearn.linear_model import Ridge
        m = Ridge(alpha=lam).fit(F, y.ravel())
        return m.coef_, m.intercept_

    def float32(F, y, lam):
        w, b = _ridge(F.astype(np.float32), y.astype(np.float32), np.float32(lam))
        return w.astype(np.float32), np.float32(b)

    def bias_penalized(F, y, lam):
        n, d = F.shape
        A = np.hstack([F, np.ones((n, 1))])
        wb = np.linalg.solve(A.T @ A / n + lam * np.eye(d + 1), A.T @ y.ravel() / n)
        return wb[:-1], wb[-1]

    return [
        ("[F 1] with b unpenalized", augmented, OK),
        ("centre F only", center_f_only, OK),
        ("sklearn Ridge(alpha=n·λ)", sklearn_ridge, OK),
        ("float32", float32, OK),
        ("w as a list", lambda F, y, lam: (list(_ridge(F, y, lam)[0]), _ridge(F, y, lam)[1]), OK),
        ("sklearn Ridge(alpha=λ)", sklearn_alpha_lam, REFUSED),
        ("[F 1] with b penalized", bias_penalized, REFUSED),
        ("λ/2 in the normal equations", lambda F, y, lam: _ridge(F, y, lam / 2), REFUSED),
        ("(b, w)", lambda F, y, lam: _ridge(F, y, lam)[::-1], REFUSED),
        ("b = ȳ", lambda F, y, lam: (_ridge(F, y, lam)[0], float(np.mean(y))), REFUSED),
        ("pinv, λ ignored", _r8_ridge_pinv_nolam, Hint(lesson01.RIDGE_HINTS["no_penalty"])),
        ("a dict {w, b}", _r8_ridge_return_dict, Hint("not a dict")),
    ]


def _r8_l2_grad():
    def einsum(params, lam):
        lam = np.asarray(lam, dtype=float)
        return {k: np.einsum("k,k...->k...", lam, v) if k.startswith("W") else np.zeros_like(v)
                for k, v in params.items()}

    def by_ndim(params, lam):                  # a weight's array has 3 axes, a bias's 2
        lam = np.asarray(lam)
        return {k: lam[:, None, None] * v if v.ndim == 3 else v * 0.0 for k, v in params.items()}

    def expand_dims(params, lam):
        out = {}
        for k, v in params.items():
            c = np.expand_dims(np.asarray(lam), tuple(range(1, v.ndim)))
            out[k] = c * v if k[0] == "W" else np.zeros(v.shape)
        return out

    def half(params, lam):
        lam = np.asarray(lam)
        return {k: 0.5 * lam.reshape((-1,) + (1,) * (v.ndim - 1)) * v if k.startswith("W")
                else np.zeros_like(v) for k, v in params.items()}

    def biases_too(params, lam):
        lam = np.asarray(lam)
        return {k: lam.reshape((-1,) + (1,) * (v.ndim - 1)) * v for k, v in params.items()}

    def weights_only(params, lam):
        lam = np.asarray(lam)
        return {k: lam.reshape((-1,) + (1,) * (v.ndim - 1)) * v for k, v in params.items()
                if k.startswith("W")}

    def first_lam(params, lam):
        return {k: lam[0] * v if k.startswith("W") else np.zeros_like(v)
                for k, v in params.items()}

    def tuple_list(params, lam):
        return [(k, v) for k, v in einsum(params, lam).items()]

    return [
        ("einsum k,k...", einsum, OK), ("by ndim", by_ndim, OK),
        ("np.expand_dims", expand_dims, OK),
        ("λ/2·W", half, REFUSED), ("biases decayed", biases_too, REFUSED),
        ("weights only", weights_only, REFUSED), ("lam[0] for all", first_lam, REFUSED),
        ("a list of pairs", tuple_list, REFUSED),
        ("λ cast to int", _r8_l2_int, REFUSED),
        ("the dict's entries replaced", _r8_l2_mutate, IN_PLACE),
        ("the arrays scaled in place", _r8_l2_mutate_arrays, IN_PLACE),
    ]


def _r8_e(X, ddof=0, center=True):
    Xc = X - X.mean(0) if center else X
    return np.linalg.svd(Xc, compute_uv=False) ** 2 / (len(X) - ddof)


def _r8_lam_for_df():
    def brentq_log(X, df):
        from scipy.optimize import brentq
        e = _r8_e(X)
        return float(np.exp(brentq(lambda u: np.sum(e / (e + np.exp(u))) - df, -60, 60,
                                   xtol=1e-14)))

    def eigvalsh(X, df):
        e = np.linalg.eigvalsh(np.cov(X, rowvar=False, bias=True))
        return _bisect_log(e, df)

    def float32_input(X, df):
        return _bisect_log(_r8_e(X.astype(np.float64)), df)

    def newton(X, df):
        e = _r8_e(X)
        lam = e.mean()
        for _ in range(200):
            f = np.sum(e / (e + lam)) - df
            if abs(f) < 1e-12:
                break
            lam *= np.exp(f / np.sum(e * lam / (e + lam) ** 2))   # Newton in log λ
        return lam

    return [
        ("brentq on log λ", brentq_log, OK), ("eigvalsh of the covariance", eigvalsh, OK),
        ("Newton on log λ", newton, OK),
        ("ddof=1 (np.cov's default)", lambda X, df: _bisect_log(_r8_e(X, ddof=1), df), REFUSED),
        ("not centered", lambda X, df: _bisect_log(_r8_e(X, center=False), df), REFUSED),
        ("e = s², no /n", lambda X, df: _bisect_log(_r8_e(X) * len(X), df), REFUSED),
        ("log λ returned", lambda X, df: np.log(_bisect_log(_r8_e(X), df)), REFUSED),
    ]


def _r8_early_lams(X, lr, T, *, ddof=0, order=-1, steps=None):
    e = _r8_e(X, ddof=ddof)
    T = T if steps is None else steps(T)
    q = (1 - lr * e) ** T
    lam = e * q / (1 - q)
    return lam if order == -1 else lam[::-1]


def _r8_early_stopping():
    def logs(X, lr, T):
        e = _r8_e(X)
        q = np.exp(T * np.log1p(-lr * e))
        return e * q / -np.expm1(T * np.log1p(-lr * e))

    def eigh(X, lr, T):
        Xc = X - X.mean(axis=0)
        e = np.linalg.eigh(Xc.T @ Xc / len(X))[0][::-1]
        q = (1 - lr * e) ** T
        return e * q / (1 - q)

    return [
        ("log1p/expm1", logs, OK), ("eigh reversed", eigh, OK),
        ("as a list", lambda X, lr, T: list(_r8_early_lams(X, lr, T)), OK),
        ("T + 1 steps", lambda X, lr, T: _r8_early_lams(X, lr, T, steps=lambda T: T + 1), REFUSED),
        ("T − 1 steps", lambda X, lr, T: _r8_early_lams(X, lr, T, steps=lambda T: T - 1), REFUSED),
        ("increasing e (eigh's order)", lambda X, lr, T: _r8_early_lams(X, lr, T, order=1),
         REFUSED),
        ("ddof=1", lambda X, lr, T: _r8_early_lams(X, lr, T, ddof=1), REFUSED),
        ("1/(lr·T) for all", lambda X, lr, T: np.full(X.shape[1], 1 / (lr * T)), REFUSED),
    ]


def _r8_soft_threshold():
    def where(w, t):
        return np.where(np.abs(w) > t, w - np.sign(w) * t, 0.0)

    def two_clips(w, t):
        return np.clip(w - t, 0, None) + np.clip(w + t, None, 0)

    def torch_softshrink(w, t):
        import torch
        return torch.nn.functional.softshrink(torch.as_tensor(w), float(t)).numpy() if t > 0 \
            else np.array(w, dtype=float)

    def in_place(w, t):
        w[np.abs(w) <= t] = 0.0
        w -= np.sign(w) * t
        return w

    return [
        ("np.where", where, OK), ("two clips", two_clips, OK),
        ("torch softshrink", torch_softshrink, OK),
        ("float32", lambda w, t: np.sign(w).astype(np.float32) * np.maximum(
            np.abs(w).astype(np.float32) - np.float32(t), 0), OK),
        ("hard threshold", lambda w, t: w * (np.abs(w) > t), REFUSED),
        ("no max: w − t·sign(w)", lambda w, t: w - t * np.sign(w), REFUSED),
        ("np.max for np.maximum", lambda w, t: np.sign(w) * np.max(np.abs(w) - t, 0), REFUSED),
        ("t/2", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t / 2, 0), REFUSED),
        ("in place", in_place, IN_PLACE),
        ("torch ops on a tensor", _r8_st_torch, OK),
        ("w/|w|: NaN at 0", _r8_st_div, Hint("contains NaN")),
        (".clamp(min=0), torch's name", _r8_st_clamp, Hint("NumPy's is np.clip")),
    ]


def _r8_prox():
    st = lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0)  # noqa: E731
    step = lambda w, X, y, lr: w - lr * X.T @ (X @ w - y) / len(y)  # noqa: E731
    return [
        ("X.T.dot, np.subtract", lambda w, X, y, lr, lam: st(
            w - lr * X.T.dot(np.subtract(X.dot(w), y)) / X.shape[0], lr * lam), OK),
        ("y as a column", lambda w, X, y, lr, lam: st(
            w - lr * (X.T @ (X @ w.reshape(-1, 1) - y.reshape(-1, 1))).ravel() / len(y),
            lr * lam), OK),
        ("einsum", lambda w, X, y, lr, lam: st(
            w - lr * np.einsum("ij,i->j", X, X @ w - y) / len(y), lr * lam), OK),
        ("threshold λ", lambda w, X, y, lr, lam: st(step(w, X, y, lr), lam), REFUSED),
        ("no /n", lambda w, X, y, lr, lam: st(w - lr * X.T @ (X @ w - y), lr * lam), REFUSED),
        ("uphill", lambda w, X, y, lr, lam: st(w + lr * X.T @ (X @ w - y) / len(y), lr * lam),
         REFUSED),
        ("threshold first", lambda w, X, y, lr, lam: step(st(w, lr * lam), X, y, lr), REFUSED),
        ("lr·λ/2", lambda w, X, y, lr, lam: st(step(w, X, y, lr), lr * lam / 2),
         Hint(lesson03.PROX_HINTS["threshold_half"])),
        ("2·lr·λ", lambda w, X, y, lr, lam: st(step(w, X, y, lr), 2 * lr * lam),
         Hint(lesson03.PROX_HINTS["threshold_twice"])),
    ]


def _r8_max_norm():
    def loop_copy(W, c):
        out = np.array(W, dtype=float)
        for j in range(out.shape[1]):
            n = np.sqrt(np.sum(out[:, j] ** 2))
            if n > c:
                out[:, j] *= c / n
        return out

    def where(W, c):
        n = np.linalg.norm(W, axis=0, keepdims=True)
        return np.where(n > c, W * c / n, W)

    def in_place(W, c):
        W *= np.minimum(1.0, c / np.linalg.norm(W, axis=0))
        return W

    return [
        ("a loop over columns on a copy", loop_copy, OK), ("np.where", where, OK),
        ("minimum, einsum norms", lambda W, c: W * np.minimum(
            1, c / np.sqrt(np.einsum("ij,ij->j", W, W))), OK),
        ("row norms", lambda W, c: W * np.minimum(1, c / np.linalg.norm(W, axis=1,
                                                                      keepdims=True)), REFUSED),
        ("every column to c", lambda W, c: W * c / np.linalg.norm(W, axis=0), REFUSED),
        ("entries clipped", lambda W, c: np.clip(W, -c, c), REFUSED),
        ("Frobenius norm", lambda W, c: W * min(1, c / np.linalg.norm(W)), REFUSED),
        ("in place", in_place, IN_PLACE),
        ("np.matrix inside, array out", _r8_mn_matrix, OK),
        ("a pandas DataFrame", _r8_mn_frame, OK),
        ("np.matrix out", _r8_mn_matrix_out, OK),
    ]


def _r8_cv(X, y, lams, k=5, seed=0, *, reduce=np.mean, half=0.5, swap=False, seed_used=None):
    lams = np.asarray(lams, dtype=float)
    per = []
    for tr, va in data.kfold(len(X), k=k, seed=seed if seed_used is None else seed_used):
        if swap:
            tr, va = va, tr
        w, b = solvers.ridge(X[tr], y[tr], lams)
        pred = X[va] @ w.T + b                           # (m, L)
        per.append(half * np.mean((pred - y[va].reshape(-1, 1)) ** 2, axis=0))
    return reduce(np.array(per), axis=0)


def _r8_cv_loss():
    def one_at_a_time(X, y, lams, k=5, seed=0):
        out = np.zeros(len(lams))
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            for i, lam in enumerate(lams):
                w, b = solvers.ridge(X[tr], y[tr], float(lam))
                out[i] += 0.5 * np.mean((X[va] @ w + b - y[va].ravel()) ** 2) / k
        return out

    def lam_rows(X, y, lams, k=5, seed=0):           # predictions (L, m), y raveled
        per = []
        for tr, va in data.kfold(len(X), k=k, seed=seed):
            w, b = solvers.ridge(X[tr], y[tr].ravel(), np.asarray(lams))
            per.append(0.5 * ((w @ X[va].T + b[:, None] - y[va].ravel()) ** 2).mean(axis=1))
        return np.stack(per).mean(axis=0)

    return [
        ("one λ at a time, /k as it goes", one_at_a_time, OK), ("(L, m) predictions", lam_rows, OK),
        ("batched, a list back", lambda *a, **kw: list(_r8_cv(*a, **kw)), OK),
        ("sum over folds", lambda *a, **kw: _r8_cv(*a, reduce=np.sum, **kw), REFUSED),
        ("no ½", lambda *a, **kw: _r8_cv(*a, half=1.0, **kw), REFUSED),
        ("fit on the held-out fold", lambda *a, **kw: _r8_cv(*a, swap=True, **kw),
         Hint(lesson04.CV_HINTS["folds_swapped"])),
        ("seed ignored (0)", lambda X, y, lams, k=5, seed=0: _r8_cv(X, y, lams, k, seed,
                                                                  seed_used=0), REFUSED),
        ("k ignored (5)", lambda X, y, lams, k=5, seed=0: _r8_cv(X, y, lams, 5, seed), REFUSED),
        ("median over folds", lambda *a, **kw: _r8_cv(*a, reduce=np.median, **kw), REFUSED),
    ]


def _r8_one_se():
    def flatnonzero(lams, L):
        m = L.mean(axis=0)
        i = np.argmin(m)
        se = L[:, i].std(ddof=1) / np.sqrt(L.shape[0])
        return float(np.asarray(lams)[np.flatnonzero(m <= m[i] + se)].max())

    def pandas(lams, L):
        import pandas as pd
        df = pd.DataFrame(L, columns=lams)
        m, se = df.mean(), df.sem()
        best = m.idxmin()
        return float(m[m <= m[best] + se[best]].index.max())

    def index(lams, L):
        m = L.mean(axis=0)
        i = np.argmin(m)
        return int(np.flatnonzero(m <= m[i] + L[:, i].std(ddof=1) / np.sqrt(len(L))).max())

    def from_the_top(lams, L):                       # the first λ from the largest down
        L = np.asarray(L)
        m = L.mean(axis=0)
        i = m.argmin()
        thr = m[i] + np.std(L[:, i], ddof=1) / np.sqrt(len(L))
        for j in range(len(lams) - 1, -1, -1):
            if m[j] <= thr:
                return lams[j]

    return [
        ("flatnonzero", flatnonzero, OK), ("pandas sem", pandas, OK),
        ("a loop from the largest λ down", from_the_top, OK),
        ("ddof=0", lambda lams, L: _one_se(lams, L, ddof=0), REFUSED),
        ("smallest λ", lambda lams, L: _one_se(lams, L, pick=min), REFUSED),
        ("no /√k", lambda lams, L: _one_se(lams, L, width=lambda sd, k: sd), REFUSED),
        ("the index", index, REFUSED),
        ("argmin's λ", lambda lams, L: float(lams[np.argmin(L.mean(0))]), REFUSED),
    ]


def _r8_leaky():
    def torch_gain(fan_in, slope):
        import torch
        return torch.nn.init.calculate_gain("leaky_relu", slope) / np.sqrt(fan_in)

    return [
        ("√2/√((1+a²)n)", lambda n, a: np.sqrt(2) / np.sqrt((1 + a * a) * n), OK),
        ("torch's calculate_gain", torch_gain, OK),
        ("float32", lambda n, a: np.float32(np.sqrt(2.0 / ((1 + a ** 2) * n))), OK),
        ("(1+a) not squared", lambda n, a: np.sqrt(2 / ((1 + a) * n)), REFUSED),
        ("the variance", lambda n, a: 2 / ((1 + a ** 2) * n), REFUSED),
        ("Xavier", lambda n, a: np.sqrt(1 / n), REFUSED),
        ("(1−a)²", lambda n, a: np.sqrt(2 / ((1 - a) ** 2 * n)), REFUSED),
        ("He ignoring a", lambda n, a: np.sqrt(2 / n), REFUSED),
        ("the gain over fan_in", lambda n, a: np.sqrt(2 / (1 + a * a)) / n,
         Hint(lesson05.LEAKY_HINTS["gain_over_fan_in"])),
        ("np integer arrays", _r8_leaky_np_int, OK), ("2 // ...", _r8_leaky_int, REFUSED),
    ]


def _r8_backprop():
    def sech(Ws, zs, g):
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            g = (g / np.cosh(z) ** 2) @ W.T
        return g

    def reduce(Ws, zs, g):
        import functools
        return functools.reduce(lambda g, Wz: (g * (1 - np.tanh(Wz[1]) ** 2)) @ Wz[0].T,
                                list(zip(Ws, zs, strict=True))[::-1], g)

    def einsum(Ws, zs, g):
        for l in range(len(Ws) - 1, -1, -1):
            g = np.einsum("nj,ij->ni", g * (1 - np.tanh(zs[l]) ** 2), Ws[l])
        return g

    return [
        ("1/cosh²", sech, OK), ("functools.reduce", reduce, OK), ("einsum", einsum, OK),
        ("W not W.T", lambda Ws, zs, g: _backprop(Ws, zs, g, T=False), REFUSED),
        ("1 − z²", lambda Ws, zs, g: _backprop(Ws, zs, g, d=lambda z: 1 - z ** 2), REFUSED),
        ("no tanh' at all", lambda Ws, zs, g: _backprop(Ws, zs, g, d=lambda z: np.ones_like(z)),
         REFUSED),
        ("the list of every layer's gradient", lambda Ws, zs, g: [
            _backprop(Ws[i:], zs[i:], g) for i in range(len(Ws))], REFUSED),
        ("forward order", lambda Ws, zs, g: _backprop(Ws, zs, g, order=range(len(Ws))), REFUSED),
    ]


def _r8_axes(g):
    return tuple(range(1, g.ndim))


def _r8_clip_norm():
    def by_sum(grads, max_norm):
        norms = np.sqrt(sum(np.sum(np.square(g), axis=_r8_axes(g)) for g in grads.values()))
        coef = np.minimum(1.0, np.asarray(max_norm, dtype=float) / (norms + 1e-6))
        return {k: g * coef.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    def einsum(grads, max_norm):
        sq = sum(np.einsum("kn,kn->k", g.reshape(len(g), -1), g.reshape(len(g), -1))
                 for g in grads.values())
        norms = np.sqrt(sq)
        coef = np.clip(np.asarray(max_norm) / (norms + 1e-6), None, 1.0)
        return {k: np.einsum("k,k...->k...", coef, g) for k, g in grads.items()}, norms

    def as_list(grads, max_norm):
        c, n = by_sum(grads, max_norm)
        return [c, list(n)]

    def swapped(grads, max_norm):
        return by_sum(grads, max_norm)[::-1]

    def per_key(grads, max_norm):
        out, norms = {}, []
        for k, g in grads.items():
            n = np.sqrt(np.sum(g ** 2, axis=_r8_axes(g)))
            coef = np.minimum(1.0, np.asarray(max_norm) / (n + 1e-6))
            out[k] = g * coef.reshape((-1,) + (1,) * (g.ndim - 1))
            norms.append(n)
        return out, np.sqrt(np.sum(np.square(norms), axis=0))

    def first_threshold(grads, max_norm):
        return by_sum(grads, np.ravel(max_norm)[0])

    def mean_sq(grads, max_norm):                     # the RMS, not the norm
        n = np.sqrt(sum(np.mean(g ** 2, axis=_r8_axes(g)) for g in grads.values()))
        coef = np.minimum(1.0, np.asarray(max_norm) / (n + 1e-6))
        return {k: g * coef.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, n

    return [
        ("Σ np.square", by_sum, OK), ("einsum", einsum, OK),
        ("a list [clipped, norms]", as_list, OK),
        ("(norms, clipped)", swapped, REFUSED), ("per key", per_key, REFUSED),
        ("max_norm[0] for all", first_threshold,
         Hint(lesson06.CLIP_NORM_HINTS["one_threshold:first"])),
        ("mean of squares", mean_sq, REFUSED),
    ]


def _r8_clip_value():
    def maxmin(grads, c):
        c = np.asarray(c, dtype=float)
        return {k: np.minimum(np.maximum(g, -c.reshape((-1,) + (1,) * (g.ndim - 1))),
                              c.reshape((-1,) + (1,) * (g.ndim - 1))) for k, g in grads.items()}

    def loop(grads, c):
        return {k: np.stack([np.clip(g[i], -c[i], c[i]) for i in range(len(g))])
                for k, g in grads.items()}

    def sign_min(grads, c):
        return {k: np.sign(g) * np.minimum(np.abs(g), np.reshape(c, (-1,) + (1,) * (g.ndim - 1)))
                for k, g in grads.items()}

    def first(grads, c):
        return {k: np.clip(g, -c[0], c[0]) for k, g in grads.items()}

    def upper_only(grads, c):
        return {k: np.minimum(g, np.reshape(c, (-1,) + (1,) * (g.ndim - 1)))
                for k, g in grads.items()}

    def scaled(grads, c):                          # scaled into the box: direction kept
        out = {}
        for k, g in grads.items():
            m = np.max(np.abs(g), axis=_r8_axes(g), keepdims=True)
            out[k] = g * np.minimum(1, np.reshape(c, (-1,) + (1,) * (g.ndim - 1)) / m)
        return out

    def in_place(grads, c):
        for g in grads.values():
            np.clip(g, -np.reshape(c, (-1,) + (1,) * (g.ndim - 1)),
                    np.reshape(c, (-1,) + (1,) * (g.ndim - 1)), out=g)
        return grads

    return [
        ("minimum(maximum)", maxmin, OK), ("a loop over models", loop, OK),
        ("sign·min(|g|, c)", sign_min, OK),
        ("c[0] for all", first, REFUSED), ("only the upper bound", upper_only, REFUSED),
        ("scaled into the box", scaled, REFUSED), ("in place, out=g", in_place, IN_PLACE),
    ]


def _r8_angle():
    def flat(d, keys):
        return np.concatenate([np.reshape(d[k], (len(d[k]), -1)) for k in keys], axis=1)

    def rad2deg_einsum(a, b):
        A, B = flat(a, list(a)), flat(b, list(a))
        cos = np.einsum("kn,kn->k", A, B) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))
        return np.rad2deg(np.arccos(np.clip(cos, -1, 1)))

    def lagrange(a, b):                           # sin from |a|²|b|² − (a·b)², sorted keys
        A, B = flat(a, sorted(a)), flat(b, sorted(a))
        dot = np.sum(A * B, axis=1)
        cross = np.sum(A * A, axis=1) * np.sum(B * B, axis=1) - dot ** 2
        return np.degrees(np.arctan2(np.sqrt(np.maximum(cross, 0.0)), dot))

    def radians(a, b):
        return np.radians(rad2deg_einsum(a, b))

    def mean_per_key(a, b):
        return np.mean([rad2deg_einsum({k: a[k]}, {k: b[k]}) for k in a], axis=0)

    def cosine(a, b):
        return np.cos(np.radians(rad2deg_einsum(a, b)))

    def one_angle(a, b):
        A = np.concatenate([np.ravel(a[k]) for k in a])
        B = np.concatenate([np.ravel(b[k]) for k in a])
        return float(np.degrees(np.arccos(np.clip(A @ B / np.linalg.norm(A) / np.linalg.norm(B),
                                                    -1, 1))))

    return [
        ("rad2deg, einsum", rad2deg_einsum, OK),
        ("atan2(√(|a|²|b|² − (a·b)²), a·b), sorted keys", lagrange, OK),
        ("a list", lambda a, b: list(rad2deg_einsum(a, b)), OK),
        ("radians", radians, REFUSED), ("mean of per-key angles", mean_per_key, REFUSED),
        ("the cosine", cosine, REFUSED), ("one angle for all models", one_angle, REFUSED),
        (".norm(dim=1), torch's name", _r8_ang_norm_method, Hint("NumPy's is np.linalg.norm")),
    ]


def _r8_momentum():
    def loop(grads, lr, beta, tau, *, first_damped=False, sign=-1.0, ret_b=False, prev=False):
        g = np.asarray(grads, dtype=float)
        out, b = np.zeros_like(g), None
        for t in range(len(g)):
            new = (1 - tau) * g[t] if (b is None and first_damped) else g[t] if b is None \
                else beta * b + (1 - tau) * g[t]
            out[t] = (b if (prev and b is not None) else new if not prev else np.zeros_like(g[t])) \
                if ret_b or prev else sign * lr * new
            if prev:
                out[t] = sign * lr * (b if b is not None else np.zeros_like(g[t]))
            b = new
        return out

    def buffer_list(grads, lr, beta, dampening):
        bufs = []
        for g in grads:
            bufs.append(g.copy() if not bufs else beta * bufs[-1] + (1 - dampening) * g)
        return -lr * np.array(bufs)

    def cumulative(grads, lr, beta, dampening):
        return np.cumsum(loop(grads, lr, beta, dampening), axis=0)

    def empty_like(grads, lr, beta, dampening):
        out, b = np.empty_like(grads, dtype=float), grads[0]
        out[0] = -lr * b
        for t in range(1, len(grads)):
            b = beta * b + (1 - dampening) * grads[t]
            out[t] = -lr * b
        return out

    return [
        ("a list of buffers", buffer_list, OK), ("np.empty_like, first row apart", empty_like, OK),
        ("float32 throughout", lambda g, lr, beta, tau: buffer_list(
            np.float32(g), np.float32(lr), np.float32(beta), np.float32(tau)), OK),
        ("first step damped", lambda g, lr, beta, tau: loop(g, lr, beta, tau, first_damped=True),
         REFUSED),
        ("+lr·b", lambda g, lr, beta, tau: loop(g, lr, beta, tau, sign=1.0), REFUSED),
        ("the buffers, not the changes", lambda g, lr, beta, tau: loop(g, lr, beta, tau,
                                                                       ret_b=True), REFUSED),
        ("β and τ swapped", lambda g, lr, beta, tau: loop(g, lr, tau, beta), REFUSED),
        ("the parameters (cumulative)", cumulative, REFUSED),
        ("one step late", lambda g, lr, beta, tau: loop(g, lr, beta, tau, prev=True), REFUSED),
        ("written into a dtype=int array", _r8_mom_int_buf, Hint("only whole numbers")),
        ("a buffer that starts at 0", _r8_mom_zeros_T,
         Hint(lesson07.MOMENTUM_HINTS["first_damped"])),
    ]


def _r8_cosine():
    def clip(t, base, T, m):
        return m + (base - m) * 0.5 * (1 + np.cos(np.pi * np.clip(t, 0, T) / T))

    def cos_sq(t, base, T, m):                          # ½(1 + cos x) = cos²(x/2)
        return m + (base - m) * np.cos(np.pi * np.minimum(t, T) / (2 * T)) ** 2

    def pandas_clip(t, base, T, m):
        import pandas as pd
        return m + (base - m) * 0.5 * (1 + np.cos(np.pi * pd.Series(t).clip(upper=T) / T))

    def python_list(t, base, T, m):
        import math
        return [m + (base - m) * 0.5 * (1 + math.cos(math.pi * min(s, T) / T))
                for s in np.ravel(t).tolist()]

    return [
        ("np.clip", clip, OK), ("cos²(x/2)", cos_sq, OK), ("a list from math.cos", python_list, OK),
        ("pandas: Series.clip, a Series back", pandas_clip, OK),
        ("no min: cos wraps", lambda t, base, T, m: m + (base - m) * 0.5 * (
            1 + np.cos(np.pi * t / T)), REFUSED),
        ("base and m swapped", lambda t, base, T, m: clip(t, m, T, base), REFUSED),
        ("no ½", lambda t, base, T, m: m + (base - m) * (1 + np.cos(np.pi * np.minimum(t, T) / T)),
         REFUSED),
        ("t // T", lambda t, base, T, m: m + (base - m) * 0.5 * (
            1 + np.cos(np.pi * (np.minimum(t, T) // T))), REFUSED),
        ("min_value ignored", lambda t, base, T, m: clip(t, base, T, 0.0), REFUSED),
        ("math.cos on the array", lambda t, base, T, m: m + (base - m) * 0.5 * (
            1 + __import__("math").cos(np.pi * np.minimum(t, T) / T)), REFUSED),
        ("written into np.zeros_like(t), t integers", _r8_cos_zeros_like,
         Hint("only whole numbers")),
        ("t clamped in place, out=t", _r8_cos_inplace_t, IN_PLACE),
    ]


def _r8_adamw_ref(w, g, m, v, t, lr, wd, *, tc=lambda t: t, eps_in=False, decay="lr"):
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS
    shrink = (1 - lr * wd) if decay == "lr" else (1 - wd)
    m = B1 * m + (1 - B1) * g
    v = B2 * v + (1 - B2) * g * g
    mh, vh = m / (1 - B1 ** tc(t)), v / (1 - B2 ** tc(t))
    den = np.sqrt(vh + EPS) if eps_in else np.sqrt(vh) + EPS
    return w * shrink - lr * mh / den, m, v


def _r8_adamw():
    def as_list(*a):
        return list(_r8_adamw_ref(*a))

    def float32(w, g, m, v, t, lr, wd):
        return _r8_adamw_ref(*(np.float32(x) for x in (w, g, m, v)), t, np.float32(lr),
                             np.float32(wd))

    def torch_adamw(w, g, m, v, t, lr, wd):
        import torch
        p = torch.nn.Parameter(torch.tensor(w, dtype=torch.float64))
        opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd, betas=(lesson08.B1, lesson08.B2),
                                eps=lesson08.EPS)
        p.grad = torch.tensor(g, dtype=torch.float64)
        if t > 1:
            opt.state[p] = {"step": torch.tensor(float(t - 1)),
                            "exp_avg": torch.tensor(m, dtype=torch.float64),
                            "exp_avg_sq": torch.tensor(v, dtype=torch.float64)}
        else:
            pass
        opt.step()
        s = opt.state[p]
        return p.detach().numpy(), s["exp_avg"].numpy(), s["exp_avg_sq"].numpy()

    return [
        ("a list", as_list, OK), ("float32 throughout", float32, OK),
        ("torch AdamW, state by hand", torch_adamw, OK),
        ("(m, v, w)", lambda *a: _r8_adamw_ref(*a)[1:] + _r8_adamw_ref(*a)[:1], REFUSED),
        ("t + 1 in the correction", lambda *a: _r8_adamw_ref(*a, tc=lambda t: t + 1), REFUSED),
        ("ε inside the sqrt", lambda *a: _r8_adamw_ref(*a, eps_in=True), REFUSED),
        ("shrink by wd alone", lambda *a: _r8_adamw_ref(*a, decay="wd"), REFUSED),
        ("no bias correction", lambda *a: _r8_adamw_ref(*a, tc=lambda t: 10 ** 6), REFUSED),
        ("only w", lambda *a: _r8_adamw_ref(*a)[0], REFUSED),
        ("m, v updated in place", _r8_adamw_mutate_m, IN_PLACE),
        (".mul().add(), torch's names", _r8_adamw_torchname, Hint("NumPy's is *")),
    ]


def _r8_fixed_points():
    E = lesson08.EPS
    return [
        ("−sign(g)/λ, ε dropped", lambda g, lam: (-g / lam, -np.sign(g) / lam), OK),
        ("with ε", lambda g, lam: (-np.asarray(g) / lam, -np.asarray(g) / (lam * (np.abs(g) + E))),
         OK),
        ("a list of lists", lambda g, lam: [list(-np.asarray(g) / lam),
                                            list(-np.sign(g) / lam)], OK),
        ("+ signs", lambda g, lam: (g / lam, np.sign(g) / lam), REFUSED),
        ("swapped", lambda g, lam: (-np.sign(g) / lam, -g / lam), REFUSED),
        ("λ/2", lambda g, lam: (-2 * g / lam, -2 * np.sign(g) / lam), REFUSED),
        ("lr in it (0.001)", lambda g, lam: (-g / lam, -np.sign(g) / (1e-3 * lam)), REFUSED),
        ("AdamW: −g/λ too", lambda g, lam: (-g / lam, -g / lam), REFUSED),
        ("NaN for small g", _r8_fp_nan, Hint("contains NaN")),
        ("printed, not returned", _r8_fp_print, Hint("forget `return`")),
    ]


def _r8_angular():
    def cross_free(w_old, w_new):
        a, b = np.ravel(w_old).astype(float), np.ravel(w_new).astype(float)
        return float(np.arctan2(np.sqrt(max(0.0, (a @ a) * (b @ b) - (a @ b) ** 2)), a @ b))

    def listed(w_old, w_new):
        a, b = np.ravel(w_old), np.ravel(w_new)
        a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
        return [2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))]

    def not_flat(w_old, w_new):                       # vdot flattens
        return float(np.arccos(np.clip(np.vdot(w_old, w_new) / (
            np.linalg.norm(w_old) * np.linalg.norm(w_new)), -1, 1)))

    def row_mean(w_old, w_new):                      # per row, averaged
        a, b = np.atleast_2d(w_old), np.atleast_2d(w_new)
        cos = np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
        return float(np.mean(np.arccos(np.clip(cos, -1, 1))))

    return [
        ("atan2(|a×b|, a·b)", cross_free, OK), ("a one-item list", listed, OK),
        ("vdot", not_flat, OK),
        ("mean of per-row angles", row_mean, Hint(lesson09.ANGLE_HINTS["rows"])),
        ("degrees via np.rad2deg", lambda a, b: np.rad2deg(not_flat(a, b)), REFUSED),
        ("Frobenius of difference", lambda a, b: float(np.linalg.norm(b - a)), REFUSED),
    ]


def _r8_eq_angle():
    def d(opt, lr, lam):
        return lam if opt == "sgdw" else lr * lam

    def arccos(opt, lr, lam):                        # cos θ = 1 − d... ? no: cos θ = (1−d)/1
        return float(np.arccos(1 - d(opt, lr, lam)))

    def arcsin(opt, lr, lam):                        # sin θ = √(d(2−d)): same θ for d < 1
        x = d(opt, lr, lam)
        return float(np.arcsin(np.sqrt(x * (2 - x))))

    def upper(opt, lr, lam):
        return arccos(opt.lower(), lr, lam)

    return [
        ("arccos(1 − d)", arccos, OK), ("arcsin √(d(2−d))", arcsin, OK),
        ("opt.lower()", upper, OK),
        ("d = λ/2·lr", lambda opt, lr, lam: arccos(opt, lr, lam / 2),
         Hint(lesson09.EQ_ANGLE_HINTS["half_lam"])),
        ("any other string is sgd", lambda opt, lr, lam: arccos("sgd", lr, lam), REFUSED),
        ("2λ, PyTorch's weight_decay", lambda opt, lr, lam: arccos(opt, lr, 2 * lam),
         Hint(lesson09.EQ_ANGLE_HINTS["double_lam"])),
        ("arctan √(2d)", lambda opt, lr, lam: float(np.arctan(np.sqrt(2 * d(opt, lr, lam)))),
         REFUSED),
        ("tuple (sgd, sgdw)", lambda opt, lr, lam: (arccos("sgd", lr, lam),
                                                    arccos("sgdw", lr, lam)), REFUSED),
        ('"adamw" for "sgdw"', _r8_eqa_adamw_name, Hint(lesson09.EQ_ANGLE_HINTS["sgdw_like_sgd"])),
    ]


def _r8_eq_norm():
    ref = lambda lr, lam, gt: (lr * gt / (lam * (2 - lr * lam))) ** 0.25  # noqa: E731
    return [
        ("sqrt(sqrt())", lambda lr, lam, gt: np.sqrt(np.sqrt(lr * gt / (lam * (2 - lr * lam)))),
         OK),
        ("from ‖g̃‖ squared back", lambda lr, lam, gt: (np.sqrt(gt) ** 2 * lr / (
            2 * lam - lr * lam ** 2)) ** 0.25, OK),
        ("np.power(·, 1/4) float32", lambda lr, lam, gt: np.power(
            np.float32(lr * gt / (lam * (2 - lr * lam))), np.float32(0.25)), OK),
        ("λ/2 for λ", lambda lr, lam, gt: ref(lr, lam / 2, gt),
         Hint(lesson09.EQ_NORM_HINTS["half_lam"])),
        ("2λ for λ", lambda lr, lam, gt: ref(lr, 2 * lam, gt),
         Hint(lesson09.EQ_NORM_HINTS["double_lam"])),
        ("g̃ not squared (√ of it)", lambda lr, lam, gt: ref(lr, lam, np.sqrt(gt)), REFUSED),
        ("cube root", lambda lr, lam, gt: (lr * gt / (lam * (2 - lr * lam))) ** (1 / 3), REFUSED),
        ("arguments in another order", lambda lr, lam, gt: ref(lam, lr, gt), REFUSED),
        ("int(x·1000)/1000 for display", lambda lr, lam, gt: int(ref(lr, lam, gt) * 1000) / 1000,
         Hint("cut to 3 decimals")),
    ]


def _r8_cos_zeros_like(t, base, T, m):
    out = np.zeros_like(t)
    out[:] = m + (base - m) * 0.5 * (1 + np.cos(np.pi * np.minimum(t, T) / T))
    return out


def _r8_cos_inplace_t(t, base, T, m):
    np.minimum(t, T, out=t)
    return m + (base - m) * 0.5 * (1 + np.cos(np.pi * t / T))


def _r8_st_div(w, t):
    return w / np.abs(w) * np.maximum(np.abs(w) - t, 0)


def _r8_st_clamp(w, t):
    return np.sign(w) * (np.abs(w) - t).clamp(min=0)


def _r8_st_torch(w, t):
    import torch
    w = torch.as_tensor(w)
    return torch.sign(w) * torch.clamp(w.abs() - t, min=0)


def _r8_mn_matrix(W, c):
    W = np.asmatrix(W)
    return np.asarray(W) * np.minimum(1, c / np.linalg.norm(np.asarray(W), axis=0))


def _r8_mn_frame(W, c):
    import pandas as pd
    return pd.DataFrame(W) * np.minimum(1, c / np.linalg.norm(W, axis=0))


def _r8_mn_matrix_out(W, c):
    W = np.asmatrix(W)
    n = np.sqrt(np.sum(np.square(W), axis=0))
    return np.multiply(W, np.minimum(1, c / n))


def _r8_ang_norm_method(a, b):
    A = np.concatenate([a[k].reshape(len(a[k]), -1) for k in a], 1)
    B = np.concatenate([b[k].reshape(len(b[k]), -1) for k in a], 1)
    return np.degrees(np.arccos((A * B).sum(1) / (A.norm(dim=1) * B.norm(dim=1))))


def _r8_mom_int_buf(grads, lr, beta, tau):
    out = np.zeros(grads.shape, dtype=int)
    b = grads[0]
    for t in range(len(grads)):
        b = grads[t] if t == 0 else beta * b + (1 - tau) * grads[t]
        out[t] = -lr * b
    return out


def _r8_mom_zeros_T(grads, lr, beta, tau):      # zeros(T, d) but forgets the first row is g_1
    out = np.zeros_like(grads)
    b = np.zeros(grads.shape[1])
    for t in range(len(grads)):
        b = beta * b + (1 - tau) * grads[t]
        out[t] = -lr * b
    return out


def _r8_adamw_mutate_m(w, g, m, v, t, lr, wd):
    m *= 0.9
    m += 0.1 * g
    v *= 0.999
    v += 0.001 * g * g
    mh, vh = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    return w * (1 - lr * wd) - lr * mh / (np.sqrt(vh) + 1e-8), m, v


def _r8_adamw_torchname(w, g, m, v, t, lr, wd):
    m = m.mul(0.9).add(0.1 * g)
    return w, m, v


def _r8_leaky_int(fan_in, slope):
    return (2 // ((1 + slope ** 2) * fan_in)) ** 0.5


def _r8_leaky_np_int(fan_in, slope):
    return np.sqrt(np.array(2) / np.array((1 + slope ** 2) * fan_in))


def _r8_l2_int(params, lam):
    lam = np.asarray(lam).astype(int)
    return {k: lam.reshape((-1,) + (1,) * (v.ndim - 1)) * v if k.startswith("W")
            else np.zeros_like(v) for k, v in params.items()}


def _r8_l2_mutate(params, lam):
    for k in params:
        c = np.asarray(lam).reshape((-1,) + (1,) * (params[k].ndim - 1))
        params[k] = c * params[k] if k.startswith("W") else np.zeros_like(params[k])
    return params


def _r8_l2_mutate_arrays(params, lam):
    for k, v in params.items():
        if k.startswith("W"):
            v *= np.asarray(lam).reshape((-1,) + (1,) * (v.ndim - 1))
        else:
            v[...] = 0
    return params


def _r8_cp_np_matrix(sizes):
    s = np.matrix(sizes)
    return (s[0, :-1] + 1) @ s[0, 1:].T


def _r8_hm_matrix_input(yhat, y):
    yhat, y = np.matrix(yhat), np.matrix(y)
    return 0.5 * np.mean(np.power(yhat - y, 2))


def _r8_hm_torch_tensor(yhat, y):
    import torch
    return 0.5 * torch.mean((torch.tensor(yhat) - torch.tensor(y)) ** 2)


def _r8_hm_req_grad(yhat, y):
    import torch
    a = torch.tensor(yhat, requires_grad=True)
    return 0.5 * ((a - torch.tensor(y)) ** 2).mean()


def _r8_ridge_pinv_nolam(F, y, lam):
    Fc = F - F.mean(0)
    w = np.linalg.pinv(Fc) @ (y - y.mean()).ravel()
    return w, float(y.mean() - F.mean(0) @ w)


def _r8_ridge_return_dict(F, y, lam):
    w, b = _ridge(F, y, lam)
    return {"w": w, "b": b}


def _r8_eqa_adamw_name(opt, lr, lam):
    d = lam if opt == "adamw" else lr * lam
    return float(np.arccos(1 - d))


def _r8_fp_scalar_g(g, lam):
    return -g / lam, -np.sign(g) / lam


def _r8_fp_nan(g, lam):
    return -g / lam, -g / (lam * np.abs(g)) * np.where(np.abs(g) > 1, 1, np.nan)


def _r8_fp_print(g, lam):
    print(-g / lam, -np.sign(g) / lam)


ROUND8 = {
    lesson00.check_half_mse: _r8_half_mse,
    lesson01.check_count_params: _r8_count_params,
    lesson01.check_ridge_fit: _r8_ridge_fit,
    lesson02.check_l2_grad: _r8_l2_grad,
    lesson02.check_lam_for_df: _r8_lam_for_df,
    lesson02.check_early_stopping_lambda: _r8_early_stopping,
    lesson03.check_soft_threshold: _r8_soft_threshold,
    lesson03.check_prox_lasso_step: _r8_prox,
    lesson03.check_max_norm: _r8_max_norm,
    lesson04.check_cv_loss: _r8_cv_loss,
    lesson04.check_one_se_rule: _r8_one_se,
    lesson05.check_leaky_relu_std: _r8_leaky,
    lesson05.check_backprop_tanh: _r8_backprop,
    lesson06.check_clip_by_norm: _r8_clip_norm,
    lesson06.check_clip_by_value: _r8_clip_value,
    lesson06.check_angle: _r8_angle,
    lesson07.check_momentum_updates: _r8_momentum,
    lesson07.check_cosine_lr: _r8_cosine,
    lesson08.check_adamw_step: _r8_adamw,
    lesson08.check_fixed_points: _r8_fixed_points,
    lesson09.check_angular_step: _r8_angular,
    lesson09.check_equilibrium_angle: _r8_eq_angle,
    lesson09.check_equilibrium_norm: _r8_eq_norm,
}


# --------------------------------------------------------------------------- round 9

# Round 9: a fresh class again. Exact and extended numbers (fractions.Fraction, decimal.Decimal,
# np.longdouble), masked arrays with nothing masked, jax.numpy (float32 by default), generators
# consumed once, a view of the input returned where nothing changes, functools.lru_cache and
# partial, an instance with __call__, answers that warn or run under np.errstate, scipy.optimize's
# other root finders, float32 work cast back to float64, the boundary values a prompt allows
# (t = 0, slope = 0, dampening = 0); and slips not yet written: lr applied twice, β and τ mixed
# up, Adam's betas swapped, the decay after the step, (1 + a)² for 1 + a², a per-entry clip for a
# global one, an ε inside the square root, the wrong layer's z, sums for means.

def _r9_jnp():
    import jax.numpy as jnp
    return jnp


class _R9Callable:
    """An instance with ``__call__`` (a learner's 'solver object'), not a function."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *a):
        return self.fn(*a)


def _r9_warns(fn):
    """``fn`` that warns (a learner's own warnings.warn) and still returns the right value."""
    def warner(*a):
        warnings.warn("my own note: check the shapes", UserWarning, stacklevel=2)
        return fn(*a)
    return warner


def _r9_masked(fn):
    """``fn``'s value as a masked array with nothing masked (np.ma.masked_invalid of a finite
    value); a tuple or dict: each part."""
    def wrap(*a):
        got = fn(*a)
        if isinstance(got, dict):
            return {k: np.ma.masked_invalid(v) for k, v in got.items()}
        if isinstance(got, tuple):
            return tuple({k: np.ma.masked_invalid(x) for k, x in v.items()} if isinstance(v, dict)
                         else np.ma.masked_invalid(np.asarray(v, dtype=float)) for v in got)
        return np.ma.masked_invalid(np.asarray(got, dtype=float))
    return wrap


def _r9_half_mse():
    from decimal import Decimal
    from fractions import Fraction
    H = lesson00.HALF_MSE_HINTS
    right = lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2)  # noqa: E731

    def fraction(yhat, y):
        r = [Fraction(float(a)) - Fraction(float(b)) for a, b in zip(yhat.ravel(), y.ravel(),
                                                                       strict=True)]
        return sum(x * x for x in r) / (2 * len(r))

    def decimal_(yhat, y):
        r = [Decimal(float(a)) - Decimal(float(b)) for a, b in zip(yhat.ravel(), y.ravel(),
                                                                     strict=True)]
        return sum(x * x for x in r) / (2 * len(r))

    def longdouble(yhat, y):
        r = yhat.astype(np.longdouble) - y.astype(np.longdouble)
        return np.mean(r * r) / 2

    def jax_(yhat, y):
        jnp = _r9_jnp()
        return 0.5 * jnp.mean((jnp.asarray(yhat) - jnp.asarray(y)) ** 2)

    def gen_once(yhat, y):                       # a generator consumed by sum, once
        sq = ((a - b) ** 2 for a, b in zip(yhat.ravel(), y.ravel(), strict=True))
        return sum(sq) / (2 * y.shape[0])

    def errstate(yhat, y):
        with np.errstate(all="raise"):
            return right(yhat, y)

    def f32_back(yhat, y):
        return float(np.float64(right(yhat.astype(np.float32), y.astype(np.float32))))

    def mean_sum_twice(yhat, y):                 # the mean of the sum (over n, then ½ of a sum)
        return 0.5 * np.sum(np.mean((yhat - y) ** 2, axis=1))

    return [
        ("Fraction", fraction, OK), ("Decimal", decimal_, OK), ("np.longdouble", longdouble, OK),
        ("jax.numpy (float32)", jax_, OK), ("a generator summed once", gen_once, OK),
        ("np.errstate(all='raise')", errstate, OK),
        # float32 work returned as float64 is refused with the float32 text: the checker cannot
        # tell it from a float64 answer with a tiny error (a float32 result is accepted)
        ("float32, cast back", f32_back, Hint("float32")),
        ("a callable instance", _R9Callable(right), OK), ("warns", _r9_warns(right), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("sum over columns of the mean", mean_sum_twice, Hint(H["sum"])),
        ("½ twice", lambda yhat, y: 0.25 * np.mean((yhat - y) ** 2), REFUSED),
        ("Σ/(2(n−1))", lambda yhat, y: np.sum((yhat - y) ** 2) / (2 * (len(y) - 1)), REFUSED),
        ("y − ŷ squared, sign no matter, but ŷ + y", lambda yhat, y:
         0.5 * np.mean((yhat + y) ** 2), REFUSED),
    ]


def _r9_count_params():
    import functools
    from fractions import Fraction
    H = lesson01.COUNT_PARAMS_HINTS

    @functools.lru_cache(maxsize=128)
    def cached(sizes):
        return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    def cached_any(sizes):
        return cached(tuple(sizes))

    def fraction(sizes):
        return sum(Fraction(a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    def recursive(sizes):
        return 0 if len(sizes) < 2 else (sizes[0] + 1) * sizes[1] + recursive(sizes[1:])

    def gen_once(sizes):
        it = iter(sizes)
        prev, total = next(it), 0
        for s in it:
            total += (prev + 1) * s
            prev = s
        return total

    def off_by_one(sizes):                       # range(len(sizes) - 2): the last layer missed
        return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 2))

    def squared(sizes):                          # h² per layer
        return sum(b * b + b for b in sizes[1:])

    return [
        ("lru_cache on a tuple", cached_any, OK), ("Fraction", fraction, OK),
        ("recursive", recursive, OK), ("an iterator consumed once", gen_once, OK),
        ("a callable instance", _R9Callable(recursive), OK),
        ("np.longdouble", lambda s: np.longdouble(recursive(s)), OK),
        ("range(len − 2)", off_by_one, Hint(H["missing_layer"])),
        ("b² + b per layer", squared, REFUSED),
        # the checker passes sizes as a tuple, the prompt's (n_in, h1, ..., n_out): hashable
        ("lru_cache on the sizes", functools.lru_cache(maxsize=128)(recursive), OK),
    ]


def _r9_ridge_fit():
    def lstsq_aug(F, y, lam):                    # [Fc; √(nλ) I] w = [yc; 0]
        n, d = F.shape
        Fc, yc = F - F.mean(0), (y - y.mean()).ravel()
        A = np.vstack([Fc, np.sqrt(n * lam) * np.eye(d)])
        w = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(d)]), rcond=None)[0]
        return w, float(y.mean() - F.mean(0) @ w)

    def scipy_min(F, y, lam):
        from scipy.optimize import minimize
        n, d = F.shape

        def J(p):
            r = y.ravel() - F @ p[:d] - p[d]
            return r @ r / (2 * n) + lam / 2 * p[:d] @ p[:d]

        def dJ(p):
            r = y.ravel() - F @ p[:d] - p[d]
            return np.concatenate([-F.T @ r / n + lam * p[:d], [-r.mean()]])
        p = minimize(J, np.zeros(d + 1), jac=dJ, method="BFGS", options={"gtol": 1e-13}).x
        return p[:d], p[d]

    def longdouble(F, y, lam):
        w, b = _ridge(F.astype(np.longdouble).astype(float), y, lam)
        return w.astype(np.longdouble), np.longdouble(b)

    def jax_(F, y, lam):
        jnp = _r9_jnp()
        Fc, yc = jnp.asarray(F) - F.mean(0), jnp.asarray(y).ravel() - y.mean()
        n, d = F.shape
        w = jnp.linalg.solve(Fc.T @ Fc / n + lam * jnp.eye(d), Fc.T @ yc / n)
        return w, float(y.mean() - F.mean(0) @ np.asarray(w))

    def f32_back(F, y, lam):
        w, b = _ridge(F.astype(np.float32), y.astype(np.float32), lam)
        return w.astype(np.float64), float(b)

    def b_sign(F, y, lam):                       # b = F̄w − ȳ
        w, b = _ridge(F, y, lam)
        return w, -b

    def lam_sq(F, y, lam):                       # λ² I: λ read as a standard deviation
        return _ridge(F, y, lam ** 2)

    def mean_sum(F, y, lam):                     # (FcᵀFc + λI) w = Fcᵀyc/n: n on one side
        n, d = F.shape
        Fc, yc = F - F.mean(0), (y - y.mean()).ravel()
        w = np.linalg.solve(Fc.T @ Fc + lam * np.eye(d), Fc.T @ yc / n)
        return w, float(y.mean() - F.mean(0) @ w)

    return [
        ("lstsq of [Fc; √(nλ)I]", lstsq_aug, OK), ("scipy BFGS to 1e-13", scipy_min, OK),
        ("np.longdouble", longdouble, OK), ("jax.numpy w, float b", jax_, Hint("float32")),
        ("float32, cast back", f32_back, Hint("float32")),
        ("masked, nothing masked", _r9_masked(_ridge), OK),
        ("a callable instance", _R9Callable(_ridge), OK),
        ("b = F̄w − ȳ", b_sign, REFUSED), ("λ²", lam_sq, REFUSED),
        ("n on one side only", mean_sum, REFUSED),
    ]


def _r9_l2_grad():
    H = lesson02.L2_GRAD_HINTS

    def right(params, lam):
        lam = np.asarray(lam)
        return {k: (lam.reshape((-1,) + (1,) * (v.ndim - 1)) * v if k.startswith("W")
                    else np.zeros_like(v)) for k, v in params.items()}

    def jax_(params, lam):
        jnp = _r9_jnp()
        return {k: (jnp.asarray(lam).reshape((-1,) + (1,) * (v.ndim - 1)) * jnp.asarray(v)
                    if k.startswith("W") else jnp.zeros(v.shape)) for k, v in params.items()}

    def jax_grad(params, lam):                   # jax.grad of the penalty, per model, summed
        import jax
        jnp = _r9_jnp()

        def pen(p):
            return sum(0.5 * jnp.sum(jnp.asarray(lam).reshape((-1,) + (1,) * (v.ndim - 1))
                                     * v ** 2) for k, v in p.items() if k.startswith("W"))
        g = jax.grad(pen)({k: jnp.asarray(v) for k, v in params.items()})
        return {k: np.asarray(v) for k, v in g.items()}

    def longdouble(params, lam):
        return {k: v.astype(np.longdouble) for k, v in right(params, lam).items()}

    def einsum(params, lam):
        return {k: np.einsum("k,k...->k...", np.asarray(lam, dtype=float), v) if k[0] == "W"
                else 0 * v for k, v in params.items()}

    def lr_applied(params, lam):                 # the update, lr·λ·W, with a default lr
        return {k: 0.1 * v for k, v in right(params, lam).items()}

    def lam_over_k(params, lam):                 # λ_k/K: the mean over models
        return {k: v / len(lam) for k, v in right(params, lam).items()}

    def bias_lam(params, lam):                   # biases decayed too ("every parameter")
        return {k: np.asarray(lam).reshape((-1,) + (1,) * (v.ndim - 1)) * v
                for k, v in params.items()}

    return [
        ("jax.numpy (float32)", jax_, OK), ("jax.grad of the penalty", jax_grad, OK),
        ("np.longdouble", longdouble, OK), ("einsum k,k...", einsum, OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK), ("warns", _r9_warns(right), OK),
        ("lr·λ·W", lr_applied, REFUSED), ("λ/K", lam_over_k, REFUSED),
        ("biases decayed", bias_lam, Hint(H["biases_decayed"])),
    ]


def _r9_lam_for_df():
    def df(X, lam):
        e = _variances(X)
        return np.sum(e / (e + lam))

    def root_scalar_newton(X, d):
        from scipy.optimize import root_scalar
        e = _variances(X)
        f = lambda s: np.sum(e / (e + np.exp(s))) - d  # noqa: E731
        fp = lambda s: -np.sum(e * np.exp(s) / (e + np.exp(s)) ** 2)  # noqa: E731
        return float(np.exp(root_scalar(f, x0=np.log(np.mean(e)), fprime=fp, method="newton",
                                        xtol=1e-14).root))

    def fsolve(X, d):
        from scipy.optimize import fsolve
        e = _variances(X)
        s = fsolve(lambda s: np.sum(e / (e + np.exp(s))) - d, x0=np.log(np.median(e)),
                   xtol=1e-13)
        return s                                 # a one-item array of log λ ... exp below

    def fsolve_exp(X, d):
        return np.exp(fsolve(X, d))

    def toms748(X, d):
        from scipy.optimize import toms748
        e = _variances(X)
        return np.exp(toms748(lambda s: np.sum(e / (e + np.exp(s))) - d, -40.0, 40.0,
                              xtol=1e-14, rtol=1e-14))

    def longdouble(X, d):
        return np.longdouble(_bisect_log(_variances(X), d))

    def ddof1(X, d):                             # np.var(ddof=1)'s variances
        return _bisect_log(_variances(X, ddof=1), d)

    def singular_not_sq(X, d):                   # e_j = s_j/n
        s = np.linalg.svd(X - X.mean(0), compute_uv=False)
        return _bisect_log(s / len(X), d)

    def few_steps(X, d):                         # bisection stopped after 20 halvings
        return _bisect_log(_variances(X), d, steps=20)

    return [
        ("root_scalar Newton on log λ", root_scalar_newton, OK), ("fsolve, exp", fsolve_exp, OK),
        ("toms748", toms748, OK), ("np.longdouble", longdouble, OK),
        ("a callable instance", _R9Callable(lambda X, d: _bisect_log(_variances(X), d)), OK),
        ("log λ returned", fsolve, REFUSED), ("ddof=1 variances", ddof1, REFUSED),
        ("s/n, not s²/n", singular_not_sq, REFUSED), ("20 halvings", few_steps, REFUSED),
    ]


def _r9_early_stopping():
    H = lesson02.EARLY_STOP_HINTS

    def right(X, lr, T):
        return _early(X, lr, T)

    def longdouble(X, lr, T):
        e = _variances(X).astype(np.longdouble)
        return e * (1 - e * lr) ** T / (1 - (1 - e * lr) ** T)

    def loop_steps(X, lr, T):                    # the fraction reached, by T steps of the map
        e = _variances(X)
        reached = np.zeros_like(e)
        for _ in range(T):
            reached = reached + lr * e * (1 - reached)
        return e * (1 - reached) / reached

    def steps_minus_one(X, lr, T):               # range(1, T): T − 1 steps
        return _early(X, lr, T - 1)

    def lr_twice(X, lr, T):                      # (1 − 2·lr·e)^T: lr applied twice
        return _early(X, 2 * lr, T)

    return [
        ("np.longdouble", longdouble, OK), ("T steps of the map", loop_steps, OK),
        ("float32", lambda X, lr, T: _early(X.astype(np.float32), lr, T), OK),
        ("float32, cast back", lambda X, lr, T: _early(X.astype(np.float32), lr, T)
         .astype(float), Hint("float32")),
        ("a callable instance", _R9Callable(right), OK),
        ("T − 1 steps", steps_minus_one, Hint(H["off_by_one"])),
        ("lr doubled", lr_twice, REFUSED),
        ("1/(lr·T)", lambda X, lr, T: np.full(X.shape[1], 1 / (lr * T)),
         Hint(H["rule_of_thumb"])),
    ]


def _r9_soft_threshold():
    H = lesson03.SOFT_THRESHOLD_HINTS

    def view_at_zero(w, t):                      # t = 0: w itself (a view), else new
        return w if t == 0 else np.sign(w) * np.maximum(np.abs(w) - t, 0)

    def minus_clip(w, t):                        # w − clip(w, −t, t)
        return w - np.clip(w, -t, t)

    def two_sided(w, t):
        return np.maximum(w - t, 0) + np.minimum(w + t, 0)

    def jax_(w, t):
        jnp = _r9_jnp()
        x = jnp.asarray(w)
        return jnp.sign(x) * jnp.maximum(jnp.abs(x) - t, 0)

    def longdouble(w, t):
        x = w.astype(np.longdouble)
        return np.sign(x) * np.maximum(np.abs(x) - t, 0)

    def vectorize(w, t):
        return np.vectorize(lambda x: math.copysign(max(abs(x) - t, 0.0), x))(w)

    def shrink_sq(w, t):                         # |w|² − t
        return np.sign(w) * np.maximum(w ** 2 - t, 0)

    def divide(w, t):                            # w/(1 + t): the L2 prox
        return w / (1 + t)

    def maximum_only(w, t):                      # max(w − t, 0): the negative side lost
        return np.maximum(w - t, 0)

    return [
        ("w itself at t = 0", view_at_zero, OK), ("w − clip(w, −t, t)", minus_clip, OK),
        ("max(w−t,0) + min(w+t,0)", two_sided, OK), ("jax.numpy (float32)", jax_, OK),
        ("np.longdouble", longdouble, OK), ("np.vectorize of copysign", vectorize, OK),
        ("masked, nothing masked", _r9_masked(minus_clip), OK),
        ("np.errstate inside", lambda w, t: (lambda: two_sided(w, t))() if np.errstate(
            all="ignore") else None, OK),
        ("|w|² − t", shrink_sq, REFUSED), ("w/(1+t)", divide, Hint(H["l2_prox"])),
        ("max(w − t, 0)", maximum_only, Hint(H["one_sided"])),
    ]


def _r9_prox():
    H = lesson03.PROX_HINTS

    def right(w, X, y, lr, lam):
        return _prox(w, X, y, lr, lam)

    def jax_grad(w, X, y, lr, lam):
        import jax
        jnp = _r9_jnp()
        loss = lambda v: jnp.sum((jnp.asarray(y) - jnp.asarray(X) @ v) ** 2) / (2 * len(y))  # noqa: E731
        z = w - lr * np.asarray(jax.grad(loss)(jnp.asarray(w)), dtype=float)
        return np.sign(z) * np.maximum(np.abs(z) - lr * lam, 0)

    def lr_twice(w, X, y, lr, lam):
        z = w - lr * lr * X.T @ (X @ w - y) / len(y)
        return np.sign(z) * np.maximum(np.abs(z) - lr * lam, 0)

    def thr_before(w, X, y, lr, lam):            # threshold w, then the gradient step
        v = np.sign(w) * np.maximum(np.abs(w) - lr * lam, 0)
        return v - lr * X.T @ (X @ v - y) / len(y)

    def grad_sign(w, X, y, lr, lam):             # (y − Xw)ᵀX: the residual the other way
        z = w - lr * X.T @ (y - X @ w) / len(y)
        return np.sign(z) * np.maximum(np.abs(z) - lr * lam, 0)

    return [
        ("jax.grad of the loss (float32), cast back", jax_grad, Hint("float32")),
        ("float32, cast back", lambda w, X, y, lr, lam: right(
            *(a.astype(np.float32) for a in (w, X, y)), lr, lam).astype(float), Hint("float32")),
        ("a callable instance", _R9Callable(right), OK), ("warns", _r9_warns(right), OK),
        ("lr² on the gradient", lr_twice, REFUSED),
        ("threshold, then step", thr_before, Hint(H["order_swapped"])),
        ("residual sign flipped", grad_sign, Hint(H["uphill"])),
    ]


def _r9_max_norm():
    H = lesson03.MAX_NORM_HINTS

    def divide_max(W, c):
        return W / np.maximum(1.0, np.linalg.norm(W, axis=0) / c)

    def errstate(W, c):                          # c/0 = inf for a zero column, min(1, inf) = 1
        with np.errstate(divide="ignore"):
            return W * np.minimum(1.0, c / np.linalg.norm(W, axis=0))

    def view_when_inside(W, c):                  # nothing to rescale: W itself
        n = np.linalg.norm(W, axis=0)
        return W if np.all(n <= c) else W * np.minimum(1.0, c / n)

    def jax_(W, c):
        jnp = _r9_jnp()
        n = jnp.linalg.norm(jnp.asarray(W), axis=0)
        return jnp.asarray(W) * jnp.minimum(1.0, c / n)

    def torch_eps(W, c):                         # c/(‖w‖ + 1e-7), PyTorch's renorm
        import torch
        return torch.renorm(torch.as_tensor(W), p=2, dim=1, maxnorm=c).numpy()

    def per_entry(W, c):
        return np.clip(W, -c, c)

    def l_inf(W, c):                             # the largest entry for the norm
        n = np.max(np.abs(W), axis=0)
        return W * np.minimum(1.0, c / n)

    return [
        ("W / max(1, ‖w‖/c)", divide_max, OK), ("np.errstate, c/0", errstate, OK),
        ("W itself when nothing exceeds", view_when_inside, OK), ("jax.numpy (float32)", jax_, OK),
        ("np.longdouble", lambda W, c: divide_max(W.astype(np.longdouble), c), OK),
        ("torch.renorm(dim=1)", torch_eps, OK),
        # torch.renorm's eps (c/(‖w‖ + 1e-7)): accepted by design (lesson03's _eps_added)
        ("c/(‖w‖ + 1e-7)", lambda W, c: W * np.where(np.linalg.norm(W, axis=0) > c, c / (
            np.linalg.norm(W, axis=0) + 1e-7), 1.0), OK),
        ("‖w‖ ≥ c", lambda W, c: np.where(np.linalg.norm(W, axis=0) >= c, W * c / np.linalg.norm(
            W, axis=0), W), OK),
        ("per-entry clip", per_entry, Hint(H["clip_entries"])), ("max |w| per column", l_inf,
                                                                  REFUSED),
    ]


def _r9_cv_loss():
    H = lesson04.CV_HINTS

    def loop(X, y, lams, k=5, seed=0):
        return _cv(X, y, lams, k, seed)

    def pooled_sum(X, y, lams, k=5, seed=0):     # Σ folds, not mean
        return k * _cv(X, y, lams, k, seed)

    return [
        ("a callable instance", _R9Callable(loop), OK),
        ("np.longdouble", lambda *a: _cv(*a).astype(np.longdouble), OK),
        ("masked, nothing masked", _r9_masked(loop), OK),
        ("summed over folds", pooled_sum, REFUSED),
        ("mean loss without ½", lambda *a: 2 * _cv(*a), Hint(H["plain_mse"])),
    ]


def _r9_one_se():
    from fractions import Fraction
    H = lesson04.ONE_SE_HINTS

    def right(lams, L):
        return _one_se(lams, L)

    return [
        ("Fraction of the λ", lambda lams, L: Fraction(float(right(lams, L))), OK),
        ("np.longdouble", lambda lams, L: np.longdouble(right(lams, L)), OK),
        ("a one-item masked array", lambda lams, L: np.ma.masked_invalid([right(lams, L)]), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("ddof=0", lambda lams, L: _one_se(lams, L, ddof=0), Hint(H["ddof0"])),
        ("the smallest λ in the band", lambda lams, L: _one_se(lams, L, pick=min),
         Hint(H["smallest_in_band"])),
    ]


def _r9_leaky():
    import functools
    from decimal import Decimal
    from fractions import Fraction
    H = lesson05.LEAKY_HINTS

    @functools.cache
    def cached(fan_in, slope):
        return math.sqrt(2 / ((1 + slope ** 2) * fan_in))

    def fraction(fan_in, slope):                 # the variance exact, sqrt at the end
        return math.sqrt(Fraction(2) / ((1 + Fraction(slope) ** 2) * fan_in))

    def decimal_(fan_in, slope):
        return (Decimal(2) / ((1 + Decimal(slope) ** 2) * fan_in)).sqrt()

    def jax_(fan_in, slope):
        return _r9_jnp().sqrt(2.0 / ((1 + slope ** 2) * fan_in))

    def torch_gain(fan_in, slope):
        import torch
        return torch.nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(fan_in)

    return [
        ("functools.cache", cached, OK), ("Fraction, sqrt", fraction, OK),
        ("Decimal.sqrt()", decimal_, OK),
        ("jax.numpy (float32)", jax_, OK), ("np.longdouble", lambda f, a: np.sqrt(
            np.longdouble(2) / ((1 + np.longdouble(a) ** 2) * f)), OK),
        ("calculate_gain/√fan_in", torch_gain, OK),
        ("(1 + a)²", lambda f, a: math.sqrt(2 / ((1 + a) ** 2 * f)), REFUSED),
        ("√(2/fan_in)/(1 + a²)", lambda f, a: math.sqrt(2 / f) / (1 + a * a), REFUSED),
        ("(1 − a²)", lambda f, a: math.sqrt(2 / ((1 - a * a) * f)), REFUSED),
        ("no √ on 1 + a²: variance", lambda f, a: 2 / ((1 + a * a) * f), Hint(H["variance"])),
    ]


def _r9_backprop():
    def gen_once(Ws, zs, g):                     # zip of reversed iterators, consumed once
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            g = (g * (1 - np.tanh(z) ** 2)) @ W.T
        return g

    def jax_(Ws, zs, g):
        jnp = _r9_jnp()
        out = jnp.asarray(g)
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            out = (out * (1 - jnp.tanh(jnp.asarray(z)) ** 2)) @ jnp.asarray(W).T
        return out

    def cosh(Ws, zs, g):                         # 1/cosh² = 1 − tanh²
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            with np.errstate(over="ignore"):
                g = (g / np.cosh(z) ** 2) @ W.T
        return g

    def wrong_z(Ws, zs, g):                      # z of the layer below: zs[l − 1]
        for i in range(len(Ws) - 1, -1, -1):
            g = (g * (1 - np.tanh(zs[i - 1]) ** 2)) @ Ws[i].T
        return g

    def jac_after(Ws, zs, g):                    # Wᵀ first, then tanh' of the layer
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            g = g @ W.T
            g = g * (1 - np.tanh(z) ** 2) if g.shape == z.shape else g
        return g

    return [
        ("zip(reversed, reversed)", gen_once, OK), ("jax.numpy (float32)", jax_, OK),
        ("1/cosh²", cosh, OK), ("np.longdouble", lambda Ws, zs, g: gen_once(
            Ws, [z.astype(np.longdouble) for z in zs], g), OK),
        ("a callable instance", _R9Callable(gen_once), OK),
        ("zs[l − 1]", wrong_z, REFUSED), ("Wᵀ before tanh'", jac_after, REFUSED),
    ]


def _r9_clip_norm():
    H = lesson06.CLIP_NORM_HINTS

    def right(grads, max_norm):
        return _clip_norm(grads, max_norm)

    def jax_(grads, max_norm):
        jnp = _r9_jnp()
        n = jnp.sqrt(sum(jnp.sum(jnp.asarray(g).reshape(len(g), -1) ** 2, axis=1)
                         for g in grads.values()))
        coef = jnp.minimum(1.0, jnp.asarray(max_norm) / (n + 1e-6))
        return {k: jnp.asarray(g) * coef.reshape((-1,) + (1,) * (g.ndim - 1))
                for k, g in grads.items()}, n

    def squeeze(grads, max_norm):                # norms squeezed: () for K = 1
        c, n = right(grads, max_norm)
        return c, np.squeeze(n)

    def eps_in_sqrt(grads, max_norm):            # √(Σ + 1e-6)
        n = _gnorm(grads)
        coef = np.minimum(1.0, np.asarray(max_norm) / np.sqrt(n ** 2 + 1e-6))
        return {k: _per_model(coef, g) * g for k, g in grads.items()}, n

    def entrywise(grads, max_norm):              # each entry clipped by its own size
        c = np.asarray(max_norm, dtype=float)
        return {k: g * np.minimum(1.0, _per_model(c, g) / (np.abs(g) + 1e-6))
                for k, g in grads.items()}, _gnorm(grads)

    def squared_norms(grads, max_norm):          # ‖g‖² for the norm
        n = _gnorm(grads) ** 2
        coef = np.minimum(1.0, np.asarray(max_norm) / (n + 1e-6))
        return {k: _per_model(coef, g) * g for k, g in grads.items()}, n

    return [
        ("jax.numpy (float32)", jax_, OK), ("norms squeezed", squeeze, OK),
        ("np.longdouble", lambda gr, c: right({k: v.astype(np.longdouble) for k, v in
                                                gr.items()}, c), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK), ("warns", _r9_warns(right), OK),
        ("ε inside the square root", eps_in_sqrt, REFUSED),
        ("per entry", entrywise, REFUSED),
        ("squared norms", squared_norms, Hint(H["sum_of_squares"])),
    ]


def _r9_clip_value():
    H = lesson06.CLIP_VALUE_HINTS

    def right(grads, c):
        return {k: np.clip(g, -_per_model(np.asarray(c), g), _per_model(np.asarray(c), g))
                for k, g in grads.items()}

    def sign_min(grads, c):
        return {k: np.sign(g) * np.minimum(np.abs(g), _per_model(np.asarray(c), g))
                for k, g in grads.items()}

    def jax_(grads, c):
        jnp = _r9_jnp()
        return {k: jnp.clip(jnp.asarray(g), -_per_model(np.asarray(c), g),
                            _per_model(np.asarray(c), g)) for k, g in grads.items()}

    def first_c(grads, c):
        return {k: np.clip(g, -c[0], c[0]) for k, g in grads.items()}

    def sign_only(grads, c):                     # sign(g)·c everywhere
        return {k: np.sign(g) * _per_model(np.asarray(c), g) for k, g in grads.items()}

    return [
        ("sign·min(|g|, c)", sign_min, OK), ("jax.numpy (float32)", jax_, OK),
        ("np.longdouble", lambda gr, c: right({k: v.astype(np.longdouble) for k, v in
                                                gr.items()}, c), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("c[0] for every model", first_c, REFUSED),
        ("np.minimum only", lambda gr, c: {k: np.minimum(g, _per_model(np.asarray(c), g))
                                           for k, g in gr.items()}, Hint(H["upper_only"])),
        ("sign(g)·c", sign_only, Hint(H["all_to_c"])),
    ]


def _r9_angle():
    H = lesson06.ANGLE_HINTS

    def right(a, b):
        return _deg(a, b)

    def gen_twice(a, b):                         # a generator of rows, but made twice
        rows = lambda d: (d[k].reshape(len(d[k]), -1) for k in a)  # noqa: E731
        u, v = np.hstack(list(rows(a))), np.hstack(list(rows(b)))
        cos = np.sum(u * v, 1) / np.sqrt(np.sum(u * u, 1) * np.sum(v * v, 1))
        return np.arccos(np.clip(cos, -1, 1)) * 180 / np.pi

    def gen_reused(a, b):                        # one generator for both: b gets nothing
        g = (k for k in a)
        u = np.hstack([a[k].reshape(len(a[k]), -1) for k in g])
        parts = [b[k].reshape(len(b[k]), -1) for k in g]
        v = np.hstack(parts) if parts else u
        cos = np.sum(u * v, 1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    def jax_(a, b):
        jnp = _r9_jnp()
        u, v = jnp.asarray(_rows(a)), jnp.asarray(_rows(b, list(a)))
        cos = jnp.sum(u * v, 1) / (jnp.linalg.norm(u, axis=1) * jnp.linalg.norm(v, axis=1))
        return jnp.degrees(jnp.arccos(jnp.clip(cos, -1, 1)))

    def mean_of_keys(a, b):                      # the mean of per-key angles
        return np.mean([_deg({k: a[k]}, {k: b[k]}) for k in a], axis=0)

    return [
        ("two generators", gen_twice, OK),
        ("jax.numpy (float32)", jax_, OK),
        ("np.longdouble", lambda a, b: right({k: v.astype(np.longdouble) for k, v in a.items()},
                                             b), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("one generator for both", gen_reused, REFUSED),
        ("mean of per-key angles", mean_of_keys, Hint(H["per_tensor_mean"])),
        ("180 − angle", lambda a, b: 180 - right(a, b), REFUSED),
        ("arccos(|cos|)", lambda a, b: _deg(a, b, unit=lambda x: np.degrees(
            np.minimum(x, np.pi - x))), Hint(H["folded"])),
    ]


def _r9_momentum():
    H = lesson07.MOMENTUM_HINTS

    def right(grads, lr, beta, tau):
        return _momentum(grads, lr, beta, tau)

    def lfilter_like(grads, lr, beta, tau):      # closed form: b_t = β^{t−1}g_1 + Σ (1−τ)β^{t−s}g_s
        T = len(grads)
        t = np.arange(T)
        P = np.tril(beta ** (t[:, None] - t[None, :]).clip(0))
        P[:, 1:] *= 1 - tau
        return -lr * (P @ grads)

    def jax_scan(grads, lr, beta, tau):
        import jax
        jnp = _r9_jnp()
        G = jnp.asarray(grads)

        def step(b, g):
            b = beta * b + (1 - tau) * g
            return b, -lr * b
        _, rest = jax.lax.scan(step, G[0], G[1:])
        return jnp.concatenate([-lr * G[:1], rest])

    def lr_twice(grads, lr, beta, tau):          # lr in the buffer and in the change
        return _momentum(lr * grads, lr, beta, tau)

    def beta_tau_swapped(grads, lr, beta, tau):  # b = τ·b + (1 − β)·g
        return _momentum(grads, lr, tau, beta)

    def one_minus_beta(grads, lr, beta, tau):    # EMA: b = βb + (1 − β)g, τ ignored
        return _momentum(grads, lr, beta, tau, damp=lambda _tau: 1 - beta)

    def zero_buffer(grads, lr, beta, tau):       # b_0 = 0: the first gradient damped too
        b, out = 0.0, []
        for g in grads:
            b = beta * b + (1 - tau) * g
            out.append(-lr * b)
        return np.array(out)

    return [
        ("a lower-triangular matrix", lfilter_like, OK), ("jax.lax.scan (float32)", jax_scan, OK),
        ("np.longdouble", lambda g, lr, b, t: right(g.astype(np.longdouble), lr, b, t), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("lr twice", lr_twice, REFUSED), ("β and τ swapped", beta_tau_swapped, REFUSED),
        ("(1 − β) for (1 − τ)", one_minus_beta, Hint(H["adam_style"])),
        ("a buffer that starts at 0", zero_buffer, Hint(H["first_damped"])),
    ]


def _r9_cosine():
    import functools
    H = lesson07.COSINE_HINTS

    def right(t, base, T, m):
        return _cos(t, base, T, m)

    def jax_(t, base, T, m):
        jnp = _r9_jnp()
        return m + (base - m) * 0.5 * (1 + jnp.cos(jnp.pi * jnp.minimum(jnp.asarray(t), T) / T))

    def sin_sq(t, base, T, m):                   # ½(1 + cos x) = cos²(x/2)
        return m + (base - m) * np.cos(np.pi * np.minimum(t, T) / (2 * T)) ** 2

    def where_form(t, base, T, m):
        t = np.asarray(t, dtype=float)
        return np.where(t >= T, m, m + (base - m) * 0.5 * (1 + np.cos(np.pi * t / T)))

    def cached(t, base, T, m):
        f = functools.cache(lambda s: float(right(s, base, T, m)))
        return np.array([f(float(s)) for s in np.ravel(t)]).reshape(np.shape(t))

    def swapped(t, base, T, m):                  # base and m the other way round
        return _cos(t, m, T, base)

    def maximum(t, base, T, m):                  # np.maximum: the first T steps at T
        return m + (base - m) * 0.5 * (1 + np.cos(np.pi * np.maximum(t, T) / T))

    def degrees(t, base, T, m):                  # cos of 180·x: degrees to a radian cosine
        return m + (base - m) * 0.5 * (1 + np.cos(180 * np.minimum(t, T) / T))

    def T_minus_1(t, base, T, m):                # reaches m at T − 1
        return _cos(t, base, T - 1, m)

    return [
        ("jax.numpy (float32)", jax_, OK), ("cos²(x/2)", sin_sq, OK),
        ("np.where(t ≥ T, m, ...)", where_form, OK), ("lru_cache per step", cached, OK),
        ("np.longdouble", lambda t, b, T, m: right(np.asarray(t, dtype=np.longdouble), b, T, m),
         OK), ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("base and m swapped", swapped, Hint(H["upside_down"])),
        ("np.maximum", maximum, REFUSED), ("degrees", degrees, REFUSED),
        ("T − 1", T_minus_1, REFUSED),
    ]


def _r9_adamw():
    H = lesson08.ADAMW_HINTS

    def right(w, g, m, v, t, lr, wd):
        return _adamw(w, g, m, v, t, lr, wd)

    def jax_(w, g, m, v, t, lr, wd):
        jnp = _r9_jnp()
        w, g, m, v = (jnp.asarray(x) for x in (w, g, m, v))
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        return (w * (1 - lr * wd) - lr * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t))
                                                                  + 1e-8), m, v)

    def optax(w, g, m, v, t, lr, wd):            # optax's update rule written out (float64)
        B1, B2 = lesson08.B1, lesson08.B2
        m2 = B1 * m + (1 - B1) * g
        v2 = B2 * v + (1 - B2) * g ** 2
        upd = (m2 / (1 - B1 ** t)) / (np.sqrt(v2 / (1 - B2 ** t)) + lesson08.EPS)
        return w - lr * (upd + wd * w), m2, v2

    def betas_swapped(w, g, m, v, t, lr, wd):
        m2 = 0.999 * m + 0.001 * g
        v2 = 0.9 * v + 0.1 * g * g
        return (w * (1 - lr * wd) - lr * (m2 / (1 - 0.999 ** t)) / (np.sqrt(v2 / (1 - 0.9 ** t))
                                                                    + 1e-8), m2, v2)

    def lr_twice_step(w, g, m, v, t, lr, wd):
        w2, m2, v2 = right(w, g, m, v, t, lr, wd)
        return w * (1 - lr * wd) - lr * (w * (1 - lr * wd) - w2) / lr * lr, m2, v2

    def v_by_b1(w, g, m, v, t, lr, wd):           # v's bias correction with β1
        m2, v2 = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        return w * (1 - lr * wd) - lr * (m2 / (1 - 0.9 ** t)) / (
            np.sqrt(v2 / (1 - 0.9 ** t)) + 1e-8), m2, v2

    def amsgrad(w, g, m, v, t, lr, wd):          # AMSGrad's running max in v
        m2, v2 = 0.9 * m + 0.1 * g, np.maximum(v, 0.999 * v + 0.001 * g * g)
        return w * (1 - lr * wd) - lr * (m2 / (1 - 0.9 ** t)) / (
            np.sqrt(v2 / (1 - 0.999 ** t)) + 1e-8), m2, v2

    def step_returned(w, g, m, v, t, lr, wd):    # the change, not the new weights
        w2, m2, v2 = right(w, g, m, v, t, lr, wd)
        return w2 - w, m2, v2

    return [
        ("jax.numpy (float32)", jax_, OK), ("optax's form w − lr(u + wd·w)", optax, OK),
        ("np.longdouble", lambda w, *a: right(w.astype(np.longdouble), *a), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("β1 and β2 swapped", betas_swapped, REFUSED),
        ("no bias correction", lambda *a: _adamw(*a, correct=False),
         Hint(H["no_bias_correction"])),
        ("Adam step times lr twice", lr_twice_step, REFUSED),
        ("the change returned", step_returned, REFUSED),
        ("v corrected with β1", v_by_b1, REFUSED), ("AMSGrad's max", amsgrad, REFUSED),
        ("decay after the Adam step", lambda w, *a: (lambda r: (
            r[0] * (1 - a[4] * a[5]), r[1], r[2]))(_adamw(w, *a[:5], 0.0)), Hint(H["shrink_new"])),
    ]


def _r9_fixed_points():
    E = lesson08.EPS

    def right(g, lam):
        return -g / lam, -g / (lam * (np.abs(g) + E))

    def jax_(g, lam):
        jnp = _r9_jnp()
        return -jnp.asarray(g) / lam, -jnp.sign(jnp.asarray(g)) / lam

    return [
        ("jax.numpy (float32)", jax_, OK),
        ("np.longdouble", lambda g, lam: right(g.astype(np.longdouble), lam), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("a callable instance", _R9Callable(right), OK),
        ("warns", _r9_warns(right), OK),
        ("a dict", lambda g, lam: dict(zip(("adam_l2", "adamw"), right(g, lam), strict=True)),
         REFUSED),
        ("AdamW −sign(g)/(2λ)", lambda g, lam: (-g / lam, -np.sign(g) / (2 * lam)), REFUSED),
        ("Adam + L2 −g/λ², AdamW ok", lambda g, lam: (-g / lam ** 2, -np.sign(g) / lam), REFUSED),
        ("the pair swapped", lambda g, lam: right(g, lam)[::-1], REFUSED),
    ]


def _r9_angular():
    H = lesson09.ANGLE_HINTS

    def right(a, b):
        return lesson09._ref_angular_step(a, b)

    def jax_(a, b):                              # float32 arccos: tiny angles off by ~5e-4
        jnp = _r9_jnp()
        x, y = jnp.ravel(jnp.asarray(a)), jnp.ravel(jnp.asarray(b))
        return jnp.arccos(jnp.clip(x @ y / (jnp.linalg.norm(x) * jnp.linalg.norm(y)), -1, 1))

    def longdouble(a, b):
        x, y = np.ravel(a).astype(np.longdouble), np.ravel(b).astype(np.longdouble)
        return np.arccos(np.clip(x @ y / np.sqrt((x @ x) * (y @ y)), -1, 1))

    def arcsin(a, b):                            # asin(‖a×b‖): right below 90° only
        x, y = np.ravel(a), np.ravel(b)
        c = x @ y / (np.linalg.norm(x) * np.linalg.norm(y))
        return np.arcsin(np.sqrt(max(0.0, 1 - c * c)))

    return [
        ("np.longdouble arccos", longdouble, OK),
        ("a callable instance", _R9Callable(right), OK),
        ("masked, nothing masked", _r9_masked(right), OK),
        ("jax.numpy arccos (float32)", jax_, Hint("float32")),
        ("arcsin of √(1 − cos²)", arcsin, Hint(H["folded"])),
        ("arccos(|cos|)", lambda a, b: math.acos(min(1.0, abs(float(np.ravel(a) @ np.ravel(b))) / (
            np.linalg.norm(a) * np.linalg.norm(b)))), Hint(H["folded"])),
        ("degrees", lambda a, b: math.degrees(right(a, b)), Hint(H["degrees"])),
    ]


def _r9_cached(fn):
    """``fn`` behind ``functools.cache`` (a learner's memoized answer; its arguments are numbers
    and strings, so hashable)."""
    import functools
    return functools.cache(lambda *a: fn(*a))


def _r9_eq_angle():
    from decimal import Decimal
    H = lesson09.EQ_ANGLE_HINTS
    cached = _r9_cached(lesson09._ref_equilibrium_angle)

    def decimal_(opt, lr, lam):
        d = Decimal(lr) * Decimal(lam) if opt == "sgd" else Decimal(lam)
        return math.atan(float((d * (2 - d)).sqrt() / (1 - d)))

    def acos(opt, lr, lam):                      # cos θ = (1 − d)/1 (‖w_new‖ = ‖w‖)
        d = _shrink(opt, lr, lam)
        return math.acos(1 - d)

    def jax_(opt, lr, lam):
        jnp = _r9_jnp()
        d = lr * lam if opt == "sgd" else lam
        return jnp.arctan(jnp.sqrt(d * (2 - d)) / (1 - d))

    return [
        ("lru_cache", cached, OK), ("Decimal", decimal_, OK), ("jax.numpy (float32)", jax_, OK),
        ("arccos(1 − d)", acos, OK),
        ("a callable instance", _R9Callable(cached), OK),
        ("sgd and sgdw swapped", lambda opt, lr, lam: cached(
            {"sgd": "sgdw", "sgdw": "sgd"}[opt], lr, lam), REFUSED),
        ("arctan(√(2d))", lambda opt, lr, lam: math.atan(math.sqrt(2 * _shrink(opt, lr, lam))),
         REFUSED),
        ("lr·λ for both", lambda opt, lr, lam: cached("sgd", lr, lam),
         Hint(H["sgdw_like_sgd"])),
    ]


def _r9_eq_norm():
    from fractions import Fraction
    H = lesson09.EQ_NORM_HINTS
    cached = _r9_cached(lesson09._ref_equilibrium_norm)

    def fraction(lr, lam, g):
        lr, lam, g = Fraction(lr), Fraction(lam), Fraction(g)
        return float(lr * g / (lam * (2 - lr * lam))) ** 0.25

    def iterate(lr, lam, g):                     # iterate ‖w‖² to its fixed point
        s = 1.0
        for _ in range(200_000):
            s2 = (1 - lr * lam) ** 2 * s + lr ** 2 * g / s
            if abs(s2 - s) < 1e-15 * s:
                break
            s = s2
        return math.sqrt(s2)

    def brentq(lr, lam, g):
        from scipy.optimize import brentq
        f = lambda n: (1 - lr * lam) ** 2 * n * n + lr ** 2 * g / (n * n) - n * n  # noqa: E731
        return brentq(f, 1e-6, 1e6, xtol=1e-15, rtol=1e-15)

    return [
        ("lru_cache", cached, OK), ("Fraction", fraction, OK), ("iterated", iterate, OK),
        ("brentq", brentq, OK), ("a callable instance", _R9Callable(cached), OK),
        ("jax.numpy (float32)", lambda lr, lam, g: _r9_jnp().power(
            lr * g / (lam * (2 - lr * lam)), 0.25), OK),
        ("the ½ root for ¼", lambda lr, lam, g: math.sqrt(lr * g / (lam * (2 - lr * lam))),
         Hint(H["square"])),
        ("(2 + lr·λ)", lambda lr, lam, g: (lr * g / (lam * (2 + lr * lam))) ** 0.25, REFUSED),
        ("g²", lambda lr, lam, g: (lr * g * g / (lam * (2 - lr * lam))) ** 0.25, REFUSED),
    ]


ROUND9 = {
    lesson00.check_half_mse: _r9_half_mse,
    lesson01.check_count_params: _r9_count_params,
    lesson01.check_ridge_fit: _r9_ridge_fit,
    lesson02.check_l2_grad: _r9_l2_grad,
    lesson02.check_lam_for_df: _r9_lam_for_df,
    lesson02.check_early_stopping_lambda: _r9_early_stopping,
    lesson03.check_soft_threshold: _r9_soft_threshold,
    lesson03.check_prox_lasso_step: _r9_prox,
    lesson03.check_max_norm: _r9_max_norm,
    lesson04.check_cv_loss: _r9_cv_loss,
    lesson04.check_one_se_rule: _r9_one_se,
    lesson05.check_leaky_relu_std: _r9_leaky,
    lesson05.check_backprop_tanh: _r9_backprop,
    lesson06.check_clip_by_norm: _r9_clip_norm,
    lesson06.check_clip_by_value: _r9_clip_value,
    lesson06.check_angle: _r9_angle,
    lesson07.check_momentum_updates: _r9_momentum,
    lesson07.check_cosine_lr: _r9_cosine,
    lesson08.check_adamw_step: _r9_adamw,
    lesson08.check_fixed_points: _r9_fixed_points,
    lesson09.check_angular_step: _r9_angular,
    lesson09.check_equilibrium_angle: _r9_eq_angle,
    lesson09.check_equilibrium_norm: _r9_eq_norm,
}


# --------------------------------------------------------------------------- round 10

# Round 10: a fresh class that had not seen rounds 1-9. Loops over samples accumulating Python
# floats, recursion, np.vectorize, einsum, torch (autograd too) converted back, np.clip for
# np.minimum/maximum, closed forms iterated instead (GD's T steps on a matrix, ‖w‖ to its fixed
# point, quadrature of E[φ(z)²]), rearrangements with other rounding (w − lr·(wd·w + step),
# torch's bias-correction form, cos²(x/2)), lists and tuples for arrays, answers that print every
# entry, show their progress on one line (end="") or take a while, inputs changed in place (zs:
# scratch; fold_losses sorted: refused); and partly right answers: right for λ = 0, K = 1, L = 1,
# t = 1, one feature, positive weights only, on square shapes only, or right until a weight
# reaches 0 (v − lr·λ·sign(v) in the lasso step: accepted, no test input's threshold reached a
# weight), NumPy's gotchas (ord=2 of a matrix, np.dot of matrices, a norm over the wrong axis,
# `^` for a power).

def _r10_chatty(fn):
    """``fn`` that prints a line for every one of its inputs' entries (a learner debugging)."""
    def chatty(*a):
        for x in a:
            for v in (list(x.values()) if isinstance(x, dict) else
                      list(x) if isinstance(x, list) else [x]):
                for e in np.ravel(v)[:200]:
                    print("debug:", e)
        return fn(*a)
    return chatty


def _r10_progress(fn):
    """``fn`` that shows its progress on one line, print(f"\\r...", end=""): no newline at the
    end (the checker's line was glued to it: '\\rstep 2✓ ...')."""
    def progress(*a):
        for i in range(3):
            print(f"\rstep {i}", end="")
        return fn(*a)
    return progress


def _r10_slow(fn, seconds=0.05):
    """``fn`` that takes a while (a learner's busy loop), within the time budget."""
    def slow(*a):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return fn(*a)
    return slow


def _r10_half_mse():
    def loop(yhat, y):                           # one sample at a time, a Python float
        total = 0.0
        for i in range(len(y)):
            total += (float(yhat[i, 0]) - float(y[i, 0])) ** 2
        return total / (2 * len(y))

    def halves(yhat, y):                         # recursion: the sum of the two halves
        def s(r):
            return float(r[0] ** 2) if len(r) == 1 else s(r[:len(r) // 2]) + s(r[len(r) // 2:])
        r = (yhat - y).ravel()
        return s(r) / (2 * len(r))

    def vectorize(yhat, y):
        sq = np.vectorize(lambda a, b: (a - b) ** 2)
        return sq(yhat, y).sum() / (2 * len(y))

    def einsum(yhat, y):
        r = yhat - y
        return np.einsum("ij,ij->", r, r) / (2 * len(r))

    def torch_back(yhat, y):
        import torch
        r = torch.tensor(yhat) - torch.tensor(y)
        return (r.pow(2).sum() / (2 * r.shape[0])).item()

    def pow_math(yhat, y):
        sq = (math.pow(a - b, 2) for a, b in zip(yhat.flat, y.flat, strict=True))
        return math.fsum(sq) / len(y) / 2

    right = lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2)  # noqa: E731
    return [
        ("a loop over samples, Python float", loop, OK), ("recursion over halves", halves, OK),
        ("np.vectorize", vectorize, OK), ("einsum", einsum, OK),
        ("torch, .item()", torch_back, OK), ("math.pow and fsum", pow_math, OK),
        ("prints every entry", _r10_chatty(right), OK), ("slow", _r10_slow(right), OK),
        ("the square of the mean", lambda yhat, y: 0.5 * np.mean(yhat - y) ** 2, REFUSED),
        ("the first sample only", lambda yhat, y: 0.5 * float((yhat[0, 0] - y[0, 0]) ** 2),
         REFUSED),
        ("the median", lambda yhat, y: 0.5 * np.median((yhat - y) ** 2), REFUSED),
        ("divided by 2n twice", lambda yhat, y: np.mean((yhat - y) ** 2) / (2 * len(y)),
         REFUSED),
    ]


def _r10_count_params():
    def rec(sizes):
        s = list(sizes)
        return 0 if len(s) < 2 else (s[0] + 1) * s[1] + rec(s[1:])

    def prod(sizes):
        return sum(math.prod(p) + p[1] for p in zip(sizes, sizes[1:], strict=False))

    def dot(sizes):
        s = np.asarray(sizes)
        return int(np.dot(s[:-1], s[1:]) + s[1:].sum())

    def torch_count(sizes):
        import torch
        layers = [torch.nn.Linear(a, b) for a, b in zip(sizes, sizes[1:], strict=False)]
        return sum(p.numel() for layer in layers for p in layer.parameters())

    return [
        ("recursion", rec, OK), ("math.prod", prod, OK), ("np.dot", dot, OK),
        ("torch.nn.Linear layers counted", torch_count, OK),
        ("prints", _r10_chatty(rec), OK),
        ("progress on one line", _r10_progress(rec), OK),
        ("the first layer only", lambda s: (s[0] + 1) * s[1], REFUSED),
        ("one hidden layer assumed", lambda s: (s[0] + 1) * s[1] + (s[1] + 1) * s[-1], REFUSED),
        ("square layers (a+1)·a", lambda s: sum((a + 1) * a for a in s[:-1]), REFUSED),
        ("Σ sizes²", lambda s: sum(a * a for a in s), REFUSED),
    ]


def _r10_ridge_fit():
    def loop(F, y, lam):                         # FᵀF and Fᵀy summed sample by sample
        n, d = F.shape
        fm, ym = F.mean(axis=0), float(y.mean())
        A, c = np.zeros((d, d)), np.zeros(d)
        for i in range(n):
            f = F[i] - fm
            A += np.outer(f, f)
            c += f * (float(y[i, 0]) - ym)
        w = np.linalg.solve(A / n + lam * np.eye(d), c / n)
        return w, ym - fm @ w

    def center_f_only(F, y, lam):                # F centred, y not: the same w (Fcᵀ1 = 0)
        Fc = F - F.mean(axis=0)
        w = np.linalg.solve(Fc.T @ Fc / len(F) + lam * np.eye(F.shape[1]), Fc.T @ y[:, 0] / len(F))
        return w, float(y.mean() - F.mean(axis=0) @ w)

    def torch_solve(F, y, lam):
        import torch
        Ft, yt = torch.from_numpy(F), torch.from_numpy(y)
        Fc, yc = Ft - Ft.mean(0), yt - yt.mean()
        A = Fc.T @ Fc / len(F) + lam * torch.eye(F.shape[1], dtype=Ft.dtype)
        w = torch.linalg.solve(A, Fc.T @ yc / len(F))[:, 0]
        return w.numpy(), float(yt.mean() - Ft.mean(0) @ w)

    def einsum(F, y, lam):
        Fc, yc = F - F.mean(0), y[:, 0] - y.mean()
        A = np.einsum("ni,nj->ij", Fc, Fc) / len(F) + lam * np.eye(F.shape[1])
        w = np.linalg.solve(A, np.einsum("ni,n->i", Fc, yc) / len(F))
        return w, y.mean() - np.einsum("i,i->", F.mean(0), w)

    def tuple_w(F, y, lam):
        w, b = einsum(F, y, lam)
        return tuple(float(x) for x in w), b

    def centre_y_only(F, y, lam):
        w = np.linalg.solve(F.T @ F / len(F) + lam * np.eye(F.shape[1]),
                            F.T @ (y[:, 0] - y.mean()) / len(F))
        return w, float(y.mean() - F.mean(0) @ w)

    def b_is_mean(F, y, lam):
        w, _ = einsum(F, y, lam)
        return w, float(y.mean())

    def per_column(F, y, lam):                   # cov(f_j, y)/(var f_j + λ): no cross terms
        Fc, yc = F - F.mean(0), y[:, 0] - y.mean()
        w = (Fc * yc[:, None]).mean(0) / ((Fc ** 2).mean(0) + lam)
        return w, float(y.mean() - F.mean(0) @ w)

    def b_zero(F, y, lam):
        w, _ = einsum(F, y, lam)
        return w, 0.0

    def lam_zero(F, y, lam):                     # right for λ = 0 only
        return einsum(F, y, 0.0)

    return [
        ("a loop over samples", loop, OK), ("F centred, y not", center_f_only, OK),
        ("torch.linalg.solve", torch_solve, OK), ("einsum", einsum, OK),
        ("w a tuple of floats", tuple_w, OK), ("prints", _r10_chatty(einsum), OK),
        ("progress on one line", _r10_progress(einsum), OK),
        ("y centred, F not", centre_y_only, REFUSED), ("b = ȳ", b_is_mean, REFUSED),
        ("b = 0", b_zero, REFUSED), ("λ ignored", lam_zero, REFUSED),
        ("one feature at a time (d = 1 only)", per_column, REFUSED),
    ]


def _r10_l2_grad():
    def einsum(params, lam):
        lam = np.asarray(lam, dtype=float)
        return {k: np.einsum("k,k...->k...", lam, v) if k.startswith("W")
                else np.zeros_like(v) for k, v in params.items()}

    def torch_(params, lam):
        import torch
        out = {}
        for k, v in params.items():
            t = torch.from_numpy(v)
            lt = torch.as_tensor(np.asarray(lam, dtype=float)).reshape((-1,) + (1,) * (v.ndim - 1))
            out[k] = (lt * t if k.startswith("W") else torch.zeros_like(t)).numpy()
        return out

    def loop_entries(params, lam):               # one model at a time, np.stack
        return {k: np.stack([lam[i] * v[i] if k.startswith("W") else 0 * v[i]
                             for i in range(len(v))]) for k, v in params.items()}

    def first_lam(params, lam):                  # right for K = 1 only
        return {k: lam[0] * v if k.startswith("W") else np.zeros_like(v)
                for k, v in params.items()}

    def last_axis(params, lam):                  # λ against the last axis
        return {k: v * np.asarray(lam).reshape((1,) * (v.ndim - 1) + (-1,))
                if k.startswith("W") and v.shape[-1] == len(lam) else
                (np.asarray(lam).reshape(-1, *(1,) * (v.ndim - 1)) * v if k.startswith("W")
                 else np.zeros_like(v)) for k, v in params.items()}

    def abs_w(params, lam):                      # right for positive weights only
        return {k: np.asarray(lam).reshape(-1, *(1,) * (v.ndim - 1)) * np.abs(v)
                if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}

    def by_name(params, lam):                    # the two keys of section 5's network only
        out = {k: np.zeros_like(v) for k, v in params.items()}
        for k in ("W1", "W2"):
            if k in params:
                out[k] = np.reshape(lam, (-1,) + (1,) * (params[k].ndim - 1)) * params[k]
        return out

    def mean_lam(params, lam):
        return {k: np.mean(lam) * v if k.startswith("W") else np.zeros_like(v)
                for k, v in params.items()}

    return [
        ("einsum", einsum, OK), ("torch, back to NumPy", torch_, OK),
        ("np.stack of the models", loop_entries, OK), ("prints", _r10_chatty(einsum), OK),
        ("progress on one line", _r10_progress(einsum), OK),
        ("lam[0] for every model", first_lam, REFUSED),
        ("λ on the last axis where it fits", last_axis, REFUSED),
        ("λ·|W|", abs_w, REFUSED), ("the mean λ", mean_lam, REFUSED),
        ("W1 and W2 by name", by_name, REFUSED),
        ("a list of arrays in key order", lambda p, lam: list(einsum(p, lam).values()), REFUSED),
    ]


def _r10_e(X):
    Xc = X - X.mean(axis=0)
    return np.linalg.svd(Xc, compute_uv=False) ** 2 / len(X)


def _r10_df_secant(X, df):                           # the secant method on log λ
    e = _r10_e(X)
    f = lambda u: np.sum(e / (e + math.exp(u))) - df  # noqa: E731
    u0, u1 = math.log(e.mean()), math.log(e.mean()) + 1
    for _ in range(200):
        f0, f1 = f(u0), f(u1)
        if f1 == f0:
            break
        u0, u1 = u1, u1 - f1 * (u1 - u0) / (f1 - f0)
        if abs(u1 - u0) < 1e-13:
            break
    return math.exp(u1)


def _r10_df_rec(X, df, lo=-40.0, hi=40.0, depth=0):  # bisection written as recursion
    if depth == 80:
        return math.exp((lo + hi) / 2)
    mid = (lo + hi) / 2
    if np.sum(_r10_e(X) / (_r10_e(X) + math.exp(mid))) > df:
        return _r10_df_rec(X, df, mid, hi, depth + 1)
    return _r10_df_rec(X, df, lo, mid, depth + 1)


def _r10_df_few_steps(X, df):                        # bisection stopped after 12 halvings
    e, lo, hi = _r10_e(X), -20.0, 20.0
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.sum(e / (e + math.exp(mid))) > df else (lo, mid)
    return math.exp((lo + hi) / 2)


def _r10_lam_for_df():
    def eigh(X, df):                             # eigenvalues of the ½·mean covariance
        e = np.linalg.eigvalsh(np.cov(X, rowvar=False, bias=True))
        lo, hi = -40.0, 40.0
        for _ in range(200):
            mid = (lo + hi) / 2
            if np.sum(e / (e + np.exp(mid))) > df:
                lo = mid
            else:
                hi = mid
        return float(np.exp((lo + hi) / 2))

    def torch_svd(X, df):
        import torch
        Xt = torch.from_numpy(X)
        e = (torch.linalg.svdvals(Xt - Xt.mean(0)) ** 2 / len(X)).numpy()
        lo, hi = 1e-12, 1e12
        for _ in range(300):
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if np.sum(e / (e + mid)) > df else (lo, mid)
        return mid



    def eig_of_df(X, df):                        # the df-th variance, a guess
        return float(_r10_e(X)[int(df)])

    def sum_form(X, df):                         # df = Σ λ/(e + λ), the part removed
        e, lo, hi = _r10_e(X), -40.0, 40.0
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.sum(math.exp(mid) / (e + math.exp(mid))) < df else (lo, mid)
        return math.exp((lo + hi) / 2)

    return [
        ("the secant method", _r10_df_secant, OK),
        ("eigvalsh of np.cov(bias=True)", eigh, OK),
        ("torch.linalg.svdvals", torch_svd, OK), ("bisection by recursion", _r10_df_rec, OK),
        ("slow", _r10_slow(eigh), OK),
        ("12 halvings", _r10_df_few_steps, REFUSED), ("the df-th variance", eig_of_df, REFUSED),
        ("Σ λ/(e + λ) = df", sum_form, REFUSED),
    ]


def _r10_early_stopping():
    def ref(X, lr, T):
        e = _r10_e(X)
        q = (1 - lr * e) ** T
        return e * q / (1 - q)

    def expm1(X, lr, T):                         # e / (q⁻¹ − 1), with expm1 and log1p
        e = _r10_e(X)
        return e / np.expm1(-T * np.log1p(-lr * e))

    def iterate(X, lr, T):                       # the residual fraction by T multiplications
        e = _r10_e(X)
        q = np.ones_like(e)
        for _ in range(T):
            q = q * (1 - lr * e)
        return e * q / (1 - q)

    def gd_on_matrix(X, lr, T):                  # the T steps run on the matrix, then read
        Xc = X - X.mean(axis=0)                  # per direction: h_j = v_jᵀ(I − (I − lr·C)ᵀ)v_j
        C = Xc.T @ Xc / len(X)
        R = np.eye(X.shape[1])
        for _ in range(T):
            R = R - lr * C @ R
        V = np.linalg.svd(Xc, full_matrices=False)[2]
        h = 1 - np.einsum("jd,de,je->j", V, R, V)
        e = _r10_e(X)
        return e * (1 - h) / h

    def loop_math(X, lr, T):
        return [ej * (1 - lr * ej) ** T / (1 - (1 - lr * ej) ** T) for ej in _r10_e(X).tolist()]

    def torch_(X, lr, T):
        import torch
        e = torch.from_numpy(_r10_e(X))
        q = (1 - lr * e) ** T
        return (e * q / (1 - q)).numpy()

    return [
        ("e/expm1(−T·log1p(−lr·e))", expm1, OK), ("q by T multiplications", iterate, OK),
        ("GD's T steps on the matrix", gd_on_matrix, OK),
        ("a list of math floats", loop_math, OK), ("torch", torch_, OK),
        ("a (d, 1) column", lambda X, lr, T: ref(X, lr, T).reshape(-1, 1), OK),
        ("prints", _r10_chatty(ref), OK),
        ("progress on one line", _r10_progress(ref), OK),
        ("T − 1 steps", lambda X, lr, T: ref(X, lr, T - 1), REFUSED),
        ("T + 1 steps", lambda X, lr, T: ref(X, lr, T + 1), REFUSED),
        ("e·q (no 1 − q)", lambda X, lr, T: _r10_e(X) * (1 - lr * _r10_e(X)) ** T, REFUSED),
        ("(1 − q)/q without e", lambda X, lr, T: ref(X, lr, T) / _r10_e(X), REFUSED),
        ("lr·e·T·q, one step's first order", lambda X, lr, T:
         _r10_e(X) * (1 - lr * _r10_e(X)) ** T / (lr * _r10_e(X) * T), REFUSED),
    ]


def _r10_soft_threshold():
    def vec(w, t):
        f = np.vectorize(lambda x: x - t if x > t else x + t if x < -t else 0.0)
        return f(w)

    def vec_int(w, t):                           # np.vectorize's type from the first output 0
        f = np.vectorize(lambda x: x - t if x > t else x + t if x < -t else 0)
        return f(w)

    def clip(w, t):
        return np.sign(w) * np.clip(np.abs(w) - t, 0, None)

    def flat_loop(w, t):
        out = np.empty_like(w, dtype=float)
        for i, x in enumerate(np.ravel(w)):
            out.flat[i] = math.copysign(max(abs(x) - t, 0.0), x)
        return out

    def torch_(w, t):
        import torch
        x = torch.from_numpy(np.asarray(w, dtype=float))
        return (torch.sign(x) * torch.relu(x.abs() - t)).numpy()

    def relu_pair(w, t):                         # relu(w − t) − relu(−w − t)
        return np.maximum(w - t, 0) - np.maximum(-w - t, 0)

    return [
        ("np.vectorize", vec, OK), ("np.clip(|w| − t, 0, None)", clip, OK),
        ("a loop with math.copysign", flat_loop, OK), ("torch relu", torch_, OK),
        ("relu(w − t) − relu(−w − t)", relu_pair, OK), ("prints", _r10_chatty(clip), OK),
        ("progress on one line", _r10_progress(clip), OK),
        ("w − t·sign(w) where |w| > t", lambda w, t: np.where(np.abs(w) > t,
                                                              w - t * np.sign(w), 0.0), OK),
        ("np.vectorize giving integers", vec_int, REFUSED),
        ("relu(w − t) + relu(−w − t)", lambda w, t: np.maximum(w - t, 0) + np.maximum(-w - t, 0),
         REFUSED),
        ("sign(w)·|w − t|", lambda w, t: np.sign(w) * np.abs(w - t), REFUSED),
        ("w·max(1 − t, 0)", lambda w, t: w * max(1 - t, 0), REFUSED),
    ]


def _r10_prox():
    H = lesson03.PROX_HINTS
    st = lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0)  # noqa: E731

    def loop(w, X, y, lr, lam):                  # the gradient summed sample by sample
        g = np.zeros_like(w, dtype=float)
        for i in range(len(y)):
            g += (X[i] @ w - y[i]) * X[i]
        return st(w - lr * g / len(y), lr * lam)

    def einsum(w, X, y, lr, lam):
        g = np.einsum("nd,n->d", X, np.einsum("nd,d->n", X, w) - y) / len(y)
        return st(w - lr * g, lr * lam)

    def torch_grad(w, X, y, lr, lam):            # the data gradient by autograd
        import torch
        wt = torch.tensor(w, requires_grad=True)
        loss = 0.5 * ((torch.from_numpy(X) @ wt - torch.from_numpy(y)) ** 2).mean()
        loss.backward()
        z = wt.detach() - lr * wt.grad
        return (torch.sign(z) * torch.clamp(z.abs() - lr * lam, min=0)).numpy()

    def listed(w, X, y, lr, lam):
        return einsum(w, X, y, lr, lam).tolist()

    def w_zero(w, X, y, lr, lam):                # right when w = 0 only: X w left out
        return st(w + lr * X.T @ y / len(y), lr * lam)

    def subgradient(w, X, y, lr, lam):           # a subgradient step, not the prox
        return w - lr * (X.T @ (X @ w - y) / len(y) + lam * np.sign(w))

    def grad_on_threshold(w, X, y, lr, lam):     # threshold w first, then the gradient step
        z = st(w, lr * lam)
        return z - lr * X.T @ (X @ w - y) / len(y)

    return [
        ("a loop over samples", loop, OK), ("einsum", einsum, OK),
        ("torch autograd", torch_grad, OK), ("a list", listed, OK),
        ("prints", _r10_chatty(einsum), OK),
        ("progress on one line", _r10_progress(einsum), OK),
        ("X w left out", w_zero, REFUSED), ("a subgradient step", subgradient, REFUSED),
        ("max(v − lr·λ, 0): positive weights only", lambda w, X, y, lr, lam: np.maximum(
            w - lr * X.T @ (X @ w - y) / len(y) - lr * lam, 0), Hint(H["one_sided"])),
        ("v − lr·λ·sign(v): no stop at 0", lambda w, X, y, lr, lam: (
            lambda v: v - lr * lam * np.sign(v))(w - lr * X.T @ (X @ w - y) / len(y)),
         Hint(H["crossed_zero"])),
        ("the step on y − Xw's sign flipped", lambda w, X, y, lr, lam: st(
            w - lr * X.T @ (y - X @ w) / len(y), lr * lam), REFUSED),
        ("thresholded, then a step from the old w", grad_on_threshold, REFUSED),
    ]


def _r10_max_norm():
    def keepdims(W, c):
        n = np.linalg.norm(W, axis=0, keepdims=True)
        return W * np.minimum(1.0, c / np.where(n > 0, n, 1.0))

    def einsum(W, c):
        n = np.sqrt(np.einsum("ij,ij->j", W, W))
        return W * np.clip(c / np.maximum(n, 1e-300), None, 1.0)

    def loop(W, c):
        out = np.array(W, dtype=float)
        for j in range(out.shape[1]):
            n = math.sqrt(sum(x * x for x in out[:, j]))
            if n > c:
                out[:, j] = out[:, j] * (c / n)
        return out

    def torch_(W, c):
        import torch
        t = torch.from_numpy(np.array(W, dtype=float))
        n = t.norm(dim=0, keepdim=True)
        return torch.where(n > c, t * (c / n), t).numpy()

    def lists(W, c):
        return keepdims(W, c).tolist()

    def all_scaled(W, c):                        # every column to norm c, short ones too
        return W * (c / np.linalg.norm(W, axis=0))

    def row_norm_cols(W, c):                     # norms of rows, applied to columns
        n = np.linalg.norm(W, axis=1)
        return W * np.minimum(1.0, c / n)[: W.shape[1]] if len(n) >= W.shape[1] else W

    def scale_by_max(W, c):                      # the whole W by its largest column's norm
        return W * min(1.0, c / np.linalg.norm(W, axis=0).max())

    return [
        ("keepdims", keepdims, OK), ("einsum and np.clip", einsum, OK),
        ("a loop over columns", loop, OK), ("torch.where", torch_, OK), ("lists", lists, OK),
        ("prints", _r10_chatty(keepdims), OK),
        ("progress on one line", _r10_progress(keepdims), OK),
         ("slow", _r10_slow(loop), OK),
        ("np.linalg.norm(W, ord=2, axis=0)", lambda W, c: W * np.minimum(
            1.0, c / np.maximum(np.linalg.norm(W, ord=2, axis=0), 1e-300)), OK),
        ("every column to norm c", all_scaled, REFUSED),
        ("W·min(1, c/‖W‖₂), the spectral norm", lambda W, c: W * min(
            1.0, c / np.linalg.norm(W, 2)), REFUSED),
        ("row norms on columns", row_norm_cols, REFUSED),
        ("W scaled by its largest column's norm", scale_by_max, REFUSED),
        ("entries clipped to c", lambda W, c: np.clip(W, -c, c), REFUSED),
        ("the rows' norms (axis=1), a broadcast error", lambda W, c: W * np.minimum(
            1, c / np.linalg.norm(W, axis=1)), Hint(_core.BROADCAST)),
    ]


def _r10_cv_loss():
    from wdlib import data as data_

    def per_lambda(X, y, lams, k=5, seed=0):     # a loop over λ and over the folds
        out = []
        for lam in lams:
            losses = []
            for tr, va in data_.kfold(len(X), k=k, seed=seed):
                w, b = solvers.ridge(X[tr], y[tr], float(lam))
                r = X[va] @ np.reshape(w, (X.shape[1], -1)) + np.reshape(b, (1, -1)) - y[va]
                losses.append(0.5 * float(np.mean(r ** 2)))
            out.append(sum(losses) / len(losses))
        return np.array(out)

    def pooled(X, y, lams, k=5, seed=0):         # all held-out squared errors in one mean
        sq = []
        for tr, va in data_.kfold(len(X), k=k, seed=seed):
            w, b = solvers.ridge(X[tr], y[tr], lams)
            p = np.einsum("nd,dl->ln", X[va], np.reshape(w, (len(lams), -1)).T) \
                + np.reshape(b, (-1, 1))
            sq.append((p - y[va][:, 0]) ** 2)
        return 0.5 * np.concatenate(sq, axis=1).mean(axis=1)

    def einsum_grid(X, y, lams, k=5, seed=0):    # the whole grid at once, einsum, Python sum
        total = 0.0
        folds = data_.kfold(len(X), k=k, seed=seed)
        for tr, va in folds:
            w, b = solvers.ridge(X[tr], y[tr], lams)
            W = np.reshape(w, (len(lams), X.shape[1]))
            r = np.einsum("nd,ld->ln", X[va], W) + np.reshape(b, (-1, 1)) - y[va][:, 0]
            total = total + 0.5 * np.einsum("ln,ln->l", r, r) / len(va)
        return list(total / len(folds))

    def torch_loss(X, y, lams, k=5, seed=0):     # the losses in torch, back as NumPy
        import torch
        out = []
        for tr, va in data_.kfold(len(X), k=k, seed=seed):
            w, b = solvers.ridge(X[tr], y[tr], lams)
            p = torch.from_numpy(X[va]) @ torch.from_numpy(np.reshape(w, (len(lams), -1)).T)
            r = p + torch.from_numpy(np.reshape(b, (1, -1))) - torch.from_numpy(y[va])
            out.append(0.5 * (r ** 2).mean(0))
        return torch.stack(out).mean(0).numpy()

    def seed_zero(X, y, lams, k=5, seed=0):      # the folds of seed 0, whatever seed is
        return per_lambda(X, y, lams, k, 0)

    def five_folds(X, y, lams, k=5, seed=0):     # k = 5, whatever k is
        return per_lambda(X, y, lams, 5, seed)

    return [
        ("a loop over λ and folds", per_lambda, OK), ("prints", _r10_chatty(per_lambda), OK),
        ("progress on one line", _r10_progress(per_lambda), OK),
        ("the grid by einsum, a list", einsum_grid, OK), ("torch losses", torch_loss, OK),
        ("pooled over all held-out samples", pooled, REFUSED),
        ("seed 0's folds always", seed_zero, REFUSED), ("always 5 folds", five_folds, REFUSED),
    ]


def _r10_one_se():
    def loop(lams, L):
        L = np.asarray(L)
        means = [sum(L[:, j]) / len(L) for j in range(L.shape[1])]
        j0 = min(range(len(means)), key=means.__getitem__)
        col = L[:, j0]
        var = sum((x - means[j0]) ** 2 for x in col) / (len(col) - 1)
        se = math.sqrt(var) / math.sqrt(len(col))
        return max(lam for lam, m in zip(lams, means, strict=True)
                   if m <= means[j0] + se)

    def flatnonzero(lams, L):
        mu = L.mean(axis=0)
        j = mu.argmin()
        se = L[:, j].std(ddof=1) / np.sqrt(len(L))
        return lams[np.flatnonzero(mu <= mu[j] + se)[-1]]

    def torch_(lams, L):
        import torch
        t = torch.from_numpy(np.asarray(L, dtype=float))
        mu = t.mean(0)
        j = int(mu.argmin())
        se = t[:, j].std() / math.sqrt(t.shape[0])   # torch's std is ddof = 1
        return float(np.asarray(lams)[(mu <= mu[j] + se).numpy()].max())

    def sorted_in_place(lams, L):                # each column sorted: means and stds kept
        L.sort(axis=0)
        return flatnonzero(lams, L)

    def masked_max(lams, L):
        mu = L.mean(axis=0)
        j = mu.argmin()
        return np.asarray(lams)[mu <= mu[j] + L[:, j].std(ddof=1) / len(L) ** 0.5].max()

    def first_true(lams, L):                     # np.argmax of a mask: the first True
        mu = L.mean(axis=0)
        j = mu.argmin()
        se = L[:, j].std(ddof=1) / np.sqrt(len(L))
        return lams[np.argmax(mu <= mu[j] + se)]

    def walk_right(lams, L):                     # stops at the first λ above the band
        mu = L.mean(axis=0)
        j = int(mu.argmin())
        thr = mu[j] + L[:, j].std(ddof=1) / np.sqrt(len(L))
        while j + 1 < len(mu) and mu[j + 1] <= thr:
            j += 1
        return lams[j]

    def se_over_lams(lams, L):                   # the spread along λ, not over the folds
        mu = L.mean(axis=0)
        j = mu.argmin()
        se = L.std(axis=1, ddof=1).mean() / np.sqrt(len(L))
        return lams[np.flatnonzero(mu <= mu[j] + se)[-1]]

    def se_of_means(lams, L):                    # std of the mean curve
        mu = L.mean(axis=0)
        se = mu.std(ddof=1) / np.sqrt(len(L))
        return lams[np.flatnonzero(mu <= mu.min() + se)[-1]]

    return [
        ("loops and math", loop, OK), ("np.flatnonzero(...)[-1]", flatnonzero, OK),
        ("torch", torch_, OK), ("prints", _r10_chatty(flatnonzero), OK),
        ("progress on one line", _r10_progress(flatnonzero), OK),
        ("lams[mask].max()", masked_max, OK),
        ("fold_losses sorted in place", sorted_in_place, IN_PLACE),
        ("the first True", first_true, REFUSED), ("spread along λ", se_over_lams, REFUSED),
        ("walked right from the minimum, to the first λ outside", walk_right, REFUSED),
        ("the std of the mean curve", se_of_means, REFUSED),
    ]


def _r10_leaky():
    def quad(fan_in, slope):                     # E[φ(z)²] for z ~ N(0, 1), by quadrature
        from scipy import integrate
        phi = lambda z: (z if z > 0 else slope * z) ** 2 * math.exp(-z * z / 2)  # noqa: E731
        m2 = (integrate.quad(phi, -np.inf, 0, epsabs=1e-14, epsrel=1e-13)[0]
              + integrate.quad(phi, 0, np.inf, epsabs=1e-14, epsrel=1e-13)[0])
        m2 /= math.sqrt(2 * math.pi)
        return math.sqrt(1 / (fan_in * m2))

    def torch_(fan_in, slope):
        import torch
        return float(torch.sqrt(torch.tensor(2.0 / ((1 + slope ** 2) * fan_in),
                                             dtype=torch.float64)))

    def hypot(fan_in, slope):
        return math.sqrt(2 / fan_in) / math.hypot(1, slope)

    return [
        ("quadrature of E[φ(z)²]", quad, OK), ("torch float64", torch_, OK),
        ("√(2/n) / hypot(1, a)", hypot, OK),
        ("prints", _r10_chatty(hypot), OK),
        ("progress on one line", _r10_progress(hypot), OK),
        ("1 + slope^2 (XOR: a TypeError)", lambda n, a: math.sqrt(2 / ((1 + a ^ 2) * n)),
         Hint(_core.XOR_POWER)),
        ("(1 − a²)", lambda n, a: math.sqrt(2 / ((1 - a * a) * n)), REFUSED),
        ("1/((1 + a²)·n)", lambda n, a: math.sqrt(1 / ((1 + a * a) * n)), REFUSED),
        ("2/(1 + a²) without the fan-in", lambda n, a: math.sqrt(2 / (1 + a * a)), REFUSED),
    ]


def _r10_bp_autograd(Ws, zs, g):                     # torch through the last layers, from z_1
    import torch
    z1 = torch.from_numpy(zs[0]).requires_grad_()
    a = torch.tanh(z1)
    for W in Ws[1:]:
        a = torch.tanh(a @ torch.from_numpy(W))
    a.backward(torch.from_numpy(g))
    return (z1.grad @ torch.from_numpy(Ws[0]).T).numpy()


def _r10_bp_last_only(Ws, zs, g):                    # right for L = 1 only
    return (g * (1 - np.tanh(zs[-1]) ** 2)) @ Ws[-1].T


def _r10_bp_stops_at_a1(Ws, zs, g):                  # range(L − 1, 0, −1): W_1 left out
    for i in range(len(Ws) - 1, 0, -1):
        g = (g * (1 - np.tanh(zs[i]) ** 2)) @ Ws[i].T
    return g


def _r10_bp_reversed_scratch(Ws, zs, g):             # zs reversed in place: scratch, allowed
    zs.reverse()
    for W, z in zip(Ws[::-1], zs, strict=True):
        g = (g * (1 - np.tanh(z) ** 2)) @ W.T
    return g


def _r10_bp_skip_first_deriv(Ws, zs, g):             # layer 1's tanh' left out
    for i in range(len(Ws) - 1, -1, -1):
        if i > 0:
            g = g * (1 - np.tanh(zs[i]) ** 2)
        g = g @ Ws[i].T
    return g


def _r10_bp_no_transpose_square(Ws, zs, g):          # W where Wᵀ belongs, if it fits
    for W, z in zip(Ws[::-1], zs[::-1], strict=True):
        d = g * (1 - np.tanh(z) ** 2)
        g = d @ W if W.shape[0] == W.shape[1] else d @ W.T
    return g


def _r10_bp_tanh_of_z_squared(Ws, zs, g):            # 1 − tanh(z²)
    for W, z in zip(Ws[::-1], zs[::-1], strict=True):
        g = (g * (1 - np.tanh(z ** 2))) @ W.T
    return g


def _r10_backprop():
    H = lesson05.BACKPROP_HINTS

    def rec(Ws, zs, g):
        if not Ws:
            return g
        return rec(Ws[:-1], zs[:-1], (g * (1 - np.tanh(zs[-1]) ** 2)) @ Ws[-1].T)

    def einsum(Ws, zs, g):
        for W, z in zip(reversed(Ws), reversed(zs), strict=True):
            g = np.einsum("nj,ij->ni", g / np.cosh(z) ** 2, W)
        return g

    def torch_(Ws, zs, g):
        import torch
        g = torch.from_numpy(g)
        for W, z in zip(Ws[::-1], zs[::-1], strict=True):
            g = (g * (1 - torch.tanh(torch.from_numpy(z)) ** 2)) @ torch.from_numpy(W).T
        return g.numpy()








    return [
        ("recursion", rec, OK), ("einsum, 1/cosh²", einsum, OK), ("torch", torch_, OK),
        ("torch autograd from z₁", _r10_bp_autograd, OK),
        ("prints", _r10_chatty(rec), OK),
        ("progress on one line", _r10_progress(rec), OK),
        ("zs reversed in place (scratch)", _r10_bp_reversed_scratch, OK),
        ("the last layer only", _r10_bp_last_only, Hint(H["stopped_early"])),
        ("down to a₁ only", _r10_bp_stops_at_a1, Hint(H["stopped_early"])),
        ("layer 1's tanh' left out", _r10_bp_skip_first_deriv, REFUSED),
        ("W for Wᵀ on square layers", _r10_bp_no_transpose_square, REFUSED),
        ("1 − tanh(z²)", _r10_bp_tanh_of_z_squared, REFUSED),
    ]


def _r10_cn_axis1_only(grads, max_norm):     # a weight's norms: (K, fan_out), not (K,)
    norms = np.sqrt(sum(np.linalg.norm(g, axis=1) ** 2 for g in grads.values()))
    s = np.minimum(1.0, np.asarray(max_norm) / (norms + 1e-6))
    return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms


def _r10_cn_spectral(grads, max_norm):       # ord=2 on a matrix's two axes: its largest
    sq = sum((np.linalg.norm(g, ord=2, axis=(1, 2)) if g.ndim == 3     # singular value
              else np.linalg.norm(g, axis=1)) ** 2 for g in grads.values())
    norms = np.sqrt(sq)
    s = np.minimum(1.0, np.asarray(max_norm) / (norms + 1e-6))
    return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms


def _r10_clip_norm():
    def einsum(grads, max_norm):
        K = len(next(iter(grads.values())))
        sq = sum(np.einsum("ki,ki->k", g.reshape(K, -1), g.reshape(K, -1)) for g in grads.values())
        norms = np.sqrt(sq)
        s = np.clip(np.asarray(max_norm, dtype=float) / (norms + 1e-6), None, 1.0)
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    def hypot(grads, max_norm):                  # per-key norms combined with hypot
        norms = None
        for g in grads.values():
            n = np.linalg.norm(g.reshape(len(g), -1), axis=1)
            norms = n if norms is None else np.hypot(norms, n)
        s = np.minimum(1.0, max_norm / (norms + 1e-6))
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    def torch_(grads, max_norm):
        import torch
        K = len(next(iter(grads.values())))
        c = np.broadcast_to(np.asarray(max_norm, dtype=float), (K,))
        out, norms = {k: np.empty_like(g) for k, g in grads.items()}, np.empty(K)
        for i in range(K):
            ps = [torch.nn.Parameter(torch.zeros_like(torch.from_numpy(g[i])))
                  for g in grads.values()]
            for p, g in zip(ps, grads.values(), strict=True):
                p.grad = torch.from_numpy(g[i].copy())
            norms[i] = float(torch.nn.utils.clip_grad_norm_(ps, float(c[i])))
            for k, p in zip(grads, ps, strict=True):
                out[k][i] = p.grad.numpy()
        return out, norms

    def axis_tuple(grads, max_norm):             # each key's Frobenius norm over its own axes
        sq = sum(np.linalg.norm(g, axis=tuple(range(1, g.ndim))) ** 2 for g in grads.values())
        norms = np.sqrt(sq)
        s = np.minimum(1.0, np.asarray(max_norm) / (norms + 1e-6))
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    def tuple_norms(grads, max_norm):
        c, n = einsum(grads, max_norm)
        return c, tuple(n.tolist())

    def sum_of_key_norms(grads, max_norm):       # Σ of per-key norms for the global norm
        K = len(next(iter(grads.values())))
        norms = sum(np.linalg.norm(g.reshape(K, -1), axis=1) for g in grads.values())
        s = np.minimum(1.0, max_norm / (norms + 1e-6))
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    def first_threshold(grads, max_norm):        # right for one scalar threshold only
        return einsum(grads, np.ravel(max_norm)[0])

    def last_axis(grads, max_norm):              # s (K,) not reshaped: right for one number
        _, norms = einsum(grads, max_norm)
        s = np.minimum(1.0, max_norm / (norms + 1e-6))
        return {k: g * s for k, g in grads.items()}, norms

    def max_key_norm(grads, max_norm):           # the largest key's norm (∞-norm over keys)
        K = len(next(iter(grads.values())))
        norms = np.max([np.linalg.norm(g.reshape(K, -1), axis=1) for g in grads.values()], axis=0)
        s = np.minimum(1.0, max_norm / (norms + 1e-6))
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    return [
        ("einsum and np.clip", einsum, OK), ("hypot of per-key norms", hypot, OK),
        ("norm over axis=(1, ..., ndim − 1)", axis_tuple, OK),
        ("norms over axis 1 only, a broadcast error", _r10_cn_axis1_only, Hint(_core.BROADCAST_K)),
        ("ord=2 on (1, 2): the spectral norm", _r10_cn_spectral,
         Hint(lesson06.CLIP_NORM_HINTS["spectral"])),
        ("torch clip_grad_norm_ per model", torch_, OK), ("norms a tuple", tuple_norms, OK),
        ("prints", _r10_chatty(lambda g, c: einsum(g, c)), OK),
        ("progress on one line", _r10_progress(lambda g, c: einsum(g, c)), OK),
        ("Σ of per-key norms", sum_of_key_norms, REFUSED),
        ("the K factors against the last axis", last_axis, REFUSED),
        ("the first threshold for all", first_threshold, REFUSED),
        ("the largest key's norm", max_key_norm, REFUSED),
        ("a list of arrays for the dict", lambda g, c: (
            lambda cl, n: (list(cl.values()), n))(*einsum(g, c)), REFUSED),
        ("max_norm = 1 whatever is given", lambda g, c: einsum(g, 1.0), REFUSED),
    ]


def _r10_clip_value():
    def minmax(grads, cv):
        out = {}
        for k, g in grads.items():
            c = np.asarray(cv, dtype=float).reshape((-1,) + (1,) * (g.ndim - 1))
            out[k] = np.maximum(np.minimum(g, c), -c)
        return out

    def torch_(grads, cv):
        import torch
        out = {}
        for k, g in grads.items():
            c = torch.as_tensor(np.asarray(cv, dtype=float)).reshape((-1,) + (1,) * (g.ndim - 1))
            out[k] = torch.clamp(torch.from_numpy(g), min=-c, max=c).numpy()
        return out

    def loop(grads, cv):
        out = {k: np.array(g, dtype=float) for k, g in grads.items()}
        for g in out.values():
            for i in range(len(g)):
                g[i] = np.clip(g[i], -cv[i], cv[i])
        return out

    def upper_only(grads, cv):                   # right for positive entries only
        return {k: np.minimum(g, np.reshape(cv, (-1,) + (1,) * (g.ndim - 1)))
                for k, g in grads.items()}

    def sign_abs(grads, cv):                     # |g| clipped, the sign lost
        return {k: np.minimum(np.abs(g), np.reshape(cv, (-1,) + (1,) * (g.ndim - 1)))
                for k, g in grads.items()}

    def tanh_scaled(grads, cv):                  # a soft clip c·tanh(g/c)
        return {k: (c := np.reshape(cv, (-1,) + (1,) * (g.ndim - 1))) * np.tanh(g / c)
                for k, g in grads.items()}

    return [
        ("np.minimum/np.maximum", minmax, OK), ("torch.clamp with tensors", torch_, OK),
        ("a loop over models", loop, OK), ("prints", _r10_chatty(minmax), OK),
        ("progress on one line", _r10_progress(minmax), OK),
        ("upper bound only", upper_only, REFUSED), ("|g| clipped", sign_abs, REFUSED),
        ("np.clip(g, −cv, cv), cv not reshaped", lambda grads, cv: {
            k: np.clip(g, -np.asarray(cv), np.asarray(cv)) for k, g in grads.items()}, REFUSED),
        ("c·tanh(g/c)", tanh_scaled, REFUSED),
    ]


def _r10_angle():
    def flat(d, K):
        return np.concatenate([d[k].reshape(K, -1) for k in d], axis=1)

    def einsum(a, b):
        K = len(next(iter(a.values())))
        A, B = flat(a, K), flat(b, {k: b[k] for k in a} and K)
        B = np.concatenate([b[k].reshape(K, -1) for k in a], axis=1)
        cos = np.einsum("ki,ki->k", A, B) / np.sqrt(np.einsum("ki,ki->k", A, A)
                                                     * np.einsum("ki,ki->k", B, B))
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    def torch_(a, b):
        import torch
        K = len(next(iter(a.values())))
        A = torch.cat([torch.from_numpy(a[k]).reshape(K, -1) for k in a], 1)
        B = torch.cat([torch.from_numpy(b[k]).reshape(K, -1) for k in a], 1)
        cos = torch.nn.functional.cosine_similarity(A, B, dim=1, eps=0.0)
        return torch.rad2deg(torch.arccos(cos.clamp(-1, 1))).numpy()

    def math_loop(a, b):
        K = len(next(iter(a.values())))
        out = []
        for i in range(K):
            ab = aa = bb = 0.0
            for k in a:
                for x, y in zip(np.ravel(a[k][i]), np.ravel(b[k][i]), strict=True):
                    ab += x * y
                    aa += x * x
                    bb += y * y
            out.append(math.degrees(math.acos(max(-1.0, min(1.0, ab / math.sqrt(aa * bb))))))
        return out

    def key_mean(a, b):                          # the mean of the per-key angles
        K = len(next(iter(a.values())))
        angs = []
        for k in a:
            A, B = a[k].reshape(K, -1), b[k].reshape(K, -1)
            c = np.sum(A * B, 1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
            angs.append(np.degrees(np.arccos(np.clip(c, -1, 1))))
        return np.mean(angs, axis=0)

    def unnormalized(a, b):                      # arccos of the dot product (unit vectors only)
        K = len(next(iter(a.values())))
        A, B = flat(a, K), np.concatenate([b[k].reshape(K, -1) for k in a], axis=1)
        return np.degrees(np.arccos(np.clip(np.sum(A * B, 1), -1, 1)))

    def first_key_only(a, b):
        k = next(iter(a))
        K = len(a[k])
        A, B = a[k].reshape(K, -1), b[k].reshape(K, -1)
        c = np.sum(A * B, 1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
        return np.degrees(np.arccos(np.clip(c, -1, 1)))

    return [
        ("einsum", einsum, OK), ("torch cosine_similarity", torch_, OK),
        ("math loops, a list", math_loop, OK), ("prints", _r10_chatty(einsum), OK),
        ("progress on one line", _r10_progress(einsum), OK),
        ("the mean of per-key angles", key_mean, REFUSED),
        ("no norms", unnormalized, REFUSED), ("the first key only", first_key_only, REFUSED),
    ]


def _r10_momentum():
    def rec(grads, lr, beta, tau):
        def b(t):
            return grads[0] if t == 0 else beta * b(t - 1) + (1 - tau) * grads[t]
        return np.array([-lr * b(t) for t in range(len(grads))])

    def matrix(grads, lr, beta, tau):            # b = M g with M lower-triangular
        T = len(grads)
        i, j = np.indices((T, T))
        M = np.where(i >= j, beta ** np.maximum(i - j, 0) * (1 - tau), 0.0)
        M[:, 0] = beta ** np.arange(T)
        return -lr * M @ grads

    def floats(grads, lr, beta, tau):
        out, b = [], None
        for g in grads.tolist():
            b = list(g) if b is None else [beta * x + (1 - tau) * y
                                           for x, y in zip(b, g, strict=True)]
            out.append([-lr * x for x in b])
        return out

    def torch_(grads, lr, beta, tau):
        import torch
        p = torch.zeros(grads.shape[1], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr, momentum=beta, dampening=tau)
        out = []
        for g in grads:
            before = p.detach().clone()
            p.grad = torch.from_numpy(np.array(g))
            opt.step()
            out.append((p.detach() - before).numpy())
        return np.array(out)

    def cumulative(grads, lr, beta, tau):        # the parameters, not the changes
        return np.cumsum(rec(grads, lr, beta, tau), axis=0)

    def ema(grads, lr, beta, tau):               # b_t = β b + (1 − β) g
        b, out = grads[0], []
        for g in grads:
            b = beta * b + (1 - beta) * g if out else g
            out.append(-lr * b)
        return np.array(out)

    def no_momentum_after_2(grads, lr, beta, tau):   # the buffer from g_{t−1} only
        out = [-lr * grads[0]]
        for t in range(1, len(grads)):
            out.append(-lr * (beta * grads[t - 1] + (1 - tau) * grads[t]))
        return np.array(out)

    return [
        ("recursion", rec, OK), ("a lower-triangular matrix", matrix, OK),
        ("Python floats, nested lists", floats, OK), ("torch.optim.SGD", torch_, OK),
        ("prints", _r10_chatty(rec), OK),
        ("progress on one line", _r10_progress(rec), OK),
        ("the parameters, not the changes", cumulative, REFUSED),
        ("β = 0.9 whatever is given", lambda gr, lr, beta, tau: rec(gr, lr, 0.9, tau), REFUSED),
        ("(1 − β) for (1 − τ)", ema, REFUSED),
        ("β·g_{t−1} for β·b_{t−1}", no_momentum_after_2, REFUSED),
    ]


def _r10_cosine():
    def cos2(t, base, T, m):                     # ½(1 + cos x) = cos²(x/2)
        return m + (base - m) * np.cos(np.pi * np.minimum(t, T) / (2 * T)) ** 2

    def clip(t, base, T, m):
        return m + (base - m) * 0.5 * (1 + np.cos(np.pi * np.clip(t, 0, T) / T))

    def vec(t, base, T, m):
        f = np.vectorize(lambda s: m + (base - m) * 0.5 * (1 + math.cos(math.pi * min(s, T) / T)))
        return f(t)

    def listed(t, base, T, m):
        return [m + (base - m) * 0.5 * (1 + math.cos(math.pi * min(float(s), T) / T))
                for s in np.ravel(t)]

    def torch_(t, base, T, m):
        import torch
        s = torch.clamp(torch.as_tensor(np.asarray(t, dtype=float)), max=T)
        return (m + (base - m) * 0.5 * (1 + torch.cos(math.pi * s / T))).numpy()

    def min_after(t, base, T, m):                # cos first, then np.maximum with m
        return np.maximum(m, m + (base - m) * 0.5 * (1 + np.cos(np.pi * t / T)))

    def m_times(t, base, T, m):                  # m·base + ...: right for m = 0 only
        return m * base + (base - m) * 0.5 * (1 + np.cos(np.pi * np.minimum(t, T) / T))

    def sin_form(t, base, T, m):                 # sin² for cos²
        return m + (base - m) * np.sin(np.pi * np.minimum(t, T) / (2 * T)) ** 2

    return [
        ("cos²(x/2)", cos2, OK), ("np.clip(t, 0, T)", clip, OK), ("np.vectorize", vec, OK),
        ("a list", listed, OK), ("torch", torch_, OK), ("prints", _r10_chatty(clip), OK),
        ("progress on one line", _r10_progress(clip), OK),
        ("np.maximum(m, ...) without min(t, T)", min_after, REFUSED),
        ("m·base + ...", m_times, REFUSED), ("sin² for cos²", sin_form, REFUSED),
        ("min_value ignored", lambda t, base, T, m: cos2(t, base, T, 0.0), REFUSED),
        ("total_steps taken as len(t)", lambda t, base, T, m: cos2(t, base, len(t), m), REFUSED),
    ]


def _r10_adamw():
    B1, B2, EPS = lesson08.B1, lesson08.B2, lesson08.EPS

    def rearranged(w, g, m, v, t, lr, wd):       # w − lr·(wd·w + m̂/(√v̂ + ε))
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        mh, vh = m / (1 - B1 ** t), v / (1 - B2 ** t)
        return w - lr * (wd * w + mh / (np.sqrt(vh) + EPS)), m, v

    def torch_form(w, g, m, v, t, lr, wd):       # torch's: lr/bc1 · m / (√v/√bc2 + ε)
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        bc1, bc2 = 1 - B1 ** t, 1 - B2 ** t
        return w * (1 - lr * wd) - (lr / bc1) * m / (np.sqrt(v) / math.sqrt(bc2) + EPS), m, v

    def loop(w, g, m, v, t, lr, wd):
        w, g, m, v = (np.array(a, dtype=float) for a in (w, g, m, v))
        W, M, V = np.empty_like(w), np.empty_like(m), np.empty_like(v)
        for i in np.ndindex(w.shape):
            mi = B1 * m[i] + (1 - B1) * g[i]
            vi = B2 * v[i] + (1 - B2) * g[i] ** 2
            W[i] = w[i] * (1 - lr * wd) - lr * (mi / (1 - B1 ** t)) / (
                math.sqrt(vi / (1 - B2 ** t)) + EPS)
            M[i], V[i] = mi, vi
        return W, M, V

    def first_step(w, g, m, v, t, lr, wd):       # m̂ = g, v̂ = g²: right at t = 1 only
        return (w * (1 - lr * wd) - lr * g / (np.abs(g) + EPS),
                B1 * m + (1 - B1) * g, B2 * v + (1 - B2) * g * g)

    def paper_form(w, g, m, v, t, lr, wd):       # Adam paper's lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ),
        m = B1 * m + (1 - B1) * g                # ε added to √v (not √v̂): ε is ε·√(1 − β₂ᵗ)
        v = B2 * v + (1 - B2) * g * g            # in the prompt's form
        lr_t = lr * math.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        return w * (1 - lr * wd) - lr_t * m / (np.sqrt(v) + EPS), m, v

    def no_power(w, g, m, v, t, lr, wd):         # bias correction 1 − β: right at t = 1 only
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        return w * (1 - lr * wd) - lr * (m / (1 - B1)) / (np.sqrt(v / (1 - B2)) + EPS), m, v

    def wd_zero(w, g, m, v, t, lr, wd):          # right for wd = 0 only
        return rearranged(w, g, m, v, t, lr, 0.0)

    def shrink_new(w, g, m, v, t, lr, wd):       # shrink applied to lr·wd of the new w
        w2, m2, v2 = rearranged(w, g, m, v, t, lr, 0.0)
        return w2 - lr * wd * w2, m2, v2

    def old_moments(w, g, m, v, t, lr, wd):      # returns the moments it was given
        return rearranged(w, g, m, v, t, lr, wd)[0], m, v

    return [
        ("w − lr·(wd·w + m̂/(√v̂ + ε))", rearranged, OK), ("torch's bias-correction form",
                                                        torch_form, OK),
        ("a loop over entries", loop, OK), ("prints", _r10_chatty(rearranged), OK),
        ("progress on one line", _r10_progress(rearranged), OK),
        ("m̂ = g, v̂ = g² (t = 1)", first_step, REFUSED), ("wd ignored", wd_zero, REFUSED),
        ("1 − β for 1 − βᵗ (t = 1)", no_power, REFUSED),
        ("the Adam paper's lr_t, ε on √v", paper_form, REFUSED),
        ("the new w shrunk", shrink_new, REFUSED), ("old m, v returned", old_moments, REFUSED),
    ]


def _r10_fixed_points():
    EPS = lesson08.EPS

    def sign(g, lam):                            # ε dropped: −sign(g)/λ
        return -np.asarray(g) / lam, -np.sign(g) / lam

    def sqrt_sq(g, lam):
        g = np.asarray(g, dtype=float)
        return -g / lam, -g / (lam * (np.sqrt(g * g) + EPS))

    def lists(g, lam):
        g = np.asarray(g, dtype=float)
        return (-g / lam).tolist(), (-g / (lam * (np.abs(g) + EPS))).tolist()

    def torch_(g, lam):
        import torch
        t = torch.from_numpy(np.asarray(g, dtype=float))
        return (-t / lam).numpy(), (-t / (lam * (t.abs() + EPS))).numpy()

    def positive_g(g, lam):                      # right for positive g only
        return -np.asarray(g) / lam, -np.ones_like(g) / lam

    def same(g, lam):                            # AdamW's taken to be Adam + L2's
        return -np.asarray(g) / lam, -np.asarray(g) / lam

    def squared(g, lam):                         # v̂ = g² read as the denominator
        return -np.asarray(g) / lam, -np.asarray(g) / (lam * (np.square(g) + EPS))

    return [
        ("−sign(g)/λ", sign, OK), ("√(g²) + ε", sqrt_sq, OK), ("lists", lists, OK),
        ("torch", torch_, OK), ("prints", _r10_chatty(sqrt_sq), OK),
        ("progress on one line", _r10_progress(sqrt_sq), OK),
        ("−1/λ for AdamW", positive_g, REFUSED), ("AdamW = Adam + L2", same, REFUSED),
        ("g² + ε", squared, REFUSED),
    ]


def _r10_angular():
    def arcsin_form(w_old, w_new):               # 2·arcsin(‖â − b̂‖/2)
        a, b = np.ravel(w_old), np.ravel(w_new)
        a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
        return float(2 * np.arcsin(min(1.0, np.linalg.norm(a - b) / 2)))

    def torch_(w_old, w_new):
        import torch
        a = torch.from_numpy(np.ravel(w_old).astype(float))
        b = torch.from_numpy(np.ravel(w_new).astype(float))
        a, b = a / a.norm(), b / b.norm()
        return float(2 * torch.atan2((a - b).norm(), (a + b).norm()))

    def math_loop(w_old, w_new):
        ab = aa = bb = 0.0
        for x, y in zip(np.ravel(w_old).tolist(), np.ravel(w_new).tolist(), strict=True):
            ab, aa, bb = ab + x * y, aa + x * x, bb + y * y
        return math.acos(max(-1.0, min(1.0, ab / math.sqrt(aa * bb))))

    def no_clip(w_old, w_new):                   # arccos of an unclipped cosine
        a, b = np.ravel(w_old), np.ravel(w_new)
        return float(np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))

    def spectral(w_old, w_new):                  # np.linalg.norm(w, 2) of a matrix: spectral
        a, b = np.atleast_1d(w_old), np.atleast_1d(w_new)
        cos = np.sum(a * b) / (np.linalg.norm(a, 2) * np.linalg.norm(b, 2))
        return float(np.arccos(np.clip(cos, -1, 1)))

    def first_row(w_old, w_new):                 # not flattened: row 0 of each
        a, b = np.atleast_2d(w_old)[0], np.atleast_2d(w_new)[0]
        return float(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1)))

    def no_norms(w_old, w_new):                  # arccos(a·b): unit vectors only
        return float(np.arccos(np.clip(np.ravel(w_old) @ np.ravel(w_new), -1, 1)))

    def distance(w_old, w_new):                  # ‖b̂ − â‖, the chord
        a, b = np.ravel(w_old), np.ravel(w_new)
        return float(np.linalg.norm(b / np.linalg.norm(b) - a / np.linalg.norm(a)))

    return [
        ("2·arcsin(‖â − b̂‖/2)", arcsin_form, OK), ("torch atan2", torch_, OK),
        ("math loop", math_loop, OK), ("prints", _r10_chatty(math_loop), OK),
        ("progress on one line", _r10_progress(math_loop), OK),
        ("np.arccos, not clipped", no_clip, OK),
        ("row 0 only", first_row, REFUSED), ("no norms", no_norms, REFUSED),
        ("np.linalg.norm(w, 2) of a matrix", spectral, Hint(lesson09.ANGLE_HINTS["spectral"])),
        ("np.dot of two matrices", lambda a, b: float(np.arccos(np.clip(np.sum(np.dot(a, b)) / (
            np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))), Hint(_core.MATMUL_SHAPES)),
        ("the chord", distance, REFUSED),
    ]


def _r10_eq_angle():
    def asin(opt, lr, lam):                      # sin θ = √(d(2 − d)), the equilibrium ‖w‖ kept
        d = _shrink(opt, lr, lam)
        return math.asin(math.sqrt(d * (2 - d)))

    def iterate(opt, lr, lam):                   # iterate ‖w‖² with g ⟂ w, ‖g‖ = 1
        d = _shrink(opt, lr, lam)
        s = 1.0
        for _ in range(1_000_000):
            s2 = (1 - d) ** 2 * s + lr ** 2
            if abs(s2 - s) <= 1e-16 * s:
                break
            s = s2
        return math.atan2(lr, (1 - d) * math.sqrt(s2))

    def torch_(opt, lr, lam):
        import torch
        d = torch.tensor(lr * lam if opt == "sgd" else lam, dtype=torch.float64)
        return float(torch.atan(torch.sqrt(d * (2 - d)) / (1 - d)))

    def atan2(opt, lr, lam):
        d = _shrink(opt, lr, lam)
        return math.atan2(math.sqrt(d * (2 - d)), 1 - d)

    def sgd_only(opt, lr, lam):                  # d = lr·λ whatever the optimizer: sgd right
        d = lr * lam
        return math.atan(math.sqrt(d * (2 - d)) / (1 - d))

    def degrees(opt, lr, lam):
        return math.degrees(atan2(opt, lr, lam))

    def d_over(opt, lr, lam):                    # √(d/(2 − d))
        d = _shrink(opt, lr, lam)
        return math.atan(math.sqrt(d / (2 - d)))

    return [
        ("arcsin(√(d(2 − d)))", asin, OK), ("‖w‖² iterated", iterate, OK), ("torch", torch_, OK),
        ("atan2", atan2, OK), ("prints", _r10_chatty(atan2), OK),
        ("progress on one line", _r10_progress(atan2), OK),
        ("lr·λ for sgdw too", sgd_only, REFUSED), ("degrees", degrees, REFUSED),
        ("√(d/(2 − d))", d_over, REFUSED),
    ]


def _r10_eq_norm():
    def sqrt_sqrt(lr, lam, g):
        return math.sqrt(math.sqrt(lr * g / (lam * (2 - lr * lam))))

    def iterate_norm(lr, lam, g):                # ‖w‖ itself iterated to its fixed point
        n = 1.0
        for _ in range(1_000_000):
            n2 = math.sqrt((1 - lr * lam) ** 2 * n * n + lr * lr * g / (n * n))
            if abs(n2 - n) <= 1e-15 * n:
                return n2
            n = n2
        return n

    def torch_(lr, lam, g):
        import torch
        x = torch.tensor(lr * g / (lam * (2 - lr * lam)), dtype=torch.float64)
        return float(x ** 0.25)

    def exp_log(lr, lam, g):
        return math.exp((math.log(lr) + math.log(g) - math.log(lam) - math.log(2 - lr * lam)) / 4)

    return [
        ("√√", sqrt_sqrt, OK), ("‖w‖ iterated", iterate_norm, OK), ("torch", torch_, OK),
        ("exp of logs", exp_log, OK), ("prints", _r10_chatty(sqrt_sqrt), OK),
        ("progress on one line", _r10_progress(sqrt_sqrt), OK),
        ("slow", _r10_slow(sqrt_sqrt), OK),
        ("without the (2 − lr·λ)", lambda lr, lam, g: (lr * g / (2 * lam)) ** 0.25, REFUSED),
        ("small-lr limit (lr g/(2λ))^¼ with λ², ", lambda lr, lam, g:
         (lr * g / (lam * lam * (2 - lr * lam))) ** 0.25, REFUSED),
        ("lr² for lr", lambda lr, lam, g: (lr * lr * g / (lam * (2 - lr * lam))) ** 0.25,
         REFUSED),
        ("g̃ for ‖g̃‖²", lambda lr, lam, g: (lr * g * g / (lam * (2 - lr * lam))) ** 0.25, REFUSED),
    ]


ROUND10 = {
    lesson00.check_half_mse: _r10_half_mse,
    lesson01.check_count_params: _r10_count_params,
    lesson01.check_ridge_fit: _r10_ridge_fit,
    lesson02.check_l2_grad: _r10_l2_grad,
    lesson02.check_lam_for_df: _r10_lam_for_df,
    lesson02.check_early_stopping_lambda: _r10_early_stopping,
    lesson03.check_soft_threshold: _r10_soft_threshold,
    lesson03.check_prox_lasso_step: _r10_prox,
    lesson03.check_max_norm: _r10_max_norm,
    lesson04.check_cv_loss: _r10_cv_loss,
    lesson04.check_one_se_rule: _r10_one_se,
    lesson05.check_leaky_relu_std: _r10_leaky,
    lesson05.check_backprop_tanh: _r10_backprop,
    lesson06.check_clip_by_norm: _r10_clip_norm,
    lesson06.check_clip_by_value: _r10_clip_value,
    lesson06.check_angle: _r10_angle,
    lesson07.check_momentum_updates: _r10_momentum,
    lesson07.check_cosine_lr: _r10_cosine,
    lesson08.check_adamw_step: _r10_adamw,
    lesson08.check_fixed_points: _r10_fixed_points,
    lesson09.check_angular_step: _r10_angular,
    lesson09.check_equilibrium_angle: _r10_eq_angle,
    lesson09.check_equilibrium_norm: _r10_eq_norm,
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
    # the learner's own prints (an answer that prints while it runs) come first, as in a
    # notebook; the checker's line is the last, and the only one that starts with ✓ or ✗
    lines = out.splitlines()
    line = lines[-1] if lines else ""
    verdicts = [x for x in lines if x.startswith((f"{_core.OK} ", f"{_core.FAIL} "))]
    if not out.endswith("\n") or verdicts != [line] or "could not judge" in out \
            or not isinstance(verdict, _core.Verdict):
        return "crash", out.rstrip("\n")
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


# readings that use a framework's own function
OPTIONAL = ("torch", "sklearn", "scipy", "pandas", "jax")
# helpers here that import an optional module for the answers that call them
IMPORTS = {"_r9_jnp": "jax"}


def _installed(fn) -> bool:
    """Whether the modules ``fn`` imports (of ``OPTIONAL``, directly or through a helper of
    ``IMPORTS``) are installed: a reading written with torch is left out where torch is not (the
    `torch` extra is optional; jax is not installed by `make setup` at all)."""
    names = getattr(getattr(fn, "__code__", None), "co_names", ())
    names = [IMPORTS.get(n, n) for n in names]
    return all(importlib.util.find_spec(m) is not None for m in OPTIONAL
               if any(n == m or n.startswith(m + ".") for n in names))


def round5(checker) -> list:
    """Round 5's answers to ``checker`` (those whose modules are installed) and the probes."""
    return [a for a in ROUND5[checker]() if _installed(a[1])] + \
        [(f"probe: {label}", fn, REFUSED) for label, fn in PROBES]


def round6(checker) -> list:
    """Round 6's answers to ``checker`` (those whose modules are installed)."""
    return [a for a in ROUND6[checker]() if _installed(a[1])]


def round7(checker) -> list:
    """Round 7's answers to ``checker`` (those whose modules are installed)."""
    return [a for a in ROUND7[checker]() if _installed(a[1])]


def round8(checker) -> list:
    """Round 8's answers to ``checker`` (those whose modules are installed)."""
    return [a for a in ROUND8[checker]() if _installed(a[1])]


def round9(checker) -> list:
    """Round 9's answers to ``checker`` (those whose modules are installed)."""
    return [a for a in ROUND9[checker]() if _installed(a[1])]


def round10(checker) -> list:
    """Round 10's answers to ``checker`` (those whose modules are installed)."""
    return [a for a in ROUND10[checker]() if _installed(a[1])]


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
        tally = run_answers(checker, round5(checker) + round6(checker) + round7(checker)
                            + round8(checker) + round9(checker) + round10(checker)
                            + extra.get(checker, []),
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
