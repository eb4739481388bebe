"""Lesson 08 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib.exercises import lesson08 as L

B1, B2, EPS = 0.9, 0.999, 1e-8


def _adamw(coupled=False, decay_lr=True, shrink_new=False, correct=True, eps_in=False,
           m_w=1 - B1, v_w=1 - B2, sq=lambda g: g * g, dt=0, root=np.sqrt, wd_sign=1.0,
           dtype=None, order="wmv"):
    def fn(w, g, m, v, t, lr, wd):
        wd = wd_sign * wd
        if coupled:
            g = g + wd * w
        m = B1 * m + m_w * g
        v = B2 * v + v_w * sq(g)
        mh = m / (1 - B1 ** (t + dt)) if correct else m
        vh = v / (1 - B2 ** (t + dt)) if correct else v
        step = mh / (root(vh + EPS) if eps_in else root(vh) + EPS)
        d = 0.0 if coupled else (lr * wd if decay_lr else wd)
        w = (w - lr * step) * (1 - d) if shrink_new else w * (1 - d) - lr * step
        out = {"w": w, "m": m, "v": v}
        out = [out[k] if dtype is None else out[k].astype(dtype) for k in order]
        return tuple(out)
    return fn


ADAMW_CORRECT = [_adamw(), lambda *a: list(_adamw()(*a)), _adamw(dtype=np.float32),
                 lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m.copy(), v.copy(), t, lr, wd)]
ADAMW_MISTAKES = [
    (_adamw(coupled=True), "coupled"),
    (_adamw(decay_lr=False), "decay_without_lr"),
    (_adamw(shrink_new=True), "shrink_new"),
    (_adamw(correct=False), "no_bias_correction"),
    (_adamw(eps_in=True), "eps_inside"),
    (lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m, v, t, lr, 0.0), "no_decay"),
    (_adamw(m_w=1.0), "m_undamped"),
    (_adamw(v_w=1.0), "v_undamped"),
    (_adamw(sq=np.abs), "v_abs"),
    (_adamw(dt=1), "t_off_by_one"),
    (_adamw(root=lambda x: x), "no_sqrt"),
    (_adamw(wd_sign=-1.0), "decay_plus"),
]
test_adamw_correct = accepts(L.check_adamw_step, ADAMW_CORRECT)
test_adamw_mistakes = names(L.check_adamw_step, L.ADAMW_HINTS, ADAMW_MISTAKES)
test_adamw_robust = robust(L.check_adamw_step)
test_adamw_robust_extra = robust_extra(L.check_adamw_step)


def test_adamw_outputs_in_the_wrong_order():
    ok, line = run(L.check_adamw_step, _adamw(order="mvw"))
    assert not ok and "wrong order" in line, line
    ok, line = run(L.check_adamw_step, _adamw(order="wvm"))
    assert not ok and "swapped" in line, line


def test_adamw_says_which_output_is_wrong():
    def bad_v(*a):
        w, m, v = _adamw()(*a)
        return w, m, 1.5 * v
    ok, line = run(L.check_adamw_step, bad_v)
    assert not ok and "'v' is wrong ('w', 'm' are right)" in line, line


DECAY_CORRECT = [lambda v, lr, lam: lr * lam / (np.sqrt(v) + EPS),
                 lambda v, lr, lam: lr * lam / np.sqrt(v),                     # the text has no eps
                 lambda v, lr, lam: (lr * lam / np.sqrt(v)).astype(np.float32)]
DECAY_MISTAKES = [
    (lambda v, lr, lam: lr * lam / (v + EPS), "no_sqrt"),
    (lambda v, lr, lam: lr * lam / v, "no_sqrt:no_eps"),
    (lambda v, lr, lam: lr * lam * np.sqrt(v), "times_sqrt:no_eps"),
    (lambda v, lr, lam: np.full_like(v, lr * lam), "adamw"),
    (lambda v, lr, lam: lam / np.sqrt(v), "no_lr:no_eps"),
    (lambda v, lr, lam: lr / (np.sqrt(v) + EPS), "no_lam"),
]
test_decay_correct = accepts(L.check_effective_decay, DECAY_CORRECT)
test_decay_mistakes = names(L.check_effective_decay, L.EFFECTIVE_DECAY_HINTS, DECAY_MISTAKES)
test_decay_robust = robust(L.check_effective_decay)
test_decay_robust_extra = robust_extra(L.check_effective_decay)
