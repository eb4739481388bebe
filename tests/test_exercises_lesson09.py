"""Lesson 09 checkers: correct variants accepted (wdlib's own answers among them), each typical
mistake named, robust; the references agree with the simulated equilibrium (tests/test_tasks)."""

import numpy as np
import pytest
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib.exercises import lesson09 as L
from wdlib.tasks import normalized as T


def _unit_atan2(w_old, w_new):
    a, b = np.ravel(w_old), np.ravel(w_new)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return 2.0 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))


def _arccos(w_old, w_new):
    a, b = np.ravel(w_old), np.ravel(w_new)
    return np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _d(o, lr, lam):
    return lam if o == "sgdw" else lr * lam


def _eq_angle(o, lr, lam):
    d = _d(o, lr, lam)
    return np.arctan(np.sqrt(d * (2 - d)) / (1 - d))


def _eq_norm(lr, lam, g):
    return (lr * g / (lam * (2 - lr * lam))) ** 0.25


ANGLE_CORRECT = [_unit_atan2, _arccos, lambda a, b: T.angle(a[None], b[None])[0],
                 lambda a, b: np.float32(_unit_atan2(a, b)), lambda a, b: [_arccos(a, b)]]
ANGLE_MISTAKES = [
    (lambda a, b: np.degrees(_arccos(a, b)), "degrees"),
    (lambda a, b: np.cos(_arccos(a, b)), "cosine"),
    (lambda a, b: np.ravel(a) @ np.ravel(b), "unnormalized"),
    (lambda a, b: np.linalg.norm(np.ravel(b) - np.ravel(a)) / np.linalg.norm(a), "relative_step"),
    # an eps added "to be safe" (simulated class): + 1e-12 was told it looked like float32's
    # rounding, + 1e-8 got only '1.057 × the expected value'
    *[((lambda a, b, e=e: np.arccos(np.clip(np.ravel(a) @ np.ravel(b) / (
        np.linalg.norm(a) * np.linalg.norm(b) + e), -1, 1))), f"eps:{e:g}")
      for e in (1e-6, 1e-8, 1e-10, 1e-12)],
]
test_angle_correct = accepts(L.check_angular_step, ANGLE_CORRECT)
# found by the simulated class, round 4: each got only a description of what differs
ANGLE_MISTAKES += [
    # round 6: π/2 − θ (np.arcsin of the cosine) got "4.709 × the expected value"
    (lambda a, b: np.arcsin(np.clip(np.ravel(a) @ np.ravel(b)
                                    / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1)),
     "complement"),
    (lambda a, b: np.arccos(np.clip(np.ravel(a) @ np.ravel(b), -1, 1)), "unnormalized_arccos"),
    (lambda a, b: np.arccos(np.clip(np.ravel(a) @ np.ravel(b) / np.sum(a * a), -1, 1)),
     "unnormalized_arccos:one_norm"),
    (lambda a, b: np.arccos(np.clip(np.ravel(a) @ np.ravel(b) / np.sum(b * b), -1, 1)),
     "unnormalized_arccos:other_norm"),
    # round 8: "of any shape" read as one angle per row, then their mean, got "1.028 × the
    # expected value"
    (lambda a, b: np.mean(np.arccos(np.clip(np.sum(np.atleast_2d(a) * np.atleast_2d(b), -1) / (
        np.linalg.norm(np.atleast_2d(a), axis=-1) * np.linalg.norm(np.atleast_2d(b), axis=-1)),
        -1, 1))), "rows"),
]
# round 10: np.linalg.norm(w, 2) of a matrix (its spectral norm) got "got 0, expected 0.2752"
# (the cosine came out above 1 and was clipped to it)
ANGLE_MISTAKES += [
    (lambda a, b: np.arccos(np.clip(np.sum(a * b) / (np.linalg.norm(a, 2) * np.linalg.norm(b, 2)),
                                    -1, 1)), "spectral"),
]
test_angle_mistakes = names(L.check_angular_step, L.ANGLE_HINTS, ANGLE_MISTAKES)
test_angle_robust = robust(L.check_angular_step)
test_angle_robust_extra = robust_extra(L.check_angular_step)

NAMES = {"sgd": "SGD", "sgdw": "SGDW"}
EQ_ANGLE_CORRECT = [_eq_angle, lambda o, lr, lam: T.predicted_angle(NAMES[o], lr, lam),
                    lambda o, lr, lam: np.arcsin(np.sqrt(_d(o, lr, lam) * (2 - _d(o, lr, lam)))),
                    lambda o, lr, lam: np.float32(_eq_angle(o, lr, lam))]
EQ_ANGLE_MISTAKES = [
    (lambda o, lr, lam: np.sqrt(2 * _d(o, lr, lam)), "small_d"),
    # √(2·lr·λ), the textbook angle, for both (round 4: 'got 0.1, expected 0.100042')
    (lambda o, lr, lam: np.sqrt(2 * lr * lam), "small_d:lr_lam"),
    (lambda o, lr, lam: np.tan(_eq_angle(o, lr, lam)), "tan"),
    (lambda o, lr, lam: np.sqrt(_d(o, lr, lam) * (2 - _d(o, lr, lam))), "no_shrunk_w"),
    (lambda o, lr, lam: _eq_angle("sgd" if o == "sgdw" else "sgdw", lr, lam), "conventions"),
    # one convention for both optimizers (simulated class: only '0.316 × the expected value')
    (lambda o, lr, lam: _eq_angle("sgd", lr, lam), "sgdw_like_sgd"),
    (lambda o, lr, lam: _eq_angle("sgdw", lr, lam), "sgd_like_sgdw"),
    # round 8: the ½ of the penalty λ/2‖w‖² carried into the shrink got "0.707 × the expected"
    (lambda o, lr, lam: _eq_angle(o, lr, lam / 2), "half_lam"),
    # and 2λ, PyTorch's weight_decay for the ½-less loss (lesson 00), got "1.415 × the expected"
    (lambda o, lr, lam: _eq_angle(o, lr, 2 * lam), "double_lam"),
]
test_eq_angle_correct = accepts(L.check_equilibrium_angle, EQ_ANGLE_CORRECT)
test_eq_angle_mistakes = names(L.check_equilibrium_angle, L.EQ_ANGLE_HINTS, EQ_ANGLE_MISTAKES)
test_eq_angle_robust = robust(L.check_equilibrium_angle)
test_eq_angle_robust_extra = robust_extra(L.check_equilibrium_angle)

EQ_NORM_CORRECT = [_eq_norm, T.predicted_norm, lambda lr, lam, g: np.sqrt(np.sqrt(
    lr * g / (lam * (2 - lr * lam)))), lambda lr, lam, g: np.float32(_eq_norm(lr, lam, g))]
EQ_NORM_MISTAKES = [
    (lambda lr, lam, g: lr * g / (lam * (2 - lr * lam)), "fourth_power"),
    (lambda lr, lam, g: np.sqrt(lr * g / (lam * (2 - lr * lam))), "square"),
    (lambda lr, lam, g: (lr * g / (2 * lam)) ** 0.25, "approx"),
    (lambda lr, lam, g: (lr * lr * g / (lam * (2 - lr * lam))) ** 0.25, "lr_squared"),
    # round 8: λ/2 for λ (the penalty's ½ carried into the shrink) got "1.189 × the expected"
    (lambda lr, lam, g: _eq_norm(lr, lam / 2, g), "half_lam"),
    (lambda lr, lam, g: _eq_norm(lr, 2 * lam, g), "double_lam"),
]
test_eq_norm_correct = accepts(L.check_equilibrium_norm, EQ_NORM_CORRECT)
test_eq_norm_mistakes = names(L.check_equilibrium_norm, L.EQ_NORM_HINTS, EQ_NORM_MISTAKES)
test_eq_norm_robust = robust(L.check_equilibrium_norm)
test_eq_norm_robust_extra = robust_extra(L.check_equilibrium_norm)


def test_eq_angle_complex_and_bool_get_the_core_hints():
    ok, line = run(L.check_equilibrium_angle, lambda o, lr, lam: _eq_angle(o, lr, lam) + 3j)
    assert not ok and "complex numbers" in line, line
    ok, line = run(L.check_equilibrium_angle, lambda o, lr, lam: True)
    assert not ok and "a bool" in line, line
    ok, line = run(L.check_angular_step, lambda a, b: {"angle": 0.1})
    assert not ok and "is a dict" in line, line


def test_equilibrium_angle_in_degrees_is_named():
    """angular_step names degrees; the equilibrium angle in degrees got '57.3 × the expected'."""
    def degrees(optimizer, lr, lam):
        d = lam if optimizer == "sgdw" else lr * lam
        return np.degrees(np.arccos(1 - d))

    ok, line = run(L.check_equilibrium_angle, degrees)
    assert not ok and L.EQ_ANGLE_HINTS["degrees"] in line, line


def _f32(form):
    def fn(w_old, w_new):
        a, b = np.ravel(w_old).astype(np.float32), np.ravel(w_new).astype(np.float32)
        if form == "arccos":
            return np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))
        a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
        if form == "arcsin":
            return 2 * np.arcsin(np.linalg.norm(a - b) / 2)
        return 2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b))
    return fn


def test_float32_angle_is_graded_at_float32_precision():
    """The angle between float32 directions is known to a few float32 roundings in radians
    (the inputs' own rounding turns them by ~6e-8 rad), whatever its size: a float32 atan2 answer
    missed the 7.7e-5 rad case by 1.8e-8 rad and was told float32 is not precise enough."""
    for form in ("atan2", "arcsin"):
        ok, line = run(L.check_angular_step, _f32(form))
        assert ok, (form, line)
    torch = pytest.importorskip("torch")

    def torch32(w_old, w_new):      # a torch float32 tensor: its precision is kept too
        a, b = (torch.tensor(np.ravel(x), dtype=torch.float32) for x in (w_old, w_new))
        a, b = a / a.norm(), b / b.norm()
        return 2 * torch.atan2((a - b).norm(), (a + b).norm())

    ok, line = run(L.check_angular_step, torch32)
    assert ok, line


def test_float32_arccos_of_a_tiny_angle_is_explained():
    """arccos of a float32 cosine gives 0 for a 7.7e-5 rad angle (1 − cos ≈ 3e-9 is below
    float32's spacing near 1): it got only 'got 0, expected 7.679e-05'. Also when the float32
    result is turned into a Python float."""
    for fn in (_f32("arccos"), lambda a, b: float(_f32("arccos")(a, b))):
        ok, line = run(L.check_angular_step, fn)
        assert not ok and "float32" in line and "atan2" in line and "float64" in line, line
    ok, line = run(L.check_angular_step, lambda a, b: 0.0)      # not a rounding: no such hint
    assert not ok and "float32" not in line, line


def test_float64_arccos_of_a_cosine_clipped_short_of_1_is_not_told_to_use_float64():
    """A float64 answer clipping the cosine to 1 − 1e-7 "to be safe" gets 4.5e-4 rad for the
    7.7e-5 rad case; it was told only that float32 rounds the cosine and to compute in float64,
    which it did. A float64 answer is told the clip too (its type cannot tell a float32 result
    turned into a float from it); a float32 one keeps the float32 text."""
    def clipped(w_old, w_new):
        a, b = np.ravel(w_old), np.ravel(w_new)
        return float(np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)),
                                       -1 + 1e-7, 1 - 1e-7)))
    ok, line = run(L.check_angular_step, clipped)
    assert not ok and "clipped short of 1" in line and "atan2" in line, line
    ok, line = run(L.check_angular_step, _f32("arccos"))
    assert not ok and "clipped" not in line and "float32" in line, line


def test_an_answer_of_zero_is_not_told_to_normalize():
    """Every test input's vectors had a·b ≥ 1, so the unnormalized arccos (clipped to [−1, 1])
    was arccos(1) = 0 on all of them and a function returning 0 was told "you forgot to
    normalize". One input now has short vectors (a·b < 1): returning 0 is named as the same
    answer everywhere, and the unnormalized arccos still gets its hint."""
    ok, line = run(L.check_angular_step, lambda w_old, w_new: 0.0)
    assert not ok and "normalize" not in line and "same answer on all" in line, line
    ok, line = run(L.check_angular_step, lambda a, b: np.arccos(np.clip(
        np.ravel(a) @ np.ravel(b), -1.0, 1.0)))
    assert not ok and "you forgot to normalize" in line, line


def test_an_obtuse_angle_is_checked():
    """Simulated class, round 9: every test input's angle was below 90°, so answers that fold
    the angle into [0, π/2] were accepted: arcsin(√(1 − cos²)) and arccos(|cos|) (the sign of
    the cosine lost). The prompt's "the angle between two weight arrays" is arccos of the
    cosine, in [0, π]; one input's step now overshoots (a·b < 0). Both folded answers get the
    hint that names the fold; the correct forms still pass (``test_angle_correct``)."""
    def cos(a, b):
        a, b = np.ravel(a), np.ravel(b)
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    for fn in (lambda a, b: np.arcsin(np.sqrt(max(0.0, 1.0 - cos(a, b) ** 2))),
               lambda a, b: np.arccos(np.clip(abs(cos(a, b)), 0.0, 1.0))):
        ok, line = run(L.check_angular_step, fn)
        assert not ok and L.ANGLE_HINTS["folded"] in line, line


def test_a_matrix_product_of_two_weight_arrays_is_explained():
    """Simulated class, round 10: np.dot(w_old, w_new) (or @) of the (8, 4) weights, meant as
    the sum of the products of matching entries, got only NumPy's 'shapes (8,4) and (8,4) not
    aligned: 4 (dim 1) != 8 (dim 0)' (with @: 'matmul: Input operand 1 has a mismatch in its
    core dimension 0, ...'; torch: 'mat1 and mat2 shapes cannot be multiplied')."""
    from wdlib.exercises import _core

    def cos(d, a, b):
        return float(np.arccos(np.clip(np.sum(d) / (np.linalg.norm(a) * np.linalg.norm(b)),
                                       -1, 1)))

    fns = [lambda a, b: cos(np.dot(a, b), a, b), lambda a, b: cos(a @ b, a, b)]
    torch = pytest.importorskip("torch")
    fns.append(lambda a, b: cos((torch.from_numpy(np.atleast_2d(a))
                                 @ torch.from_numpy(np.atleast_2d(b))).numpy(), a, b))
    for fn in fns:
        ok, line = run(L.check_angular_step, fn)
        assert not ok and _core.MATMUL_SHAPES in line, line
