"""Checkers for lesson 08 (decoupled weight decay: Adam + L2 vs AdamW).

    from wdlib.exercises import lesson08
    lesson08.check_adamw_step(adamw_step)
    lesson08.check_fixed_points(fixed_points)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import assert_form, check, outputs

__all__ = ["B1", "B2", "EPS", "check_adamw_step", "check_fixed_points", "assert_adamw_step",
           "assert_fixed_points"]

ADAMW_HINTS = {
    "coupled": "that is Adam + L2, not AdamW: the decay must not go into the gradient (and so "
               "into m and v); shrink the weights directly, w·(1 − lr·wd)",
    "coupled_keras": "that is Adam + L2 as Keras's kernel_regularizer=l2(wd) gives it (it adds "
                     "wd·Σw² to the loss, so 2·wd·w goes into the gradient and through m and "
                     "v): AdamW keeps the decay out of the gradient; shrink the weights "
                     "directly, w·(1 − lr·wd)",
    "decay_without_lr": "the decay is not multiplied by lr: PyTorch's AdamW shrinks by "
                        "(1 − lr·wd), not (1 − wd) (that is the paper's convention with η_t = 1)",
    "shrink_new": "you shrank the new weights, (w − lr·step)·(1 − lr·wd): shrink the old w, "
                  "w·(1 − lr·wd) − lr·step",
    "no_bias_correction": "no bias correction: divide m by (1 − b1^t) and v by (1 − b2^t) "
                          "(t starts at 1)",
    "eps_inside": "eps inside the square root: PyTorch divides by √v̂ + eps",
    "no_eps": "eps is missing: divide by √v̂ + eps (eps = 1e-8 matters where the gradients, "
              "and so √v̂, are tiny)",
    "no_decay": "no decay at all: AdamW shrinks the weights by (1 − lr·wd) each step",
    "m_undamped": "m is wrong: m = b1·m + (1 − b1)·g (the new gradient is weighted by 1 − b1)",
    "v_undamped": "v is wrong: v = b2·v + (1 − b2)·g² (the new squared gradient is weighted by "
                  "1 − b2)",
    "v_abs": "v is wrong: v averages the squared gradient g², not |g|",
    "t_off_by_one": "the bias correction uses the wrong step: with t = 1, 2, ... divide by "
                    "(1 − b1^t) and (1 − b2^t), not t + 1 or t − 1",
    "no_sqrt": "the step divides by v̂: divide by √v̂ + eps (v̂ is a squared gradient)",
    "decay_plus": "the decay has the wrong sign: the weights shrink, w·(1 − lr·wd)",
    "eps_hat": "eps is added to √v before the bias correction (TensorFlow/Keras's form, "
               "lr·√(1 − b2^t)/(1 − b1^t)·m/(√v + eps)): PyTorch divides m̂ by √v̂ + eps, "
               "which differs where the gradients are tiny",
    "decay_twice": "the decay is applied twice (a shrink w·(1 − lr·wd) and also lr·wd·w in the "
                   "step?): AdamW shrinks once per step, w·(1 − lr·wd) − lr·step",
    "decay_lr_squared": "the decay is multiplied by lr twice, (1 − lr²·wd): PyTorch's AdamW "
                        "shrinks by (1 − lr·wd), one lr",
    "returned_hats": "w is right, but you returned the bias-corrected m̂ and v̂: return the "
                     "moments m and v themselves (the state the next step starts from)",
    "m_hat_only": "only m is bias-corrected: divide v by (1 − b2^t) too, v̂ = v / (1 − b2^t)",
    "v_hat_only": "only v is bias-corrected: divide m by (1 − b1^t) too, m̂ = m / (1 − b1^t)",
    "t_ignored": "the bias correction ignores the step number: use the t you are given, "
                 "(1 − b1^t) and (1 − b2^t), not the first step's (1 − b1) and (1 − b2)",
    "old_moments": "w is right, but m and v are the moments you were given: return the updated "
                   "ones, b1·m + (1 − b1)·g and b2·v + (1 − b2)·g² (the state the next step "
                   "starts from)",
}
ADAMW_HINTS["t_minus_one"] = ADAMW_HINTS["t_off_by_one"]   # t − 1 where t > 1 (one text)
ADAMW_HINTS["decay_twice:squared"] = ADAMW_HINTS["decay_twice"]   # (1 − lr·wd)² (one text)

FIXED_POINT_HINTS = {
    "adamw_like_l2": "your AdamW point is the Adam + L2 one: in AdamW only the data gradient goes "
                     "through Adam (divided by √v̂ + ε, and v̂ has settled too); the decay "
                     "lr·λ·w is applied as it is",
    "l2_like_adamw": "your Adam + L2 point divides by the gradient's size: in Adam + L2 the whole "
                     "gradient g + λ·w goes through Adam, and Adam's step is zero only where "
                     "what it is fed is zero",
    "sign": "wrong sign: at rest the decay pulls against the data gradient, so each weight ends "
            "on the side opposite to its g",
    "adamw_no_sign": "your AdamW point has the same sign for every weight: each weight ends on "
                     "the side opposite to its own g",
    "adamw_sqrt": "at rest v̂ is the average of g² over a constant g: √v̂ is |g|, not √|g|",
    "adamw_eps_inside": "ε is inside the square root, √(g² + ε): PyTorch's AdamW divides by "
                        "√v̂ + ε, and at rest √v̂ = |g|, so the AdamW point has |g| + ε",
}
# the AdamW mistakes also by a learner who drops ε (it changes the answer by ε/|g| only)
FIXED_POINT_HINTS.update({f"{k}:no_eps": v for k, v in list(FIXED_POINT_HINTS.items())
                          if k not in ("adamw_like_l2", "adamw_eps_inside")})

B1, B2, EPS = 0.9, 0.999, 1e-8


# --------------------------------------------------------------------------- references

def _adam_step(w, g, m, v, t, lr, wd, *, coupled=False, lr_decay=True, shrink_new=False,
               bias_correct=(True, True), eps_inside=False, m_damp=True, v_damp=True,
               v_abs=False, t_shift=0, sqrt=True, eps=EPS):
    """The reference and its typical mistakes, one switch each (``bias_correct``: for m and
    for v)."""
    g = g + wd * w if coupled else g
    m = B1 * m + ((1 - B1) if m_damp else 1.0) * g
    v = B2 * v + ((1 - B2) if v_damp else 1.0) * (np.abs(g) if v_abs else g * g)
    tt = t + t_shift
    m_hat = m / (1 - B1**tt) if bias_correct[0] else m
    v_hat = v / (1 - B2**tt) if bias_correct[1] else v
    root = np.sqrt if sqrt else (lambda x: x)
    step = m_hat / (root(v_hat + eps) if eps_inside else root(v_hat) + eps)
    if coupled:
        return {"w": w - lr * step, "m": m, "v": v}
    decay = lr * wd if lr_decay else wd
    new = (w - lr * step) * (1 - decay) if shrink_new else w * (1 - decay) - lr * step
    return {"w": new, "m": m, "v": v}


def _ref_adamw_step(w, g, m, v, t, lr, wd) -> dict:
    return _adam_step(w, g, m, v, t, lr, wd)


def _ref_fixed_points(g, lam) -> dict:
    return {"adam_l2": -g / lam, "adamw": -g / (lam * (np.abs(g) + EPS))}


# --------------------------------------------------------------------------- random inputs

def _step_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    settings = [((4, 3), 1, 1e-2, 0.1), ((5,), 7, 3e-3, 0.5), ((2, 6), 40, 0.05, 0.02)]
    for shape, t, lr, wd in settings:
        w = rng.standard_normal(shape)
        g = rng.standard_normal(shape) * rng.uniform(0.1, 3.0, size=shape)
        m = 0.1 * rng.standard_normal(shape) if t > 1 else np.zeros(shape)
        v = rng.uniform(0.01, 1.0, size=shape) if t > 1 else np.zeros(shape)
        cases.append((w, g, m, v, t, lr, wd))
    w = rng.standard_normal(4)                       # tiny gradients: where eps matters
    cases.append((w, 1e-6 * rng.standard_normal(4), 1e-7 * rng.standard_normal(4),
                  rng.uniform(1e-14, 1e-12, size=4), 12, 1e-3, 0.1))
    return cases


def _fixed_point_cases(seed=0):
    """Gradients of both signs over three decades (none near 0), one λ per case."""
    rng = np.random.default_rng(seed)
    return [(rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(-2, 1, size=shape), lam)
            for shape, lam in [((6,), 0.1), ((3, 4), 0.01), ((5,), 2.0)]]


# --------------------------------------------------------------------------- checkers

def _adamw_mistakes(*args):
    s = lambda **kw: _adam_step(*args, **kw)                              # noqa: E731
    t = args[4]
    out = {"coupled": s(coupled=True), "decay_without_lr": s(lr_decay=False),
           "coupled_keras": _adam_step(*args[:6], 2 * args[6], coupled=True),
           "shrink_new": s(shrink_new=True), "no_bias_correction": s(bias_correct=(False,) * 2),
           "m_hat_only": s(bias_correct=(True, False)), "v_hat_only": s(bias_correct=(False, True)),
           "eps_inside": s(eps_inside=True), "no_eps": s(eps=0.0),
           "no_decay": _adam_step(*args[:6], 0.0),
           "m_undamped": s(m_damp=False), "v_undamped": s(v_damp=False), "v_abs": s(v_abs=True),
           "no_sqrt": s(sqrt=False), "decay_plus": _adam_step(*args[:6], -args[6])}
    w, lr, wd = args[0], args[5], args[6]
    ref = s()
    out["decay_twice"] = {**ref, "w": ref["w"] - lr * wd * w}              # w·(1 − 2·lr·wd)
    out["decay_twice:squared"] = {**ref, "w": ref["w"] - lr * wd * (1 - lr * wd) * w}
    step = np.sqrt(1 - B2**t) / (1 - B1**t) * ref["m"] / (np.sqrt(ref["v"]) + EPS)
    out["eps_hat"] = {**ref, "w": w * (1 - lr * wd) - lr * step}      # Keras/TF's ε̂
    out["decay_lr_squared"] = {**ref, "w": ref["w"] + (lr - lr * lr) * wd * w}
    out["returned_hats"] = {"w": ref["w"], "m": ref["m"] / (1 - B1**t),
                            "v": ref["v"] / (1 - B2**t)}
    out["t_off_by_one"] = s(t_shift=1)
    out["old_moments"] = {**ref, "m": args[2], "v": args[3]}
    if t > 1:                                   # at t = 1 it is the reference
        out["t_ignored"] = s(t_shift=1 - t)
    if t > 1:                                   # t − 1 at t = 1 divides by 0: _adamw_form
        out["t_minus_one"] = s(t_shift=-1)
    return out


def _adamw_form(got, w, g, m, v, t, lr, wd):
    """At the first step (t = 1) a bias correction with t − 1 divides by 1 − b^0 = 0."""
    if t == 1 and not np.isfinite(np.asarray(got["w"], dtype=np.float64)).all():
        return ("your new w is not finite at the first step (t = 1): did the bias correction "
                "use t − 1? (1 − b1^0) is 0; with t = 1, 2, ... divide by (1 − b1^t) and "
                "(1 − b2^t)")
    return None


def check_adamw_step(fn: Callable, *, grade: bool = False):
    """Check your ``adamw_step(w, g, m, v, t, lr, wd) -> (w, m, v)``."""
    return check("adamw_step", fn, _ref_adamw_step, _step_cases(8), mistakes=_adamw_mistakes,
                 hints=ADAMW_HINTS, convert=outputs("w", "m", "v", what="a triple (w, m, v): "
                                                    "the new weights and both new moments"),
                 form_hint=_adamw_form, rtol=1e-7, atol=1e-12, grade=grade)


def _fixed_point_mistakes(g, lam):
    l2 = -g / lam
    out = {"adamw_like_l2": {"adam_l2": l2, "adamw": l2},
           "adamw_eps_inside": {"adam_l2": l2, "adamw": -g / (lam * np.sqrt(g * g + EPS))}}
    for suffix, eps in [("", EPS), (":no_eps", 0.0)]:
        aw = -g / (lam * (np.abs(g) + eps))
        out.update({"l2_like_adamw" + suffix: {"adam_l2": aw, "adamw": aw},
                    "sign" + suffix: {"adam_l2": -l2, "adamw": -aw},
                    "adamw_no_sign" + suffix: {"adam_l2": l2, "adamw": -np.abs(aw)},
                    "adamw_sqrt" + suffix: {"adam_l2": l2,
                                            "adamw": -g / (lam * (np.sqrt(np.abs(g)) + eps))}})
    return out


def check_fixed_points(fn: Callable, *, grade: bool = False):
    """Check your ``fixed_points(g, lam) -> (w_adam_l2, w_adamw)``: one resting weight per entry
    of ``g``, for each optimizer."""
    return check("fixed_points", fn, _ref_fixed_points, _fixed_point_cases(9),
                 mistakes=_fixed_point_mistakes, hints=FIXED_POINT_HINTS,
                 convert=outputs("adam_l2", "adamw",
                                 what="a pair (w_adam_l2, w_adamw), one array each"),
                 accept=lambda g, lam: [{"adam_l2": -g / lam, "adamw": -np.sign(g) / lam}],
                 rtol=1e-7, atol=0.0, grade=grade)


assert_adamw_step = assert_form(check_adamw_step)
assert_fixed_points = assert_form(check_fixed_points)
