"""Lesson 09 checkers: accept the reference (and wdlib's own answers), reject each typical
mistake with the right hint; the references agree with the simulated equilibrium."""

import numpy as np
import pytest

from wdlib.exercises import lesson09 as L
from wdlib.tasks import normalized as T


def _stub(*args):
    raise NotImplementedError


def _angle(w_old, w_new):
    a, b = np.ravel(w_old), np.ravel(w_new)
    return np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_angular_step_accepts_reference_arccos_and_tasks(run_checker):
    ok, out = run_checker(L.check_angular_step, L.ref_angular_step)
    assert ok and out == "✓ angular_step: correct"
    assert run_checker(L.check_angular_step, _angle)[0]               # arccos is fine here
    assert run_checker(L.check_angular_step,
                       lambda a, b: T.angle(a[None], b[None])[0])[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda a, b: np.degrees(_angle(a, b)), "degrees"),
    (lambda a, b: np.cos(_angle(a, b)), "cosine"),
    (lambda a, b: np.ravel(a) @ np.ravel(b), "normalize"),
    (lambda a, b: np.linalg.norm(b - a) / np.linalg.norm(a), "relative step"),
    (lambda a, b: np.full(3, 0.1), "one number"),
    (lambda a, b: None, "returned None"),
])
def test_angular_step_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_angular_step, fn)
    assert not ok and out.startswith("✗ angular_step:") and hint in out, out


def test_equilibrium_angle_accepts_reference_and_tasks(run_checker):
    ok, out = run_checker(L.check_equilibrium_angle, L.ref_equilibrium_angle)
    assert ok and out == "✓ equilibrium_angle: correct"
    names = {"sgd": "SGD", "sgdw": "SGDW"}
    assert run_checker(L.check_equilibrium_angle,
                       lambda o, lr, lam: T.predicted_angle(names[o], lr, lam))[0]


def _d(o, lr, lam):
    return lam if o == "sgdw" else lr * lam


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda o, lr, lam: np.sqrt(2 * _d(o, lr, lam)), "small-d approximation"),
    (lambda o, lr, lam: np.sqrt(_d(o, lr, lam) * (2 - _d(o, lr, lam))) / (1 - _d(o, lr, lam)),
     "not θ"),
    (lambda o, lr, lam: np.sqrt(_d(o, lr, lam) * (2 - _d(o, lr, lam))), "(1 − d)"),
    (lambda o, lr, lam: L.ref_equilibrium_angle("sgd" if o == "sgdw" else "sgdw", lr, lam),
     "conventions"),
    (lambda o, lr, lam: -L.ref_equilibrium_angle(o, lr, lam), "wrong sign"),
])
def test_equilibrium_angle_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_equilibrium_angle, fn)
    assert not ok and out.startswith("✗ equilibrium_angle:") and hint in out, out


def test_equilibrium_norm_accepts_reference_and_tasks(run_checker):
    ok, out = run_checker(L.check_equilibrium_norm, L.ref_equilibrium_norm)
    assert ok and out == "✓ equilibrium_norm: correct"
    assert run_checker(L.check_equilibrium_norm, T.predicted_norm)[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda lr, lam, g: lr * g / (lam * (2 - lr * lam)), "fourth root"),
    (lambda lr, lam, g: np.sqrt(lr * g / (lam * (2 - lr * lam))), "square root once more"),
    (lambda lr, lam, g: (lr * g / (2 * lam)) ** 0.25, "(2 − lr·λ)"),
    (lambda lr, lam, g: (lr * lr * g / (lam * (2 - lr * lam))) ** 0.25, "not lr²"),
    (lambda lr, lam, g: 1 / 0, "ZeroDivisionError"),
])
def test_equilibrium_norm_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_equilibrium_norm, fn)
    assert not ok and out.startswith("✗ equilibrium_norm:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_equilibrium_angle, 0.1)
    assert not ok and "expected a function" in out
