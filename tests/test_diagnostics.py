import numpy as np
import pytest

from wdlib import diagnostics, losses, models

rng = np.random.default_rng(0)
X = rng.standard_normal((12, 2))
Y = rng.standard_normal((12, 1))


def cubic(p):
    """f = sum(w³) with its exact gradient 3w²."""
    return np.sum(p["w"] ** 3), {"w": 3 * p["w"] ** 2}


def test_numerical_grad_by_hand():
    p = {"w": np.array([[1.0, -2.0], [0.5, 3.0]])}
    num = diagnostics.numerical_grad(cubic, p)["w"]
    assert np.allclose(num, 3 * p["w"] ** 2, rtol=1e-9, atol=0)


def test_grad_check_passes_a_right_gradient_and_catches_a_wrong_one():
    p = {"w": rng.standard_normal((3, 4)), "v": rng.standard_normal(5)}
    f = lambda q: (np.sum(q["w"] ** 3) + np.sum(np.sin(q["v"])),
                   {"w": 3 * q["w"] ** 2, "v": np.cos(q["v"])})
    assert diagnostics.grad_check(f, p) < 1e-8
    doubled = lambda q: (f(q)[0], {k: 2 * g for k, g in f(q)[1].items()})
    assert diagnostics.grad_check(doubled, p) == pytest.approx(1 / 3, abs=1e-7)   # |2g-g|/3|g|
    one_wrong = lambda q: (f(q)[0], {**f(q)[1], "v": -np.cos(q["v"])})
    assert diagnostics.grad_check(one_wrong, p) == pytest.approx(1.0, abs=1e-7)


def test_grad_check_sums_a_batched_value_and_leaves_params_alone():
    m = models.MLP((2, 3, 1))
    p = m.init(seed=[0, 1])
    before = {k: v.copy() for k, v in p.items()}
    assert diagnostics.grad_check(lambda q: m.loss_and_grad(q, X, Y, losses.mse), p) < 1e-6
    for k in p:
        assert np.array_equal(p[k], before[k])


def test_update_ratio():
    p = {"W1": np.array([3.0, 4.0]), "b1": np.zeros(2)}
    u = {"W1": np.array([0.3, 0.4]), "b1": np.ones(2)}
    r = diagnostics.update_ratio(p, u)
    assert r["W1"] == pytest.approx(0.1, rel=1e-15) and np.isnan(r["b1"])
    pK = {"W1": np.array([[3.0, 4.0], [0.0, 1.0]])}
    uK = {"W1": np.array([[0.0, 5.0], [1.0, 0.0]])}
    assert np.array_equal(diagnostics.update_ratio(pK, uK, batched=True)["W1"], [1.0, 1.0])


def test_layer_stats_mlp():
    m = models.MLP((2, 5, 4, 1), "relu")
    p = m.init(seed=3, init="he")
    s = diagnostics.layer_stats(m, p, X, Y)
    _, cache = m.forward_cache(p, X)
    assert s["layers"] == ["h1", "h2", "out"] and s["weights"] == ["W1", "W2", "W3"]
    assert np.allclose(s["act_mean"], [a.mean() for a in cache["a"][1:]], rtol=1e-14)
    assert np.allclose(s["act_std"], [a.std() for a in cache["a"][1:]], rtol=1e-14)
    assert np.allclose(s["frac_zero"][:2], [np.mean(a == 0) for a in cache["a"][1:3]])
    assert 0 < s["frac_zero"][0] < 1                                  # some ReLUs are off
    _, g = m.loss_and_grad(p, X, Y, losses.mse)
    assert np.allclose(s["grad_norm"], [np.linalg.norm(g[k]) for k in ("W1", "W2", "W3")],
                       rtol=1e-13)
    assert np.allclose(s["weight_norm"], [np.linalg.norm(p[k]) for k in ("W1", "W2", "W3")],
                       rtol=1e-13)
    assert "grad_norm" not in diagnostics.layer_stats(m, p, X)


def test_layer_stats_batched_equals_separate():
    m = models.MLP((2, 5, 1), "tanh")
    pK = m.init(seed=[1, 2, 3], scale=[0.1, 1.0, 10.0])
    sK = diagnostics.layer_stats(m, pK, X, Y)
    assert sK["act_std"].shape == (3, 2) and sK["grad_norm"].shape == (3, 2)
    for k in range(3):
        sk = diagnostics.layer_stats(m, m.init(seed=k + 1, scale=[0.1, 1.0, 10.0][k]), X, Y)
        for key in ("act_mean", "act_std", "preact_std", "frac_zero", "grad_norm", "weight_norm"):
            assert np.allclose(sK[key][k], sk[key], rtol=1e-12, atol=1e-15), key
    # a large init scale saturates tanh: big pre-activations
    assert sK["preact_std"][2, 0] > 50 * sK["preact_std"][0, 0]


def test_layer_stats_rnn_shows_vanishing_gradients():
    r = models.RNN(1, 8, 1)
    Xs, ys = rng.standard_normal((16, 12, 1)), rng.standard_normal((16, 1))
    s = diagnostics.layer_stats(r, r.init(seed=0, recurrent_scale=0.2), Xs, ys)
    assert s["layers"][0] == "h1" and s["layers"][-1] == "out" and len(s["layers"]) == 13
    assert s["weights"] == ["Wx", "Wh", "Wy"] and s["time_grad_norm"].shape == (12,)
    assert s["time_grad_norm"][0] < 1e-4 * s["time_grad_norm"][-1]


def test_bad_inputs():
    with pytest.raises(ValueError, match="eps must be > 0, got 0"):
        diagnostics.grad_check(cubic, {"w": np.ones(2)}, eps=0.0)
    with pytest.raises(ValueError, match=r"params and grads must have the same keys"):
        diagnostics.grad_check(lambda p: (0.0, {"x": p["w"]}), {"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"params\['w'\] and grads\['w'\] must have the same"):
        diagnostics.grad_check(lambda p: (0.0, {"w": np.ones(3)}), {"w": np.ones(2)})
    with pytest.raises(ValueError, match="f\\(params\\) must be finite"):
        diagnostics.grad_check(lambda p: (np.nan, {"w": p["w"]}), {"w": np.ones(2)})
    with pytest.raises(ValueError, match="params must be a non-empty dict"):
        diagnostics.grad_check(cubic, {})
    # fuzz review: an f returning its value alone gave "cannot unpack non-iterable float object"
    with pytest.raises(ValueError, match=r"f must return a pair \(value, grads\), got 1"):
        diagnostics.grad_check(lambda p: 1.0, {"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"f must return a value that is a real number .*'a'"):
        diagnostics.grad_check(lambda p: ("a", {"w": p["w"]}), {"w": np.ones(2)})
    with pytest.raises(ValueError, match="params and updates must have the same keys"):
        diagnostics.update_ratio({"W1": np.ones(2)}, {"W2": np.ones(2)})
