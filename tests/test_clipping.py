"""wdlib.clipping: exact values, invariants, batching, torch, non-finite inputs, checks."""

import copy

import numpy as np
import pytest
from torch_reference import require_torch

from wdlib import clipping


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def grads_345():
    """Norm exactly 13: ‖(3, 4)‖ = 5, ‖12‖ = 12, √(25 + 144) = 13."""
    return {"W": np.array([[3.0], [4.0]]), "b": np.array([12.0])}


def random_grads(seed=0, K=None, scale=1.0):
    rng = np.random.default_rng(seed)
    lead = () if K is None else (K,)
    shapes = {"W1": (4, 3), "b1": (3,), "W2": (3, 1)}
    return {k: scale * rng.normal(size=lead + s) for k, s in shapes.items()}


def test_global_norm_exact():
    assert clipping.global_norm(grads_345()) == 13.0


def test_clip_by_global_norm_exact_values():
    g, norm = clipping.clip_by_global_norm(grads_345(), 6.5)
    assert norm == 13.0
    coef = 6.5 / (13.0 + 1e-6)                 # torch's formula, eps included
    np.testing.assert_array_equal(g["W"], np.array([[3.0], [4.0]]) * coef)
    np.testing.assert_array_equal(g["b"], np.array([12.0]) * coef)


def test_below_max_norm_nothing_changes():
    g, norm = clipping.clip_by_global_norm(grads_345(), 100.0)
    assert norm == 13.0
    for k, v in grads_345().items():
        np.testing.assert_array_equal(g[k], v)


def test_invariants_norm_direction_idempotence():
    grads = random_grads(scale=10.0)
    clipped, norm = clipping.clip_by_global_norm(grads, 1.0)
    assert norm > 1.0
    after = clipping.global_norm(clipped)
    assert after <= 1.0 and after == pytest.approx(1.0, rel=1e-6 / norm + 1e-15)
    for k in grads:  # direction kept: one common positive factor
        np.testing.assert_allclose(clipped[k], grads[k] * (1.0 / (norm + 1e-6)), rtol=1e-15)

    # Clipping twice: torch's +1e-6 leaves the norm a hair below max_norm, so a second clip
    # shrinks once more by 1/(after + 1e-6) = 1 − 1e-6·(1 − 1/norm) + O(1e-12): not 1e-12
    # idempotent (ARCHITECTURE.md asks for that; torch's formula does not allow it).
    twice, norm2 = clipping.clip_by_global_norm(clipped, 1.0)
    assert norm2 == after
    second = 1.0 / (after + 1e-6)
    assert 1 - second == pytest.approx(1e-6 * (1 - 1 / norm), rel=1e-5)
    for k in grads:
        np.testing.assert_allclose(twice[k], clipped[k] * second, rtol=1e-15, atol=0)
    once_more, _ = clipping.clip_by_global_norm(clipped, 1.0 + 1e-6)  # a little headroom: exact
    for k in grads:
        np.testing.assert_array_equal(once_more[k], clipped[k])


def test_clip_by_value_exact_and_idempotent():
    g = clipping.clip_by_value({"W": np.array([-3.0, -0.5, 0.0, 0.7, 9.0])}, 1.0)
    np.testing.assert_array_equal(g["W"], [-1.0, -0.5, 0.0, 0.7, 1.0])
    np.testing.assert_array_equal(clipping.clip_by_value(g, 1.0)["W"], g["W"])


def test_batched_equals_per_model():
    grads = random_grads(K=4, scale=3.0)
    max_norm = np.array([0.5, 1.0, 100.0, 2.0])
    norms = clipping.global_norm(grads, batched=True)
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm, batched=True)
    by_value = clipping.clip_by_value(grads, max_norm)
    assert norms.shape == (4,)
    np.testing.assert_array_equal(norm, norms)
    for i in range(4):
        single = {k: v[i] for k, v in grads.items()}
        c_i, n_i = clipping.clip_by_global_norm(single, max_norm[i])
        v_i = clipping.clip_by_value(single, max_norm[i])
        assert abs(norm[i] - n_i) <= 1e-15 * n_i
        for k in grads:
            np.testing.assert_allclose(clipped[k][i], c_i[k], rtol=1e-14, atol=0)
            np.testing.assert_array_equal(by_value[k][i], v_i[k])
    assert np.all(norms[:2] > max_norm[:2]) and norms[2] < max_norm[2]  # both branches covered


def test_inputs_are_not_mutated():
    grads = random_grads(scale=10.0)
    saved = copy.deepcopy(grads)
    clipping.clip_by_global_norm(grads, 1.0)
    clipping.clip_by_value(grads, 0.1)
    np.testing.assert_equal(grads, saved)


def test_non_finite_gradients_propagate_like_torch():
    g_nan = {"W": np.array([1.0, np.nan]), "b": np.array([2.0])}
    clipped, norm = clipping.clip_by_global_norm(g_nan, 1.0)
    assert np.isnan(norm) and np.all(np.isnan(clipped["W"])) and np.all(np.isnan(clipped["b"]))
    g_inf = {"W": np.array([1.0, np.inf]), "b": np.array([2.0])}
    clipped, norm = clipping.clip_by_global_norm(g_inf, 1.0)
    assert norm == np.inf
    np.testing.assert_array_equal(clipped["W"], [0.0, np.nan])
    np.testing.assert_array_equal(clipped["b"], [0.0])
    np.testing.assert_array_equal(clipping.clip_by_value(g_nan, 1.0)["W"], [1.0, np.nan])


def test_matches_torch(torch):
    for seed, max_norm in [(0, 0.5), (1, 1e3), (2, 2.0)]:
        grads = random_grads(seed, scale=2.0)
        ts = [torch.zeros(v.shape, dtype=torch.float64, requires_grad=True) for v in grads.values()]
        for t, v in zip(ts, grads.values(), strict=True):
            t.grad = torch.from_numpy(v.copy())
        t_norm = torch.nn.utils.clip_grad_norm_(ts, max_norm, foreach=False).item()
        ours, norm = clipping.clip_by_global_norm(grads, max_norm)
        assert abs(norm - t_norm) <= 1e-14 * t_norm
        for t, k in zip(ts, grads, strict=True):
            np.testing.assert_allclose(ours[k], t.grad.numpy(), rtol=1e-14, atol=0)
        for t, v in zip(ts, grads.values(), strict=True):
            t.grad = torch.from_numpy(v.copy())
        torch.nn.utils.clip_grad_value_(ts, 0.7, foreach=False)
        for t, (k, v) in zip(ts, clipping.clip_by_value(grads, 0.7).items(), strict=True):
            np.testing.assert_array_equal(v, t.grad.numpy(), err_msg=k)


@pytest.mark.parametrize("call, match", [
    (lambda: clipping.clip_by_global_norm(grads_345(), 0.0), "max_norm must be > 0, got 0"),
    (lambda: clipping.clip_by_global_norm(grads_345(), -1.0), "max_norm must be > 0"),
    (lambda: clipping.clip_by_global_norm(grads_345(), np.ones(2)), "pass batched=True"),
    (lambda: clipping.clip_by_global_norm(random_grads(K=3), np.ones(2), batched=True),
     "max_norm has length 2 but grads hold 3 models"),
    (lambda: clipping.clip_by_global_norm({}, 1.0), "grads must be a non-empty dict"),
    (lambda: clipping.global_norm([np.ones(3)]), "grads must be a non-empty dict"),
    (lambda: clipping.global_norm({"W": np.ones((2, 3)), "b": np.ones(3)}, batched=True),
     "same leading K axis"),
    (lambda: clipping.global_norm({"W": np.ones((2, 3)), "c": np.float64(1.0)}, batched=True),
     "same leading K axis"),
    (lambda: clipping.clip_by_value(grads_345(), -0.5), "clip_value must be > 0"),
    (lambda: clipping.clip_by_value(grads_345(), np.inf), "clip_value must be finite"),
    (lambda: clipping.clip_by_value(random_grads(K=3), np.ones(2)),
     "clip_value has length 2 but grads hold 3 models"),
])
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
