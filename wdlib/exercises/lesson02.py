"""Checkers for lesson 02 (L2 regularization = weight decay).

    from wdlib.exercises import lesson02
    lesson02.check_l2_grad(l2_grad_exercise)
    lesson02.check_sgd_step_l2(sgd_step_l2)
    lesson02.check_sgd_step_decay(sgd_step_decay)
    lesson02.check_ridge(ridge_exercise)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import solvers
from wdlib.exercises import lesson01
from wdlib.exercises._core import assert_form, check, outputs

__all__ = ["check_l2_grad", "check_sgd_step_l2", "check_sgd_step_decay", "check_ridge",
           "assert_l2_grad", "assert_sgd_step_l2", "assert_sgd_step_decay", "assert_ridge"]

L2_GRAD_HINTS = {
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
}

STEP_HINTS = {
    "biases_shrunk": "biases decayed: only the weight matrices (keys starting with 'W') shrink; "
                     "a bias takes a plain step, b − lr·g",
    "biases_not_updated": "the biases did not move: they are not decayed, but they still take "
                          "the gradient step, b − lr·g",
    "decay_without_lr": "the decay is not multiplied by lr: the shrink factor per step is "
                        "(1 − lr·lam), not (1 − lam)",
    "both_signs": "sign wrong: step against the gradient, W − lr·g (and shrink with 1 − lr·lam, "
                  "not 1 + lr·lam)",
    "grad_sign": "the gradient step has the wrong sign: subtract lr·g",
    "decay_sign": "the decay has the wrong sign: shrink with (1 − lr·lam), do not grow with "
                  "(1 + lr·lam)",
    "grad_without_lr": "the gradient is not multiplied by lr: W ← (1 − lr·lam)·W − lr·g",
    "shrink_after": "you shrank after the gradient step, (1 − lr·lam)·(W − lr·g): shrink the old "
                    "W, (1 − lr·lam)·W − lr·g",
    "no_decay": "no decay at all: the weights must shrink by (1 − lr·lam) (or get lam·W added to "
                "their gradient)",
    "decay_twice": "off by a factor of 2 in the decay: the L2 gradient is lam·W, so the shrink "
                   "factor is (1 − lr·lam), not (1 − 2·lr·lam)",
    "only_decay": "the data gradient is missing: after the shrink, subtract lr·grads[k]",
}

RIDGE_HINTS = {k: v.replace("F", "X") for k, v in lesson01.RIDGE_HINTS.items()}


# --------------------------------------------------------------------------- references

def _ref_l2_grad(params: Mapping, lam: float) -> dict:
    return {k: lam * v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}


def _ref_sgd_step(params: Mapping, grads: Mapping, lr: float, lam: float) -> dict:
    return {k: (1.0 - lr * lam) * v - lr * grads[k] if k.startswith("W")
            else v - lr * grads[k] for k, v in params.items()}


def _ref_ridge(X, y, lam) -> dict:
    w, b = solvers.ridge(X, y, lam)
    return {"w": w, "b": b}


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

def _l2_mistakes(params, lam):
    ref = _ref_l2_grad(params, lam)
    zero_b = lambda f: {k: f(v) if k.startswith("W") else np.zeros_like(v)  # noqa: E731
                        for k, v in params.items()}
    return {"biases_decayed": {k: lam * v for k, v in params.items()},
            "negative": {k: -g for k, g in ref.items()},
            "twice": {k: 2 * g for k, g in ref.items()},
            "weights": zero_b(lambda v: v),
            "value": zero_b(lambda v: 0.5 * lam * v**2),
            "biases_unchanged": {k: lam * v if k.startswith("W") else v
                                 for k, v in params.items()}}


def check_l2_grad(fn: Callable, *, grade: bool = False):
    """Check your ``l2_grad_exercise(params, lam) -> dict``; prints ✓ or a hint."""
    rng = np.random.default_rng(2)
    cases = [(_params(rng, s), lam) for s, lam in [((3, 5, 2), 0.1), ((2, 4, 4, 1), 0.37)]]
    return check("l2_grad", fn, _ref_l2_grad, cases, mistakes=_l2_mistakes, hints=L2_GRAD_HINTS,
                 form_hint=_missing_biases("zeros for the biases"),
                 grade=grade)


def _step_mistakes(params, grads, lr, lam):
    def step(decay_w, decay_b=1.0, g_scale=lr, sign=-1.0, shrink_after=False, move_b=True,
             g_w=1.0):
        out = {}
        for k, v in params.items():
            w = k.startswith("W")
            f = decay_w if w else decay_b
            g = sign * g_scale * grads[k] * (g_w if w else 1.0)
            if not w and not move_b:
                g = 0.0 * g
            out[k] = f * (v + g) if shrink_after else f * v + g
        return out

    return {"biases_shrunk": step(1 - lr * lam, 1 - lr * lam),
            "biases_not_updated": step(1 - lr * lam, move_b=False),
            "decay_without_lr": step(1 - lam),
            "both_signs": step(1 + lr * lam, sign=+1.0),
            "grad_sign": step(1 - lr * lam, sign=+1.0),
            "decay_sign": step(1 + lr * lam),
            "grad_without_lr": step(1 - lr * lam, g_scale=1.0),
            "shrink_after": step(1 - lr * lam, shrink_after=True),
            "no_decay": step(1.0),
            "decay_twice": step(1 - 2 * lr * lam),
            "only_decay": step(1 - lr * lam, g_w=0.0)}


def check_sgd_step_l2(fn: Callable, *, grade: bool = False):
    """Check your ``sgd_step_l2(params, grads, lr, lam) -> dict``; prints ✓ or a hint."""
    return check("sgd_step_l2", fn, _ref_sgd_step, _step_cases(3), mistakes=_step_mistakes,
                 hints=STEP_HINTS,
                 form_hint=_missing_biases("a bias takes the step b − lr·g"), grade=grade)


def check_sgd_step_decay(fn: Callable, *, grade: bool = False):
    """Check your ``sgd_step_decay(params, grads, lr, lam) -> dict``; prints ✓ or a hint."""
    return check("sgd_step_decay", fn, _ref_sgd_step, _step_cases(4), mistakes=_step_mistakes,
                 hints=STEP_HINTS,
                 form_hint=_missing_biases("a bias takes the step b − lr·g"), grade=grade)


def check_ridge(fn: Callable, *, grade: bool = False):
    """Check your ``ridge_exercise(X, y, lam) -> (w, b)``; prints ✓ or a hint."""
    return check("ridge", fn, _ref_ridge, _ridge_cases(5), mistakes=lesson01.ridge_mistakes,
                 hints=RIDGE_HINTS, convert=outputs("w", "b", what="a pair (w, b)"),
                 grade=grade)


assert_l2_grad = assert_form(check_l2_grad)
assert_sgd_step_l2 = assert_form(check_sgd_step_l2)
assert_sgd_step_decay = assert_form(check_sgd_step_decay)
assert_ridge = assert_form(check_ridge)
