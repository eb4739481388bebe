"""Checkers for lesson 06 (gradient clipping).

    from wdlib.exercises import lesson06
    lesson06.check_clip_by_norm(clip_by_norm_exercise)
    lesson06.check_clip_by_value(clip_by_value_exercise)
    lesson06.check_angle(angle_exercise)

Each checker calls your function on random inputs and prints ``✓`` or a hint that names a typical
mistake. ``assert_<name>`` raises AssertionError(hint) instead (for autograders).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import clipping
from wdlib.exercises._core import WrongForm, assert_form, check, outputs, size_of

__all__ = ["check_clip_by_norm", "check_clip_by_value", "check_angle", "assert_clip_by_norm",
           "assert_clip_by_value", "assert_angle"]

_OTHER_EPS = (1e-7, 1e-5, 1e-4, 1e-3)   # told apart from 1e-6 and from none by value

CLIP_NORM_HINTS = {
    "norm_after": "the norm you return is the one *after* clipping: like torch's "
                  "clip_grad_norm_, return the norm measured *before* clipping (it tells you how "
                  "large the step would have been)",
    # no eps, or one far below 1e-6 (Adam's 1e-8): by value the same answer, so one text
    "no_eps": "almost: your eps differs. The convention here is PyTorch's "
              "torch.nn.utils.clip_grad_norm_ (wdlib follows it): coef = min(1, max_norm / "
              "(norm + 1e-6)), eps 1e-6; yours has no eps or a much smaller one (1e-8 is "
              "Adam's eps, not clipping's; TensorFlow's clip_by_global_norm and optax use none)",
    **{f"eps:{e:g}": f"almost: your eps differs. The convention here is PyTorch's "
                     f"torch.nn.utils.clip_grad_norm_ (wdlib follows it): coef = min(1, "
                     f"max_norm / (norm + 1e-6)), eps 1e-6; yours looks like {e:g}"
       for e in _OTHER_EPS},
    "scaled_up": "clipping only shrinks: coef = min(1, max_norm / (norm + 1e-6)); you also "
                 "scaled gradients that were already below max_norm *up*",
    "upside_down": "the coefficient is upside down: multiply by max_norm / norm (< 1 when the "
                   "norm is too large), not norm / max_norm",
    "per_tensor": "you clipped each tensor by its own norm (what Keras's clipnorm= does; its "
                  "global_clipnorm= is the global one): use ONE global norm over all "
                  "gradients together (per-tensor clipping changes the direction of the whole "
                  "gradient)",
    "sum_of_squares": "the norm is the square root of the sum of squares: you used the sum of "
                      "squares",
    "by_value": "that is clipping by value (each entry into [−max_norm, max_norm]); clipping by "
                "norm rescales the whole gradient by one factor",
    "coefficient": "the clipped gradients are right, but the second output is the clipping "
                   "coefficient min(1, max_norm / (norm + 1e-6)): return the global norm "
                   "itself, measured before clipping (as torch's clip_grad_norm_ does)",
    "weights_only": "only the weight matrices were clipped/counted: the global norm runs over "
                    "every gradient, biases included",
    "sum_of_norms": "you added up the tensors' norms, Σ‖g_i‖: the global norm is the norm of all "
                    "gradients as one vector, √(Σ‖g_i‖²) (the tensors' norms add in squares)",
    "max_of_norms": "you took the largest tensor's norm, max‖g_i‖ (torch's norm_type=inf "
                    "is the largest *entry*, not this): the global norm is the norm of all "
                    "gradients as one vector, √(Σ‖g_i‖²)",
}

CLIP_NORM_HINTS["per_tensor:no_eps"] = CLIP_NORM_HINTS["per_tensor"]   # Keras's: one text
CLIP_NORM_HINTS["sum_of_norms:no_eps"] = CLIP_NORM_HINTS["sum_of_norms"]
CLIP_NORM_HINTS["max_of_norms:no_eps"] = CLIP_NORM_HINTS["max_of_norms"]

CLIP_VALUE_HINTS = {
    "upper_only": "entries below −clip_value must become −clip_value too: clip from both sides, "
                  "np.clip(g, -c, c)",
    "lower_only": "entries above +clip_value must become +clip_value too: clip from both sides, "
                  "np.clip(g, -c, c)",
    "all_to_c": "only entries outside [−c, c] change; the others stay as they are (you set every "
                "entry to ±c)",
    "by_norm": "that is clipping by global norm (one factor for everything); clipping by value "
               "cuts each entry into [−c, c] separately",
    "abs": "you clipped the absolute values: keep the sign, np.clip(g, -c, c)",
    "zeroed": "entries outside [−c, c] were set to 0: clipping moves them to the bound ±c",
    "per_tensor_norm": "that is clipping each tensor by its own norm (Keras's clipnorm=): "
                       "clipping by value cuts each entry into [−c, c] separately",
    "lower_zero": "the lower bound is −clip_value, not 0: negative entries stay negative, "
                  "np.clip(g, -c, c)",
    "weights_only": "only the weight matrices were clipped: clip every gradient, the biases' "
                    "too",
}

CLIP_VALUE_HINTS["per_tensor_norm:no_eps"] = CLIP_VALUE_HINTS["per_tensor_norm"]   # one text

ANGLE_HINTS = {
    "radians": "that is the angle in radians: convert with np.degrees",
    "cosine": "that is the cosine of the angle: take np.arccos, then np.degrees",
    "not_normalized": "normalize: cos = a·b / (‖a‖ ‖b‖), the dot product alone is not a cosine",
    "per_tensor_mean": "you averaged per-tensor angles: flatten all gradients into one vector "
                       "each, then take one angle",
    "complement": "that is 90° minus the angle (np.arcsin instead of np.arccos?)",
}

EPS = 1e-6          # torch.nn.utils.clip_grad_norm_ divides by (norm + 1e-6)


# --------------------------------------------------------------------------- references

def _ref_clip_by_norm(grads: Mapping, max_norm: float) -> dict:
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm)
    return _flat(clipped, norm)


def _ref_clip_by_value(grads: Mapping, clip_value: float) -> dict:
    return clipping.clip_by_value(grads, clip_value)


def _ref_angle(a: Mapping, b: Mapping) -> np.ndarray:
    u, v = _vec(a), _vec(b)
    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.float64(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _flat(grads: Mapping, norm) -> dict:
    """(clipped, norm) as one dict; the keys are what a hint shows: 'norm', 'clipped[W1]', ..."""
    return {"norm": norm, **{f"clipped[{k}]": v for k, v in grads.items()}}


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
    pair = outputs("clipped", "norm", what="a pair (clipped grads, norm)")(got)
    clipped, norm = pair["clipped"], pair["norm"]
    if isinstance(norm, Mapping) and not isinstance(clipped, Mapping):
        raise WrongForm("outputs swapped? return (clipped, norm): the dict first, then the norm")
    if not isinstance(clipped, Mapping):
        raise WrongForm(f"the first item must be the dict of clipped gradients, got "
                        f"{type(clipped).__name__} (return (clipped, norm), in that order)")
    if size_of(norm) not in (1, None):              # None: its own hint when it is read
        raise WrongForm(f"the norm must be one number (the global norm of all gradients "
                        f"together), got shape {tuple(np.shape(norm))}")
    return _flat(clipped, norm)


def _norm_keys(got, grads, max_norm) -> str | None:
    """The clipped dict's keys against those of ``grads``, named as the learner wrote them
    (the generic key check would show the flat keys 'clipped[W1]', ...)."""
    keys = {k[len("clipped["):-1] for k in got if k != "norm"}
    missing, extra = sorted(set(grads) - keys), sorted(keys - set(grads))
    if missing or extra:
        return (f"the clipped dict must have the keys of grads, {sorted(grads)}"
                + (f"; missing {missing}" if missing else "")
                + (f"; unexpected {extra}" if extra else ""))
    return None


# --------------------------------------------------------------------------- checkers

def _norm_mistakes(grads, max_norm):
    norm = clipping.global_norm(grads)
    scale = lambda c, n=norm: _flat({k: c * g for k, g in grads.items()}, n)  # noqa: E731
    coef = min(1.0, max_norm / (norm + EPS))
    clipped = {k: coef * g for k, g in grads.items()}
    per_tensor = {k: min(1.0, max_norm / (np.linalg.norm(g) + EPS)) * g for k, g in grads.items()}
    sq = np.sum([np.sum(g**2) for g in grads.values()])
    wn = np.sqrt(sum(np.sum(g**2) for k, g in grads.items() if k.startswith("W")))
    wc = min(1.0, max_norm / (wn + EPS))
    l1 = sum(np.linalg.norm(g) for g in grads.values())     # Σ‖g_i‖, not √(Σ‖g_i‖²)
    top = max(np.linalg.norm(g) for g in grads.values())    # max‖g_i‖
    return {"norm_after": _flat(clipped, clipping.global_norm(clipped)),
            "no_eps": scale(min(1.0, max_norm / norm)),
            **{f"eps:{e:g}": scale(min(1.0, max_norm / (norm + e))) for e in _OTHER_EPS},
            "scaled_up": scale(max_norm / (norm + EPS)),
            "upside_down": scale(min(1.0, norm / max_norm)),
            "per_tensor": _flat(per_tensor, norm),
            "per_tensor:no_eps": _flat({k: min(1.0, max_norm / np.linalg.norm(g)) * g
                                        for k, g in grads.items()}, norm),
            "sum_of_squares": _flat({k: min(1.0, max_norm / (sq + EPS)) * g
                                     for k, g in grads.items()}, sq),
            "by_value": _flat(clipping.clip_by_value(grads, max_norm), norm),
            "coefficient": _flat(clipped, coef),
            "weights_only": _flat({k: wc * g if k.startswith("W") else g
                                   for k, g in grads.items()}, wn),
            **{"sum_of_norms" + s: _flat({k: min(1.0, max_norm / (l1 + e)) * g
                                          for k, g in grads.items()}, l1)
               for s, e in [("", EPS), (":no_eps", 0.0)]},
            **{"max_of_norms" + s: _flat({k: min(1.0, max_norm / (top + e)) * g
                                          for k, g in grads.items()}, top)
               for s, e in [("", EPS), (":no_eps", 0.0)]}}


def check_clip_by_norm(fn: Callable, *, grade: bool = False):
    """Check your ``clip_by_norm_exercise(grads, max_norm) -> (clipped, norm)``."""
    return check("clip_by_norm", fn, _ref_clip_by_norm, _norm_cases(1), mistakes=_norm_mistakes,
                 hints=CLIP_NORM_HINTS, convert=_norm_convert, form_hint=_norm_keys,
                 grade=grade)


def _value_mistakes(grads, c):
    each = lambda f: {k: f(g) for k, g in grads.items()}  # noqa: E731
    return {"upper_only": each(lambda g: np.minimum(g, c)),
            "lower_only": each(lambda g: np.maximum(g, -c)),
            "all_to_c": each(lambda g: np.sign(g) * c),
            "by_norm": clipping.clip_by_global_norm(grads, c)[0],
            "abs": each(lambda g: np.minimum(np.abs(g), c)),
            "zeroed": each(lambda g: np.where(np.abs(g) > c, 0.0, g)),
            "per_tensor_norm": each(lambda g: min(1.0, c / (np.linalg.norm(g) + EPS)) * g),
            "per_tensor_norm:no_eps": each(lambda g: min(1.0, c / np.linalg.norm(g)) * g),
            "lower_zero": each(lambda g: np.clip(g, 0.0, c)),
            "weights_only": {k: np.clip(g, -c, c) if k.startswith("W") else g
                             for k, g in grads.items()}}


def check_clip_by_value(fn: Callable, *, grade: bool = False):
    """Check your ``clip_by_value_exercise(grads, clip_value) -> dict``."""
    rng = np.random.default_rng(2)
    cases = [(_grads(rng, 1.0), 0.5), (_grads(rng, 3.0), 2.0), (_grads(rng, 0.1), 1.0)]
    return check("clip_by_value", fn, _ref_clip_by_value, cases, mistakes=_value_mistakes,
                 hints=CLIP_VALUE_HINTS, grade=grade)


def _angle_mistakes(a, b):
    ang = _ref_angle(a, b)
    u, v = _vec(a), _vec(b)
    per = [np.degrees(np.arccos(np.clip(np.ravel(a[k]) @ np.ravel(b[k]) / (
        np.linalg.norm(a[k]) * np.linalg.norm(b[k])), -1, 1))) for k in sorted(a)]
    return {"radians": np.radians(ang), "cosine": np.cos(np.radians(ang)),
            "not_normalized": np.degrees(np.arccos(np.clip(u @ v, -1.0, 1.0))),
            "per_tensor_mean": np.mean(per), "complement": 90.0 - ang}


def _angle_form(got, a, b):
    if size_of(got) == 1 and np.isnan(np.asarray(got, dtype=np.float64)).all():
        return ("you returned NaN: rounding can push the cosine a hair outside [−1, 1]; "
                "use np.arccos(np.clip(cos, -1, 1))")
    return None


def check_angle(fn: Callable, *, grade: bool = False):
    """Check your ``angle_exercise(a, b) -> float`` (degrees)."""
    rng = np.random.default_rng(3)
    cases = []
    for scale, c in [(1.0, 0.5), (5.0, 1.0), (0.2, 0.05)]:
        g = _grads(rng, scale)
        cases.append((g, clipping.clip_by_value(g, c)))
    g = _grads(rng, 1.0)
    cases.append((g, {k: -v for k, v in g.items()}))               # opposite: 180°
    # 180° again, scaled: without np.clip, rounding puts the cosine below −1 (arccos: NaN) in
    # every usual form on one of the two (u@v/(‖u‖‖v‖), u@v/‖u‖/‖v‖, (u/‖u‖)@(v/‖v‖), ...)
    cases.append(({k: 0.3 * v for k, v in g.items()}, {k: -3.0 * v for k, v in g.items()}))
    return check("angle", fn, _ref_angle, cases, mistakes=_angle_mistakes, hints=ANGLE_HINTS,
                 form_hint=_angle_form, rtol=1e-6, atol=1e-6, grade=grade)


assert_clip_by_norm = assert_form(check_clip_by_norm)
assert_clip_by_value = assert_form(check_clip_by_value)
assert_angle = assert_form(check_angle)
