"""Lesson 06 checkers (K models at once): correct variants accepted, each typical mistake
named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import clipping
from wdlib.exercises import lesson06 as L


def pm(h, g):
    """K values shaped (K, 1, ..., 1) against g (a scalar as it is)."""
    return np.reshape(h, (-1,) + (1,) * (g.ndim - 1)) if np.ndim(h) else h


def _sq(g):
    return np.sum(g ** 2, axis=tuple(range(1, g.ndim)))


def _norm(grads, keys=None):
    keys = list(grads) if keys is None else keys
    return np.sqrt(sum(_sq(grads[k]) for k in keys))


def _clip(coef=lambda n, m: np.minimum(1.0, m / (n + 1e-6)), norm_after=False, dtype=None,
          shape=pm):
    def fn(grads, max_norm):
        n = _norm(grads)
        c = coef(n, max_norm)
        out = {k: shape(c, g) * g for k, g in grads.items()}
        if dtype is not None:
            out = {k: v.astype(dtype) for k, v in out.items()}
        return out, (_norm(out) if norm_after else n)
    return fn


def _loop_over_models(grads, max_norm):
    """One model at a time, as lesson 06's section 1 does for one: a Python loop over K."""
    K = len(next(iter(grads.values())))
    m = np.broadcast_to(max_norm, (K,))
    out, norms = {k: np.empty_like(g) for k, g in grads.items()}, []
    for i in range(K):
        one = {k: g[i] for k, g in grads.items()}
        n = np.sqrt(sum(np.sum(g ** 2) for g in one.values()))
        for k, g in one.items():
            out[k][i] = min(1.0, m[i] / (n + 1e-6)) * g
        norms.append(n)
    return out, norms


def _rows(grads):
    K = len(next(iter(grads.values())))
    return np.concatenate([grads[k].reshape(K, -1) for k in sorted(grads)], axis=1)


def _expand(c, g):                                   # np.expand_dims instead of a reshape
    return np.expand_dims(c, tuple(range(1, g.ndim))) if np.ndim(c) else c


NORM_CORRECT = [_clip(), lambda g, m: clipping.clip_by_global_norm(g, m, batched=True),
                _clip(dtype=np.float32), lambda g, m: list(_clip()(g, m)),
                _clip(shape=_expand), _loop_over_models,
                lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                                          for k, v in g.items()}, n))(
                    np.linalg.norm(_rows(g), axis=1)),
                lambda g, m: (lambda n: ({k: v * pm(np.clip(m / (n + 1e-6), None, 1.0), v)
                                          for k, v in g.items()}, n.tolist()))(_norm(g))]
NORM_MISTAKES = [
    (_clip(norm_after=True), "norm_after"),
    (_clip(coef=lambda n, m: np.minimum(1.0, m / n)), "no_eps"),
    (_clip(coef=lambda n, m: m / (n + 1e-6)), "scaled_up"),
    (_clip(coef=lambda n, m: np.minimum(1.0, n / m)), "upside_down"),
    (lambda g, m: ({k: np.minimum(1, pm(m, v) / (pm(np.sqrt(_sq(v)), v) + 1e-6)) * v
                    for k, v in g.items()}, _norm(g)), "per_tensor"),
    (lambda g, m: (clipping.clip_by_value(g, m), _norm(g)), "by_value"),
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1, m / (n + 1e-6)), v) * v if k[0] == "W" else v
                               for k, v in g.items()}, n))(_norm(g, ["W1", "W2"])),
     "weights_only"),
    (lambda grads, c: (lambda n: ({k: pm(np.minimum(1.0, c / (n + 1e-6)), g) * g
                                   for k, g in grads.items()},
                                  np.minimum(1.0, c / (n + 1e-6))))(_norm(grads)), "coefficient"),
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                               for k, v in g.items()}, n))(
        sum(np.sqrt(_sq(v)) for v in g.values())), "sum_of_norms"),           # Σ‖g_i‖
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / n), v) * v for k, v in g.items()}, n))(
        sum(np.sqrt(_sq(v)) for v in g.values())), "sum_of_norms:no_eps"),
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                               for k, v in g.items()}, n))(
        np.max([np.sqrt(_sq(v)) for v in g.values()], axis=0)), "max_of_norms"),  # max‖g_i‖
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / n), v) * v for k, v in g.items()}, n))(
        np.max([np.sqrt(_sq(v)) for v in g.values()], axis=0)), "max_of_norms:no_eps"),
]
# the mistakes of K models at once: section 1's one-model code kept as it is (one norm over
# all K), the K coefficients broadcast on the last axis (as (K,)) or the second to last
# (as (K, 1)), and the models' entries mixed by raveling every array whole
ONE_NORM = lambda g, m: (lambda n: ({k: np.minimum(1.0, m / (n + 1e-6)) * v   # noqa: E731
                                     if np.ndim(m) == 0 else
                                     pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                                     for k, v in g.items()}, n))(
    np.sqrt(sum(np.sum(v ** 2) for v in g.values())))
NORM_MISTAKES += [
    # round 6: min(1.0, *coefs), the smallest coefficient for every model, got "48 of 64
    # entries differ"
    (_clip(coef=lambda n, m: np.full_like(n, min(1.0, *np.ravel(m / (n + 1e-6))))),
     "one_coefficient"),
    # round 8: one threshold for every model (the first, or the largest) got "24 of 36 entries
    # differ", where clip_by_value names it
    (lambda g, m: clipping.clip_by_global_norm(g, float(np.ravel(m)[0]), batched=True),
     "one_threshold:first"),
    (lambda g, m: clipping.clip_by_global_norm(g, float(np.max(m)), batched=True),
     "one_threshold:max"),
    (ONE_NORM, "one_norm"),
    (lambda g, m: (lambda n: ({k: v * pm(np.minimum(1.0, m / (n + 1e-6)), v) for k, v in g.items()},
                              n))(np.full(len(g["W1"]), np.sqrt(np.sum(_norm(g) ** 2)))),
     "one_norm"),                                             # the same norm K times
    (_clip(shape=lambda c, g: c), "wrong_axis"),
    (_clip(shape=lambda c, g: np.reshape(c, (-1, 1)) if np.ndim(c) else c), "wrong_axis:2d"),
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                               for k, v in g.items()}, n))(np.linalg.norm(np.concatenate(
                                   [np.ravel(g[k]) for k in sorted(g)]).reshape(
                                       len(g["W1"]), -1), axis=1)), "mixed_models:sorted"),
    (lambda g, m: (lambda n: ({k: pm(np.minimum(1.0, m / (n + 1e-6)), v) * v
                               for k, v in g.items()}, n))(np.linalg.norm(np.concatenate(
                                   [np.ravel(v) for v in g.values()]).reshape(
                                       len(g["W1"]), -1), axis=1)), "mixed_models"),
]
test_norm_correct = accepts(L.check_clip_by_norm, NORM_CORRECT)


def clip_by_norm_scratch(grads, max_norm):
    """Section 1's one-model function, as the lesson writes it."""
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))     # ONE norm for all tensors
    coef = min(1.0, max_norm / (norm + 1e-6))                       # torch's formula, eps included
    return {k: coef * g for k, g in grads.items()}, norm           # norm BEFORE clipping


def clip_by_value_scratch(grads, clip_value):
    return {k: np.clip(g, -clip_value, clip_value) for k, g in grads.items()}


def angle_deg(a, b):
    u, v = (np.concatenate([np.ravel(d[k]) for k in sorted(d)]) for d in (a, b))
    return np.degrees(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))


def test_section_1s_code_pasted_as_it_is_is_told_the_new_step():
    """The exercises were section 1's functions (a teacher found the release handed out the
    answers); now that code, pasted unchanged, is refused with the hint that names what the
    K models need: one norm per model, the thresholds on the model axis, one angle per model."""
    for checker, fn, hint in [
            (L.check_clip_by_norm, clip_by_norm_scratch, L.CLIP_NORM_HINTS["one_norm"]),
            (L.check_clip_by_value, clip_by_value_scratch, L.CLIP_VALUE_HINTS["wrong_axis"]),
            (L.check_angle, angle_deg, L.ANGLE_HINTS["one_angle"])]:
        ok, line = run(checker, fn)
        assert not ok and line.endswith(hint), line
def _spectral_clip(grads, max_norm):
    """np.linalg.norm(g, ord=2, axis=(1, 2)) for a weight's (K, a, b) array: its largest
    singular value, not the length of its entries."""
    sq = sum((np.linalg.norm(g, ord=2, axis=(1, 2)) if g.ndim == 3
              else np.linalg.norm(g, axis=1)) ** 2 for g in grads.values())
    norms = np.sqrt(sq)
    s = np.minimum(1.0, np.asarray(max_norm) / (norms + 1e-6))
    return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms


# round 10: the spectral norm of each weight matrix got "'norm': 4 of 4 entries differ"
NORM_MISTAKES += [(_spectral_clip, "spectral")]
test_norm_mistakes = names(L.check_clip_by_norm, L.CLIP_NORM_HINTS, NORM_MISTAKES)
test_norm_robust = robust(L.check_clip_by_norm)
test_norm_robust_extra = robust_extra(L.check_clip_by_norm)


def test_norm_swapped():
    ok, line = run(L.check_clip_by_norm,
                   lambda g, m: clipping.clip_by_global_norm(g, m, batched=True)[::-1])
    assert not ok and "swapped" in line, line


def test_norm_cases_hold_models_on_both_sides_of_their_thresholds():
    """Every case has a model that must be left unchanged and one that is clipped, and a case
    whose every axis has length K (where a wrong-axis broadcast gives numbers, not an error)."""
    cases = L._norm_cases(1)
    for grads, m in cases:
        n = _norm(grads)
        assert np.any(n + 1e-6 <= m) and np.any(n > m)
    assert np.ndim(cases[0][1]) == 0 and all(np.shape(m) == (len(g["W1"]),) for g, m in cases[1:])
    assert {g.shape[1:] for g in cases[0][0].values()} <= {(4,), (4, 4)} and \
        len(cases[0][0]["W1"]) == 4


VALUE_CORRECT = [lambda g, c: {k: np.clip(v, -pm(c, v), pm(c, v)) for k, v in g.items()},
                 clipping.clip_by_value,
                 lambda g, c: {k: np.minimum(np.maximum(v, -pm(c, v)), pm(c, v)).astype(np.float32)
                               for k, v in g.items()},
                 lambda g, c: {k: np.clip(v, -_expand(c, v), _expand(c, v)) for k, v in g.items()},
                 lambda g, c: {k: np.stack([np.clip(v[i], -c[i], c[i]) for i in range(len(c))])
                               for k, v in g.items()},                        # a loop over K
                 lambda g, c: {k: np.clip(v.T, -c, c).T for k, v in g.items()}]  # K last, then back
VALUE_MISTAKES = [
    (lambda g, c: {k: np.minimum(v, pm(c, v)) for k, v in g.items()}, "upper_only"),
    (lambda g, c: {k: np.maximum(v, -pm(c, v)) for k, v in g.items()}, "lower_only"),
    (lambda g, c: {k: np.sign(v) * pm(c, v) for k, v in g.items()}, "all_to_c"),
    (lambda g, c: clipping.clip_by_global_norm(g, c, batched=True)[0], "by_norm"),
    (lambda g, c: {k: np.minimum(np.abs(v), pm(c, v)) for k, v in g.items()}, "abs"),
    (lambda g, c: {k: np.where(np.abs(v) > pm(c, v), 0, v) for k, v in g.items()}, "zeroed"),
    (lambda g, c: {k: np.minimum(1.0, pm(c, v) / pm(np.sqrt(_sq(v)), v)) * v
                   for k, v in g.items()}, "per_tensor_norm:no_eps"),     # Keras's clipnorm=
    (lambda g, c: {k: np.minimum(1.0, pm(c, v) / (pm(np.sqrt(_sq(v)), v) + 1e-6)) * v
                   for k, v in g.items()}, "per_tensor_norm"),            # the same, with eps
    (lambda g, c: {k: np.clip(v, 0, pm(c, v)) for k, v in g.items()}, "lower_zero"),
    (lambda g, c: {k: np.clip(v, -pm(c, v), pm(c, v)) if k.startswith("W") else v
                   for k, v in g.items()}, "weights_only"),
    # K thresholds: one for all, or on the wrong axis
    (lambda g, c: {k: np.clip(v, -np.max(c), np.max(c)) for k, v in g.items()},
     "one_threshold:max"),
    (lambda g, c: {k: np.clip(v, -min(c), min(c)) for k, v in g.items()}, "one_threshold:min"),
    (lambda g, c: {k: np.clip(v, -c[0], c[0]) for k, v in g.items()}, "one_threshold:first"),
    (lambda g, c: {k: np.clip(v, -c, c) for k, v in g.items()}, "wrong_axis"),
    (lambda g, c: {k: np.clip(v, -c[:, None], c[:, None]) for k, v in g.items()},
     "wrong_axis:2d"),
]
test_value_correct = accepts(L.check_clip_by_value, VALUE_CORRECT)
test_value_mistakes = names(L.check_clip_by_value, L.CLIP_VALUE_HINTS, VALUE_MISTAKES)
test_value_robust = robust(L.check_clip_by_value)
test_value_robust_extra = robust_extra(L.check_clip_by_value)


def test_value_wrong_axis_is_named_where_it_only_raises_later():
    """A (K,) threshold broadcasts against the last axis: numbers on the first case (every axis
    of length K), NumPy's error on the others; the hint from the first case is given."""
    ok, line = run(L.check_clip_by_value, lambda g, c: {k: np.clip(v, -c, c)
                                                         for k, v in g.items()})
    assert not ok and "the *first* axis" in line and "raised" not in line, line


def _angle(a, b):
    u, v = _rows(a), _rows({k: b[k] for k in a})
    cos = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _angle_loop(a, b):
    """Section 1's angle_deg, model by model."""
    K = len(a["W1"])
    out = []
    for i in range(K):
        u = np.concatenate([np.ravel(a[k][i]) for k in sorted(a)])
        v = np.concatenate([np.ravel(b[k][i]) for k in sorted(a)])
        out.append(float(np.degrees(np.arccos(np.clip(
            u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))))
    return out


def _angle_einsum(a, b):
    u, v = _rows(a), _rows(b)
    cos = np.einsum("kn,kn->k", u, v) / np.sqrt(np.einsum("kn,kn->k", u, u)
                                                 * np.einsum("kn,kn->k", v, v))
    return np.rad2deg(np.arccos(np.clip(cos, -1.0, 1.0)))


ANGLE_CORRECT = [_angle, _angle_loop, _angle_einsum, lambda a, b: np.float32(_angle(a, b)),
                 lambda a, b: _angle(a, b)[:, None], lambda a, b: list(_angle(a, b))]
ANGLE_MISTAKES = [
    (lambda a, b: np.radians(_angle(a, b)), "radians"),
    (lambda a, b: np.cos(np.radians(_angle(a, b))), "cosine"),
    (lambda a, b: np.degrees(np.arccos(np.clip(np.sum(_rows(a) * _rows(b), axis=1), -1, 1))),
     "not_normalized"),
    (lambda a, b: 90 - _angle(a, b), "complement"),
    (lambda a, b: np.mean([_angle({k: a[k]}, {k: b[k]}) for k in a], axis=0), "per_tensor_mean"),
    # K models at once: section 1's angle_deg as it is (one angle), one norm for all K models,
    # the models' entries mixed
    (lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(
        u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))(
        *(np.concatenate([np.ravel(d[k]) for k in sorted(a)]) for d in (a, b))), "one_angle"),
    (lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(
        np.sum(u * v, axis=1) / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))(
        _rows(a), _rows(b)), "norm_all_models"),
    (lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(np.sum(u * v, axis=1) / (
        np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)), -1, 1))))(
        *(np.concatenate([np.ravel(d[k]) for k in sorted(a)]).reshape(len(a["W1"]), -1)
          for d in (a, b))), "mixed_models:sorted"),
    (lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(np.sum(u * v, axis=1) / (
        np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)), -1, 1))))(
        *(np.concatenate([np.ravel(d[k]) for k in a]).reshape(len(a["W1"]), -1)
          for d in (a, b))), "mixed_models"),
    # round 7: each dict joined in its own key order; no case listed b's keys in another order
    # than a's, so this passed while the prompt says "in the same key order for both"
    (lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(np.sum(u * v, axis=1) / (
        np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)), -1, 1))))(
        *(np.concatenate([d[k].reshape(len(d[k]), -1) for k in d], axis=1) for d in (a, b))),
     "key_order"),
]
ANGLE_CORRECT += [   # one key order for both, a's (insertion) order: right whatever b's is
    lambda a, b: (lambda u, v: np.degrees(np.arccos(np.clip(np.sum(u * v, axis=1) / (
        np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1)), -1, 1))))(
        *(np.concatenate([d[k].reshape(len(d[k]), -1) for k in a], axis=1) for d in (a, b)))]
test_angle_correct = accepts(L.check_angle, ANGLE_CORRECT)
test_angle_mistakes = names(L.check_angle, L.ANGLE_HINTS, ANGLE_MISTAKES)
test_angle_robust = robust(L.check_angle)
test_angle_robust_extra = robust_extra(L.check_angle)


def test_angle_all_pairs_is_named():
    def pairs(a, b):
        u, v = _rows(a), _rows(b)
        cos = u @ v.T / np.outer(np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1))
        return np.degrees(np.arccos(np.clip(cos, -1, 1)))

    ok, line = run(L.check_angle, pairs)
    assert not ok and line.endswith(L.PAIRS), line


def test_norm_missing_or_extra_keys_are_named_as_the_learner_wrote_them():
    """The clipped dict's keys were reported as the checker's internal flat keys ('grad:W1', ...)"""
    only_weights = lambda g, m: ({k: v for k, v in _clip()(g, m)[0].items()   # noqa: E731
                                  if k.startswith("W")}, _norm(g))
    ok, line = run(L.check_clip_by_norm, only_weights)
    assert not ok and "clipped[" not in line and "missing ['b1', 'b2']" in line, line
    extra = lambda g, m: ({**_clip()(g, m)[0], "W3": np.zeros(2)}, _norm(g))  # noqa: E731
    ok, line = run(L.check_clip_by_norm, extra)
    assert not ok and "clipped[" not in line and "unexpected ['W3']" in line, line


def test_angle_nan_in_any_form_gets_the_clip_hint():
    def no_clip(a, b):
        u, v = _rows(a), _rows(b)
        with np.errstate(invalid="ignore"):                   # a notebook only warns
            cos = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
            return np.degrees(np.arccos(cos))

    for wrap in (lambda x: x, list):
        ok, line = run(L.check_angle, lambda a, b, w=wrap: w(no_clip(a, b)))
        assert not ok and "np.clip(cos, -1, 1)" in line, line


def test_angle_without_clip_is_refused_in_every_usual_form():
    """The prompt says to clip the cosine; an answer that does not was accepted when its form
    of the cosine happened to round to exactly −1 on the 180° case (simulated class, one model
    at a time): the cases hold ten opposite pairs at several scales, and every usual form
    rounds one of them below −1, in either key order."""
    norm = np.linalg.norm
    forms = [lambda u, v: np.sum(u * v, 1) / (norm(u, axis=1) * norm(v, axis=1)),
             lambda u, v: np.sum(u * v, 1) / norm(u, axis=1) / norm(v, axis=1),
             lambda u, v: np.sum((u / norm(u, axis=1, keepdims=True))
                                 * (v / norm(v, axis=1, keepdims=True)), 1),
             lambda u, v: np.einsum("ki,ki->k", u, v) / np.sqrt(np.sum(u**2, 1) * np.sum(v**2, 1)),
             lambda u, v: np.sum(u * v, 1) / (np.sqrt(np.sum(u * u, 1))
                                              * np.sqrt(np.sum(v * v, 1))),
             lambda u, v: np.diag(u @ v.T) / (norm(u, axis=1) * norm(v, axis=1)),
             lambda u, v: np.array([u[k] @ v[k] / (norm(u[k]) * norm(v[k]))
                                    for k in range(len(u))])]
    for form in forms:
        for order in (list, sorted):
            def rows(d, keys):
                return np.concatenate([d[k].reshape(len(d[k]), -1) for k in keys], axis=1)

            def no_clip(a, b, form=form, order=order):
                with np.errstate(invalid="ignore"):
                    return np.degrees(np.arccos(form(rows(a, order(a)), rows(b, order(a)))))
            ok, line = run(L.check_angle, no_clip)
            assert not ok and "np.clip(cos, -1, 1)" in line, line
            ok, line = run(L.check_angle, lambda a, b, f=form, o=order, r=rows: np.degrees(
                np.arccos(np.clip(f(r(a, o(a)), r(b, o(a))), -1, 1))))
            assert ok, line


def test_norm_hints_name_the_clipped_gradients_readably():
    """A wrong norm with right gradients was described with the checker's internal keys:
    "'norm' is wrong ('grad:W1', 'grad:b1', ... are right)"."""
    ok, line = run(L.check_clip_by_norm, lambda g, m: (_clip()(g, m)[0], 2 * _norm(g)))
    assert not ok and "'norm' is wrong ('clipped[W1]', 'clipped[b1]'" in line, line
    assert "grad:" not in line, line
    ok, line = run(L.check_clip_by_norm, lambda g, m: ({k: None for k in g}, _norm(g)))
    assert not ok and "'clipped[W1]' is None" in line and "grad:" not in line, line


def test_torch_clip_grad_norm_is_accepted():
    """torch's clip_grad_norm_, model by model (it clips one model's parameters): its norms are
    0-d tensors, np.size of a tensor is its bound .size method, never 1, so a checker once said
    "the norm must be one number"; a list of them or a stacked tensor is read as K numbers."""
    torch = __import__("pytest").importorskip("torch")

    def with_torch(grads, max_norm, dtype=torch.float64, join=torch.stack):
        K = len(next(iter(grads.values())))
        m = np.broadcast_to(max_norm, (K,))
        out, norms = {k: [] for k in grads}, []
        for i in range(K):
            ps = {k: torch.nn.Parameter(torch.zeros(v[i].shape, dtype=dtype))
                  for k, v in grads.items()}
            for k, p in ps.items():
                p.grad = torch.tensor(grads[k][i], dtype=dtype)
            norms.append(torch.nn.utils.clip_grad_norm_(list(ps.values()), float(m[i])))
            for k, p in ps.items():
                out[k].append(p.grad)
        return {k: torch.stack(v) for k, v in out.items()}, join(norms)

    for fn in [with_torch, lambda g, m: with_torch(g, m, torch.float32),
               lambda g, m: with_torch(g, m, join=list),
               lambda g, m: (_clip()(g, m)[0], torch.tensor(_norm(g)))]:
        ok, line = run(L.check_clip_by_norm, fn)
        assert ok, line
    ok, line = run(L.check_clip_by_norm, lambda g, m: (_clip()(g, m)[0],
                                                       torch.tensor(np.sum(_norm(g) ** 2) ** 0.5)))
    assert not ok and line.endswith(L.CLIP_NORM_HINTS["one_norm"]), line


def test_clip_by_norm_says_how_many_values_came_back():
    """(clipped, norm, coef) was told 'return a pair (clipped grads, norm), got tuple', which a
    tuple of three is (simulated class); the pair is read as every other checker's outputs."""
    ok, line = run(L.check_clip_by_norm, lambda g, m: (*_clip()(g, m), 1.0))
    assert not ok and "got 3 values" in line, line


def test_clip_norm_with_another_eps_is_told_the_eps_differs():
    """An eps of 1e-8 (Adam's, a common 'safe' eps) cannot be told from no eps by value; it got
    'no eps'. The hint says the eps differs and names the convention (PyTorch's
    clip_grad_norm_, 1e-6); a larger eps (1e-5) is named too."""
    for eps in (0.0, 1e-8, 1e-12, 1e-7, 1e-5, 1e-4):
        ok, line = run(L.check_clip_by_norm,
                       _clip(coef=lambda n, m, e=eps: np.minimum(1.0, m / (n + e))))
        assert not ok and "eps differs" in line and "clip_grad_norm_" in line \
            and "1e-6" in line, (eps, line)
    ok, line = run(L.check_clip_by_norm, _clip(coef=lambda n, m: np.minimum(1.0, m / (n + 1e-6))))
    assert ok, line


def test_keras_clipnorm_per_tensor_is_named():
    """Keras's clipnorm= clips each tensor by its own norm, with no eps (g·c/max(‖g‖, c)): the
    per-tensor mistake without the eps got only 'too large by a factor of 2.073' (simulated
    class, round 3). The hint names Keras's clipnorm and global_clipnorm."""
    def keras_clipnorm(grads, max_norm):
        return {k: g * pm(max_norm, g) / np.maximum(pm(np.sqrt(_sq(g)), g), pm(max_norm, g))
                for k, g in grads.items()}, _norm(grads)

    ok, line = run(L.check_clip_by_norm, keras_clipnorm)
    assert not ok and L.CLIP_NORM_HINTS["per_tensor"] in line and "global_clipnorm" in line, line


def test_references_are_the_library_batched_and_equal_k_separate_runs():
    """The references are wdlib.clipping's batched functions; model k of each equals the
    one-model function on model k's gradients (the K-axis contract, to 1e-12)."""
    for grads, m in L._norm_cases(1):
        ref = L._ref_clip_by_norm(grads, m)
        ms = np.broadcast_to(m, (len(grads["W1"]),))
        for i, mi in enumerate(ms):
            one, n = clipping.clip_by_global_norm({k: g[i] for k, g in grads.items()}, mi)
            assert abs(ref["norm"][i] - n) <= 1e-12 * n
            assert all(np.allclose(ref[f"clipped[{k}]"][i], one[k], rtol=1e-12, atol=0)
                       for k in grads)
    for grads, c in L._value_cases():
        ref = L._ref_clip_by_value(grads, c)
        for i, ci in enumerate(c):
            one = clipping.clip_by_value({k: g[i] for k, g in grads.items()}, ci)
            assert all(np.array_equal(ref[k][i], one[k]) for k in grads)
    for a, b in L._angle_cases():
        # near 180° the arccos magnifies a rounding of the cosine: 1e-7 relative (checker: 1e-6)
        assert np.allclose(L._ref_angle(a, b), _angle_loop(a, b), rtol=1e-7, atol=1e-9)


def test_section_1s_min_on_k_norms_is_told_to_use_np_minimum():
    """Section 1's `min(1.0, max_norm / (norm + 1e-6))` kept once the norms are per model (K of
    them) raises NumPy's "truth value ... ambiguous" inside the learner's function; the hint
    names the misconception (Python's min on an array) and the fix (simulated class, round 6:
    it showed NumPy's message alone)."""
    def per_model_norms_builtin_min(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g**2, axis=tuple(range(1, g.ndim))) for g in grads.values()))
        coef = min(1.0, max_norm / (norm + 1e-6))
        return {k: pm(coef, g) * g for k, g in grads.items()}, norm
    ok, line = run(L.check_clip_by_norm, per_model_norms_builtin_min)
    assert not ok and "ambiguous" in line and "np.minimum(1.0, x)" in line, line


def _loop_over_models_with(coef_of):
    def clip(grads, max_norm):
        K = len(next(iter(grads.values())))
        out, norms = {k: np.empty_like(g) for k, g in grads.items()}, []
        for i in range(K):
            n = float(np.sqrt(sum(np.sum(g[i] ** 2) for g in grads.values())))
            coef = coef_of(max_norm, i, n)
            for k, g in grads.items():
                out[k][i] = coef * g[i]
            norms.append(n)
        return out, np.array(norms)
    return clip


def test_a_loop_over_models_that_reads_max_norm_one_way_is_told_the_other():
    """max_norm is one number or K of them. A loop over the models that indexes it
    (max_norm[k]) raised "'float' object is not subscriptable" on the one number, and one that
    does not raised NumPy's "truth value ... ambiguous" on K of them: each hint now says what
    happened and how to take both (simulated class, round 6)."""
    ok, line = run(L.check_clip_by_norm,
                   _loop_over_models_with(lambda c, i, n: min(1.0, c[i] / (n + 1e-6))))
    assert not ok and "you indexed a plain number" in line and "np.broadcast_to" in line, line
    ok, line = run(L.check_clip_by_norm,
                   _loop_over_models_with(lambda c, i, n: min(1.0, c / (n + 1e-6))))
    assert not ok and "ambiguous" in line and "model k's own value x[k]" in line, line
    ok, line = run(L.check_clip_by_norm, _loop_over_models_with(     # both ways: accepted
        lambda c, i, n: min(1.0, (c[i] if np.ndim(c) else c) / (n + 1e-6))))
    assert ok, line


def test_a_nan_from_an_unnormalized_cosine_is_not_called_a_rounding():
    """arccos without np.clip gives NaN where rounding pushes a cosine of ±1 a hair outside
    [−1, 1] (0° or 180°), and the hint says so. An unnormalized cosine (the dot product, or
    a·b/‖a‖²) gives NaN too, far outside, and was told the same 'rounding can push the cosine
    a hair outside [−1, 1]; use np.clip', a mistake it had not made (simulated class, round
    7); clipped, it would only get another hint."""
    def angles(cos_of):
        def fn(a, b):                                 # a's key order (rounding depends on it)
            u, v = (np.concatenate([d[k].reshape(len(d[k]), -1) for k in a], axis=1)
                    for d in (a, b))
            with np.errstate(invalid="ignore"):       # a notebook shows the warning
                return np.degrees(np.arccos(cos_of(u, v)))
        return fn

    dots = lambda u, v: np.sum(u * v, axis=1)  # noqa: E731
    norms = lambda u: np.linalg.norm(u, axis=1)  # noqa: E731
    for cos_of in [lambda u, v: dots(u, v), lambda u, v: dots(u, v) / norms(u) ** 2]:
        ok, line = run(L.check_angle, angles(cos_of))
        assert not ok and "NaN" in line and "hair" not in line and "not only by a rounding" \
            in line, line
    for dtype in [np.float64, np.float32]:
        ok, line = run(L.check_angle, angles(
            lambda u, v, t=dtype: dots(u.astype(t), v.astype(t)) / (norms(u.astype(t))
                                                                    * norms(v.astype(t)))))
        assert not ok and "hair outside [−1, 1]" in line, line


def test_one_models_value_returned_is_not_called_all_models_together():
    """A loop over the models that returns the last model's norm (or angle) instead of
    collecting the K of them was told "one norm (angle) over all K models together", a mistake
    it had not made (simulated class, round 7). One number is now said to be all models'
    value only when it is; one model's own value is named; any other number is told K are
    expected."""
    def loop(last_only, what):
        def fn(a, b):
            K = len(next(iter(a.values())))
            out = []
            for i in range(K):
                u = np.concatenate([a[k][i].ravel() for k in a])
                if what == "norm":
                    out.append(float(np.linalg.norm(u)))
                else:
                    v = np.concatenate([b[k][i].ravel() for k in a])
                    out.append(float(np.degrees(np.arccos(np.clip(
                        u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))))
            if what == "norm":
                coef = np.minimum(1.0, np.broadcast_to(b, (K,)) / (np.array(out) + 1e-6))
                clipped = {k: pm(coef, g) * g for k, g in a.items()}
                return clipped, (out[-1] if last_only else np.array(out))
            return out[-1] if last_only else out
        return fn

    for checker, what in [(L.check_clip_by_norm, "norm"), (L.check_angle, "angle")]:
        ok, line = run(checker, loop(False, what))
        assert ok, line
        ok, line = run(checker, loop(True, what))
        assert not ok and f"'s {what} alone" in line and "together" not in line, line
    ok, line = run(L.check_angle, lambda a, b: 45.0)
    assert not ok and "return K = 3 angles" in line and "together" not in line, line
    # section 1's one-model code, one norm of everything: still told so
    ok, line = run(L.check_clip_by_norm, lambda g, c: (g, float(np.sqrt(sum(
        np.sum(v ** 2) for v in g.values())))))
    assert not ok and "one norm over all K models together" in line, line


def test_first_model_alone_is_not_called_a_loops_last_value():
    """A `return` inside the loop over the models returns model 0's norm (or angle) alone; the
    hint named model 0 but guessed "the last value of a loop over the models?", a loop it had
    not run to its end (fresh review). Model 0 is now told of a return inside the loop, the
    last model still of a kept last value."""
    def first(what):
        def fn(a, b):
            K = len(next(iter(a.values())))
            for i in range(K):
                u = np.concatenate([a[k][i].ravel() for k in a])
                if what == "norm":
                    return a, float(np.linalg.norm(u))
                v = np.concatenate([b[k][i].ravel() for k in a])
                return float(np.degrees(np.arccos(np.clip(
                    u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))
        return fn

    for checker, what in [(L.check_clip_by_norm, "norm"), (L.check_angle, "angle")]:
        ok, line = run(checker, first(what))
        assert not ok and f"model 0's {what} alone" in line, line
        assert "last value" not in line and "`return` inside the loop" in line, line


def test_an_angle_folded_into_90_degrees_is_named():
    """Simulated class, round 9: arccos(|cos|) and arcsin(√(1 − cos²)) fold the angle into
    [0°, 90°]; on the inputs whose gradients point opposite ways (180°) they got only 'got 0,
    expected 180'. They are now told the cosine's sign was lost."""
    def cos(a, b):
        u = np.concatenate([a[k].reshape(len(a[k]), -1) for k in a], axis=1)
        v = np.concatenate([b[k].reshape(len(b[k]), -1) for k in a], axis=1)
        return np.sum(u * v, 1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))

    for fn in (lambda a, b: np.degrees(np.arccos(np.clip(np.abs(cos(a, b)), 0, 1))),
               lambda a, b: np.degrees(np.arcsin(np.sqrt(np.clip(1 - cos(a, b) ** 2, 0, 1))))):
        ok, line = run(L.check_angle, fn)
        assert not ok and L.ANGLE_HINTS["folded"] in line, line


def test_a_cosine_clipped_short_of_one_is_named_not_called_float32():
    """A review: a float64 "safe arccos", np.arccos(np.clip(cos, -1 + e, 1 - e)), misses the
    180° case by √(2e) rad and was told 'about float32's rounding… did part of your computation
    run in float32'. It is now told the clip is the gap."""
    def cos(a, b):
        u = np.concatenate([a[k].reshape(len(a[k]), -1) for k in a], axis=1)
        v = np.concatenate([b[k].reshape(len(b[k]), -1) for k in a], axis=1)
        return np.sum(u * v, 1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))

    for e in (1e-7, 1e-9):
        ok, line = run(L.check_angle,
                       lambda a, b, e=e: np.degrees(np.arccos(np.clip(cos(a, b), -1 + e, 1 - e))))
        assert not ok and L.ANGLE_HINTS[f"clipped_cosine:{e:g}"] in line, line
        assert "float32" not in line, line


def test_a_broadcast_error_on_k_models_says_how_shapes_pair():
    """Simulated class, round 10: per-key norms over axis 1 only (a (K, fan_out) array for a
    weight), summed with the biases', got only NumPy's 'operands could not be broadcast together
    with shapes (4,4,4) (16,1,1)'."""
    from wdlib.exercises import _core

    def axis1(grads, c):
        norms = np.sqrt(sum(np.linalg.norm(g, axis=1) ** 2 for g in grads.values()))
        s = np.minimum(1.0, np.asarray(c) / (norms + 1e-6))
        return {k: g * s.reshape((-1,) + (1,) * (g.ndim - 1)) for k, g in grads.items()}, norms

    ok, line = run(L.check_clip_by_norm, axis1)
    assert not ok and _core.BROADCAST in line and _core.BROADCAST_K in line, line
