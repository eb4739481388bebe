import copy
import pickle
import re

import numpy as np
import pytest

from wdlib import diagnostics, losses, models

rng = np.random.default_rng(0)
X = rng.standard_normal((10, 3))
Y = rng.standard_normal((10, 2))
XS = rng.standard_normal((6, 5, 2))              # (n, T, n_in) for the RNN
YS = rng.standard_normal((6, 3))


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _equal(a, b, tol):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].shape == b[k].shape, k
        assert np.max(np.abs(a[k] - b[k]), initial=0.0) <= tol, k


# --- exact values --------------------------------------------------------------------------
def test_forward_by_hand():
    lin = models.linear(2)
    p = {"W1": np.array([[2.0], [3.0]]), "b1": np.array([1.0])}
    assert lin.forward(p, np.array([[1.0, 1.0], [0.0, -1.0]]))[:, 0].tolist() == [6.0, -2.0]
    m = models.MLP((1, 1, 1))
    p = {"W1": np.array([[1.0]]), "b1": np.array([0.0]), "W2": np.array([[2.0]]),
         "b2": np.array([0.5])}
    assert m.forward(p, np.array([[0.5]]))[0, 0] == 2 * np.tanh(0.5) + 0.5


def test_rnn_forward_by_hand():
    r = models.RNN(1, 1, 1)
    p = {"Wx": np.array([[1.0]]), "Wh": np.array([[0.5]]), "b": np.array([0.0]),
         "Wy": np.array([[1.0]]), "by": np.array([0.0])}
    h1 = np.tanh(1.0)
    h2 = np.tanh(2.0 + 0.5 * h1)
    assert r.forward(p, np.array([[[1.0], [2.0]]]))[0, 0] == h2


def test_shapes_and_num_params():
    m = models.MLP((2, 16, 16, 1))
    p = m.init(seed=0)
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (2, 16), "b1": (16,), "W2": (16, 16), "b2": (16,), "W3": (16, 1), "b3": (1,)}
    assert m.num_params() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    assert not any(p[b].any() for b in ("b1", "b2", "b3"))          # biases start at 0
    assert models.RNN(1, 16, 1).num_params() == 16 + 256 + 16 + 16 + 1
    yhat, cache = m.forward_cache(p, X[:, :2])
    assert yhat.shape == (10, 1) and cache["a"][0] is not None
    assert [a.shape for a in cache["a"]] == [(10, 2), (10, 16), (10, 16), (10, 1)]
    assert [z.shape for z in cache["z"]] == [(10, 16), (10, 16), (10, 1)]
    assert np.array_equal(cache["a"][1], np.tanh(cache["z"][0]))


# --- gradients -----------------------------------------------------------------------------
@pytest.mark.parametrize("activation", models.ACTIVATIONS)
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_mlp_gradients(activation, depth):
    m = models.MLP((3,) + (4,) * (depth - 1) + (2,), activation)
    p = m.init(seed=depth, scale=1.5)
    p = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in p.items()}    # biases too
    err = diagnostics.grad_check(lambda q: m.loss_and_grad(q, X, Y, losses.mse), p)
    assert err < 1e-6


def test_mlp_gradient_batched_and_classification():
    m = models.MLP((3, 5, 4), "tanh")
    p = m.init(seed=[1, 2], scale=[0.5, 2.0])
    labels = rng.integers(0, 4, 10)
    assert diagnostics.grad_check(lambda q: m.loss_and_grad(q, X, labels, "softmax_ce"), p) < 1e-6
    b = models.MLP((3, 5, 1), "relu")
    yb = rng.integers(0, 2, 10).astype(float)
    assert diagnostics.grad_check(lambda q: b.loss_and_grad(q, X, yb, "bce"), b.init(3)) < 1e-6


@pytest.mark.parametrize("seed", [None, [3, 4]])
def test_rnn_gradients(seed):
    r = models.RNN(2, 4, 3)
    p = r.init(seed=0) if seed is None else r.init(seed=seed, recurrent_scale=[0.7, 1.5])
    p = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in p.items()}
    assert diagnostics.grad_check(lambda q: r.loss_and_grad(q, XS, YS, losses.mse), p) < 1e-6
    labels = rng.integers(0, 3, 6)
    assert diagnostics.grad_check(lambda q: r.loss_and_grad(q, XS, labels, "softmax_ce"),
                                  p) < 1e-6


def test_rnn_time_grads():
    r = models.RNN(2, 8, 3)
    p = r.init(seed=1)
    yhat, cache = r.forward_cache(p, XS)
    dy = rng.standard_normal(yhat.shape)
    grads, norms = r.backward(p, cache, dy, return_time_grads=True)
    assert norms.shape == (5,)
    assert norms[-1] == pytest.approx(np.linalg.norm(dy @ p["Wy"].T), rel=1e-14)
    _equal(grads, r.backward(p, cache, dy), 0.0)
    # small recurrent weights: the gradient reaching early steps vanishes
    small = r.init(seed=1, recurrent_scale=0.1)
    _, n_small = r.backward(small, r.forward_cache(small, XS)[1], dy, return_time_grads=True)
    assert n_small[0] < 1e-3 * n_small[-1]
    pK = r.init(seed=1, recurrent_scale=[0.1, 1.0])
    _, nK = r.backward(pK, r.forward_cache(pK, XS)[1], np.stack([dy, dy]), return_time_grads=True)
    assert nK.shape == (2, 5) and np.allclose(nK[0], n_small, rtol=1e-12) \
        and np.allclose(nK[1], norms, rtol=1e-12)


# --- K models at once ----------------------------------------------------------------------
def test_batched_mlp_equals_three_single_models():
    m = models.MLP((3, 6, 5, 2), "tanh")
    seeds, scales = [5, 6, 7], [0.5, 1.0, 2.0]
    pK = m.init(seed=seeds, scale=np.array(scales))
    vK, gK = m.loss_and_grad(pK, X, Y, losses.mse)
    assert vK.shape == (3,) and pK["W1"].shape == (3, 3, 6) and pK["b2"].shape == (3, 5)
    for k in range(3):
        pk = m.init(seed=seeds[k], scale=scales[k])
        _equal({key: v[k] for key, v in pK.items()}, pk, 0.0)            # same bits
        vk, gk = m.loss_and_grad(pk, X, Y, losses.mse)
        assert abs(vK[k] - vk) < 1e-12
        _equal({key: g[k] for key, g in gK.items()}, gk, 1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_models_in_blocks_equal_one_block_and_forward_backward(monkeypatch, activation):
    """loss_and_grad runs K models in cache-sized blocks and computes activations in place:
    the same bits as one block, and as the public forward_cache + backward."""
    m = models.MLP((3, 6, 5, 2), activation)
    pK = m.init(seed=[1, 2, 3, 4, 5])
    one_block = m.loss_and_grad(pK, X, Y, losses.mse)
    monkeypatch.setattr(models.mlp, "BLOCK_BYTES", 2 * 10 * 6 * 8)      # 2 models a block
    assert models.mlp.models_per_block(10, 6, 8) == 2
    blocks = m.loss_and_grad(pK, X, Y, losses.mse)
    assert np.array_equal(one_block[0], blocks[0])
    _equal(one_block[1], blocks[1], 0.0)
    yhat, cache = m.forward_cache(pK, X)
    value, dyhat = losses.mse(yhat, Y)
    assert np.array_equal(value, blocks[0])
    _equal(m.backward(pK, cache, dyhat), blocks[1], 0.0)


# Per-model data: X (K, n, n_in) and y (K, n, out), each model its own draw of a data set.
XK = rng.standard_normal((5, 10, 3))
YK = rng.standard_normal((5, 10, 2))


@pytest.mark.parametrize("shared_X", [False, True])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_mlp_with_per_model_data_equals_each_model_alone(monkeypatch, shared_X, loss):
    """Model k fits (X[k], y[k]) (or the shared X with its own y[k]): its value and gradients
    are what it computes alone on that data, also when the K models run in blocks (which cut
    the data into the same blocks), and forward_cache + backward agree bit for bit."""
    m = models.MLP((3, 6, 5, 2), "tanh")
    pK = m.init(seed=[1, 2, 3, 4, 5])
    Xd = X if shared_X else XK
    y = (YK > 0).astype(float) if loss == "bce" else YK
    vK, gK = m.loss_and_grad(pK, Xd, y, loss)
    assert vK.shape == (5,)
    for k in range(5):
        vk, gk = m.loss_and_grad({key: v[k] for key, v in pK.items()}, Xd if shared_X else XK[k],
                                 y[k], loss)
        assert abs(vK[k] - vk) < 1e-12
        _equal({key: g[k] for key, g in gK.items()}, gk, 1e-12)
    yhat, cache = m.forward_cache(pK, Xd)
    value, dyhat = losses.get(loss)(yhat, y)
    assert np.array_equal(value, vK) and np.array_equal(m.forward(pK, Xd), yhat)
    _equal(m.backward(pK, cache, dyhat), gK, 0.0)
    monkeypatch.setattr(models.mlp, "BLOCK_BYTES", 2 * 10 * 6 * 8)      # 2 models a block
    vB, gB = m.loss_and_grad(pK, Xd, y, loss)
    assert np.array_equal(vB, vK) and np.array_equal(m.forward(pK, Xd), yhat)
    _equal(gB, gK, 0.0)


def test_per_model_data_gradient_matches_finite_differences():
    m = models.MLP((3, 4, 2), "tanh")
    pK = m.init(seed=[0, 1, 2])
    err = diagnostics.grad_check(lambda p: m.loss_and_grad(p, XK[:3], YK[:3], "mse"), pK)
    assert err < 1e-6


@pytest.mark.parametrize("kind", ["norm", "rnn"])
def test_normmlp_and_rnn_take_per_model_targets_also_in_blocks(monkeypatch, kind):
    """Own targets per model (K, n, out) on NormMLP and RNN, K models in blocks: each model's
    value and gradients are its own (the targets were not cut into the blocks before)."""
    if kind == "norm":
        m, data, pK = models.NormMLP((3, 6, 2)), X, None
        pK = m.init(seed=[1, 2, 3, 4, 5])
        monkeypatch.setattr(models.mlp, "BLOCK_BYTES", 2 * 10 * 18 * 8)
    else:
        m, data = models.RNN(2, 4, 2), XS
        pK = m.init(seed=[1, 2, 3, 4, 5])
        monkeypatch.setattr(models.mlp, "BLOCK_BYTES", 2 * 6 * 16 * 8)
    y = rng.standard_normal((5, len(data), 2))
    vK, gK = m.loss_and_grad(pK, data, y, "mse")
    for k in range(5):
        vk, gk = m.loss_and_grad({key: v[k] for key, v in pK.items()}, data, y[k], "mse")
        assert abs(vK[k] - vk) < 1e-12
        _equal({key: g[k] for key, g in gK.items()}, gk, 1e-12)


@pytest.mark.parametrize("Xd, yd, words", [
    (XK[:4], YK[:4], "X must have shape (n, n_in) or, one data set per model, (K=5, n, n_in)"),
    (XK[:, :, :2], YK, "X must have shape (n, n_in) or, one data set per model, (K=5, n, n_in) "
                       "with n_in=3"),
    (XK, YK[:4], "y must have shape (n, out), shared by the K models, or (K=5, n, out), one set "
                 "of targets per model, got (4, 10, 2)"),
    (XK, YK[:, :9], "y must have shape (10, 2) (shared) or (5, 10, 2) (one per model)"),
])
def test_per_model_data_of_the_wrong_shape_is_an_error_naming_it(Xd, yd, words):
    m = models.MLP((3, 6, 2))
    with pytest.raises(ValueError, match=re.escape(words)):
        m.loss_and_grad(m.init(seed=[1, 2, 3, 4, 5]), Xd, yd, "mse")


def test_one_model_refuses_per_model_data():
    m = models.MLP((3, 6, 2))
    with pytest.raises(ValueError, match=re.escape("X must have shape (n, n_in)")):
        m.forward(m.init(seed=1), XK)
    with pytest.raises(ValueError, match="y must have shape"):
        m.loss_and_grad(m.init(seed=1), X, YK, "mse")


def test_batched_rnn_equals_three_single_models():
    r = models.RNN(2, 4, 3)
    pK = r.init(seed=[5, 6, 7], scale=[0.5, 1.0, 2.0], recurrent_scale=[1.0, 3.0, 0.2])
    vK, gK = r.loss_and_grad(pK, XS, YS, losses.mse)
    for k, (s, c, g) in enumerate(zip([5, 6, 7], [0.5, 1.0, 2.0], [1.0, 3.0, 0.2], strict=True)):
        pk = r.init(seed=s, scale=c, recurrent_scale=g)
        _equal({key: v[k] for key, v in pK.items()}, pk, 0.0)
        vk, gk = r.loss_and_grad(pk, XS, YS, losses.mse)
        assert abs(vK[k] - vk) < 1e-12
        _equal({key: gr[k] for key, gr in gK.items()}, gk, 1e-12)


def test_scalar_seed_with_K_gives_identical_copies():
    m = models.MLP((3, 4, 1))
    pK = m.init(seed=2, K=3)
    p = m.init(seed=2)
    for k in range(3):
        _equal({key: v[k] for key, v in pK.items()}, p, 0.0)
    assert m.init(seed=2, scale=[1.0, 2.0])["W1"].shape == (2, 3, 4)


def test_init_options():
    m = models.MLP((30, 40, 1))
    w = m.init(seed=0, init=0.01)["W1"]
    assert 0.009 < w.std() < 0.011
    assert not m.init(seed=0, init="zeros")["W1"].any()
    he = m.init(seed=0, init="he")["W1"]
    assert np.array_equal(2.0 * he, m.init(seed=0, init="he", scale=2.0)["W1"])


def test_determinism_and_purity():
    m = models.MLP((3, 8, 2), "relu")
    a, b = m.init(seed=11), m.init(seed=11)
    _equal(a, b, 0.0)
    assert not np.array_equal(a["W1"], m.init(seed=12)["W1"])
    before = _copy(a)
    v1, g1 = m.loss_and_grad(a, X, Y, losses.mse)
    v2, g2 = m.loss_and_grad(a, X, Y, losses.mse)
    assert v1 == v2
    _equal(g1, g2, 0.0)
    _equal(a, before, 0.0)                                               # not mutated


@pytest.mark.parametrize("sizes", [(3, 6, 5, 2), (3, 6, 6, 6, 2)])     # equal widths too
def test_training_buffers_are_reused_but_never_returned(monkeypatch, sizes):
    """loss_and_grad keeps its large intermediates in a workspace between calls: results are
    fresh arrays (a second call leaves the first's untouched), a copied or pickled model starts
    without buffers, and results equal the allocating path (workspace off) bit for bit."""
    m = models.MLP(sizes, "tanh")
    pK = m.init(seed=[1, 2, 3, 4])
    monkeypatch.setattr(models.mlp.Workspace, "MIN_BYTES", 0)           # always a workspace
    v1, g1 = m.loss_and_grad(pK, X, Y, losses.mse)
    kept = (v1.copy(), _copy(g1))
    v2, g2 = m.loss_and_grad({k: 2 * v for k, v in pK.items()}, X, Y, losses.mse)
    assert np.array_equal(v1, kept[0]) and not np.array_equal(v1, v2)
    _equal(g1, kept[1], 0.0)
    f64 = np.dtype(np.float64)
    held = m._workspace.take((4,), 10, f64)                  # the set both calls used ...
    assert held is not None and held is not m._workspace.take((4,), 10, f64)   # ... is held
    m._workspace.give_back(held)
    assert m._workspace.take((4,), 10, f64) is held
    for other in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert other == m and other._workspace is not m._workspace
        _equal(other.loss_and_grad(pK, X, Y, losses.mse)[1], g1, 0.0)
    m._workspace.clear()
    monkeypatch.setattr(models.mlp.Workspace, "MIN_BYTES", 2**62)       # never a workspace
    assert m._workspace.take((4,), 10, f64) is None
    v3, g3 = m.loss_and_grad(pK, X, Y, losses.mse)
    assert np.array_equal(v1, v3)
    _equal(g1, g3, 0.0)
    monkeypatch.setattr(models.mlp.Workspace, "MIN_BYTES", 0)
    monkeypatch.setattr(models.mlp.Workspace, "MAX_LAYER_BYTES", 0)     # too big to keep
    assert m._workspace.take((4,), 10, f64) is None


def test_the_workspace_bound_is_per_layer_so_deep_nets_keep_their_buffers():
    """A batched step of a 12-hidden-layer net of width 64 (5 models: one block) keeps its
    buffers, ~18 MB (the old 16 MB bound on a set refused them); one layer beyond
    ``MAX_LAYER_BYTES`` gets none, nor a net so deep that its set exceeds ``MAX_SET_BYTES``."""
    f64 = np.dtype(np.float64)
    deep = models.MLP((2,) + (64,) * 12 + (1,))
    Xd, yd = np.random.default_rng(0).normal(size=(200, 2)), np.zeros((200, 1))
    deep.loss_and_grad(deep.init(seed=np.arange(5)), Xd, yd)
    kept = deep._workspace._sets()
    assert list(kept) == [((5,), 200, f64)] and len(kept[(5,), 200, f64]["z"]) == 12
    unit = 5 * 200 * 8                                                   # bytes per hidden unit
    huge = models.MLP((2, models.mlp.Workspace.MAX_LAYER_BYTES // (3 * unit) + 1, 1))
    assert huge._workspace.take((5,), 200, f64) is None
    per_layer = 3 * unit * 64                                            # 1.5 MB a layer
    deeper = models.MLP((2,) + (64,) * (models.mlp.Workspace.MAX_SET_BYTES // per_layer + 1)
                        + (1,))
    assert deeper._workspace.take((5,), 200, f64) is None                # over 256 MB in all


def test_large_data_keeps_its_buffers_and_the_sets_held_are_bounded_together(monkeypatch):
    """10 000 samples through 64 or 256 units (one model, or one model a block) keep their
    buffers: without them every step paid the page faults of fresh 5-20 MB activations (the
    8 MB bound a layer refused them; a step took 1.1-1.45x as long). What a model holds between
    calls stays bounded: sets beyond ``MAX_SET_BYTES`` together are dropped, oldest first, and
    the set just used is kept."""
    f64 = np.dtype(np.float64)
    for width in (64, 256):
        m = models.MLP((10, width, width, 1))
        for lead in ((), (1,)):
            work = m._workspace.take(lead, 10_000, f64)
            assert work is not None and work["z"][0].shape == lead + (10_000, width)
            m._workspace.give_back(work)
    m = models.MLP((10, 64, 1))
    sets = m._workspace._sets()
    monkeypatch.setattr(models.mlp.Workspace, "MAX_SET_BYTES", 3 * 10_000 * 64 * 8 * 2)
    for n in (10_000, 10_001, 10_002):                  # each set alone fits; two fill the bound
        m._workspace.give_back(m._workspace.take((), n, f64))
    assert [key[1] for key in sets] == [10_002]          # the older two were dropped


def test_a_loss_may_call_the_model_and_keep_what_it_sees(monkeypatch):
    """A custom loss gets a yhat of its own (it may keep it), may call loss_and_grad of the
    same model (the nested call does not touch the outer call's buffers), and may return its
    gradient as a list or in float64 for a float32 model (converted, as ``backward`` does)."""
    monkeypatch.setattr(models.mlp.Workspace, "MIN_BYTES", 0)
    m = models.MLP((3, 6, 6, 2), "tanh")
    pK, seen = m.init(seed=[1, 2, 3]), []

    def nesting_mse(yhat, y):
        seen.append(yhat)
        m.loss_and_grad({k: 3 * v for k, v in pK.items()}, X, Y, losses.mse)
        return losses.mse(yhat, y)

    value, grads = m.loss_and_grad(pK, X, Y, nesting_mse)
    v_ref, g_ref = m.loss_and_grad(pK, X, Y, losses.mse)
    assert np.array_equal(value, v_ref)
    _equal(grads, g_ref, 0.0)
    np.testing.assert_array_equal(seen[0], m.forward(pK, X))            # kept, not overwritten

    p32 = m.init(seed=[1, 2, 3], dtype="float32")
    X32 = X.astype(np.float32)

    def mse_in_float64(yhat, y):
        v, d = losses.mse(yhat.astype(np.float64), y)
        return v, d

    g64 = m.loss_and_grad(p32, X32, Y, mse_in_float64)[1]
    g32 = m.backward(p32, m.forward_cache(p32, X32)[1],
                     losses.mse(m.forward(p32, X32).astype(np.float64), Y)[1])
    assert all(g.dtype == np.float32 for g in g64.values())
    _equal(g64, g32, 0.0)
    p1 = m.init(seed=1)
    as_list = m.loss_and_grad(p1, X, Y, lambda yh, y: (0.0, np.ones_like(yh).tolist()))[1]
    _equal(as_list, m.backward(p1, m.forward_cache(p1, X)[1], np.ones((10, 2))), 0.0)
    for model in (m, models.NormMLP((3, 6, 6, 2))):
        with pytest.raises(ValueError, match=r"dyhat must have the output's shape \(10, 2\)"):
            model.loss_and_grad(model.init(seed=1), X, Y, lambda yh, y: (0.0, yh[:, :1]))


def test_linear_is_a_one_layer_mlp():
    assert models.linear(3, 2) == models.MLP((3, 2), "linear")
    assert models.linear(3).sizes == (3, 1)


# --- bad input -----------------------------------------------------------------------------
def test_bad_inputs():
    with pytest.raises(ValueError, match=r"activation must be one of 'tanh', 'relu', 'sigmoid', "
                                         r"'linear'; got 'gelu'"):
        models.MLP((2, 3, 1), "gelu")
    with pytest.raises(ValueError, match=r"sizes\[1\] must be an integer >= 1, got 0"):
        models.MLP((2, 0, 1))
    with pytest.raises(ValueError, match="sizes must have at least 2 entries"):
        models.MLP((2,))
    with pytest.raises(ValueError, match="n_hidden must be an integer >= 1"):
        models.RNN(1, -3, 1)
    m = models.MLP((3, 4, 1))
    p = m.init(seed=0)
    with pytest.raises(ValueError, match=r"init must be one of .*'xavier'.*'he'.*got 'kaiming'"):
        m.init(seed=0, init="kaiming")
    with pytest.raises(ValueError, match=r"X must have shape \(n, n_in\) with n_in=3.*\(10, 2\)"):
        m.forward(p, X[:, :2])
    with pytest.raises(ValueError, match="X must contain only finite numbers, got 1 NaN"):
        m.forward(p, np.where(np.arange(30).reshape(10, 3) == 4, np.nan, X))
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape \(3, 4\)"):
        m.forward({**p, "W1": np.zeros((2, 4))}, X)
    with pytest.raises(ValueError, match=r"params must be a dict with keys \['W1', 'b1', 'W2', "):
        m.forward({"W1": p["W1"]}, X)
    with pytest.raises(ValueError, match="all parameters must share the same K axis"):
        m.forward({**m.init(seed=[0, 1]), "b2": np.zeros((3, 1))}, X)
    with pytest.raises(ValueError, match=r"y must have shape \(10, 1\)"):
        m.loss_and_grad(p, X, Y, losses.mse)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        m.init(seed=-1)
    with pytest.raises(ValueError, match="seed must be an integer"):
        m.init(seed=1.5)
    with pytest.raises(ValueError, match=r"K must match the length of seed/scale \(2\), got 3"):
        m.init(seed=[0, 1], K=3)
    with pytest.raises(ValueError, match="hyperparameter arrays must all have the same length"):
        m.init(seed=[0, 1], scale=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="scale must be >= 0"):
        m.init(scale=-1.0)
    r = models.RNN(2, 3, 1)
    with pytest.raises(ValueError, match=r"X must have shape \(n, T, n_in\) .*got \(6, 2\)"):
        r.forward(r.init(), XS[:, 0])
    with pytest.raises(ValueError, match=r"X must hold at least one time step .*\(6, 0, 2\)"):
        r.forward(r.init(), XS[:, :0])         # fuzz review: T = 0 ran, the readout's bias alone
    with pytest.raises(ValueError, match=r"X must hold at least one time step"):
        r.loss_and_grad(r.init(), XS[:, :0], np.ones((6, 1)))
    with pytest.raises(ValueError, match=r"K must match the length of recurrent_scale"):
        r.init(K=3, recurrent_scale=[1.0, 2.0])
    with pytest.raises(ValueError, match="dyhat must have the output's shape"):
        m.backward(p, m.forward_cache(p, X)[1], np.zeros((10, 2)))


@pytest.mark.parametrize("kind", ["mlp", "norm", "rnn"])
@pytest.mark.parametrize("dtype", [np.int64, np.float16, bool, np.complex128])
def test_a_parameter_neither_float64_nor_float32_is_named(kind, dtype):
    """An integer W1 failed in NumPy ("Cannot cast ufunc 'tanh' output from dtype('float64')
    to dtype('int64')"), a bool or float16 last bias was used as it was, a complex one failed in
    a sum: the parameter and its dtype are named, in every model (fuzz review)."""
    m, data = {"mlp": (models.MLP((3, 4, 1)), X), "norm": (models.NormMLP((3, 4, 1)), X),
               "rnn": (models.RNN(2, 3, 1), XS)}[kind]
    p = m.init(seed=0)
    for key in (next(iter(p)), list(p)[-1]):
        with pytest.raises(ValueError, match=rf"params\['{key}'\] must be a float64 or float32 "
                                             rf"array .* got dtype {np.dtype(dtype)}"):
            m.loss_and_grad({**p, key: p[key].astype(dtype)}, data, np.ones((len(data), 1)))


@pytest.mark.parametrize("kind", ["mlp", "norm", "rnn"])
def test_per_model_targets_for_another_K_are_an_error_naming_y_and_K(kind):
    """y (K', n, out) for K models: named with the caller's K, not a block's shapes (70 models
    run in blocks; the message showed a block's (3, 300, 2) against y's shape)."""
    m, data = {"mlp": (models.MLP((3, 6, 2)), np.ones((300, 3))),
               "norm": (models.NormMLP((3, 6, 2)), np.ones((300, 3))),
               "rnn": (models.RNN(2, 4, 2), np.ones((300, 5, 2)))}[kind]
    with pytest.raises(ValueError, match=re.escape("or (K=70, n, out), one set of targets per "
                                                   "model, got (69, 300, 2)")):
        m.loss_and_grad(m.init(seed=np.arange(70)), data, np.ones((69, 300, 2)), "mse")


def test_a_custom_loss_may_return_its_pair_as_a_named_tuple():
    """loss_pair took only a plain tuple or list: a NamedTuple (value, dyhat), a pair, was
    refused as "not a pair" (review)."""
    from typing import NamedTuple

    class Out(NamedTuple):
        value: float
        dyhat: np.ndarray

    X, y = np.random.default_rng(0).standard_normal((9, 2)), np.ones((9, 1))
    for m in (models.MLP((2, 4, 1)), models.NormMLP((2, 4, 1))):
        p = m.init(seed=0)
        want = m.loss_and_grad(p, X, y, losses.mse)
        got = m.loss_and_grad(p, X, y, lambda yhat, t: Out(*losses.mse(yhat, t)))
        assert got[0] == want[0] and all(np.array_equal(got[1][k], want[1][k]) for k in p)
