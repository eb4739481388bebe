"""Lesson 08 checkers: accept the reference, reject each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib import optim
from wdlib.exercises import lesson08 as L


def _stub(*args):
    raise NotImplementedError


def _as_tuple(d):
    return d["w"], d["m"], d["v"]


def _adamw(**kw):
    def fn(w, g, m, v, t, lr, wd):
        return _as_tuple(L._adam_step(w, g, m, v, t, lr, wd, **kw))
    return fn


# ------------------------------------------------------------------------------- adamw_step

def test_adamw_step_accepts_reference_and_wdlib(run_checker):
    ok, out = run_checker(L.check_adamw_step, lambda *a: _as_tuple(L.ref_adamw_step(*a)))
    assert ok and out == "✓ adamw_step: correct"

    def with_wdlib(w, g, m, v, t, lr, wd):           # optim.adamw from a hand-made state
        opt = optim.adamw(lr, weight_decay=wd)
        state = opt.init({"w": w})
        state = (optim.AdamState(t - 1, {"w": m}, {"w": v}), *state[1:])
        upd, state = opt.update({"w": g}, state, {"w": w})
        return w + upd["w"], state[0].m["w"], state[0].v["w"]

    assert run_checker(L.check_adamw_step, with_wdlib)[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_adamw(coupled=True), "Adam + L2, not AdamW"),
    (_adamw(lr_decay=False), "not multiplied by lr"),
    (_adamw(shrink_new=True), "shrank the new weights"),
    (_adamw(bias_correct=False), "no bias correction"),
    (_adamw(eps_inside=True), "eps inside"),
    (lambda w, g, m, v, t, lr, wd: _adamw()(w, g, m, v, t, lr, 0.0), "no decay at all"),
    (lambda *a: _adamw()(*a)[0], "triple"),
    (lambda *a: None, "returned None"),
    (lambda *a: 1 / 0, "ZeroDivisionError"),
])
def test_adamw_step_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_adamw_step, fn)
    assert not ok
    assert out.startswith("✗ adamw_step:") and hint in out, out


# ------------------------------------------------------------------------------- effective decay

def test_effective_decay_accepts_reference(run_checker):
    ok, out = run_checker(L.check_effective_decay, L.ref_effective_decay)
    assert ok and out == "✓ effective_decay: correct"


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda v, lr, lam: lr * lam / (v + L.EPS), "square root"),
    (lambda v, lr, lam: lr * lam * (np.sqrt(v) + L.EPS), "multiplied by √v̂"),
    (lambda v, lr, lam: np.full_like(v, lr * lam), "AdamW's decay"),
    (lambda v, lr, lam: lam / (np.sqrt(v) + L.EPS), "not multiplied by lr"),
    (lambda v, lr, lam: -lr * lam / (np.sqrt(v) + L.EPS), "wrong sign"),
    (lambda v, lr, lam: 2 * lr * lam / (np.sqrt(v) + L.EPS), "factor of 2"),
    (lambda v, lr, lam: (lr * lam / (np.sqrt(v) + L.EPS)).ravel(), "wrong shape"),
    (lambda v, lr, lam: None, "returned None"),
])
def test_effective_decay_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_effective_decay, fn)
    assert not ok
    assert out.startswith("✗ effective_decay:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_adamw_step, 3)
    assert not ok and "expected a function" in out
