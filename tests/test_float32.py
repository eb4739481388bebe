"""The float32 path: one argument (``fit(..., dtype="float32")``, ``model.init(dtype=...)``)
makes data, parameters, optimizer state, activations and losses float32; float64 stays the
default. Checked against PyTorch in float32 with a float32 tolerance."""

import numpy as np
import pytest
from torch_reference import require_torch

from wdlib import data, loop, losses, models, optim, penalties, train

NET = models.MLP((2, 16, 16, 1), activation="tanh")
MOONS = data.two_moons(n=60, n_val=40, noise=0.3, seed=0)
# float32 carries ~7 digits: after 100 steps the two float32 implementations (different
# summation orders in their matmuls) agree to a few float32 ulps of the weights' size.
TOL32 = 2e-5                     # measured: 8e-7 (SGD + momentum), 5e-6 (AdamW)


def test_float64_is_the_default():
    assert all(v.dtype == np.float64 for v in NET.init(seed=0).values())
    params, hist = train.fit(NET, MOONS, loss="bce", steps=3)
    assert all(v.dtype == np.float64 for v in params.values())
    assert models.RNN(1, 4, 1).init(seed=0)["Wh"].dtype == np.float64


@pytest.mark.parametrize("bad", ["float16", "int32", "double precision", None, 3])
def test_dtype_is_validated(bad):
    with pytest.raises(ValueError, match="dtype must be one of 'float64', 'float32'"):
        NET.init(seed=0, dtype=bad)
    with pytest.raises(ValueError, match="dtype must be one of 'float64', 'float32'"):
        train.fit(NET, MOONS, steps=2, dtype=bad)


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float32")])
def test_init_in_float32_is_the_float64_draw_rounded(dtype):
    p32, p64 = NET.init(seed=[0, 1], dtype=dtype), NET.init(seed=[0, 1])
    for k in p64:
        assert p32[k].dtype == np.float32
        assert np.array_equal(p32[k], p64[k].astype(np.float32))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adamw", "sgdw", "adamw_paper"])
@pytest.mark.parametrize("K", [None, 3])
def test_fit_in_float32_stays_float32_end_to_end(optimizer, K):
    lr = 0.05 if K is None else np.array([0.01, 0.03, 0.05])
    kw = dict(loss="bce", optimizer=optimizer, lr=lr, penalty="l2", lam=1e-3, clip="norm",
              steps=20, dtype="float32")
    if optimizer in ("adamw", "sgd"):
        kw.update(penalty=None, lam=None, weight_decay=1e-2)   # lam would have no effect
    params, hist = train.fit(NET, MOONS, **kw)
    assert all(v.dtype == np.float32 for v in params.values())
    assert np.all(np.isfinite(hist.train_loss)) and np.all(np.isfinite(hist.final("val_loss")))


def test_state_activations_and_losses_keep_float32():
    p = NET.init(seed=[0, 1], dtype="float32")
    X, y = MOONS.X.astype(np.float32), MOONS.y.astype(np.float32)
    yhat, cache = NET.forward_cache(p, X)
    assert yhat.dtype == np.float32 and all(a.dtype == np.float32 for a in cache["a"])
    assert NET.forward(p, MOONS.X).dtype == np.float32          # float64 data: cast to float32
    for name in ("mse", "bce"):
        value, grads = NET.loss_and_grad(p, X, y, name)
        assert value.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())
    for opt in (optim.sgd(np.array([0.1, 0.2]), momentum=0.9, weight_decay=1e-3),
                optim.adam(1e-2), optim.adamw(np.array([1e-2, 1e-3]))):
        run = loop.run(lambda q, t: NET.loss_and_grad(q, X, y, losses.mse, check=t == 0),
                       p, opt, 5, K=2)
        assert all(v.dtype == np.float32 for v in run.params.values())
        leaves = [a for part in run.state for field in part if isinstance(field, dict)
                  for a in field.values()]
        assert leaves and all(a.dtype == np.float32 for a in leaves)


def test_batched_equals_separate_in_float32():
    lrs = np.array([0.02, 0.1, 0.3])
    pK, _ = train.fit(NET, MOONS, loss="bce", optimizer="momentum", lr=lrs, penalty="l2",
                      lam=1e-3, steps=30, dtype="float32", record="loss")
    for k, lr in enumerate(lrs):
        pk, _ = train.fit(NET, MOONS, loss="bce", optimizer="momentum", lr=float(lr),
                          penalty="l2", lam=1e-3, steps=30, dtype="float32", record="loss")
        for key in pk:
            assert np.array_equal(pK[key][k], pk[key]), key


def _torch_run(torch, start, optimizer, lr, wd, steps):
    """The same MLP, data and optimizer in PyTorch float32 (weights decayed, biases not)."""
    torch.manual_seed(0)
    layers = []
    for l in (1, 2, 3):
        lin = torch.nn.Linear(*start[f"W{l}"].shape)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(start[f"W{l}"].T))
            lin.bias.copy_(torch.tensor(start[f"b{l}"]))
        layers += [lin, torch.nn.Tanh()] if l < 3 else [lin]
    net = torch.nn.Sequential(*layers).float()
    weights = [m.weight for m in net if isinstance(m, torch.nn.Linear)]
    biases = [m.bias for m in net if isinstance(m, torch.nn.Linear)]
    groups = [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0.0}]
    opt = {"momentum": lambda: torch.optim.SGD(groups, lr=lr, momentum=0.9),
           "adamw": lambda: torch.optim.AdamW(groups, lr=lr)}[optimizer]()
    X = torch.tensor(MOONS.X, dtype=torch.float32)
    y = torch.tensor(MOONS.y, dtype=torch.float32)
    lossf = torch.nn.BCEWithLogitsLoss()
    for _ in range(steps):
        opt.zero_grad()
        lossf(net(X), y).backward()
        opt.step()
    lins = [m for m in net if isinstance(m, torch.nn.Linear)]
    return {**{f"W{l}": m.weight.detach().numpy().T for l, m in enumerate(lins, 1)},
            **{f"b{l}": m.bias.detach().numpy() for l, m in enumerate(lins, 1)}}


@pytest.mark.parametrize("optimizer, lr, wd", [("momentum", 0.1, 1e-3), ("adamw", 1e-2, 1e-2)])
def test_float32_matches_torch_float32(optimizer, lr, wd):
    torch = require_torch()
    torch.set_num_threads(1)
    start = NET.init(seed=0, dtype="float32")
    ours, _ = train.fit(NET, MOONS.X, MOONS.y, loss="bce", optimizer=optimizer, lr=lr,
                        weight_decay=wd, steps=100, params=start, dtype="float32",
                        record="loss")
    theirs = _torch_run(torch, start, optimizer, lr, wd, 100)
    ours64, _ = train.fit(NET, MOONS.X, MOONS.y, loss="bce", optimizer=optimizer, lr=lr,
                          weight_decay=wd, steps=100, params=start, record="loss")
    for k in ours:
        assert ours[k].dtype == theirs[k].dtype == np.float32
        assert np.max(np.abs(ours[k] - theirs[k])) <= TOL32, k
        assert np.max(np.abs(ours[k] - ours64[k])) <= TOL32, k       # and close to float64


NORM_NET = models.NormMLP((2, 8, 8, 1), activation="tanh")


def test_norm_mlp_init_takes_dtype():
    p32, p64 = NORM_NET.init(seed=[0, 1], dtype="float32"), NORM_NET.init(seed=[0, 1])
    for k in p64:
        assert p32[k].dtype == np.float32
        assert np.array_equal(p32[k], p64[k].astype(np.float32)), k
    assert np.all(p32["g1"] == 1) and np.all(p32["b1"] == 0)
    with pytest.raises(ValueError, match="dtype must be one of 'float64', 'float32'"):
        NORM_NET.init(seed=0, dtype="float16")


@pytest.mark.parametrize("K", [None, 3])
def test_norm_mlp_fit_in_float32_stays_float32_end_to_end(K):
    lr = 1e-2 if K is None else np.array([1e-3, 1e-2, 3e-2])
    params, hist = train.fit(NORM_NET, MOONS, loss="bce", optimizer="adamw", lr=lr,
                             weight_decay=0.1, steps=5, dtype="float32")
    assert {k: v.dtype for k, v in params.items()} == {k: np.float32 for k in params}
    assert np.all(np.isfinite(hist.train_loss))
    p = NORM_NET.init(seed=[0, 1], dtype="float32")
    yhat, cache = NORM_NET.forward_cache(p, MOONS.X)              # float64 data: cast to float32
    assert yhat.dtype == np.float32
    assert all(a.dtype == np.float32 for c in cache["layers"] for a in c.values())
    value, grads = NORM_NET.loss_and_grad(p, MOONS.X, MOONS.y, "bce")
    assert value.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())


# LayerNorm's own tolerance: it divides by σ, so its float32 output carries a few ulps of the
# normalized values (order 1) whatever the scale of z; one forward + backward pass, no training.
TOL32_LAYER_NORM = 2e-6          # measured: 1.5e-7 (output), 6e-8 (loss), 1.5e-8 (gradients)


def test_norm_mlp_float32_matches_torch_layer_norm_float32():
    torch = require_torch()
    torch.set_num_threads(1)
    m = models.NormMLP((2, 6, 5, 1), "tanh", eps=1e-5)
    rng = np.random.default_rng(3)
    p = {k: (v + 0.3 * rng.normal(size=v.shape)).astype(np.float32)
         for k, v in m.init(seed=0).items()}
    X, y = MOONS.X.astype(np.float32), MOONS.y.astype(np.float32)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    a = torch.tensor(X)
    for l in (1, 2):
        h = t[f"W{l}"].shape[1]
        a = torch.tanh(torch.nn.functional.layer_norm(a @ t[f"W{l}"], (h,), t[f"g{l}"],
                                                      t[f"b{l}"], eps=1e-5))
    out = a @ t["W3"] + t["b3"]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(out, torch.tensor(y))
    loss.backward()
    value, grads = m.loss_and_grad(p, X, y, "bce")
    yhat = m.forward(p, X)
    assert yhat.dtype == value.dtype == np.float32
    np.testing.assert_allclose(yhat, out.detach().numpy(), rtol=0, atol=TOL32_LAYER_NORM)
    assert abs(float(value) - loss.item()) <= TOL32_LAYER_NORM
    for k in p:
        assert grads[k].dtype == t[k].grad.numpy().dtype == np.float32, k
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=0,
                                   atol=TOL32_LAYER_NORM, err_msg=k)


SEQ = data.sequence(n=24, n_val=16, T=5, seed=0)


@pytest.mark.parametrize("penalty", ["l1", "elastic_net"])
@pytest.mark.parametrize("K", [None, 3])
@pytest.mark.parametrize("model, ds, loss", [(NET, MOONS, "bce"),
                                             (models.RNN(1, 4, 1), SEQ, "mse")],
                         ids=["mlp", "rnn"])
def test_proximal_steps_keep_float32(penalty, K, model, ds, loss):
    lam = 0.01 if K is None else np.array([0.0, 0.01, 0.1])
    params, hist = train.fit(model, ds, loss=loss, optimizer="sgd", lr=0.05, penalty=penalty,
                             lam=lam, prox=True, steps=5, dtype="float32")
    assert {k: v.dtype for k, v in params.items()} == {k: np.float32 for k in params}
    assert np.all(np.isfinite(hist.train_loss))


def test_soft_threshold_and_prox_keep_the_float_dtype():
    w32 = np.array([-3.0, -0.5, 0.0, 0.5, 1.0, 3.0], dtype=np.float32)
    for t in (1.0, np.float64(1.0), np.array(1.0)):
        out = penalties.soft_threshold(w32, t)
        assert out.dtype == np.float32
        assert np.array_equal(out, [-2, 0, 0, 0, 0, 2]) and not np.any(np.signbit(out[1:5]))
    assert penalties.soft_threshold(w32.astype(np.float64), 1.0).dtype == np.float64
    assert penalties.soft_threshold(np.array([-3, 0, 2]), 1.0).dtype == np.float64   # ints
    assert penalties.soft_threshold([-3, 0, 2], 1).tolist() == [-2.0, 0.0, 1.0]
    pK = {"W": np.ones((3, 2, 2), dtype=np.float32), "b": np.ones((3, 2), dtype=np.float32)}
    for pen in (penalties.L1(np.array([0.0, 0.1, 1.0])),
                penalties.ElasticNet(0.1, l1_ratio=np.array([0.0, 0.5, 1.0])),
                penalties.ElasticNet(np.array([0.0, 0.1, 1.0]), l1_ratio=0.5)):
        for step in (0.1, np.float64(0.1), np.array([0.1, 0.2, 0.3])):
            out = pen.prox(pK, step)
            assert {k: v.dtype for k, v in out.items()} == {"W": np.float32, "b": np.float32}
