"""The "depth_init" dashboard: vanishing and exploding signals show up in its numbers."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from wdlib import diagnostics, models, train  # noqa: E402
from wdlib.live.depth_init import DepthInit  # noqa: E402


def test_panels_are_layer_stats_and_fit_of_the_same_initialization():
    d = DepthInit(depth=3, width=8)
    m = models.MLP((1, 8, 8, 8, 1), "tanh")
    X, y = d.data.X, d.data.y
    params = m.init(seed=0, init="xavier", scale=1.0)
    stats = diagnostics.layer_stats(m, params, X, y)
    np.testing.assert_array_equal(d.result["act_std"], stats["act_std"][:3])
    np.testing.assert_array_equal(d.result["grad_norm"], stats["grad_norm"])
    _, hist = train.fit(m, X, y, lr=0.05, momentum=0.9, steps=60, record="loss")
    np.testing.assert_array_equal(d.result["loss"], hist.train_loss)
    np.testing.assert_array_equal(d.act.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(d.grad.get_xdata(), [1, 2, 3, 4])
    assert "(= Xavier/Glorot init)" in d.status.value
    d.set(init="he")
    assert "(= He/Kaiming init)" in d.status.value
    d.set(init_scale=2.0)
    assert "Kaiming" not in d.status.value and "he × 2" in d.status.value
    d.close()


def test_sigmoid_gradients_vanish_and_training_stalls():
    d = DepthInit(depth=12, activation="sigmoid")
    g, loss = d.result["grad_norm"], d.result["loss"]
    assert g[0] < 1e-6 * g[-1]                       # 0.25 per layer, 12 layers
    assert loss[-1] > 0.9 * loss[10]                 # stuck at predicting the mean
    d.set(activation="tanh")                         # same depth, tanh + Xavier trains
    assert d.result["loss"][-1] < 0.2 * d.result["loss"][0]
    d.close()


def test_relu_signal_kept_by_he_dies_with_small_scale_explodes_with_large():
    d = DepthInit(depth=12, activation="relu", init="he")
    std = d.result["act_std"]
    assert 0.1 < std[-1] / std[0] < 10 and d.result["diverged_at"] is None
    d.set(init_scale=10 ** -0.5)                     # × 0.316 per layer: 12 layers -> 1e-6
    assert d.result["act_std"][-1] < 1e-5 * d.result["act_std"][0]
    d.set(init_scale=10 ** 0.5)                      # × 3.16 per layer: explodes
    assert d.result["act_std"][-1] > 1e5 * d.result["act_std"][0]
    assert d.result["diverged_at"] is not None
    assert f"diverged at step {d.result['diverged_at']}" in d.status.value
    d.close()


def test_dead_relus_give_words_not_a_nan_ratio():
    """Depth 12, width 4, ReLU at scale 0.1: every unit dead, both gradient norms 0; the status
    line said "gradient at layer 1 = nan × the output layer's"."""
    d = DepthInit(depth=12, width=4, activation="relu", init="xavier", init_scale=0.1)
    assert d.result["grad_norm"][-1] == 0
    assert "nan" not in d.status.value.lower()
    assert "gradient norm 0 at layer 1, 0 at the output layer" in d.status.value
    d.close()


def test_a_run_that_diverged_at_its_first_step_says_so_not_loss_a_to_a():
    # 12 linear layers at 10 × Xavier: the first step's parameters are not finite. The status
    # line said "loss 5.29e+23 → 5.29e+23", a run that went nowhere, not one that blew up.
    d = DepthInit()
    d.set(depth=12, init_scale=10.0, activation="linear")
    assert d.result["diverged_at"] == 1
    status = d.status.value
    assert "→" not in status and "loss 5.29e+23 at step 0, the last before it diverged" in status
    d.set(depth=6, init_scale=3.0, activation="relu", init="he")
    if d.result["diverged_at"] is not None:         # a later blow-up: start → last before it
        assert f"loss {d.result['loss'][0]:.3g} → " in d.status.value
        assert "the last before it diverged" in d.status.value
    d.set(**d.defaults)
    assert "loss 0.385 → 0.0538" in d.status.value, d.status.value
    d.close()
