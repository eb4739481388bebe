"""Checkers for lesson 06 (gradient clipping).

How checkers work: see ``wdlib.exercises``.

==========================  ==============================================================
checker                     the learner's function
==========================  ==============================================================
``check_clip_by_norm``      ``clip_by_norm(grads, max_norm) -> (clipped dict, norm)``: scale
                            every gradient by min(1, max_norm / (norm + 1e-6)), where norm is
                            the global norm *before* clipping (== torch ``clip_grad_norm_``)
``check_clip_by_value``     ``clip_by_value(grads, clip_value) -> dict``: every entry into
                            [−clip_value, clip_value] (== torch ``clip_grad_value_``)
``check_angle``             ``angle(a, b) -> float``: the angle between two gradient dicts
                            (flattened into one vector each), in degrees
==========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import clipping
from wdlib.exercises._core import WrongForm, check

__all__ = ["check_clip_by_norm", "check_clip_by_value", "check_angle", "ref_clip_by_norm",
           "ref_clip_by_value", "ref_angle"]

EPS = 1e-6          # torch.nn.utils.clip_grad_norm_ divides by (norm + 1e-6)


# --------------------------------------------------------------------------- references

def ref_clip_by_norm(grads: Mapping, max_norm: float) -> dict:
    """wdlib.clipping.clip_by_global_norm as one flat dict: {"norm": (), "grad:<key>": ...}."""
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm)
    return _flat(clipped, norm)


def ref_clip_by_value(grads: Mapping, clip_value: float) -> dict:
    """wdlib.clipping.clip_by_value."""
    return clipping.clip_by_value(grads, clip_value)


def ref_angle(a: Mapping, b: Mapping) -> np.ndarray:
    """Angle in degrees between two gradient dicts, each flattened into one vector."""
    u, v = _vec(a), _vec(b)
    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.float64(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _flat(grads: Mapping, norm) -> dict:
    return {"norm": np.asarray(norm, dtype=np.float64),
            **{f"grad:{k}": np.asarray(v, dtype=np.float64) for k, v in grads.items()}}


def _vec(grads: Mapping) -> np.ndarray:
    return np.concatenate([np.ravel(grads[k]) for k in sorted(grads)])


# --------------------------------------------------------------------------- random inputs

def _grads(rng, scale: float) -> dict:
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
    g = {k: scale * rng.standard_normal(s) for k, s in shapes.items()}
    g["W2"][0, 0] *= 8.0                       # one large entry, as in an exploding step
    return g


def _norm_cases(seed=0):
    rng = np.random.default_rng(seed)
    # above the threshold, below it (nothing may change), and far above it
    return [(_grads(rng, 1.0), 2.0), (_grads(rng, 0.1), 5.0), (_grads(rng, 30.0), 0.5)]


# --------------------------------------------------------------------------- answer forms

def _norm_convert(got):
    """A pair (clipped dict, norm) -> the reference's flat dict (``WrongForm`` if it is not)."""
    if got is None:
        return None                                   # diagnose: "did you forget `return`?"
    if isinstance(got, Mapping):
        raise WrongForm("return a pair (clipped grads, norm), not only the dict: like torch's "
                        "clip_grad_norm_, also return the norm")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongForm(f"return a pair (clipped grads, norm), got {type(got).__name__}")
    clipped, norm = got
    if not isinstance(clipped, Mapping):
        raise WrongForm(f"the first item must be the dict of clipped gradients, got "
                        f"{type(clipped).__name__} (return (clipped, norm), in that order)")
    if np.size(norm) != 1:
        raise WrongForm(f"the norm must be one number (the global norm of all gradients "
                        f"together), got shape {np.shape(norm)}")
    return _flat(clipped, np.reshape(np.asarray(norm, dtype=np.float64), ()))


# --------------------------------------------------------------------------- checkers

def check_clip_by_norm(fn: Callable) -> bool:
    """``fn(grads, max_norm) -> (clipped, norm)``: == torch ``clip_grad_norm_``."""

    def hints(grads, max_norm):
        norm = clipping.global_norm(grads)
        scale = lambda c, n=norm: _flat({k: c * g for k, g in grads.items()}, n)
        coef = min(1.0, max_norm / (norm + EPS))
        clipped = {k: coef * g for k, g in grads.items()}
        per_tensor = {k: min(1.0, max_norm / (np.linalg.norm(g) + EPS)) * g
                      for k, g in grads.items()}
        sq = np.sum([np.sum(g**2) for g in grads.values()])
        return {
            "the norm you return is the one *after* clipping: like torch's clip_grad_norm_, "
            "return the norm measured *before* clipping (it tells you how large the step "
            "would have been)": _flat(clipped, clipping.global_norm(clipped)),
            "almost: torch and wdlib divide by (norm + 1e-6), coef = min(1, max_norm / "
            "(norm + 1e-6)); your numbers differ by about 1e-6 relative":
                scale(min(1.0, max_norm / norm)),
            "clipping only shrinks: coef = min(1, max_norm / (norm + 1e-6)); you also scaled "
            "gradients that were already below max_norm *up*": scale(max_norm / (norm + EPS)),
            "the coefficient is upside down: multiply by max_norm / norm (< 1 when the norm is "
            "too large), not norm / max_norm": scale(min(1.0, norm / max_norm)),
            "you clipped each tensor by its own norm: use ONE global norm over all gradients "
            "together (per-tensor clipping changes the direction of the whole gradient)":
                _flat(per_tensor, norm),
            "the norm is the square root of the sum of squares: you used the sum of squares":
                _flat({k: min(1.0, max_norm / (sq + EPS)) * g for k, g in grads.items()}, sq),
            "that is clipping by value (each entry into [−max_norm, max_norm]); clipping by "
            "norm rescales the whole gradient by one factor":
                _flat(clipping.clip_by_value(grads, max_norm), norm),
        }

    return check("clip_by_norm", fn, ref_clip_by_norm, _norm_cases(1), hints_for=hints,
                 convert=_norm_convert)


def check_clip_by_value(fn: Callable) -> bool:
    """``fn(grads, clip_value) -> dict``: == torch ``clip_grad_value_``."""
    rng = np.random.default_rng(2)
    cases = [(_grads(rng, 1.0), 0.5), (_grads(rng, 3.0), 2.0), (_grads(rng, 0.1), 1.0)]

    def hints(grads, c):
        each = lambda f: {k: f(g) for k, g in grads.items()}
        return {
            "entries below −clip_value must become −clip_value too: clip from both sides, "
            "np.clip(g, -c, c)": each(lambda g: np.minimum(g, c)),
            "entries above +clip_value must become +clip_value too: clip from both sides, "
            "np.clip(g, -c, c)": each(lambda g: np.maximum(g, -c)),
            "only entries outside [−c, c] change; the others stay as they are (you set every "
            "entry to ±c)": each(lambda g: np.sign(g) * c),
            "that is clipping by global norm (one factor for everything); clipping by value "
            "cuts each entry into [−c, c] separately":
                clipping.clip_by_global_norm(grads, c)[0],
            "you clipped the absolute values: keep the sign, np.clip(g, -c, c)":
                each(lambda g: np.minimum(np.abs(g), c)),
        }

    return check("clip_by_value", fn, ref_clip_by_value, cases, hints_for=hints)


def check_angle(fn: Callable) -> bool:
    """``fn(a, b) -> float``: the angle in degrees between two gradient dicts."""
    rng = np.random.default_rng(3)
    cases = []
    for scale, c in [(1.0, 0.5), (5.0, 1.0), (0.2, 0.05)]:
        g = _grads(rng, scale)
        cases.append((g, clipping.clip_by_value(g, c)))
    g = _grads(rng, 1.0)
    cases.append((g, {k: -v for k, v in g.items()}))               # opposite: 180°

    def hints(a, b):
        ang = ref_angle(a, b)
        u, v = _vec(a), _vec(b)
        return {
            "that is the angle in radians: convert with np.degrees": np.radians(ang),
            "that is the cosine of the angle: take np.arccos, then np.degrees":
                np.cos(np.radians(ang)),
            "normalize: cos = a·b / (‖a‖ ‖b‖), the dot product alone is not a cosine":
                np.degrees(np.arccos(np.clip(u @ v, -1.0, 1.0))),
        }

    def form(got, a, b):
        if got is None:
            return None                               # diagnose: "did you forget `return`?"
        if np.size(got) != 1:
            return (f"return one number (flatten every gradient into one long vector first), "
                    f"got shape {np.shape(got)}")
        if np.isnan(got):
            return ("you returned NaN: rounding can push the cosine a hair outside [−1, 1]; "
                    "use np.arccos(np.clip(cos, -1, 1))")
        return None

    def convert(got):
        if got is None:
            return None
        try:
            return np.float64(np.reshape(np.asarray(got, dtype=np.float64), -1)[0]) \
                if np.size(got) == 1 else np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise WrongForm(f"return a number, got {type(got).__name__}") from exc

    return check("angle", fn, ref_angle, cases, hints_for=hints, form_hint=form,
                 convert=convert, rtol=1e-6, atol=1e-6)
