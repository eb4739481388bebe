"""models.NormMLP (LayerNorm after each hidden linear layer): gradients, PyTorch parity,
K models = K separate models, scale invariance, argument checks."""

import numpy as np
import pytest
from torch_reference import require_torch

from wdlib import diagnostics, losses, models

rng = np.random.default_rng(0)
X = rng.standard_normal((10, 3))
Y = rng.standard_normal((10, 2))


def _perturbed(m, seed, **kw):
    p = m.init(seed=seed, **kw)
    r = np.random.default_rng(7)
    return {k: v + 0.1 * r.standard_normal(v.shape) for k, v in p.items()}   # gains, shifts too


def test_shapes_init_and_keys():
    m = models.NormMLP((3, 5, 4, 2))
    p = m.init(seed=0)
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (3, 5), "g1": (5,), "b1": (5,), "W2": (5, 4), "g2": (4,), "b2": (4,),
        "W3": (4, 2), "b3": (2,)}
    assert m.weight_keys == ("W1", "W2", "W3") and m.scale_invariant_keys == ("W1", "W2")
    assert np.all(p["g1"] == 1.0) and np.all(p["g2"] == 1.0) and not p["b1"].any()
    assert m.num_params() == 15 + 10 + 20 + 8 + 8 + 2
    pK = m.init(seed=[0, 1])
    assert pK["g1"].shape == (2, 5) and np.all(pK["g1"] == 1.0)


@pytest.mark.parametrize("activation", models.ACTIVATIONS)
@pytest.mark.parametrize("sizes", [(3, 4, 2), (3, 5, 4, 2)])
@pytest.mark.parametrize("eps", [0.0, 1e-5])
def test_gradients_by_finite_differences(activation, sizes, eps):
    m = models.NormMLP(sizes, activation, eps=eps)
    p = _perturbed(m, 3)
    assert diagnostics.grad_check(lambda q: m.loss_and_grad(q, X, Y, losses.mse), p) < 1e-6


def test_gradients_batched_and_classification():
    m = models.NormMLP((3, 6, 4), "tanh")
    p = _perturbed(m, [1, 2], scale=np.array([0.5, 2.0]))
    labels = rng.integers(0, 4, 10)
    assert diagnostics.grad_check(lambda q: m.loss_and_grad(q, X, labels, "softmax_ce"), p) < 1e-6


def test_batched_equals_three_separate_models():
    m = models.NormMLP((3, 6, 5, 2), "tanh")
    seeds, scales = [5, 6, 7], [0.5, 1.0, 2.0]
    pK = m.init(seed=seeds, scale=np.array(scales))
    pK = {k: v + 0.05 * np.random.default_rng(1).standard_normal(v.shape) for k, v in pK.items()}
    vK, gK = m.loss_and_grad(pK, X, Y, losses.mse)
    assert vK.shape == (3,)
    for k in range(3):
        pk = {key: v[k].copy() for key, v in pK.items()}
        vk, gk = m.loss_and_grad(pk, X, Y, losses.mse)
        assert abs(vK[k] - vk) < 1e-12
        for key in pk:
            assert np.max(np.abs(gK[key][k] - gk[key])) < 1e-12, key


@pytest.mark.parametrize("wide_key", ["W3", "W1"])
def test_mixed_dtypes_are_computed_in_the_wider_one(wide_key):
    """float32 parameters but one weight in float64: the backward pass promotes as NumPy does
    and agrees with the all-float64 gradients to float32's precision."""
    m = models.NormMLP((3, 5, 4, 2), "tanh")
    p64 = _perturbed(m, 4)
    p = {k: v.astype(np.float32) for k, v in p64.items()}
    p[wide_key] = p[wide_key].astype(np.float64)
    exact = {k: v.astype(np.float64) for k, v in p.items()}
    _, g = m.loss_and_grad(p, X.astype(np.float32), Y, losses.mse)
    _, g64 = m.loss_and_grad(exact, X.astype(np.float32).astype(np.float64), Y, losses.mse)
    for k in g64:
        scale = np.max(np.abs(g64[k]))
        assert np.max(np.abs(g[k] - g64[k])) <= 1e-5 * scale, k


def test_matches_torch_layer_norm():
    torch = require_torch()
    m = models.NormMLP((3, 6, 5, 2), "tanh", eps=1e-5)
    p = _perturbed(m, 4)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in p.items()}
    Xt = torch.tensor(X, dtype=torch.float64)
    a = Xt
    for l in (1, 2):
        lin = torch.nn.Linear(a.shape[1], t[f"W{l}"].shape[1], bias=False).double()
        ln = torch.nn.LayerNorm(t[f"W{l}"].shape[1], eps=1e-5).double()      # default eps
        with torch.no_grad():
            lin.weight.copy_(t[f"W{l}"].T)
            ln.weight.copy_(t[f"g{l}"])
            ln.bias.copy_(t[f"b{l}"])
        # modules for the forward check; the functional form carries the autograd graph
        assert torch.allclose(ln(lin(a)), torch.nn.functional.layer_norm(
            a @ t[f"W{l}"], (t[f"W{l}"].shape[1],), t[f"g{l}"], t[f"b{l}"], eps=1e-5),
            rtol=0, atol=1e-14)
        a = torch.tanh(torch.nn.functional.layer_norm(
            a @ t[f"W{l}"], (t[f"W{l}"].shape[1],), t[f"g{l}"], t[f"b{l}"], eps=1e-5))
    out = a @ t["W3"] + t["b3"]
    loss = 0.5 * torch.mean((out - torch.tensor(Y)) ** 2)
    loss.backward()
    value, grads = m.loss_and_grad(p, X, Y, losses.mse)
    np.testing.assert_allclose(m.forward(p, X), out.detach().numpy(), rtol=0, atol=1e-13)
    assert abs(value - loss.item()) < 1e-14
    for k in p:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=0, atol=1e-13, err_msg=k)


def test_scale_invariance_orthogonal_gradient_and_one_over_c():
    m = models.NormMLP((3, 6, 5, 2), "tanh", eps=0.0)
    p = _perturbed(m, 2)
    v0, g0 = m.loss_and_grad(p, X, Y, losses.mse)
    for key in m.scale_invariant_keys:
        for c in (0.1, 3.0, 50.0):
            q = {**p, key: c * p[key]}
            v, g = m.loss_and_grad(q, X, Y, losses.mse)
            assert abs(v - v0) < 1e-13
            np.testing.assert_allclose(g[key], g0[key] / c, rtol=1e-9, atol=1e-14)
        cos = np.vdot(g0[key], p[key]) / (np.linalg.norm(g0[key]) * np.linalg.norm(p[key]))
        assert abs(cos) < 1e-12
    # every other parameter (the output layer, LayerNorm gains and shifts, the output bias) is
    # ordinary: scaling it changes the loss
    others = [k for k in m.shapes if k not in m.scale_invariant_keys]
    assert others == ["g1", "b1", "g2", "b2", "W3", "b3"]
    for key in others:
        assert abs(m.loss_and_grad({**p, key: 2 * p[key]}, X, Y, losses.mse)[0] - v0) > 1e-4, key


def test_bad_arguments():
    with pytest.raises(ValueError, match="sizes must have at least 3"):
        models.NormMLP((3, 2))
    with pytest.raises(ValueError, match="hidden widths must be >= 2"):
        models.NormMLP((3, 1, 2))
    with pytest.raises(ValueError, match="eps must be a finite number >= 0, got -1"):
        models.NormMLP((3, 4, 2), eps=-1.0)
    with pytest.raises(ValueError, match="activation"):
        models.NormMLP((3, 4, 2), activation="gelu")
    m = models.NormMLP((3, 4, 2))
    with pytest.raises(ValueError, match="X must have shape"):
        m.forward(m.init(0), np.ones((5, 2)))
    with pytest.raises(ValueError, match="params must be a dict with keys"):
        m.forward({"W1": np.ones((3, 4))}, X)
