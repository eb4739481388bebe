"""fit: batched == separate, determinism, divergence, convergence to the closed form, errors."""

import numpy as np
import pytest

from wdlib import data, models, solvers, train

MOONS = data.two_moons(n=64, n_val=64, noise=0.2, seed=1)
NET = models.MLP((2, 8, 8, 1), activation="tanh")

# Measured: the largest difference between a batched model and its separate run is 0 to a few
# ulps (the same BLAS calls on the same slices); 1e-12 leaves room for other BLAS builds.
BATCHED_TOL = 1e-12


def _max_diff(a: dict, b: dict) -> float:
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in a)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adamw", "sgdw"])
def test_batched_equals_separate_runs(optimizer):
    lrs = np.array([0.05, 0.1, 0.2, 0.4])
    wds = np.array([0.0, 1e-3, 1e-2, 1e-1])
    seeds = np.array([0, 1, 2, 3])
    kw = dict(loss="bce", optimizer=optimizer, steps=40, batch_size=16, penalty="l2",
              clip="norm", clip_threshold=2.0)
    pb, hb = train.fit(NET, MOONS, lr=lrs, weight_decay=wds, lam=wds, seed=seeds, **kw)
    assert hb.K == 4 and hb.train_loss.shape == (40, 4)
    for k in range(4):
        ps, hs = train.fit(NET, MOONS, lr=lrs[k], weight_decay=wds[k], lam=wds[k],
                           seed=int(seeds[k]), **kw)
        assert _max_diff({n: v[k] for n, v in pb.items()}, ps) <= BATCHED_TOL
        np.testing.assert_allclose(hb.val_loss[:, k], hs.val_loss, rtol=0, atol=BATCHED_TOL)
        np.testing.assert_allclose(hb.grad_norm[:, k], hs.grad_norm, rtol=0, atol=BATCHED_TOL)


def test_same_seed_is_bit_identical():
    kw = dict(loss="bce", optimizer="adam", lr=0.01, steps=30, batch_size=16, seed=3)
    p1, h1 = train.fit(NET, MOONS, **kw)
    p2, h2 = train.fit(NET, MOONS, **kw)
    for k in p1:
        assert np.array_equal(p1[k], p2[k])
    assert np.array_equal(h1.train_loss, h2.train_loss)
    p3, _ = train.fit(NET, MOONS, **{**kw, "seed": 4})
    assert not np.array_equal(p1["W1"], p3["W1"])


def test_gradient_descent_converges_to_ridge_closed_form():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=50)
    lam = 0.1
    w_star, b_star = solvers.ridge(X, y, lam)
    params, hist = train.fit(models.linear(3), X, y, optimizer="sgd", lr=0.5, steps=2000,
                             penalty="l2", lam=lam, init="zeros")
    assert np.max(np.abs(params["W1"][:, 0] - w_star)) < 1e-8
    assert abs(params["b1"][0] - b_star) < 1e-8
    assert hist.diverged_at is None


def test_divergence_stops_the_run_and_says_where():
    # lr far beyond 2/L on an MSE problem: the loss overflows within a few dozen steps.
    ds = data.polynomial(n=20, degree=3, seed=0)
    X = data.polynomial_features(ds.X, 8)
    params, hist = train.fit(models.linear(8), X, ds.y, lr=50.0, steps=500)
    assert isinstance(hist.diverged_at, int) and 0 < hist.diverged_at < 500
    assert np.all(np.isnan(hist.train_loss[hist.diverged_at:]))
    assert np.all(np.isfinite(hist.train_loss[:hist.diverged_at]))
    assert all(np.all(np.isfinite(v)) for v in params.values())


def test_batched_divergence_freezes_only_the_diverged_models():
    ds = data.polynomial(n=20, degree=3, seed=0)
    X = data.polynomial_features(ds.X, 8)
    lrs = np.array([0.1, 50.0, 0.3])
    pb, hb = train.fit(models.linear(8), X, ds.y, lr=lrs, steps=200)
    assert hb.diverged_at[0] is None and hb.diverged_at[2] is None and hb.diverged_at[1] > 0
    assert list(hb.diverged) == [False, True, False]
    for k in (0, 2):
        ps, _ = train.fit(models.linear(8), X, ds.y, lr=float(lrs[k]), steps=200)
        assert _max_diff({n: v[k] for n, v in pb.items()}, ps) <= BATCHED_TOL


def test_l1_proximal_training_gives_exact_zeros_and_subgradient_does_not():
    ds = data.sparse_linear(n=100, d=20, k=5, seed=0)
    kw = dict(penalty="l1", lam=0.05, lr=0.1, steps=500, init="zeros")
    p_prox, _ = train.fit(models.linear(20), ds, prox=True, **kw)
    p_sub, _ = train.fit(models.linear(20), ds, prox=False, **kw)
    assert np.count_nonzero(p_prox["W1"] == 0.0) >= 10
    assert np.count_nonzero(p_sub["W1"] == 0.0) < 5


def test_max_norm_keeps_every_unit_within_c():
    c = 0.5
    params, _ = train.fit(NET, MOONS, loss="bce", lr=0.5, steps=100, penalty="max_norm", lam=c)
    for k in ("W1", "W2", "W3"):
        assert np.all(np.linalg.norm(params[k], axis=0) <= c + 1e-12)


def test_history_records_every_field():
    p, h = train.fit(NET, MOONS, loss="bce", lr=0.1, steps=25, clip="norm", clip_threshold=0.1)
    for name in ("train_loss", "val_loss", "grad_norm", "grad_norm_clipped", "weight_norm", "lr"):
        assert getattr(h, name).shape == (25,)
        assert np.all(np.isfinite(getattr(h, name)))
    assert np.all(h.grad_norm_clipped <= 0.1 + 1e-9)
    assert np.all(h.grad_norm >= h.grad_norm_clipped)
    assert set(h.layer_grad_norms) == set(p)
    assert h.final("val_loss") == h.val_loss[-1]


def test_schedule_as_lr_is_recorded():
    sched = lambda t: 0.1 * 0.5 ** (t // 10)
    _, h = train.fit(NET, MOONS, loss="bce", lr=sched, steps=30)
    np.testing.assert_array_equal(h.lr, [sched(t) for t in range(30)])


@pytest.mark.parametrize("lr", [np.array([0.1, 50.0, 1e4]),
                                lambda t: np.array([0.1, 50.0, 1e4]) * 0.99 ** t])
def test_lr_is_recorded_exactly_for_the_steps_each_model_ran(lr):
    X8 = data.polynomial_features(data.polynomial(n=20, degree=3, seed=0).X, 8)
    y = data.polynomial(n=20, degree=3, seed=0).y
    _, h = train.fit(models.linear(8), X8, y, lr=lr, steps=300, record="loss")
    assert h.diverged_at[0] is None and None not in h.diverged_at[1:]
    np.testing.assert_array_equal(np.isnan(h.lr), np.isnan(h.train_loss))
    for t in (0, 1, h.diverged_at[2] - 1):
        want = lr(t) if callable(lr) else lr
        ran = t < np.array(h.steps_run)
        np.testing.assert_array_equal(h.lr[t][ran], want[ran])


def test_grid_flattens_and_unflattens():
    g = train.grid(lam=[1e-3, 1e-2, 1e-1], lr=[0.1, 0.2])
    assert g.K == 6 and g.shape == (3, 2)
    flat = g.flat
    np.testing.assert_array_equal(g.unflatten(flat["lam"])[:, 0], [1e-3, 1e-2, 1e-1])
    np.testing.assert_array_equal(g.unflatten(flat["lr"])[0], [0.1, 0.2])
    _, h = train.fit(NET, MOONS, loss="bce", steps=5, penalty="l2", **flat)
    assert g.unflatten(h.final("val_loss")).shape == (3, 2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=-0.1), r"lr must be > 0, got -0\.1"),
    (dict(lr=0.0), r"lr must be > 0"),
    (dict(lam=-1.0, penalty="l2"), r"lam must be >= 0, got -1"),
    (dict(momentum=1.0), r"momentum must be in \[0, 1\), got 1"),
    (dict(optimizer="rmsprop"), r"optimizer must be one of 'sgd'.*'adamw'"),
    (dict(clip="both"), r"clip must be one of"),
    (dict(clip="norm", clip_threshold=0.0), r"clip_threshold must be > 0"),
    (dict(lr=np.ones(3), lam=np.ones(4), penalty="l2"), r"same length K; lr has 3, lam has 4"),
    (dict(steps=0), r"steps must be an integer >= 1, got 0"),
    (dict(batch_size=1000), r"batch_size must be <= the number of samples 64, got 1000"),
    (dict(loss="hinge"), r"loss"),
])
def test_bad_input_names_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train.fit(NET, MOONS, **{"loss": "bce", **kwargs})


def test_bad_data_names_the_argument():
    X = MOONS.X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X must contain only finite numbers"):
        train.fit(NET, X, MOONS.y, loss="bce")
    with pytest.raises(ValueError,
                       match=r"X and y must have the same number of rows, got 64 and 63"):
        train.fit(NET, MOONS.X, MOONS.y[:-1], loss="bce")
    with pytest.raises(ValueError, match=r"X must have at least one sample \(row\), got shape"):
        train.fit(NET, MOONS.X[:0], MOONS.y[:0], loss="bce")
    with pytest.raises(ValueError, match=r"X_val must have at least one sample"):
        train.fit(NET, MOONS.X, MOONS.y, X_val=MOONS.X[:0], y_val=MOONS.y[:0], loss="bce")


def test_allocator_tuning_is_on_for_glibc_and_can_be_declined(monkeypatch):
    from wdlib import allocator as _alloc
    monkeypatch.setattr(_alloc, "_done", None)
    monkeypatch.setenv("WDLIB_KEEP_FREED_MEMORY", "0")
    assert _alloc.keep_freed_memory() is False
    monkeypatch.setattr(_alloc, "_done", None)
    monkeypatch.delenv("WDLIB_KEEP_FREED_MEMORY")
    assert _alloc.keep_freed_memory() is _alloc._is_glibc()


def test_given_batched_params_set_K_and_equal_separate_runs():
    scales = np.array([0.5, 1.0, 2.0])
    start = NET.init(seed=0, K=3, scale=scales)             # (K, ...) without any K-array hyper
    pb, hb = train.fit(NET, MOONS, loss="bce", lr=0.1, steps=20, params=start)
    assert hb.K == 3 and hb.train_loss.shape == (20, 3)
    for k in range(3):
        ps, _ = train.fit(NET, MOONS, loss="bce", lr=0.1, steps=20,
                          params={n: v[k] for n, v in start.items()})
        assert _max_diff({n: v[k] for n, v in pb.items()}, ps) <= BATCHED_TOL
    assert all(np.array_equal(start[n], NET.init(seed=0, K=3, scale=scales)[n]) for n in start)


def test_given_params_with_the_wrong_shape_or_K_name_the_key():
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape"):
        train.fit(NET, MOONS, loss="bce", params={**NET.init(), "W1": np.zeros((3, 8))})
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape"):
        train.fit(NET, MOONS, loss="bce", lr=np.ones(2) * 0.1, params=NET.init(seed=0, K=3))


# ---------------------------------------------------------------- grouped parameters
GROUPED_CASES = [
    dict(optimizer="momentum", lr=0.3, penalty="l2", lam=1e-2),
    dict(optimizer="nesterov", lr=0.2, penalty="l1", lam=1e-3, prox=True, batch_size=16),
    dict(optimizer="adam", lr=1e-2, weight_decay=1e-2, penalty="elastic_net", lam=1e-3),
    dict(optimizer="adamw", lr=np.array([1e-2, 3e-2]), weight_decay=np.array([0.0, 0.1]),
         clip="value", clip_threshold=0.05),
    dict(optimizer="sgdw", lr=0.2, momentum=0.5, weight_decay=1e-2, penalty="l2",
         lam=np.array([1e-3, 1e-2]), prox=True, dtype="float32"),
    dict(optimizer="adamw_paper", lr=1e-2, weight_decay=1e-3, seed=np.array([1, 2, 3])),
]


@pytest.mark.parametrize("kw", GROUPED_CASES)
def test_grouped_run_equals_one_array_per_parameter_bit_for_bit(kw):
    """fit trains a named optimizer on layout's two flat groups; the same run given as objects
    (which keep one array per parameter) must give exactly the same numbers."""
    from wdlib import optim
    kw = dict(kw)
    named = {k: kw.pop(k) for k in ("lr", "momentum", "weight_decay") if k in kw}
    as_object = optim.get(kw["optimizer"], **named, mask=NET.weight_keys)
    pen = kw.pop("penalty", None)
    lam = kw.pop("lam", None)                       # None: no penalty (lam would be unused)
    pen_object = pen and train.make_penalty(pen, lam, keys=NET.weight_keys)
    common = dict(loss="bce", steps=30, record="all", **kw)
    pg, hg = train.fit(NET, MOONS, **named, penalty=pen, lam=lam, **common)
    pk, hk = train.fit(NET, MOONS, **{**common, "optimizer": as_object}, penalty=pen_object)
    assert list(pg) == list(NET.shapes)
    for k in pk:
        assert pg[k].flags.c_contiguous and pg[k].flags.owndata
        assert pg[k].dtype == pk[k].dtype and np.array_equal(pg[k], pk[k]), k
    for name in ("train_loss", "val_loss", "lr"):
        np.testing.assert_array_equal(getattr(hg, name), getattr(hk, name))
    for k, v in hk.layer_grad_norms.items():
        np.testing.assert_array_equal(hg.layer_grad_norms[k], v)
    rtol = 1e-6 if kw.get("dtype") == "float32" else 1e-14           # sums, reordered
    np.testing.assert_allclose(hg.grad_norm, hk.grad_norm, rtol=rtol)
    np.testing.assert_allclose(hg.penalty, hk.penalty, rtol=rtol)


ONE_GROUP_CASES = [
    dict(optimizer="momentum", lr=10 ** -0.5, val_every=7),          # the slider retrain
    dict(optimizer="nesterov", lr=0.2, clip="value", clip_threshold=0.05, batch_size=16),
    dict(optimizer="adam", lr=np.array([1e-2, 3e-2]), seed=np.array([1, 2])),
    dict(optimizer="adamw", lr=1e-2, dtype="float32"),
    dict(optimizer="sgd", lr=np.array([0.1, 30.0, 300.0])),          # two of three diverge
]


@pytest.mark.parametrize("kw", ONE_GROUP_CASES)
def test_one_group_run_equals_two_groups_and_one_array_per_parameter_bit_for_bit(kw):
    """With nothing acting on the weights alone and record="loss", fit trains on one flat group
    (layout.ALL); record="all" keeps two groups, an optim.Optimizer object one array per
    parameter: all three give exactly the same parameters and losses."""
    from wdlib import layout, optim
    kw = dict(kw)
    named = {k: kw.pop(k) for k in ("lr",)}
    as_object = optim.get(kw["optimizer"], **named, weight_decay=0.0)    # fit's default
    seen = []
    real = layout.Layout.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        seen.append(tuple(self.members))

    common = dict(loss="bce", steps=40, **kw)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(layout.Layout, "__init__", spy)
        runs = [train.fit(NET, MOONS, **named, **common, record="loss"),
                train.fit(NET, MOONS, **named, **common, record="all"),
                train.fit(NET, MOONS, **{**common, "optimizer": as_object}, record="loss")]
    assert seen == [(layout.ALL,), (layout.WEIGHTS, layout.OTHER)]
    (p1, h1), *others = runs
    for p, h in others:
        assert h.diverged_at == h1.diverged_at
        for k in NET.shapes:
            assert p[k].dtype == p1[k].dtype and np.array_equal(p[k], p1[k]), k
        for name in ("train_loss", "val_loss"):
            np.testing.assert_array_equal(getattr(h, name), getattr(h1, name))


def test_fit_refuses_one_data_set_per_model_naming_it():
    """A model's loss_and_grad takes X (K, n, n_in), one data set per model; fit's minibatches
    and validation cut rows, so there it is an error naming X (or y), never a run that cuts the
    models' axis."""
    net = models.linear(3)
    XK, YK = np.ones((4, 10, 3)), np.ones((4, 10, 1))
    for y in (YK, np.ones(10)):                       # not "X and y must have the same rows"
        with pytest.raises(ValueError, match=r"X must have shape \(n, n_in\) in fit"):
            train.fit(net, XK, y, lr=np.full(4, 0.1), steps=2)
    with pytest.raises(ValueError, match=r"y must have shape \(n,\) or \(n, out\) in fit"):
        train.fit(net, np.ones((4, 3)), YK, lr=np.full(4, 0.1), steps=2)   # K = n = 4
    with pytest.raises(ValueError, match=r"X_val must have shape \(n, n_in\) in fit"):
        train.fit(net, np.ones((10, 3)), np.ones(10), X_val=XK, y_val=np.ones(4), steps=2)
