"""Lesson 03 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
import pytest
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import penalties
from wdlib.exercises import lesson03 as L

S = penalties.soft_threshold

SOFT_CORRECT = [
    lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0),
    lambda w, t: np.where(w > t, w - t, np.where(w < -t, w + t, 0.0)),
    lambda w, t: np.clip(w - t, 0, None) + np.clip(w + t, None, 0),
    lambda w, t: (np.sign(w) * np.maximum(np.abs(w) - t, 0)).astype(np.float32),
]
SOFT_MISTAKES = [
    (lambda w, t: np.sign(w) * np.minimum(np.abs(w) - t, 0), "min_for_max"),
    (lambda w, t: np.clip(w, -t, t), "clip"),
    (lambda w, t: np.where(np.abs(w) > t, w, 0.0), "hard"),
    (lambda w, t: w - t * np.sign(w), "crossed_zero"),
    (lambda w, t: np.maximum(np.abs(w) - t, 0), "sign_lost"),
    (lambda w, t: w / (1 + t), "l2_prox"),
    (lambda w, t: S(w, 2 * t), "t_twice"),
    (lambda w, t: S(w, t / 2), "t_half"),
    (lambda w, t: np.maximum(w - t, 0), "one_sided"),
]
test_soft_correct = accepts(L.check_soft_threshold, SOFT_CORRECT)
test_soft_mistakes = names(L.check_soft_threshold, L.SOFT_THRESHOLD_HINTS, SOFT_MISTAKES)
test_soft_robust = robust(L.check_soft_threshold)
test_soft_robust_extra = robust_extra(L.check_soft_threshold)

grad = lambda w, X, y: X.T @ (X @ w - y) / len(y)                           # noqa: E731
PROX_CORRECT = [
    lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), lr * lam),
    lambda w, X, y, lr, lam: (lambda v: np.sign(v) * np.maximum(np.abs(v) - lr * lam, 0))(
        w - lr / len(y) * (X.T @ X @ w - X.T @ y)),
    lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), lr * lam).astype(np.float32),
]
PROX_MISTAKES = [
    (lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), lam), "threshold_lam"),
    (lambda w, X, y, lr, lam: w - lr * (grad(w, X, y) + lam * np.sign(w)), "subgradient"),
    (lambda w, X, y, lr, lam: w - lr * grad(w, X, y), "no_threshold"),
    (lambda w, X, y, lr, lam: S(w + lr * grad(w, X, y), lr * lam), "uphill"),
    (lambda w, X, y, lr, lam: S(w - lr * X.T @ (X @ w - y), lr * lam), "no_1_over_n"),
    (lambda w, X, y, lr, lam: S(w - 2 * lr * grad(w, X, y), lr * lam), "grad_twice"),
    (lambda w, X, y, lr, lam: (lambda u: u - lr * grad(u, X, y))(S(w, lr * lam)),
     "order_swapped"),
    (lambda w, X, y, lr, lam: S(w, lr * lam) - lr * grad(w, X, y), "threshold_w"),
]
test_prox_correct = accepts(L.check_prox_lasso_step, PROX_CORRECT)
# found by the simulated class, round 4: each got only a description of what differs
PROX_MISTAKES += [
    (lambda w, X, y, lr, lam: (w - lr * grad(w, X, y)) / (1 + lr * lam), "l2_prox"),
    # round 6: λ divided by n like the data term got "6 of 6 entries differ"
    (lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), lr * lam / len(y)), "threshold_over_n"),
    # round 8: the ½ of the L2 penalty carried over to λ‖w‖₁ got "6 of 6 entries differ"
    (lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), lr * lam / 2), "threshold_half"),
    # and 2·lr·λ (the derivative of a square taken for |w|'s) got "6 of 6 entries differ"
    (lambda w, X, y, lr, lam: S(w - lr * grad(w, X, y), 2 * lr * lam), "threshold_twice"),
    # round 10: a soft-thresholding slip inside the step (right for positive weights only, the
    # sign dropped, hard thresholding, no stop at 0) got "4 of 6 entries differ" and the like
    (lambda w, X, y, lr, lam: np.maximum(w - lr * grad(w, X, y) - lr * lam, 0), "one_sided"),
    (lambda w, X, y, lr, lam: np.maximum(np.abs(w - lr * grad(w, X, y)) - lr * lam, 0),
     "sign_lost"),
    (lambda w, X, y, lr, lam: (lambda v: np.where(np.abs(v) > lr * lam, v, 0.0))(
        w - lr * grad(w, X, y)), "hard"),
    (lambda w, X, y, lr, lam: (lambda v: v - lr * lam * np.sign(v))(w - lr * grad(w, X, y)),
     "crossed_zero"),
]
test_prox_mistakes = names(L.check_prox_lasso_step, L.PROX_HINTS, PROX_MISTAKES)
test_prox_robust = robust(L.check_prox_lasso_step)
test_prox_robust_extra = robust_extra(L.check_prox_lasso_step)

cols = lambda W: np.linalg.norm(W, axis=0)                                   # noqa: E731
MAX_CORRECT = [
    lambda W, c: W * np.minimum(1, c / cols(W)),
    lambda W, c: np.where(cols(W) > c, W * c / cols(W), W),
    lambda W, c: (W / np.maximum(1, cols(W) / c)).astype(np.float32),
]
MAX_MISTAKES = [
    (lambda W, c: W * np.minimum(1, c / np.linalg.norm(W, axis=1, keepdims=True)), "rows"),
    (lambda W, c: W * c / cols(W), "all_columns"),
    (lambda W, c: W * min(1, c / np.linalg.norm(W)), "whole_matrix"),
    (lambda W, c: W * np.minimum(1, c**2 / cols(W) ** 2), "squared"),
    (lambda W, c: np.clip(W, -c, c), "clip_entries"),
    # round 6: the norm left squared, c / Σw² (no square root), got "10 of 20 entries differ"
    (lambda W, c: W * np.minimum(1, c / np.sum(W**2, axis=0)), "squared:c"),
    # round 6: the columns above c rescaled to norm 1, W / ‖w‖ without the c
    (lambda W, c: np.where(cols(W) > c, W / cols(W), W), "unit_norm"),
    # found by the simulated class: torch.renorm(W, 2, 0, c) bounds the rows and divides by
    # (norm + 1e-7); it got only "14 of 20 entries differ" (the rows mistake has no eps)
    (lambda W, c: W * np.where(np.linalg.norm(W, axis=1, keepdims=True) > c,
                               c / (np.linalg.norm(W, axis=1, keepdims=True) + 1e-7), 1.0),
     "rows_renorm"),
    # an L1 column norm got only a description of what differs
    (lambda W, c: W * np.minimum(1, c / np.abs(W).sum(axis=0)), "l1_columns"),
]
test_max_correct = accepts(L.check_max_norm, MAX_CORRECT, runtime_warnings=True)  # 0-column
test_max_mistakes = names(L.check_max_norm, L.MAX_NORM_HINTS, MAX_MISTAKES)
test_max_robust = robust(L.check_max_norm)
test_max_robust_extra = robust_extra(L.check_max_norm)


def test_max_norm_keeps_a_zero_column_zero():
    """A dead unit (a zero column) is inside every ball: it stays 0. Rescaling every column to
    its norm first (0/0) makes it NaN, and is refused; the clean forms pass."""
    ok, _ = run(L.check_max_norm,
                lambda W, c: W / cols(W) * np.minimum(cols(W), c))
    assert not ok
    assert any((W[:, 1] == 0).all() for W, _ in L.max_norm_cases())


def test_max_norm_in_place_is_named():
    def project_in_place(W, c):
        W *= np.minimum(1.0, c / np.linalg.norm(W, axis=0))
        return W

    ok, line = run(L.check_max_norm, project_in_place)
    assert not ok and "modified its input `W` in place" in line and "W.copy()" in line, line


def test_max_norm_by_torch_renorm_is_accepted():
    """torch.renorm, PyTorch's max-norm, divides by (norm + 1e-7): it was refused for a
    relative 6e-8 ("10 of 20 entries differ")."""
    torch = __import__("pytest").importorskip("torch")
    ok, line = run(L.check_max_norm,
                   lambda W, c: torch.renorm(torch.from_numpy(W), p=2, dim=1, maxnorm=c))
    assert ok, line
    ok, line = run(L.check_max_norm, lambda W, c: W * np.minimum(1, c / (cols(W) + 1e-4)))
    assert not ok, line


def test_max_norm_every_column_rescaled_is_named_with_a_zero_column_kept():
    """Rescaling every column to norm c while keeping a dead unit at 0 (no NaN) got a
    description, not the hint: the typical mistake's own value had NaN in that column."""
    safe = lambda W: np.where(cols(W) > 0, cols(W), 1.0)                     # noqa: E731
    for fn, key in [(lambda W, c: W * c / safe(W), "all_columns"),
                    (lambda W, c: W * np.minimum(1, c**2 / safe(W) ** 2), "squared")]:
        ok, line = run(L.check_max_norm, fn)
        assert not ok and L.MAX_NORM_HINTS[key] in line, line


EPS_FORMS = {   # an eps added to the column norm, as torch.renorm, min(1, ·) and Keras write it
    "min": lambda e: lambda W, c: W * np.minimum(1, c / (cols(W) + e)),
    "renorm": lambda e: lambda W, c: np.where(cols(W) > c, W * c / (cols(W) + e), W),
    "keras": lambda e: lambda W, c: W * np.clip(cols(W), 0, c) / (cols(W) + e),
    "max": lambda e: lambda W, c: W / np.maximum(1, (cols(W) + e) / c),
    "float32 min": lambda e: lambda W, c: (W * np.minimum(1, c / (cols(W) + e))).astype(
        np.float32),
}


@pytest.mark.parametrize("form", EPS_FORMS)
@pytest.mark.parametrize("eps, shown", [(1e-6, "1e-06"), (3e-6, "3e-06"), (2.5e-4, "0.00025"),
                                        (1e-3, "0.001"), (7e-3, "0.007"), (1e-2, "0.01"),
                                        (0.3, "0.3")])
def test_any_eps_added_to_the_norm_is_named_with_its_value(form, eps, shown):
    """An eps in the column norm is read from the answer (solved for on one column, confirmed
    on every case): only 1e-4, 1e-3 and 1e-2 were named, others got 'your value = (1 - 9.1e-4)
    × the expected one' or, for 1e-6 (torch's clip_grad_norm_ habit), a float32 hint, which
    this float64 answer never used (simulated class). A float32 answer is named where float32
    can tell its eps (from 1e-3 on; below, it is correct at float32's precision)."""
    ok, line = run(L.check_max_norm, EPS_FORMS[form](eps))
    if form.startswith("float32") and eps < 1e-3:
        assert ok, line
        return
    hint = L.MAX_NORM_EPS.split("{")[0]
    assert not ok and hint in line and f"norm + {shown}," in line, line
    assert "float32" not in line, line


@pytest.mark.parametrize("eps, shown", [(1e-6, "1e-06"), (1e-4, "0.0001"), (0.5, "0.5")])
def test_an_eps_inside_the_square_root_is_named_with_its_value(eps, shown):
    """√(Σw² + eps), the eps habit of a norm written by hand, got 'differs by a relative
    1.8e-05' (simulated class, round 4); an eps below the tolerance's reach (1e-8) is correct."""
    fn = lambda e: lambda W, c: W * np.minimum(1, c / np.sqrt((W**2).sum(0) + e))  # noqa: E731
    ok, line = run(L.check_max_norm, fn(eps))
    assert not ok and f"√(‖w‖² + {shown})," in line, line
    ok, line = run(L.check_max_norm, fn(1e-8))
    assert ok, line


def test_an_eps_is_named_only_when_it_explains_every_case():
    """One eps for the first case and another elsewhere is no eps the answer adds: described."""
    first = L.max_norm_cases()[0][0]
    ok, line = run(L.check_max_norm, lambda W, c: EPS_FORMS["min"](
        1e-3 if W.shape == first.shape else 3e-3)(W, c))
    assert not ok and L.MAX_NORM_EPS.split("{")[0] not in line, line



def test_max_norm_torch_renorm_over_rows_is_named():
    """torch.renorm's dim is the one whose slices are bounded: dim=0 rescales the rows."""
    torch = __import__("pytest").importorskip("torch")
    ok, line = run(L.check_max_norm,
                   lambda W, c: torch.renorm(torch.from_numpy(W), p=2, dim=0, maxnorm=c))
    assert not ok and L.MAX_NORM_HINTS["rows_renorm"] in line, line


def test_keras_maxnorm_is_accepted():
    """Keras's MaxNorm (keras.constraints, axis=0) is w · clip(‖w_j‖, 0, c) / (1e-7 + ‖w_j‖):
    it multiplies every column, those inside the ball by ‖w_j‖/(1e-7 + ‖w_j‖) too. A framework's
    max-norm, like torch.renorm's (accepted); it was refused with 'about float32's rounding'."""
    def keras_max_norm(W, c):
        norms = np.sqrt(np.sum(np.square(W), axis=0, keepdims=True))
        return W * (np.clip(norms, 0, c) / (1e-7 + norms))

    ok, line = run(L.check_max_norm, keras_max_norm)
    assert ok, line
    ok, line = run(L.check_max_norm, lambda W, c: keras_max_norm(W, c) * (1 + 1e-6))
    assert not ok, line


@pytest.mark.parametrize("form", ["min", "renorm", "keras", "max"])
@pytest.mark.parametrize("eps", [1e-8, 3e-8, 5e-8, 9e-8, 1e-7])
def test_an_eps_up_to_the_frameworks_1e7_is_accepted(form, eps):
    """1e-7 (torch.renorm's and Keras's eps) is accepted, so a smaller eps is too: 3e-8 in any
    form, and 1e-8 in Keras's (which also scales the columns inside the ball), were told
    'almost: you divide by the column's norm + 3e-08 ... (torch.renorm and Keras add 1e-7,
    which is accepted)', an answer nearer the exact projection than the accepted one."""
    ok, line = run(L.check_max_norm, EPS_FORMS[form](eps))
    assert ok, line


def test_an_eps_just_over_the_frameworks_is_still_named():
    ok, line = run(L.check_max_norm, EPS_FORMS["keras"](2e-7))
    assert not ok and "norm + 2e-07," in line, line


def _shrink_factor(w, t):
    """Soft-thresholding as a shrink factor, w·max(0, 1 − t/|w|): 0/0 where w = 0 at t = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return w * np.maximum(0.0, 1.0 - t / np.abs(w))


def test_soft_threshold_is_tried_at_t_zero():
    """The prompt allows t ≥ 0, but every case had t > 0: the shrink-factor form, NaN where
    w = 0 at t = 0, was accepted (simulated class, round 7). Now a case has t = 0 and zeros in
    w, and the hint names the 0/0; the same form guarded at w = 0 is accepted."""
    assert any(t == 0 and (w == 0).any() for w, t in L.soft_threshold_cases())
    ok, line = run(L.check_soft_threshold, _shrink_factor)
    assert not ok and "NaN where w = 0" in line and "0/0" in line, line
    for right in [lambda w, t: np.nan_to_num(_shrink_factor(w, t)),
                  lambda w, t: np.where(w == 0, 0.0, _shrink_factor(w, t)),
                  lambda w, t: w - np.clip(w, -t, t)]:
        ok, line = run(L.check_soft_threshold, right)
        assert ok, line
    # a NaN that is not the 0/0 at w = 0 gets no such claim
    ok, line = run(L.check_soft_threshold,
                   lambda w, t: S(w, t) if t else np.where(w == 0, 0.0, np.nan))
    assert not ok and "0/0" not in line, line


def test_a_broadcast_error_says_how_shapes_pair():
    """Simulated class, round 10: the norms of the rows (axis=1) for the columns' got only
    NumPy's 'operands could not be broadcast together with shapes (5,4) (5,)'."""
    from wdlib.exercises import _core
    ok, line = run(L.check_max_norm, lambda W, c: W * np.minimum(1, c / np.linalg.norm(W, axis=1)))
    assert not ok and _core.BROADCAST in line and _core.BROADCAST_K not in line, line
