"""Lesson 08 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib.exercises import lesson08 as L

B1, B2, EPS = 0.9, 0.999, 1e-8


def _adamw(coupled=False, decay_lr=True, shrink_new=False, correct=True, eps_in=False,
           m_w=1 - B1, v_w=1 - B2, sq=lambda g: g * g, dt=0, root=np.sqrt, wd_sign=1.0,
           dtype=None, order="wmv", eps=EPS, t_min=None):
    def fn(w, g, m, v, t, lr, wd):
        wd = wd_sign * wd
        if coupled:
            g = g + wd * w
        m = B1 * m + m_w * g
        v = B2 * v + v_w * sq(g)
        tt = t + dt if t_min is None else max(t + dt, t_min)
        mh = m / (1 - B1 ** tt) if correct else m
        vh = v / (1 - B2 ** tt) if correct else v
        step = mh / (root(vh + eps) if eps_in else root(vh) + eps)
        d = 0.0 if coupled else (lr * wd if decay_lr else wd)
        w = (w - lr * step) * (1 - d) if shrink_new else w * (1 - d) - lr * step
        out = {"w": w, "m": m, "v": v}
        out = [out[k] if dtype is None else out[k].astype(dtype) for k in order]
        return tuple(out)
    return fn


def _keras_eps_hat(w, g, m, v, t, lr, wd):
    """TensorFlow/Keras: the bias corrections folded into lr, eps added to √v (not √v̂)."""
    m, v = B1 * m + (1 - B1) * g, B2 * v + (1 - B2) * g * g
    alpha = lr * np.sqrt(1 - B2**t) / (1 - B1**t)
    return w * (1 - lr * wd) - alpha * m / (np.sqrt(v) + EPS), m, v


ADAMW_CORRECT = [_adamw(), lambda *a: list(_adamw()(*a)), _adamw(dtype=np.float32),
                 lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m.copy(), v.copy(), t, lr, wd)]
ADAMW_MISTAKES = [
    (_adamw(coupled=True), "coupled"),
    # simulated class, round 3: Adam with Keras's l2(wd) (gradient 2·wd·w) was only described
    (lambda w, g, m, v, t, lr, wd: _adamw(coupled=True)(w, g, m, v, t, lr, 2 * wd),
     "coupled_keras"),
    (_adamw(decay_lr=False), "decay_without_lr"),
    (_adamw(shrink_new=True), "shrink_new"),
    (_adamw(correct=False), "no_bias_correction"),
    (_adamw(eps_in=True), "eps_inside"),
    (lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m, v, t, lr, 0.0), "no_decay"),
    (_adamw(m_w=1.0), "m_undamped"),
    (_adamw(v_w=1.0), "v_undamped"),
    (_adamw(sq=np.abs), "v_abs"),
    (_adamw(dt=1), "t_off_by_one"),
    # found by the simulated class: no eps was told 'about float32's rounding: did part of your
    # computation run in float32?'; t − 1 guarded at the first step (max(t − 1, 1)) got only
    # 'differs by a relative 5.4e-06'
    (_adamw(eps=0.0), "no_eps"),
    (_adamw(dt=-1, t_min=1), "t_minus_one"),
    (_adamw(root=lambda x: x), "no_sqrt"),
    (_adamw(wd_sign=-1.0), "decay_plus"),
    # found by the simulated class: the decay applied twice (a shrink and lr·wd·w in the step,
    # or two shrinks) and the decay multiplied by lr twice got only "'w': 12 of 12 entries
    # differ"
    (lambda w, g, m, v, t, lr, wd: (lambda r: (r[0] - lr * wd * w, *r[1:]))(
        _adamw()(w, g, m, v, t, lr, wd)), "decay_twice"),
    (lambda w, g, m, v, t, lr, wd: (lambda r: (r[0] - lr * wd * (1 - lr * wd) * w, *r[1:]))(
        _adamw()(w, g, m, v, t, lr, wd)), "decay_twice:squared"),
    (lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m, v, t, lr, lr * wd), "decay_lr_squared"),
    # found by the simulated class: Keras/TF's eps-hat form was told 'about float32's rounding'
    (_keras_eps_hat, "eps_hat"),
]
test_adamw_correct = accepts(L.check_adamw_step, ADAMW_CORRECT)
# found by the simulated class, round 4: each got only a description of what differs
def _one_hat(m_hat, v_hat):
    """AdamW with only one of the two moments bias-corrected."""
    def fn(w, g, m, v, t, lr, wd):
        m, v = B1 * m + (1 - B1) * g, B2 * v + (1 - B2) * g * g
        mh, vh = m / (1 - B1**t) if m_hat else m, v / (1 - B2**t) if v_hat else v
        return w * (1 - lr * wd) - lr * mh / (np.sqrt(vh) + EPS), m, v
    return fn


ADAMW_MISTAKES += [
    (_one_hat(True, False), "m_hat_only"),
    (_one_hat(False, True), "v_hat_only"),
    (lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m, v, 1, lr, wd), "t_ignored"),
    (lambda w, g, m, v, t, lr, wd: (_adamw()(w, g, m, v, t, lr, wd)[0], m, v), "old_moments"),
]
test_adamw_mistakes = names(L.check_adamw_step, L.ADAMW_HINTS, ADAMW_MISTAKES)
test_adamw_robust = robust(L.check_adamw_step)
test_adamw_robust_extra = robust_extra(L.check_adamw_step)


def test_adamw_outputs_in_the_wrong_order():
    ok, line = run(L.check_adamw_step, _adamw(order="mvw"))
    assert not ok and "wrong order" in line, line
    ok, line = run(L.check_adamw_step, _adamw(order="wvm"))
    assert not ok and "swapped" in line, line


def test_adamw_t_minus_one_is_named_at_the_first_step():
    """t − 1 in the bias correction divides by 1 − b^0 = 0 at t = 1 (the checker's first case):
    the hint names that step, not a generic NaN."""
    def t_minus_one(*a):
        with np.errstate(divide="ignore", invalid="ignore"):     # as a notebook: inf, no raise
            return _adamw(dt=-1)(*a)
    ok, line = run(L.check_adamw_step, t_minus_one)
    assert not ok and "did the bias correction use t − 1?" in line, line


def test_adamw_says_which_output_is_wrong():
    def bad_v(*a):
        w, m, v = _adamw()(*a)
        return w, m, 1.5 * v
    ok, line = run(L.check_adamw_step, bad_v)
    assert not ok and "'v' is wrong ('w', 'm' are right)" in line, line


def _fp(l2=lambda g, lam: -g / lam, aw=lambda g, lam: -g / (lam * (np.abs(g) + EPS)),
        dtype=None, container=tuple):
    def fn(g, lam):
        out = [l2(g, lam), aw(g, lam)]
        return container(o if dtype is None else o.astype(dtype) for o in out)
    return fn


FP_CORRECT = [_fp(), _fp(aw=lambda g, lam: -np.sign(g) / lam),             # ε dropped
              _fp(dtype=np.float32), _fp(container=list),
              _fp(aw=lambda g, lam: -(g / (np.sqrt(g * g) + EPS)) / lam)]
aw_no_eps = lambda g, lam: -g / (lam * np.abs(g))                           # noqa: E731
FP_MISTAKES = [
    (_fp(aw=lambda g, lam: -g / lam), "adamw_like_l2"),
    (_fp(l2=lambda g, lam: -g / (lam * (np.abs(g) + EPS))), "l2_like_adamw"),
    (_fp(l2=lambda g, lam: g / lam, aw=lambda g, lam: -aw_no_eps(g, lam)), "sign:no_eps"),
    (_fp(aw=lambda g, lam: -np.ones_like(g) / lam), "adamw_no_sign:no_eps"),
    (_fp(aw=lambda g, lam: -g / (lam * np.sqrt(np.abs(g)))), "adamw_sqrt:no_eps"),
    (_fp(aw=lambda g, lam: -g / (lam * (np.sqrt(np.abs(g)) + EPS))), "adamw_sqrt"),
    # round 7: √(g² + ε) for |g| + ε got "differs by a relative 3.4e-05"
    (_fp(aw=lambda g, lam: -g / (lam * np.sqrt(g * g + EPS))), "adamw_eps_inside"),
]
test_fp_correct = accepts(L.check_fixed_points, FP_CORRECT)
test_fp_mistakes = names(L.check_fixed_points, L.FIXED_POINT_HINTS, FP_MISTAKES)
test_fp_robust = robust(L.check_fixed_points)
test_fp_robust_extra = robust_extra(L.check_fixed_points)


def test_fp_swapped_outputs_are_named():
    ok, line = run(L.check_fixed_points, lambda g, lam: _fp()(g, lam)[::-1])
    assert not ok and "swapped" in line, line


def test_fixed_points_are_where_the_optimizers_stop():
    """The math, against wdlib.optim: a constant data gradient g (a linear loss g·w).
    AdamW (PyTorch form) settles at −g/(λ(|g| + ε)) geometrically, Adam + L2 at −g/λ (with a
    decaying lr, as Adam's constant-lr steps hover around a point where its input is zero)."""
    from wdlib import optim
    rng = np.random.default_rng(0)
    g = rng.choice([-1.0, 1.0], size=5) * 10.0 ** rng.uniform(-2, 1, size=5)
    lam, steps = 0.5, 6000
    w_l2, w_w = -g / lam, -g / (lam * (np.abs(g) + EPS))
    ref = L._ref_fixed_points(g, lam)
    assert np.array_equal(ref["adam_l2"], w_l2) and np.array_equal(ref["adamw"], w_w)
    for opt, target, tol in [
            (optim.adamw(0.05, weight_decay=lam), w_w, 1e-9),
            (optim.adam(lambda t: 0.05 * (1 - t / steps) ** 2, weight_decay=lam), w_l2, 1e-3)]:
        p = {"W": np.zeros_like(g)}
        state = opt.init(p)
        for _ in range(steps):
            updates, state = opt.update({"W": g}, state, p)
            p = optim.apply_updates(p, updates)
        assert np.max(np.abs(p["W"] - target) / np.abs(target)) < tol, (p["W"], target)
    assert np.ptp(np.abs(w_w)) < 1e-5 < np.ptp(np.abs(w_l2))  # AdamW: one size for all


def test_swapped_fixed_points_without_eps_are_called_a_swap():
    """Dropping ε is accepted, but the swap check only compared with the ε version."""
    ok, line = run(L.check_fixed_points, lambda g, lam: (-np.sign(g) / lam, -g / lam))
    assert not ok and "swapped" in line, line


def test_returning_the_bias_corrected_moments_is_named():
    """m̂ and v̂ instead of m and v: the next step would start from the wrong state; it got
    "'m', 'v' are wrong ('w' is right); 'm': too large by a factor of 10"."""
    def hats(w, g, m, v, t, lr, wd):
        m = L.B1 * m + (1 - L.B1) * g
        v = L.B2 * v + (1 - L.B2) * g * g
        m_hat, v_hat = m / (1 - L.B1**t), v / (1 - L.B2**t)
        return w * (1 - lr * wd) - lr * m_hat / (np.sqrt(v_hat) + L.EPS), m_hat, v_hat

    ok, line = run(L.check_adamw_step, hats)
    assert not ok and L.ADAMW_HINTS["returned_hats"] in line, line


def test_adamw_a_float32_w_does_not_loosen_the_tolerance_of_m():
    """34b1644: one float32 output loosened every output's tolerance to float32's: an m off by
    1e-6 (relative) next to a float32 w was accepted."""
    def w32_bad_m(*a):
        w, m, v = _adamw()(*a)
        return w.astype(np.float32), m * (1 + 1e-6), v
    ok, line = run(L.check_adamw_step, w32_bad_m)
    assert not ok and "'m' is wrong" in line, line


def test_a_float32_answer_much_nearer_a_typical_mistake_is_that_mistake():
    """float32's tolerance (about 1e-4, relative) is wider than the gap between the reference and
    a few typical mistakes: a float32 AdamW that shrank the new weights, or put eps inside the
    root, was accepted. Such an answer is within float32's rounding of the mistake and far
    from the reference (relative to that rounding): it gets the mistake's hint. The correct
    float32 answers (also computed from float32 inputs, or by torch in float32) still pass."""
    for key, kw in [("shrink_new", {"shrink_new": True}), ("eps_inside", {"eps_in": True})]:
        ok, line = run(L.check_adamw_step, _adamw(dtype=np.float32, **kw))
        assert not ok and L.ADAMW_HINTS[key] in line, line

    def all_float32(w, g, m, v, t, lr, wd):
        f = np.float32
        return _adamw()(*(x.astype(f) for x in (w, g, m, v)), t, f(lr), f(wd))

    def torch_float32(w, g, m, v, t, lr, wd):
        import torch
        p = torch.nn.Parameter(torch.tensor(w, dtype=torch.float32))
        opt = torch.optim.AdamW([p], lr=lr, weight_decay=wd, eps=EPS)
        p.grad = torch.tensor(g, dtype=torch.float32)
        st = opt.state[p]
        st["step"] = torch.tensor(float(t - 1))
        st["exp_avg"] = torch.tensor(m, dtype=torch.float32)
        st["exp_avg_sq"] = torch.tensor(v, dtype=torch.float32)
        opt.step()
        return p.detach(), st["exp_avg"], st["exp_avg_sq"]

    for fn in [all_float32, torch_float32]:
        ok, line = run(L.check_adamw_step, fn)
        assert ok, line


def test_a_right_output_in_an_accepted_form_is_called_right():
    """ε dropped in the AdamW point is accepted, yet beside a wrong Adam + L2 point it was called
    wrong too ("'adam_l2', 'adamw' are wrong"): the description compared with the reference
    only. It now compares with the correct form nearest the answer (simulated class)."""
    ok, line = run(L.check_fixed_points, lambda g, lam: (-g * lam, -np.sign(g) / lam))
    assert not ok and "'adam_l2' is wrong ('adamw' is right)" in line, line
