"""Checkers for lesson 09 (weight decay on scale-invariant weights).

    from wdlib.exercises import lesson09
    lesson09.check_angular_step(angular_step)             # angle between two weight arrays
    lesson09.check_equilibrium_angle(equilibrium_angle)   # "sgd" (L2) or "sgdw" (the paper's)
    lesson09.check_equilibrium_norm(equilibrium_norm)     # SGD + L2's equilibrium ‖w‖

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib.exercises._core import _EPS32, WrongForm, _as_numbers, _fmt, assert_form, check

__all__ = ["check_angular_step", "check_equilibrium_angle", "check_equilibrium_norm",
           "assert_angular_step", "assert_equilibrium_angle", "assert_equilibrium_norm"]

_EPSILONS = (1e-6, 1e-8, 1e-10, 1e-12)
ANGLE_HINTS = {
    "degrees": "that is in degrees: return radians (np.arccos / np.arctan2 give radians)",
    "cosine": "that is the cosine of the angle: take the arccos (or better, 2·atan2 of the "
              "differences of the unit vectors)",
    "unnormalized": "you forgot to normalize: divide the dot product by both norms",
    "complement": "that is π/2 minus the angle (np.arcsin of the cosine?): the angle is "
                  "np.arccos of the cosine",
    "folded": "that is the angle folded into [0, π/2]: arcsin(√(1 − cos²)) or arccos(|cos|) "
              "lose the cosine's sign, and a step that overshoots (a·b < 0) turns w by more "
              "than 90°: the angle is np.arccos of the cosine itself, in [0, π]",
    "relative_step": "that is ‖w_new − w_old‖ / ‖w_old‖, the relative step: the angle ignores "
                     "the change of length",
    "spectral": "np.linalg.norm(w, 2) of a matrix is its spectral norm (its largest singular "
                "value), not the length of the flattened array: flatten first (np.ravel(w)) or "
                "call np.linalg.norm(w) without the 2",
    "rows": "you averaged the angles of the rows: flatten each array into one vector "
            "(np.ravel) and take the one angle between the two vectors",
    "unnormalized_arccos": "you forgot to normalize: arccos needs the cosine, a·b / (‖a‖ ‖b‖); "
                           "the dot product alone (or over one norm) is not one, and clipping it "
                           "into [−1, 1] hides that",
    # an eps a learner adds "to be safe", ‖a‖‖b‖ + eps: one text for each size of eps
    **{f"eps:{e:g}": "an eps added to the norms moves the cosine, and near cos = 1 (a tiny "
                     "angle, 1 − cos ≈ θ²/2) arccos magnifies that: divide by the norms alone "
                     "(they are not 0), or use 2·atan2(‖â − b̂‖, ‖â + b̂‖)"
       for e in _EPSILONS},
}
ANGLE_HINTS["unnormalized_arccos:one_norm"] = ANGLE_HINTS["unnormalized_arccos"]   # one text
ANGLE_HINTS["unnormalized_arccos:other_norm"] = ANGLE_HINTS["unnormalized_arccos"]
ROUNDED_COSINE = (
    "on the input whose angle is tiny (θ = {theta} rad) you got {got}: near cos = 1, "
    "1 − cos ≈ θ²/2 = {gap} is below float32's spacing of numbers just under 1 (6e-08), so a "
    "cosine computed in float32 rounds to 1 or a float next to it, and arccos gives 0, 3.5e-04, "
    "4.9e-04, ... Compute in float64 throughout (no np.float32 or torch.float32 arrays), or "
    "use 2·atan2(‖â − b̂‖, ‖â + b̂‖), accurate for tiny angles in any precision")
# a float64 answer: a float32 result turned into a float, or a cosine clipped short of 1 (a
# "safe" np.clip(cos, -1 + 1e-7, 1 - 1e-7) gives √(2e-7) = 4.5e-04 here): its type cannot tell
ROUNDED_OR_CLIPPED_COSINE = (
    "on the input whose angle is tiny (θ = {theta} rad) you got {got}: near cos = 1, "
    "1 − cos ≈ θ²/2 = {gap}, and arccos turns a cosine off by δ into an angle near √(2δ). A "
    "cosine computed in float32 (spacing 6e-08 just under 1) rounds to 1 or a float next to it "
    "(arccos: 0, 3.5e-04, 4.9e-04, ...), and one clipped short of 1 (np.clip(cos, -1 + 1e-7, "
    "1 - 1e-7): 4.5e-04) is as far off. Compute in float64 throughout and clip to [-1, 1] only, "
    "or use 2·atan2(‖â − b̂‖, ‖â + b̂‖), accurate for tiny angles in any precision")
ATOL32 = 10 * _EPS32   # radians: float32 directions are known to ~1 rounding, whatever the angle
EQ_ANGLE_HINTS = {
    "small_d": "that is √(2·d), the small-d approximation: give the exact angle, "
               "tan θ = √(d(2 − d)) / (1 − d)",
    "small_d:lr_lam": "that is √(2·lr·λ) for both: the small-d approximation, and PyTorch's "
                      "shrink lr·λ also for \"sgdw\", whose shrink (the paper's) is λ alone; give "
                      "the exact angle, tan θ = √(d(2 − d)) / (1 − d), with d = lr·λ for "
                      "\"sgd\" and d = λ for \"sgdw\"",
    "tan": "that is tan θ, not θ: take the arctan",
    "no_shrunk_w": "that is √(d(2 − d)): the angle also has the (1 − d) of the shrunk w, "
                   "tan θ = √(d(2 − d)) / (1 − d)",
    "conventions": "mixed up the conventions: for \"sgd\" (L2) the shrink per step is lr·λ, "
                   "for \"sgdw\" (the paper's) it is λ alone",
    "sgdw_like_sgd": "your \"sgdw\" angle uses a shrink of lr·λ (PyTorch's convention): the "
                     "paper's SGDW, w ← (1 − λ)w − lr·g, shrinks by λ alone",
    "sgd_like_sgdw": "your \"sgd\" angle uses a shrink of λ alone: with L2, w ← (1 − lr·λ)w − "
                     "lr·g, the decay λ·w is a gradient and is multiplied by lr",
    "degrees": "that is in degrees: return radians (np.arctan and np.arccos give radians)",
    "half_lam": "λ halved: the shrink per step is lr·λ for \"sgd\" (the L2 penalty λ/2·‖w‖² has "
                "gradient λ·w, no ½ left) and λ for \"sgdw\"",
    "double_lam": "λ doubled (PyTorch's weight_decay = 2λ is for a loss without the ½; here λ "
                  "is the lessons' own): the shrink per step is lr·λ for \"sgd\" and λ for "
                  "\"sgdw\"",
}
EQ_NORM_HINTS = {
    "fourth_power": "that is ‖w‖⁴: take the fourth root",
    "square": "that is ‖w‖²: take the square root once more (‖w‖⁴ is the fixed point)",
    "approx": "that is the approximation lr·‖g̃‖²/(2λ) under the fourth root: keep (2 − lr·λ)",
    "lr_squared": "‖g̃‖² enters with lr, not lr²: lr²‖g̃‖²/‖w‖² = (1 − (1 − lr·λ)²)‖w‖², "
                  "divide by lr",
    "half_lam": "λ halved: SGD + L2 shrinks w by (1 − lr·λ) per step (the penalty λ/2·‖w‖² has "
                "gradient λ·w, no ½ left)",
    "double_lam": "λ doubled (PyTorch's weight_decay = 2λ is for a loss without the ½; here λ "
                  "is the lessons' own): SGD + L2 shrinks w by (1 − lr·λ) per step",
}


# --------------------------------------------------------------------------- references

def _ref_angular_step(w_old, w_new) -> float:
    """The angle between w_old and w_new (flattened), in radians, accurate for tiny angles."""
    a, b = np.ravel(w_old), np.ravel(w_new)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return float(2.0 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b)))


def _shrink(optimizer, lr, lam):
    return lam if optimizer == "sgdw" else lr * lam


def _ref_equilibrium_angle(optimizer, lr, lam) -> float:
    """w ← (1 − d)w − lr·g with g ⟂ w (d = lr·λ for "sgd", λ for "sgdw"); in equilibrium
    lr²‖g‖² = (1 − (1 − d)²)‖w‖², and the angle θ has tan θ = lr‖g‖ / ((1 − d)‖w‖)."""
    d = _shrink(optimizer, lr, lam)
    return float(np.arctan(np.sqrt(d * (2.0 - d)) / (1.0 - d)))


def _ref_equilibrium_norm(lr, lam, g_tilde_sq) -> float:
    """‖w‖⁴ = lr·‖g̃‖² / (λ(2 − lr·λ)) (the fixed point of ‖w‖² ← (1 − lr·λ)²‖w‖² + lr²‖g̃‖²/‖w‖²)."""
    return float((lr * g_tilde_sq / (lam * (2.0 - lr * lam))) ** 0.25)


# --------------------------------------------------------------------------- random inputs

def _angle_cases(seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    # the fourth case's vectors are short (a·b < 1): without it an unnormalized arccos, clipped
    # to arccos(1) = 0 on every case, could not be told from an answer that returns 0
    for shape, size, length, growth in [((8, 4), 0.3, 1.0, 2.5), ((5,), 1e-4, 1.0, 2.5),
                                        ((3, 3), 1.2, 1.0, 2.5), ((6,), 0.5, 0.3, 0.8)]:
        w = length * rng.standard_normal(shape)
        step = rng.standard_normal(shape)
        cases.append((w, growth * (w + size * np.linalg.norm(w) * step / np.linalg.norm(step))))
    # a step that overshoots (a·b < 0, an angle of about 2.1 rad): without it an answer that
    # folds the angle into [0, π/2] (arcsin(√(1 − cos²)), arccos(|cos|)) passed every case
    w = rng.standard_normal((4, 2))
    step = rng.standard_normal((4, 2))
    cases.append((w, -0.7 * w + 0.8 * np.linalg.norm(w) * step / np.linalg.norm(step)))
    return cases


def _eq_cases():
    return [("sgd", 0.1, 0.05), ("sgdw", 0.1, 0.01), ("sgd", 0.5, 0.4), ("sgdw", 2.0, 0.2)]


def _norm_cases():
    return [(0.1, 0.05, 2.0), (0.5, 0.4, 0.3), (0.02, 1.0, 10.0)]


def _scalar(got):
    if got is None:
        return None
    value = _as_numbers(got, "your answer")     # complex, bool, text, dict: the core's hints
    if value.size != 1:
        raise WrongForm(f"return one number, got an array of shape {value.shape}")
    return float(value.ravel()[0])


# --------------------------------------------------------------------------- checkers

def _spectral(w) -> float:
    """np.linalg.norm(w, 2): a matrix's spectral norm, a vector's length."""
    return float(np.linalg.norm(w, 2) if np.ndim(w) in (1, 2) else np.linalg.norm(w))


def _angle_mistakes(w_old, w_new):
    a, b = np.ravel(w_old), np.ravel(w_new)
    cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    return {"degrees": np.degrees(_ref_angular_step(w_old, w_new)), "cosine": cos,
            "complement": np.pi / 2 - _ref_angular_step(w_old, w_new),
            "folded": min(_ref_angular_step(w_old, w_new), np.pi - _ref_angular_step(w_old, w_new)),
            "unnormalized": a @ b, "relative_step": np.linalg.norm(b - a) / np.linalg.norm(a),
            "rows": _row_angles(w_old, w_new),
            "spectral": np.arccos(np.clip(np.sum(np.multiply(w_old, w_new)) / (
                _spectral(w_old) * _spectral(w_new)), -1.0, 1.0)),
            "unnormalized_arccos": np.arccos(np.clip(a @ b, -1.0, 1.0)),
            "unnormalized_arccos:one_norm": np.arccos(np.clip(a @ b / (a @ a), -1.0, 1.0)),
            "unnormalized_arccos:other_norm": np.arccos(np.clip(a @ b / (b @ b), -1.0, 1.0)),
            **{f"eps:{e:g}": np.arccos(np.clip(a @ b / (norms + e), -1, 1))
               for e in _EPSILONS}}


def _row_angles(w_old, w_new) -> float:
    """The mean of the angles between matching rows (a 1-D array is one row)."""
    a, b = np.atleast_2d(w_old), np.atleast_2d(w_new)
    a, b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(np.mean(np.arccos(np.clip(cos, -1.0, 1.0))))


def _rounded_cosine(runs) -> str | None:
    """The hint for arccos of a cosine rounded in float32: right on every case but those whose
    angle is tiny, and there off by no more than float32's arccos resolution near 1
    (√(2·eps32) ≈ 5e-4 rad: it gives 0, 3.5e-4, 4.9e-4, ...). A float64 answer is told the
    other cause too, a cosine clipped short of 1."""
    wrong = [(float(got[""]), float(want[""])) for _a, got, want, _e, ok in runs if not ok]
    if not wrong or len(wrong) == len(runs):
        return None
    if not all(w < 1e-2 and 0.0 <= g <= w + 2 * np.sqrt(2 * _EPS32) for g, w in wrong):
        return None
    g, w = wrong[0]
    low = any(e.get("") is not None for _a, _g, _w, e, ok in runs if not ok)   # float32, ...
    text = ROUNDED_COSINE if low else ROUNDED_OR_CLIPPED_COSINE
    return text.format(theta=_fmt(w), got=_fmt(g, w), gap=f"{w * w / 2:.1e}")


def check_angular_step(fn: Callable, *, grade: bool = False):
    """Check your ``angular_step(w_old, w_new) -> float`` (radians)."""
    return check("angular_step", fn, _ref_angular_step, _angle_cases(3),
                 mistakes=_angle_mistakes, hints=ANGLE_HINTS, convert=_scalar,
                 rtol=1e-6, atol=1e-12, atol32=ATOL32, explain=_rounded_cosine, grade=grade)


def _eq_angle_mistakes(optimizer, lr, lam):
    d = _shrink(optimizer, lr, lam)
    other = "sgd" if optimizer == "sgdw" else "sgdw"
    return {"small_d": np.sqrt(2 * d), "small_d:lr_lam": np.sqrt(2 * lr * lam),
            "tan": np.sqrt(d * (2.0 - d)) / (1.0 - d),
            "no_shrunk_w": np.sqrt(d * (2.0 - d)),
            "conventions": _ref_equilibrium_angle(other, lr, lam),
            "sgdw_like_sgd": _ref_equilibrium_angle("sgd", lr, lam),
            "sgd_like_sgdw": _ref_equilibrium_angle("sgdw", lr, lam),
            "degrees": np.degrees(_ref_equilibrium_angle(optimizer, lr, lam)),
            "half_lam": _ref_equilibrium_angle(optimizer, lr, lam / 2),
            "double_lam": _ref_equilibrium_angle(optimizer, lr, 2 * lam)}


def check_equilibrium_angle(fn: Callable, *, grade: bool = False):
    """Check your ``equilibrium_angle(optimizer, lr, lam) -> float`` (no momentum)."""
    return check("equilibrium_angle", fn, _ref_equilibrium_angle, _eq_cases(),
                 mistakes=_eq_angle_mistakes, hints=EQ_ANGLE_HINTS, convert=_scalar,
                 rtol=1e-7, atol=1e-12, grade=grade)


def _eq_norm_mistakes(lr, lam, gt):
    exact4 = lr * gt / (lam * (2.0 - lr * lam))
    return {"fourth_power": exact4, "square": np.sqrt(exact4),
            "approx": (lr * gt / (2 * lam)) ** 0.25,
            "lr_squared": (lr * lr * gt / (lam * (2.0 - lr * lam))) ** 0.25,
            "half_lam": _ref_equilibrium_norm(lr, lam / 2, gt),
            "double_lam": _ref_equilibrium_norm(lr, 2 * lam, gt)}


def check_equilibrium_norm(fn: Callable, *, grade: bool = False):
    """Check your ``equilibrium_norm(lr, lam, g_tilde_sq) -> float``."""
    return check("equilibrium_norm", fn, _ref_equilibrium_norm, _norm_cases(),
                 mistakes=_eq_norm_mistakes, hints=EQ_NORM_HINTS, convert=_scalar,
                 rtol=1e-7, atol=1e-12, grade=grade)


assert_angular_step = assert_form(check_angular_step)
assert_equilibrium_angle = assert_form(check_equilibrium_angle)
assert_equilibrium_norm = assert_form(check_equilibrium_norm)
