"""Lesson 06 checkers: accept the reference, reject each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib import clipping
from wdlib.exercises import lesson06 as L


def _stub(*args):
    raise NotImplementedError


def _global(g):
    return np.sqrt(sum(np.sum(v**2) for v in g.values()))


# ------------------------------------------------------------------------------- clip by norm

def _by_norm(coef=lambda mx, n: min(1.0, mx / (n + 1e-6)), norm_of=_global, after=False):
    def fn(grads, max_norm):
        n = norm_of(grads)
        out = {k: coef(max_norm, n) * g for k, g in grads.items()}
        return out, (_global(out) if after else n)
    return fn


def test_clip_by_norm_accepts_reference_and_rewrites(run_checker):
    ok, out = run_checker(L.check_clip_by_norm, clipping.clip_by_global_norm)
    assert ok and out == "✓ clip_by_norm: correct"
    assert run_checker(L.check_clip_by_norm, _by_norm())[0]
    # a list instead of a tuple, and the norm as a 1-element array, are fine
    assert run_checker(L.check_clip_by_norm,
                       lambda g, m: list(_by_norm()(g, m)[:1]) + [np.array([_global(g)])])[0]


def _per_tensor(grads, max_norm):
    out = {k: min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) * g for k, g in grads.items()}
    return out, _global(grads)


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_by_norm(after=True), "*before* clipping"),
    (_by_norm(coef=lambda mx, n: min(1.0, mx / n)), "(norm + 1e-6)"),
    (_by_norm(coef=lambda mx, n: mx / (n + 1e-6)), "only shrinks"),
    (_by_norm(coef=lambda mx, n: min(1.0, n / mx)), "upside down"),
    (_per_tensor, "each tensor"),
    (_by_norm(norm_of=lambda g: _global(g) ** 2), "square root"),
    (lambda g, m: (clipping.clip_by_value(g, m), _global(g)), "clipping by value"),
    (lambda g, m: clipping.clip_by_global_norm(g, m)[0], "also return the norm"),
    (lambda g, m: (_global(g), clipping.clip_by_global_norm(g, m)[0]), "in that order"),
    (lambda g, m: (clipping.clip_by_global_norm(g, m)[0], np.ones(3)), "one number"),
    (lambda g, m: None, "returned None"),
    (lambda g, m: 1 / 0, "ZeroDivisionError"),
])
def test_clip_by_norm_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_clip_by_norm, fn)
    assert not ok
    assert out.startswith("✗ clip_by_norm:") and hint in out, out


# ------------------------------------------------------------------------------- clip by value

def test_clip_by_value_accepts_reference_and_a_rewrite(run_checker):
    ok, out = run_checker(L.check_clip_by_value, clipping.clip_by_value)
    assert ok and out == "✓ clip_by_value: correct"
    assert run_checker(L.check_clip_by_value,
                       lambda g, c: {k: np.maximum(np.minimum(v, c), -c) for k, v in g.items()})[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (lambda g, c: {k: np.minimum(v, c) for k, v in g.items()}, "below −clip_value"),
    (lambda g, c: {k: np.maximum(v, -c) for k, v in g.items()}, "above +clip_value"),
    (lambda g, c: {k: np.sign(v) * c for k, v in g.items()}, "only entries outside"),
    (lambda g, c: clipping.clip_by_global_norm(g, c)[0], "clipping by global norm"),
    (lambda g, c: {k: np.minimum(np.abs(v), c) for k, v in g.items()}, "keep the sign"),
    (lambda g, c: {k: np.clip(v, -c, c) for k, v in g.items() if k.startswith("W")},
     "expected keys"),
    (lambda g, c: None, "returned None"),
])
def test_clip_by_value_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_clip_by_value, fn)
    assert not ok
    assert out.startswith("✗ clip_by_value:") and hint in out, out


# ------------------------------------------------------------------------------- angle

def _vec(g):
    return np.concatenate([np.ravel(g[k]) for k in sorted(g)])


def _angle(unit="deg", normalize=True, arccos=True, clip=True):
    def fn(a, b):
        u, v = _vec(a), _vec(b)
        cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v)) if normalize else u @ v
        if not arccos:
            return cos
        cos = np.clip(cos, -1, 1) if clip else cos
        ang = np.arccos(cos)
        return np.degrees(ang) if unit == "deg" else ang
    return fn


def test_angle_accepts_reference_and_a_rewrite(run_checker):
    ok, out = run_checker(L.check_angle, L.ref_angle)
    assert ok and out == "✓ angle: correct"
    assert run_checker(L.check_angle, _angle())[0]
    assert run_checker(L.check_angle, lambda a, b: float(_angle()(a, b)))[0]


@pytest.mark.parametrize("fn, hint", [
    (_stub, "not implemented yet"),
    (_angle(unit="rad"), "radians"),
    (_angle(arccos=False), "cosine"),
    (_angle(normalize=False), "normalize"),
    (lambda a, b: np.full(3, 10.0), "one number"),
    (lambda a, b: float("nan"), "NaN"),
    (lambda a, b: None, "returned None"),
])
def test_angle_hints(run_checker, fn, hint):
    ok, out = run_checker(L.check_angle, fn)
    assert not ok
    assert out.startswith("✗ angle:") and hint in out, out


def test_checkers_reject_non_callables(run_checker):
    ok, out = run_checker(L.check_clip_by_norm, 3)
    assert not ok and "expected a function" in out
