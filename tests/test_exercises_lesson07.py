"""Lesson 07 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra

from wdlib import schedules
from wdlib.exercises import lesson07 as L


def _mom(first=lambda g, d: g, new=lambda b, d: 1 - d, old=lambda b, d: b, out="change",
         dtype=None):
    def fn(G, lr, beta, d):
        buf, rows = None, []
        for g in G:
            buf = first(g, d).copy() if buf is None else old(beta, d) * buf + new(beta, d) * g
            rows.append({"change": -lr * buf, "buffer": buf, "sign": lr * buf,
                         "no_lr": -buf}[out])
        rows = np.array(rows)
        return rows if dtype is None else rows.astype(dtype)
    return fn


def _torch_like(G, lr, beta, d):
    p, out, buf = np.zeros(G.shape[1]), [], None
    for g in G:
        buf = g if buf is None else beta * buf + (1 - d) * g
        new = p - lr * buf
        out.append(new - p)
        p = new
    return np.array(out)


MOM_CORRECT = [_mom(), _torch_like, _mom(dtype=np.float32), lambda *a: _mom()(*a).tolist()]
MOM_MISTAKES = [
    (_mom(first=lambda g, d: (1 - d) * g), "first_damped"),
    (_mom(new=lambda b, d: 1.0, old=lambda b, d: (1 - d) * b), "damp_buf"),
    (_mom(new=lambda b, d: 1 - b), "adam_style"),
    (_mom(new=lambda b, d: 1.0), "no_dampening"),
    (_mom(out="buffer"), "buffer"),
    (_mom(out="sign"), "sign"),
    (_mom(out="no_lr"), "no_lr"),
    (lambda *a: np.cumsum(_mom()(*a), axis=0), "positions"),
    (lambda G, lr, b, d: -lr * G, "plain_sgd"),
    # found by the simulated class: these two were only described ('33 of 36 entries differ')
    (_mom(new=lambda b, d: d), "damp_swapped"),
    (lambda G, lr, b, d: -lr * G + b * _mom()(G, lr, b, d), "nesterov"),
]
test_mom_correct = accepts(L.check_momentum_updates, MOM_CORRECT)
# found by the simulated class, round 4: it got only '36 of 36 entries differ'
MOM_MISTAKES += [(lambda g, lr, mu, tau: np.vstack([np.zeros((1, g.shape[1])),
                                                    _mom()(g, lr, mu, tau)[:-1]]),
                  "one_step_late")]
# the round-4 class's leftovers, described before: rows in reverse, the step itself damped
MOM_MISTAKES += [(lambda *a: _mom()(*a)[::-1], "reversed"),
                 (lambda g, lr, mu, tau: (1 - tau) * _mom()(g, lr, mu, tau), "step_damped")]
# found by the simulated class, round 9: only '3 of 36 entries differ'
MOM_MISTAKES += [(lambda *a: np.vstack([np.zeros((1, a[0].shape[1])), _mom()(*a)[1:]]),
                  "first_row_zero")]
test_mom_mistakes = names(L.check_momentum_updates, L.MOMENTUM_HINTS, MOM_MISTAKES)
test_mom_robust = robust(L.check_momentum_updates)
test_mom_robust_extra = robust_extra(L.check_momentum_updates)


def _cos(clamp=True, half=True, lo_on=True, period=1.0, sign=1.0, dtype=None):
    def fn(t, base, T, lo):
        lo_ = lo if lo_on else 0.0
        tt = np.minimum(t, T) if clamp else np.asarray(t)
        f = (1 + sign * np.cos(period * np.pi * tt / T))
        out = lo_ + (base - lo_) * (f / 2 if half else f)
        return out if dtype is None else out.astype(dtype)
    return fn


COS_CORRECT = [_cos(), lambda t, b, T, lo: schedules.cosine(b, T, lo)(t), _cos(dtype=np.float32),
               lambda t, b, T, lo: np.array([lo + (b - lo) * 0.5
                                             * (1 + np.cos(np.pi * min(s, T) / T)) for s in t])]
COS_MISTAKES = [
    (_cos(clamp=False), "not_held"),
    (_cos(lo_on=False), "min_ignored"),
    (_cos(half=False), "no_div2"),
    (_cos(period=2.0), "full_period"),
    (_cos(sign=-1.0), "upside_down"),
    (lambda t, b, T, lo: np.where(np.asarray(t) > T, 0.0, _cos()(t, b, T, lo)), "zero_after"),
    (lambda t, b, T, lo: lo + (b - lo) * np.cos(np.pi * np.minimum(t, T) / T), "no_half"),
    # off by one step (simulated class: only described, '54 of 108 entries differ')
    (lambda t, b, T, lo: _cos()(np.asarray(t) + 1, b, T, lo), "t_plus_one"),
    (lambda t, b, T, lo: _cos()(t, b, T - 1, lo), "T_minus_one"),
    # found by the simulated class: the other direction got only '54 of 108 entries differ'
    (lambda t, b, T, lo: _cos(clamp=False)(np.minimum(np.asarray(t) - 1, T), b, T, lo),
     "t_minus_one"),
    (lambda t, b, T, lo: _cos()(np.maximum(np.asarray(t) - 1, 0), b, T, lo),
     "t_minus_one_clamped"),
    (lambda t, b, T, lo: _cos()(t, b, T + 1, lo), "T_plus_one"),
    # simulated class, round 3: SGDR's warm restarts got only '54 of 108 entries differ'
    (lambda t, b, T, lo: _cos(clamp=False)(np.asarray(t) % T, b, T, lo), "restarts"),
]
test_cos_correct = accepts(L.check_cosine_lr, COS_CORRECT)
# found by the simulated class, round 4: each got only a description of what differs
COS_MISTAKES += [
    (lambda t, b, T, lo: lo + (b - lo) * (1 + np.cos(np.pi * np.minimum(t, T) / (T + 1))) / 2,
     "T_plus_one:held_at_T"),
    (lambda t, b, T, lo: lo + (b - lo) * (1 + np.cos(np.pi * np.minimum(t, T) / (T - 1))) / 2,
     "T_minus_one:held_at_T"),
]
test_cos_mistakes = names(L.check_cosine_lr, L.COSINE_HINTS, COS_MISTAKES)
test_cos_robust = robust(L.check_cosine_lr)
test_cos_robust_extra = robust_extra(L.check_cosine_lr)


def test_cosine_without_half_does_not_blame_an_objective():
    from exercise_harness import run
    ok, line = run(L.check_cosine_lr, _cos(half=False))
    assert not ok and "objective" not in line, line


def test_cosine_mistakes_write_the_schedule_once():
    """The table of cosine mistakes builds every variant from one written rule (a mistake
    differs from it by one argument), not from copies of lo + (base − lo)·(1 + cos(π·f))/2."""
    import inspect
    src = inspect.getsource(L._cosine_mistakes)
    assert src.count("np.cos(") == 1 and src.count("base - ") == 1, src
