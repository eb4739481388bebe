"""Lesson 07 checkers: accept the reference, reject each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib import optim, schedules
from wdlib.exercises import lesson07 as L


def _stub(*args):
    raise NotImplementedError


# ------------------------------------------------------------------------------ momentum

def _torch_sgd(grads, lr, mu, tau):
    """The same updates from optim.sgd (PyTorch's arithmetic), one step per gradient."""
    opt = optim.sgd(lr, momentum=mu, dampening=tau)
    p = {"w": np.zeros(grads.shape[1])}
    state, out = opt.init(p), []
    for g in grads:
        upd, state = opt.update({"w": g}, state, p)
        out.append(upd["w"])
    return np.array(out)


def _loop(first=lambda g, tau: g, rule=lambda b, g, mu, tau: mu * b + (1 - tau) * g,
          out=lambda b, lr: -lr * b):
    def fn(grads, lr, mu, tau):
        res, buf = [], None
        for g in grads:
            buf = first(g, tau) if buf is None else rule(buf, g, mu, tau)
            res.append(out(buf, lr))
        return np.array(res)
    return fn


def test_momentum_accepts_reference_and_optim_sgd(run_checker):
    ok, out = run_checker(L.check_momentum_updates, L.ref_momentum_updates)
    assert ok and out == "✓ momentum_updates: correct"
    assert run_checker(L.check_momentum_updates, _torch_sgd)[0]
    assert run_checker(L.check_momentum_updates, _loop())[0]
    # a list of lists is accepted too
    assert run_checker(L.check_momentum_updates,
                       lambda *a: L.ref_momentum_updates(*a).tolist())[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_loop(first=lambda g, tau: (1 - tau) * g), "buf = g (undamped)"),
    (_loop(rule=lambda b, g, mu, tau: (1 - tau) * mu * b + g), "dampening on the wrong term"),
    (_loop(rule=lambda b, g, mu, tau: mu * b + g), "no dampening"),
    (_loop(out=lambda b, lr: b), "returned the buffer"),
    (_loop(out=lambda b, lr: lr * b), "sign wrong"),
    (_loop(out=lambda b, lr: -b), "not multiplied by lr"),
    (lambda *a: np.cumsum(L.ref_momentum_updates(*a), axis=0), "positions"),
    (lambda grads, lr, mu, tau: -lr * grads, "no momentum"),
    (lambda *a: L.ref_momentum_updates(*a)[:-1], "wrong shape"),
    (lambda *a: L.ref_momentum_updates(*a).T, "wrong shape"),
    (lambda *a: None, "returned None"),
    (lambda *a: 1 / 0, "ZeroDivisionError"),
])
def test_momentum_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_momentum_updates, fn)
    assert not ok
    assert out.startswith("✗ momentum_updates:") and hint in out, out


# ------------------------------------------------------------------------------ cosine

def _cos(clamp=True, use_min=True, half=True, period=1.0, sign=1.0):
    def fn(t, base, T, lo):
        lo = lo if use_min else 0.0
        s = np.minimum(t, T) if clamp else np.asarray(t, dtype=float)
        c = np.cos(period * np.pi * s / T)
        f = (1 + sign * c) / 2 if half else c
        return lo + (base - lo) * f
    return fn


def test_cosine_accepts_reference_and_rewrites(run_checker):
    ok, out = run_checker(L.check_cosine_lr, L.ref_cosine_lr)
    assert ok and out == "✓ cosine_lr: correct"
    assert run_checker(L.check_cosine_lr, _cos())[0]
    assert run_checker(L.check_cosine_lr,
                       lambda t, b, T, lo: schedules.cosine(b, T, lo)(t))[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_cos(clamp=False), "not held after total_steps"),
    (_cos(use_min=False), "min_value ignored"),
    (_cos(half=False), "(1 + ...)/2"),
    (_cos(period=2.0), "factor of 2"),
    (_cos(sign=-1.0), "upside down"),
    (lambda t, b, T, lo: 0.5 * b + 0 * t, "not equal to the reference"),
    (lambda t, b, T, lo: np.atleast_1d(L.ref_cosine_lr(t, b, T, lo))[:1], "wrong shape"),
    (lambda t, b, T, lo: None, "returned None"),
])
def test_cosine_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_cosine_lr, fn)
    assert not ok
    assert out.startswith("✗ cosine_lr:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_cosine_lr, 3)
    assert not ok and "expected a function" in out
