"""Checkers for lesson 02 (L2 regularization = weight decay).

How checkers work: see ``wdlib.exercises``.

==========================  ==============================================================
checker                     the learner's function
==========================  ==============================================================
``check_l2_grad``           ``l2_grad(params, lam) -> dict``: gradient of lam/2·Σ‖W‖²
                            (every key of params; zeros for the biases)
``check_sgd_step_l2``       ``sgd_step_l2(params, grads, lr, lam) -> dict``: add lam·W to the
                            gradient, then a plain SGD step
``check_sgd_step_decay``    ``sgd_step_decay(params, grads, lr, lam) -> dict``: shrink W by
                            (1 − lr·lam), then step along the data gradient
``check_ridge``             ``ridge(X, y, lam) -> (w, b)``: argmin 1/(2n)‖y − Xw − b‖² +
                            lam/2‖w‖², b not penalized
==========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import solvers
from wdlib.exercises._core import WrongForm, check

__all__ = ["BIASES_DECAYED", "BIASES_SHRUNK", "check_l2_grad", "check_sgd_step_l2",
           "check_sgd_step_decay", "check_ridge", "ref_l2_grad", "ref_sgd_step", "ref_ridge"]

BIASES_DECAYED = ("biases decayed: only the weight matrices (keys starting with 'W') are "
                  "penalized; the gradient for b1, b2, ... is zero")
BIASES_SHRUNK = ("biases decayed: only the weight matrices (keys starting with 'W') shrink; "
                 "a bias takes a plain step, b − lr·g")


# --------------------------------------------------------------------------- references

def ref_l2_grad(params: Mapping, lam: float) -> dict:
    """Gradient of lam/2 · Σ_W ‖W‖²: lam·W for weights, zeros for biases."""
    return {k: lam * v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}


def ref_sgd_step(params: Mapping, grads: Mapping, lr: float, lam: float) -> dict:
    """One SGD step on data loss + lam/2·Σ‖W‖²: W ← (1 − lr·lam)·W − lr·g, b ← b − lr·g."""
    return {k: (1.0 - lr * lam) * v - lr * grads[k] if k.startswith("W")
            else v - lr * grads[k] for k, v in params.items()}


def ref_ridge(X, y, lam) -> dict:
    """solvers.ridge as a dict {"w": (d,), "b": ()} (what the checker compares)."""
    w, b = solvers.ridge(X, y, lam)
    return {"w": w, "b": np.float64(b)}


# --------------------------------------------------------------------------- random inputs

def _params(rng, sizes=(3, 5, 2)) -> dict:
    out = {}
    for l, (fi, fo) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        out[f"W{l}"] = rng.standard_normal((fi, fo))
        out[f"b{l}"] = rng.standard_normal(fo)
    return out


def _step_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for sizes, lr, lam in [((3, 5, 2), 0.1, 0.3), ((2, 4, 4, 1), 0.05, 0.01), ((4, 1), 0.5, 0.2)]:
        p = _params(rng, sizes)
        g = {k: rng.standard_normal(v.shape) for k, v in p.items()}
        cases.append((p, g, lr, lam))
    return cases


def _ridge_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, lam in [(30, 4, 0.5), (50, 6, 0.1), (20, 3, 2.0)]:
        X = rng.standard_normal((n, d)) + rng.uniform(-2, 2, size=d)     # columns not centered
        y = X @ rng.standard_normal(d) + 3.0 + 0.3 * rng.standard_normal(n)
        cases.append((X, y[:, None], lam))
    return cases


# --------------------------------------------------------------------------- answer forms

def _missing_biases(got, params, *rest) -> str | None:
    """The hint for a dict that leaves out only biases (a form the generic key check misses)."""
    if isinstance(got, Mapping):
        missing = sorted(set(params) - set(got))
        if missing and all(not k.startswith("W") for k in missing):
            return (f"missing keys {missing}: return every key of params "
                    f"(zeros or the unchanged value for the biases)")
    return None


def _ridge_convert(got):
    """A pair (w, b) -> {"w": (d,), "b": ()}, the reference's form (``WrongForm`` if it is not)."""
    if got is None:
        return None                                   # diagnose: "did you forget `return`?"
    if isinstance(got, Mapping):
        raise WrongForm("return a tuple (w, b), not a dict")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongForm(f"return a pair (w, b), got {type(got).__name__}")
    w, b = got
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 2 and 1 in w.shape:
        raise WrongForm(f"w must have shape (d,), got {w.shape}: flatten it (e.g. w.ravel())")
    if np.ndim(b) != 0 and np.size(b) == 1:
        b = np.reshape(b, ())
    return {"w": w, "b": np.asarray(b, dtype=np.float64)}


# --------------------------------------------------------------------------- checkers

def check_l2_grad(fn: Callable) -> bool:
    """``fn(params, lam) -> dict``: the gradient of lam/2 · Σ_W ‖W‖² for every key of params."""
    rng = np.random.default_rng(2)
    cases = [(_params(rng, s), lam) for s, lam in [((3, 5, 2), 0.1), ((2, 4, 4, 1), 0.37)]]

    def hints(params, lam):
        ref = ref_l2_grad(params, lam)
        return {
            BIASES_DECAYED: {k: lam * v for k, v in params.items()},
            "wrong sign: the gradient of lam/2·‖W‖² is +lam·W (the step goes along −lam·W)":
                {k: -g for k, g in ref.items()},
            "off by a factor of 2: the gradient of lam/2·‖W‖² is lam·W, not 2·lam·W (the ½ "
            "cancels the 2 from the square)": {k: 2 * g for k, g in ref.items()},
            "you returned the weights, not lam·W: multiply by lam":
                {k: v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()},
            "you returned the penalty's value per entry (lam/2·W²), not its gradient lam·W":
                {k: 0.5 * lam * v**2 if k.startswith("W") else np.zeros_like(v)
                 for k, v in params.items()},
        }

    return check("l2_grad", fn, ref_l2_grad, cases, hints_for=hints, form_hint=_missing_biases)


def _step_hints(params, grads, lr, lam):
    def step(decay_w, decay_b=None, g_scale=lr, sign=-1.0, shrink_after=False):
        out = {}
        for k, v in params.items():
            f = decay_w if k.startswith("W") else (decay_b if decay_b is not None else 1.0)
            out[k] = f * (v + sign * g_scale * grads[k]) if shrink_after \
                else f * v + sign * g_scale * grads[k]
        return out

    return {
        BIASES_SHRUNK: step(1 - lr * lam, 1 - lr * lam),
        "the decay is not multiplied by lr: the shrink factor per step is (1 − lr·lam), "
        "not (1 − lam)": step(1 - lam),
        "sign wrong: step against the gradient, W − lr·g (and shrink with 1 − lr·lam, "
        "not 1 + lr·lam)": step(1 + lr * lam, sign=+1.0),
        "the gradient step has the wrong sign: subtract lr·g": step(1 - lr * lam, sign=+1.0),
        "the decay has the wrong sign: shrink with (1 − lr·lam), do not grow with "
        "(1 + lr·lam)": step(1 + lr * lam),
        "the gradient is not multiplied by lr: W ← (1 − lr·lam)·W − lr·g": step(1 - lr * lam,
                                                                                g_scale=1.0),
        "you shrank after the gradient step, (1 − lr·lam)·(W − lr·g): shrink the old W, "
        "(1 − lr·lam)·W − lr·g": step(1 - lr * lam, shrink_after=True),
        "no decay at all: the weights must shrink by (1 − lr·lam) (or get lam·W added to "
        "their gradient)": step(1.0),
        "off by a factor of 2 in the decay: the L2 gradient is lam·W, so the shrink factor is "
        "(1 − lr·lam), not (1 − 2·lr·lam)": step(1 - 2 * lr * lam),
    }


def check_sgd_step_l2(fn: Callable) -> bool:
    """``fn(params, grads, lr, lam)``: grads + lam·W (weights only), then params − lr·that."""
    return check("sgd_step_l2", fn, ref_sgd_step, _step_cases(3), hints_for=_step_hints,
                 form_hint=_missing_biases)


def check_sgd_step_decay(fn: Callable) -> bool:
    """``fn(params, grads, lr, lam)``: W ← (1 − lr·lam)·W − lr·g; b ← b − lr·g."""
    return check("sgd_step_decay", fn, ref_sgd_step, _step_cases(4), hints_for=_step_hints,
                 form_hint=_missing_biases)


def check_ridge(fn: Callable) -> bool:
    """``fn(X, y, lam) -> (w, b)``: ridge in closed form, intercept b not penalized."""

    def hints(X, y, lam):
        n, d = X.shape
        out = {}
        Xa = np.hstack([X, np.ones((n, 1))])                      # bias as a penalized column
        v = np.linalg.solve(Xa.T @ Xa / n + lam * np.eye(d + 1), Xa.T @ y[:, 0] / n)
        out["intercept penalized: center X and y first (or leave b out of the penalty), then "
            "b = mean(y) − mean(X)·w"] = {"w": v[:d], "b": np.float64(v[d])}
        w0 = np.linalg.solve(X.T @ X / n + lam * np.eye(d), X.T @ y[:, 0] / n)
        out["no intercept: center X and y first, then b = mean(y) − mean(X)·w"] = \
            {"w": w0, "b": np.float64(0.0)}
        out["b is wrong: with centered data b = mean(y) − mean(X)·w"] = \
            {"w": solvers.ridge(X, y, lam)[0], "b": np.float64(np.mean(y))}
        for wrong, msg in [(lam / n, "λ is off by a factor n: you solved (XᵀX + λI)w = Xᵀy "
                                     "(scikit-learn's alpha = λ); our objective has 1/(2n), so "
                                     "use XᵀX/n + λI and Xᵀy/n (or alpha = n·λ)"),
                           (lam * n, "λ is off by a factor n: use XᵀX/n + λI with Xᵀy/n, not "
                                     "XᵀX/n + n·λI"),
                           (2 * lam, "λ is off by a factor of 2: with lam/2·‖w‖² the normal "
                                     "equations are (XᵀX/n + λI)w = Xᵀy/n, not 2λ"),
                           (lam / 2, "λ is off by a factor of 2: with lam/2·‖w‖² the normal "
                                     "equations are (XᵀX/n + λI)w = Xᵀy/n, not λ/2"),
                           (0.0, "no penalty: you computed least squares; add λ·I to XᵀX/n")]:
            out[msg] = ref_ridge(X, y, wrong)
        return out

    return check("ridge", fn, ref_ridge, _ridge_cases(5), hints_for=hints,
                 convert=_ridge_convert)
