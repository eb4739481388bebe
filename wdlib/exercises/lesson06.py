"""Checkers for lesson 06 (gradient clipping), for K models at once.

    from wdlib.exercises import lesson06
    lesson06.check_clip_by_norm(clip_by_norm_exercise)
    lesson06.check_clip_by_value(clip_by_value_exercise)
    lesson06.check_angle(angle_exercise)

Every gradient the checkers pass carries a leading K axis (model k's gradients are
``g[k]`` for every key), as when ``wdlib`` trains K models in one pass, and a threshold may be
one per model. Each checker calls your function on random inputs and prints ``✓`` or a hint that
names a typical mistake. ``assert_<name>`` raises AssertionError(hint) instead (for
autograders).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from wdlib import clipping
from wdlib.exercises._core import WrongForm, assert_form, check, outputs, real_array, size_of

__all__ = ["check_clip_by_norm", "check_clip_by_value", "check_angle", "assert_clip_by_norm",
           "assert_clip_by_value", "assert_angle"]

_OTHER_EPS = (1e-7, 1e-5, 1e-4, 1e-3)   # told apart from 1e-6 and from none by value

_WRONG_AXIS = ("model k's {what} must act on model k's gradients, the *first* axis: give the K "
               "values the shape (K, 1, ..., 1), one 1 for each other axis of that gradient "
               "(np.reshape({x}, (-1,) + (1,) * (g.ndim - 1))); a (K,) array broadcasts "
               "against the *last* axis of g, a (K, 1) array against the second to last")
_MIXED = ("you raveled each gradient across all K models and cut the long vector into K rows: "
          "the rows mix the models' entries; flatten each model on its own, g.reshape(K, -1), "
          "and join those along axis 1")

CLIP_NORM_HINTS = {
    "one_norm": "one norm over all K models together: each model is clipped on its own, by the "
                "global norm of *its* gradients (the squares summed over every axis but the "
                "first): K norms, shape (K,)",
    "wrong_axis": _WRONG_AXIS.format(what="coefficient", x="coef"),
    "mixed_models": _MIXED,
    "norm_after": "the norms you return are the ones *after* clipping: like torch's "
                  "clip_grad_norm_, return the norms measured *before* clipping (they tell you "
                  "how large the steps would have been)",
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
    "spectral": "np.linalg.norm(g, ord=2, axis=(1, 2)) of a weight's (K, fan_in, fan_out) "
                "array is each matrix's spectral norm (its largest singular value), not the "
                "length of its entries: a model's global norm is √(Σ of every entry squared); "
                "flatten first, np.linalg.norm(g.reshape(K, -1), axis=1), or use ord=None",
    "upside_down": "the coefficient is upside down: multiply by max_norm / norm (< 1 when the "
                   "norm is too large), not norm / max_norm",
    "per_tensor": "you clipped each tensor by its own norm (what Keras's clipnorm= does; its "
                  "global_clipnorm= is the global one): use ONE global norm per model, over all "
                  "of that model's gradients together (per-tensor clipping changes the "
                  "direction of the whole gradient)",
    "sum_of_squares": "the norm is the square root of the sum of squares: you used the sum of "
                      "squares",
    "by_value": "that is clipping by value (each entry into [−max_norm, max_norm]); clipping by "
                "norm rescales each model's whole gradient by one factor",
    "coefficient": "the clipped gradients are right, but the second output is the clipping "
                   "coefficients min(1, max_norm / (norm + 1e-6)): return the global norms "
                   "themselves, measured before clipping (as torch's clip_grad_norm_ does)",
    "one_coefficient": "every model was scaled by the same coefficient, the smallest of the K "
                       "(min(1.0, *coefs) or np.min?): each model gets its own, min(1, "
                       "max_norm_k / (norms[k] + 1e-6)), K of them shaped (K, 1, ..., 1) "
                       "(np.minimum(1.0, ...) keeps one per model)",
    **{f"one_threshold:{k}": "every model was clipped with the same threshold: model k's "
                             "coefficient is min(1, max_norm[k] / (norms[k] + 1e-6)), each model "
                             "with its own (max_norm may be one number or K of them)"
       for k in ("max", "min", "first")},                               # one text
    "weights_only": "only the weight matrices were clipped/counted: the global norm runs over "
                    "every gradient, biases included",
    "sum_of_norms": "you added up the tensors' norms, Σ‖g_i‖: a model's global norm is the norm "
                    "of all its gradients as one vector, √(Σ‖g_i‖²) (the tensors' norms add in "
                    "squares)",
    "max_of_norms": "you took the largest tensor's norm, max‖g_i‖ (torch's norm_type=inf "
                    "is the largest *entry*, not this): a model's global norm is the norm of "
                    "all its gradients as one vector, √(Σ‖g_i‖²)",
}

CLIP_NORM_HINTS["wrong_axis:2d"] = CLIP_NORM_HINTS["wrong_axis"]      # (K, 1): one text
CLIP_NORM_HINTS["mixed_models:sorted"] = _MIXED                        # either key order
CLIP_NORM_HINTS["per_tensor:no_eps"] = CLIP_NORM_HINTS["per_tensor"]   # Keras's: one text
CLIP_NORM_HINTS["sum_of_norms:no_eps"] = CLIP_NORM_HINTS["sum_of_norms"]
CLIP_NORM_HINTS["max_of_norms:no_eps"] = CLIP_NORM_HINTS["max_of_norms"]

_ONE_THRESHOLD = ("every model got the same threshold: model k's entries are cut into "
                  "[−clip_value[k], clip_value[k]], each model with its own")
CLIP_VALUE_HINTS = {
    **{f"one_threshold:{k}": _ONE_THRESHOLD for k in ("max", "min", "first")},  # one text
    "wrong_axis": _WRONG_AXIS.format(what="threshold", x="clip_value"),
    "upper_only": "entries below −clip_value must become −clip_value too: clip from both sides, "
                  "np.clip(g, -c, c)",
    "lower_only": "entries above +clip_value must become +clip_value too: clip from both sides, "
                  "np.clip(g, -c, c)",
    "all_to_c": "only entries outside [−c, c] change; the others stay as they are (you set every "
                "entry to ±c)",
    "by_norm": "that is clipping by global norm (one factor for each model's whole gradient); "
               "clipping by value cuts each entry into [−c, c] separately",
    "abs": "you clipped the absolute values: keep the sign, np.clip(g, -c, c)",
    "zeroed": "entries outside [−c, c] were set to 0: clipping moves them to the bound ±c",
    "per_tensor_norm": "that is clipping each tensor by its own norm (Keras's clipnorm=): "
                       "clipping by value cuts each entry into [−c, c] separately",
    "lower_zero": "the lower bound is −clip_value, not 0: negative entries stay negative, "
                  "np.clip(g, -c, c)",
    "weights_only": "only the weight matrices were clipped: clip every gradient, the biases' "
                    "too",
}

CLIP_VALUE_HINTS["wrong_axis:2d"] = CLIP_VALUE_HINTS["wrong_axis"]
CLIP_VALUE_HINTS["per_tensor_norm:no_eps"] = CLIP_VALUE_HINTS["per_tensor_norm"]

CLIPS = (1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12)     # a "safe arccos": cos clipped short of ±1
ANGLE_HINTS = {
    "one_angle": "one angle for all K models together: return one angle per model, shape "
                 "(K,), each from model k's entries of a and b alone (flatten every axis but "
                 "the first)",
    "norm_all_models": "the norms must be per model too: ‖a_k‖ over model k's entries "
                       "(np.linalg.norm(u, axis=1)); np.linalg.norm(u) of the (K, n) array is "
                       "the norm of all K models together",
    "mixed_models": _MIXED,
    "radians": "that is the angle in radians: convert with np.degrees",
    "cosine": "that is the cosine of the angle: take np.arccos, then np.degrees",
    "not_normalized": "normalize: cos = a·b / (‖a‖ ‖b‖), the dot product alone is not a cosine",
    "per_tensor_mean": "you averaged per-tensor angles: flatten all of a model's gradients into "
                       "one vector, then take one angle per model",
    "complement": "that is 90° minus the angle (np.arcsin instead of np.arccos?)",
    "folded": "that is the angle folded into [0°, 90°]: arccos(|cos|) or arcsin(√(1 − cos²)) "
              "lose the cosine's sign, and gradients that point opposite ways are 180° apart: "
              "take np.arccos of the (clipped) cosine itself",
    "key_order": "b was flattened in its own key order, a in a's: where the two dicts list "
                 "their keys in different orders, entry i of a's long vector then meets an "
                 "entry of another tensor in b's; join both in one key order (for k in a: "
                 "a[k] ... b[k])",
    "mixed_models:sorted": _MIXED,
    **{f"clipped_cosine:{e:g}": f"the cosine clipped short of ±1 (np.clip(cos, -1 + {e:g}, "
                                f"1 - {e:g})?): near 0° and 180° arccos turns that gap into an "
                                f"angle error near √(2·{e:g}) rad; clip to [-1, 1] only"
       for e in CLIPS},
}
PAIRS = ("you returned the K × K angles between every model of a and every model of b (u @ v.T): "
         "only model k of a with model k of b counts, the diagonal (np.sum(u * v, axis=1))")

EPS = 1e-6          # torch.nn.utils.clip_grad_norm_ divides by (norm + 1e-6)


# --------------------------------------------------------------------------- K models

def _pm(h, g):
    """A scalar, or K values shaped (K, 1, ..., 1) to multiply model k's part of g."""
    return np.reshape(h, (-1,) + (1,) * (np.ndim(g) - 1)) if np.ndim(h) else h


def _sq(g):
    """Sum of squares of each model's entries, (K,)."""
    return np.sum(g**2, axis=tuple(range(1, g.ndim)))


def _norms(grads, keys=None) -> np.ndarray:
    """One global norm per model, (K,)."""
    return np.sqrt(sum(_sq(grads[k]) for k in (grads if keys is None else keys)))


def _rows(grads, keys=None) -> np.ndarray:
    """(K, n): model k's gradients, flattened and joined, in row k."""
    keys = sorted(grads) if keys is None else keys
    return np.concatenate([grads[k].reshape(len(grads[k]), -1) for k in keys], axis=1)


def _mixed_rows(grads, keys) -> np.ndarray:
    """The mistake: every array raveled whole (K models together), then cut into K rows."""
    K = len(next(iter(grads.values())))
    return np.concatenate([np.ravel(grads[k]) for k in keys]).reshape(K, -1)


def _orders(grads):
    """The key orders a learner may join arrays in (the mixed rows depend on it)."""
    return [("", list(grads)), (":sorted", sorted(grads))]


def _on_axis(coef, grads, prefix) -> dict:
    """The wrong-axis mistakes (coef as (K,) or (K, 1)), where they broadcast without an error
    (a mistake that raises here raises in the learner's function too: no hint needed)."""
    out = {}
    for key, c in [("wrong_axis", coef), ("wrong_axis:2d", np.reshape(coef, (-1, 1)))]:
        try:
            got = {k: prefix(c, g) for k, g in grads.items()}
        except ValueError:
            continue
        if all(got[k].shape == g.shape for k, g in grads.items()):
            out[key] = got
    return out


# --------------------------------------------------------------------------- references

def _ref_clip_by_norm(grads: Mapping, max_norm) -> dict:
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm, batched=True)
    return _flat(clipped, norm)


def _ref_clip_by_value(grads: Mapping, clip_value) -> dict:
    return clipping.clip_by_value(grads, clip_value)


def _cosines(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(K,): the cosine between row k of u and row k of v ((K, n) each)."""
    return np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))


def _angles(u: np.ndarray, v: np.ndarray, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """(K,): the angles in degrees, the cosines clipped to [low, high] (a mistake: other ends)."""
    return np.degrees(np.arccos(np.clip(_cosines(u, v), low, high)))


def _ref_angle(a: Mapping, b: Mapping) -> np.ndarray:
    return _angles(_rows(a), _rows(b, sorted(a)))


def _flat(grads: Mapping, norm) -> dict:
    """(clipped, norm) as one dict; the keys are what a hint shows: 'norm', 'clipped[W1]', ..."""
    return {"norm": norm, **{f"clipped[{k}]": v for k, v in grads.items()}}


# --------------------------------------------------------------------------- random inputs

def _grads(rng, scales, sizes=(3, 4, 2)) -> dict:
    """K models' gradients of an MLP with these layer sizes, model k scaled by scales[k]."""
    K = len(scales)
    g = {}
    for i, (fi, fo) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        g[f"W{i}"] = rng.standard_normal((K, fi, fo))
        g[f"b{i}"] = rng.standard_normal((K, fo))
    g["W2"][:, 0, 0] *= 8.0                    # one large entry, as in an exploding step
    s = np.asarray(scales, dtype=float)
    return {k: _pm(s, v) * v for k, v in g.items()}


def _norm_cases(seed=0):
    rng = np.random.default_rng(seed)
    # first a case whose every axis has length K (4): a coefficient broadcast on the wrong
    # axis gives numbers there, not an error; its one threshold lets section 1's one-model code
    # run as it is (min(1, ...) of K thresholds raises) and be told it used one norm. In each
    # case some models are above their threshold, some below (nothing may change), and one far
    # above it
    return [(_grads(rng, [1.0, 0.05, 30.0, 0.1], (4, 4, 4)), 2.0),
            (_grads(rng, [0.1, 1.0, 20.0]), np.array([2.0, 5.0, 0.5])),
            (_grads(rng, [3.0, 0.02], (5, 3, 2)), np.array([1.0, 0.5]))]


# --------------------------------------------------------------------------- answer forms

def _norm_convert(got):
    """A pair (clipped dict, norms) -> the reference's flat dict (``WrongForm`` if it is not)."""
    if got is None:
        return None                                   # diagnose: "did you forget `return`?"
    if isinstance(got, Mapping):
        raise WrongForm("return a pair (clipped grads, norms), not only the dict: like torch's "
                        "clip_grad_norm_, also return the norms")
    pair = outputs("clipped", "norm", what="a pair (clipped grads, norms)")(got)
    clipped, norm = pair["clipped"], pair["norm"]
    if isinstance(norm, Mapping) and not isinstance(clipped, Mapping):
        raise WrongForm("outputs swapped? return (clipped, norms): the dict first, then the "
                        "norms")
    if not isinstance(clipped, Mapping):
        raise WrongForm(f"the first item must be the dict of clipped gradients, got "
                        f"{type(clipped).__name__} (return (clipped, norms), in that order)")
    return _flat(clipped, norm)


def _norm_form(got, grads, max_norm) -> str | None:
    """The clipped dict's keys against those of ``grads``, named as the learner wrote them
    (the generic key check would show the flat keys 'clipped[W1]', ...); one norm for all."""
    keys = {k[len("clipped["):-1] for k in got if k != "norm"}
    missing, extra = sorted(set(grads) - keys), sorted(keys - set(grads))
    if missing or extra:
        return (f"the clipped dict must have the keys of grads, {sorted(grads)}"
                + (f"; missing {missing}" if missing else "")
                + (f"; unexpected {extra}" if extra else ""))
    norms = _norms(grads)
    return _one_number(got["norm"], CLIP_NORM_HINTS["one_norm"], "norm", norms,
                       np.sqrt(np.sum(norms ** 2)))


def _one_number(value, hint, what, each, together) -> str | None:
    """The hint for one number where K (``each``, the K right values) are expected: ``hint``
    when it is the value of all K models together (``together``), or says it is one model's
    own value (the last of a loop over the models, kept instead of collected), or only that
    K are expected. None: another form, judged later."""
    K = len(each)
    if size_of(value) != 1 or K < 2:
        return None
    want = f"return K = {K} {what}s, one per model, shape ({K},)"
    arr = real_array(value)
    if arr is None:
        return f"you returned one value: {want}"
    x = float(arr.reshape(-1)[0])
    if np.isclose(x, together, rtol=1e-4, atol=0.0):
        return hint
    k = np.flatnonzero(np.isclose(each, x, rtol=1e-4, atol=0.0))
    if k.size:
        # the last model: a loop that kept its last value; the first: a `return` inside the
        # loop, which ends it at model 0; any other model: no guess at the cause
        k = int(k[-1]) if np.isclose(each[-1], x, rtol=1e-4, atol=0.0) else int(k[0])
        why = (" (the last value of a loop over the models?)" if k == K - 1 else
               " (a `return` inside the loop over the models, which ends it at the first?)"
               if k == 0 else "")
        return (f"you returned one number, model {k}'s {what} alone{why}: {want} (collect them "
                f"in a list inside the loop, then np.array(...))")
    return f"you returned one number: {want}"


# --------------------------------------------------------------------------- checkers

def _norm_mistakes(grads, max_norm):
    norm = _norms(grads)
    coef = np.minimum(1.0, max_norm / (norm + EPS))
    scale = lambda c, n=norm: _flat({k: _pm(c, g) * g for k, g in grads.items()}, n)  # noqa: E731
    clipped = {k: _pm(coef, g) * g for k, g in grads.items()}
    tensor = lambda g, e: np.minimum(1.0, _pm(max_norm, g) / (  # noqa: E731
        _pm(np.sqrt(_sq(g)), g) + e)) * g
    sq = sum(_sq(g) for g in grads.values())
    wn = _norms(grads, [k for k in grads if k.startswith("W")])
    wc = np.minimum(1.0, max_norm / (wn + EPS))
    l1 = sum(np.sqrt(_sq(g)) for g in grads.values())            # Σ‖g_i‖, not √(Σ‖g_i‖²)
    top = np.max([np.sqrt(_sq(g)) for g in grads.values()], axis=0)   # max‖g_i‖
    every = np.full_like(norm, np.sqrt(np.sum(norm**2)))         # one norm for all K models
    spectral = np.sqrt(sum(np.linalg.norm(g, ord=2, axis=(1, 2)) ** 2 if g.ndim == 3   # σ_max
                           else _sq(g) for g in grads.values()))
    mixed = {s: np.linalg.norm(_mixed_rows(grads, keys), axis=1) for s, keys in _orders(grads)}
    return {"one_norm": scale(np.minimum(1.0, max_norm / (every + EPS)), every),
            **{k: _flat(v, norm) for k, v in _on_axis(
                coef, grads, lambda c, g: c * g).items()},
            **{"mixed_models" + s: scale(np.minimum(1.0, max_norm / (m + EPS)), m)
               for s, m in mixed.items()},
            "norm_after": _flat(clipped, _norms(clipped)),
            "spectral": scale(np.minimum(1.0, max_norm / (spectral + EPS)), spectral),
            "no_eps": scale(np.minimum(1.0, max_norm / norm)),
            **{f"eps:{e:g}": scale(np.minimum(1.0, max_norm / (norm + e))) for e in _OTHER_EPS},
            "scaled_up": scale(max_norm / (norm + EPS)),
            "upside_down": scale(np.minimum(1.0, norm / max_norm)),
            "per_tensor": _flat({k: tensor(g, EPS) for k, g in grads.items()}, norm),
            "per_tensor:no_eps": _flat({k: tensor(g, 0.0) for k, g in grads.items()}, norm),
            "sum_of_squares": scale(np.minimum(1.0, max_norm / (sq + EPS)), sq),
            "by_value": _flat(clipping.clip_by_value(grads, max_norm), norm),
            "coefficient": _flat(clipped, coef),
            "one_coefficient": scale(np.full_like(coef, np.min(coef))),
            **{f"one_threshold:{name}": scale(np.minimum(1.0, float(one) / (norm + EPS)))
               for name, one in [("max", np.max(max_norm)), ("min", np.min(max_norm)),
                                 ("first", np.ravel(max_norm)[0])]},
            "weights_only": _flat({k: _pm(wc, g) * g if k.startswith("W") else g
                                   for k, g in grads.items()}, wn),
            **{"sum_of_norms" + s: scale(np.minimum(1.0, max_norm / (l1 + e)), l1)
               for s, e in [("", EPS), (":no_eps", 0.0)]},
            **{"max_of_norms" + s: scale(np.minimum(1.0, max_norm / (top + e)), top)
               for s, e in [("", EPS), (":no_eps", 0.0)]}}


def check_clip_by_norm(fn: Callable, *, grade: bool = False):
    """Check your ``clip_by_norm_exercise(grads, max_norm) -> (clipped, norms)`` (K models)."""
    return check("clip_by_norm", fn, _ref_clip_by_norm, _norm_cases(1), mistakes=_norm_mistakes,
                 hints=CLIP_NORM_HINTS, convert=_norm_convert, form_hint=_norm_form,
                 grade=grade)


def _value_cases(seed=2):
    rng = np.random.default_rng(seed)
    return [(_grads(rng, [1.0, 3.0, 0.1, 2.0], (4, 4, 4)), np.array([0.5, 2.0, 1.0, 0.3])),
            (_grads(rng, [3.0, 1.0, 0.5]), np.array([2.0, 0.4, 1.5])),
            (_grads(rng, [0.1, 2.0], (5, 3, 2)), np.array([1.0, 0.7]))]


def _value_mistakes(grads, c):
    each = lambda f: {k: f(g, _pm(c, g)) for k, g in grads.items()}  # noqa: E731
    norm = lambda g, e: np.minimum(1.0, _pm(c, g) / (_pm(np.sqrt(_sq(g)), g) + e)) * g  # noqa
    return {**{f"one_threshold:{name}": clipping.clip_by_value(grads, float(one))
               for name, one in [("max", np.max(c)), ("min", np.min(c)), ("first", c[0])]},
            **_on_axis(c, grads, lambda h, g: np.clip(g, -h, h)),
            "upper_only": each(lambda g, h: np.minimum(g, h)),
            "lower_only": each(lambda g, h: np.maximum(g, -h)),
            "all_to_c": each(lambda g, h: np.sign(g) * h),
            "by_norm": clipping.clip_by_global_norm(grads, c, batched=True)[0],
            "abs": each(lambda g, h: np.minimum(np.abs(g), h)),
            "zeroed": each(lambda g, h: np.where(np.abs(g) > h, 0.0, g)),
            "per_tensor_norm": {k: norm(g, EPS) for k, g in grads.items()},
            "per_tensor_norm:no_eps": {k: norm(g, 0.0) for k, g in grads.items()},
            "lower_zero": each(lambda g, h: np.clip(g, 0.0, h)),
            "weights_only": {k: np.clip(g, -_pm(c, g), _pm(c, g)) if k.startswith("W") else g
                             for k, g in grads.items()}}


def check_clip_by_value(fn: Callable, *, grade: bool = False):
    """Check your ``clip_by_value_exercise(grads, clip_value) -> dict`` (K models)."""
    return check("clip_by_value", fn, _ref_clip_by_value, _value_cases(), mistakes=_value_mistakes,
                 hints=CLIP_VALUE_HINTS, grade=grade)


def _clipped_short(a, b, e):
    """The angle in degrees with the cosine clipped to [−1 + e, 1 − e] (a "safe arccos")."""
    return _angles(_rows(a), _rows(b, sorted(a)), -1.0 + e, 1.0 - e)


def _folded(a, b):
    """arccos(|cos|) in degrees: the angle folded into [0°, 90°] (computed from |cos|, not as
    180° − the angle, which near 180° differs from it by more than the tolerance's 1e-6°)."""
    cos = _cosines(_rows(a, list(a)), _rows(b, list(a)))
    return np.degrees(np.arccos(np.clip(np.abs(cos), 0.0, 1.0)))


def _angle_mistakes(a, b):
    ang = _ref_angle(a, b)
    u, v = _rows(a), _rows(b, sorted(a))
    one = np.degrees(np.arccos(np.clip(np.sum(u * v) / (np.linalg.norm(u) * np.linalg.norm(v)),
                                       -1.0, 1.0)))
    per = np.mean([_angles(_rows(a, [k]), _rows(b, [k])) for k in sorted(a)], axis=0)
    dots = np.sum(u * v, axis=1)
    return {"one_angle": np.full_like(ang, one),
            "norm_all_models": np.degrees(np.arccos(np.clip(
                dots / (np.linalg.norm(u) * np.linalg.norm(v)), -1.0, 1.0))),
            **{"mixed_models" + s: _angles(_mixed_rows(a, keys), _mixed_rows(b, keys))
               for s, keys in _orders(a)},
            "radians": np.radians(ang), "cosine": np.cos(np.radians(ang)),
            "not_normalized": np.degrees(np.arccos(np.clip(dots, -1.0, 1.0))),
            "per_tensor_mean": per, "complement": 90.0 - ang,
            "folded": _folded(a, b),
            **{f"clipped_cosine:{e:g}": _clipped_short(a, b, e) for e in CLIPS},
            "key_order": _angles(_rows(a, list(a)), _rows(b, list(b)))}


def _angle_form(got, a, b):
    K = len(next(iter(a.values())))
    one = _one_number(got, ANGLE_HINTS["one_angle"], "angle", _ref_angle(a, b),
                      _angle_mistakes(a, b)["one_angle"][0])
    if one:
        return one
    arr = real_array(got)
    if arr is None:
        return None                                   # judged (and described) later
    if arr.shape == (K, K) and np.allclose(np.diag(arr), _ref_angle(a, b), rtol=1e-4, atol=1e-3):
        return PAIRS
    if arr.size == K and np.isnan(arr).any():
        # rounding pushes a cosine a hair outside [−1, 1] only where it is ±1 (0° or 180°),
        # and then the other models' angles are right
        ref, got = _ref_angle(a, b), arr.reshape(-1)
        nan = np.isnan(got)
        if np.all(np.minimum(ref[nan], 180.0 - ref[nan]) < 1e-3) and np.allclose(
                got[~nan], ref[~nan], rtol=1e-3, atol=1e-3):   # float32 too
            return ("you returned NaN: rounding can push the cosine a hair outside [−1, 1]; "
                    "use np.arccos(np.clip(cos, -1, 1))")
        return (f"you returned NaN for {int(nan.sum())} of {K} models: np.arccos of a number "
                f"outside [−1, 1], and not only by a rounding (your other angles are off "
                f"too, or a NaN is far from 0° and 180°): is it the cosine, a·b / (‖a‖ ‖b‖) "
                f"with model k's own norms?")
    return None


def _angle_cases(seed=3):
    rng = np.random.default_rng(seed)
    g = _grads(rng, [1.0, 5.0, 0.2], (4, 4, 4))
    cases = [(g, clipping.clip_by_value(g, np.array([0.5, 1.0, 0.05])))]   # turned by clipping
    # opposite directions (180°) at several scales: without np.clip, rounding puts a cosine
    # below −1 (arccos: NaN) in every usual form on one of these models
    g = _grads(np.random.default_rng(0), np.ones(10))
    s = -np.array([1.0, 10.0, 0.3, 3.0, 7.0, 2.5, 0.7, 1.3, 4.0, 0.2])
    cases.append((g, {k: _pm(s, v) * v for k, v in g.items()}))
    cases.append((_grads(rng, [1.0, 2.0], (5, 3, 2)), _grads(rng, [0.5, 1.0], (5, 3, 2))))
    # b lists its keys in another order than a (the prompt: "in the same key order for both")
    g = _grads(rng, [1.0, 0.3, 2.0], (3, 4, 2))
    other = _grads(rng, [0.5, 1.0, 1.5], (3, 4, 2))
    cases.append((g, dict(reversed(list(other.items())))))
    return cases


def check_angle(fn: Callable, *, grade: bool = False):
    """Check your ``angle_exercise(a, b)``: K angles in degrees."""
    return check("angle", fn, _ref_angle, _angle_cases(), mistakes=_angle_mistakes,
                 hints=ANGLE_HINTS, form_hint=_angle_form, rtol=1e-6, atol=1e-6, grade=grade)


assert_clip_by_norm = assert_form(check_clip_by_norm)
assert_clip_by_value = assert_form(check_clip_by_value)
assert_angle = assert_form(check_angle)
