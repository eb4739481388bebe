"""The one training loop (``loop.run``), its divergence rule, and the findings of the review that
led to it: each test here failed on the loop that ``fit`` used to carry inside itself."""

import numpy as np
import pytest

from wdlib import allocator, data, diagnostics, loop, losses, models, optim, penalties, train
from wdlib.models import Model

MOONS = data.two_moons(n=64, n_val=64, noise=0.2, seed=1)
NET = models.MLP((2, 8, 8, 1), activation="tanh")
POLY = data.polynomial(n=20, degree=3, seed=0)
X8 = data.polynomial_features(POLY.X, 8)


def _overflowing_run(record):
    return train.fit(models.linear(8), X8, POLY.y, lr=50.0, steps=500, record=record)


# ---------------------------------------------------------------- recording cannot change a run
def test_record_mode_does_not_change_where_a_run_diverges_or_its_params():
    p_all, h_all = _overflowing_run("all")
    p_loss, h_loss = _overflowing_run("loss")
    assert h_all.diverged_at is not None
    assert h_loss.diverged_at == h_all.diverged_at
    for k in p_all:
        assert np.array_equal(p_all[k], p_loss[k])
        assert np.all(np.isfinite(p_loss[k])), "params must freeze at the last finite values"


def test_record_mode_does_not_change_a_batched_run():
    kw = dict(loss="bce", lr=np.array([0.1, 3.0, 400.0]), steps=60, penalty="l2", lam=1e-3,
              clip="norm", clip_threshold=1.0, batch_size=16)
    pa, ha = train.fit(NET, MOONS, record="all", **kw)
    pl, hl = train.fit(NET, MOONS, record="loss", **kw)
    assert ha.diverged_at == hl.diverged_at
    for k in pa:
        assert np.array_equal(pa[k], pl[k])
    np.testing.assert_array_equal(ha.train_loss, hl.train_loss)


def test_a_monitor_cannot_write_into_the_run():
    def objective(p, t):
        return losses.mse(p["w"][None, :] * np.ones((4, 1)), np.ones((4, 2)))[0], {"w": p["w"]}

    def vandal(t, params, loss, grads, alive):
        params["w"][0] = 1e9

    with pytest.raises(ValueError, match="read-only"):
        loop.run(objective, {"w": np.zeros(2)}, optim.sgd(0.1), 3, monitor=vandal)


def test_a_monitor_sees_every_array_read_only_however_it_reads_them():
    seen = []

    def objective(p, t):
        return float(p["w"] @ p["w"]), {"w": 2 * p["w"], "b": np.zeros(1)}

    def monitor(t, params, loss, grads, alive):
        seen.append((dict(params), dict(grads.items()), list(grads), len(params)))

    start = {"w": np.array([1.0, -2.0]), "b": np.zeros(1)}
    loop.run(objective, start, optim.sgd(0.1), 2, monitor=monitor)
    (p0, g0, keys, n), (p1, _, _, _) = seen
    assert keys == ["w", "b"] and n == 2
    np.testing.assert_array_equal(p0["w"], [1.0, -2.0])
    np.testing.assert_array_equal(g0["w"], [2.0, -4.0])
    np.testing.assert_array_equal(p1["w"], [0.8, -1.6])
    assert not any(a.flags.writeable for d in (p0, g0, p1) for a in d.values())


def test_params_are_finite_after_divergence_for_one_and_K_models():
    lrs = np.array([0.1, 50.0, 1e4])
    pb, hb = train.fit(models.linear(8), X8, POLY.y, lr=lrs, steps=300, record="loss")
    assert hb.diverged_at[0] is None and hb.diverged_at[1] is not None
    assert all(np.all(np.isfinite(v)) for v in pb.values())
    assert list(hb.diverged) == [False, True, True]
    assert list(hb.steps_run) == [300, hb.diverged_at[1], hb.diverged_at[2]]



def test_which_params_a_diverged_run_keeps():
    """loop.py's docstring: a loss that breaks the rule at step t keeps the (finite) parameters
    entering step t; an update that overflows at step t - 1 keeps those entering step t - 1."""
    def objective(p, t):                    # w <- w - 1.5·2w = -2w: the loss grows 4x a step
        return float(p["w"][0] ** 2), {"w": 2 * p["w"]}

    run = loop.run(objective, {"w": np.array([1.0])}, optim.sgd(1.5), 10,
                   divergence=loop.Divergence(max_loss=50))
    assert run.diverged_at == 3 and run.params["w"][0] == -8.0     # loss 64 > 50 at step 3
    big = {"w": np.array([1e200])}                                  # the first update overflows
    run = loop.run(lambda p, t: (0.0, {"w": p["w"] * 1e200}), big, optim.sgd(1.0), 10)
    assert run.diverged_at == 1 and run.params["w"][0] == 1e200

# ---------------------------------------------------------------- one divergence policy
def test_divergence_policy_thresholds_and_rule_text():
    lrs = np.array([0.05, 0.6])      # the second oscillates and grows, slowly at first
    kw = dict(lr=lrs, steps=200, record="loss", init="zeros")
    _, plain = train.fit(models.linear(8), X8, POLY.y, **kw)
    _, grow = train.fit(models.linear(8), X8, POLY.y, divergence=loop.Divergence(max_growth=1e3),
                        **kw)
    assert plain.diverged_at[0] is None and grow.diverged_at[0] is None
    assert grow.diverged_at[1] is not None
    assert plain.diverged_at[1] is None or grow.diverged_at[1] < plain.diverged_at[1]
    assert grow.divergence.rule == "loss not finite or > 1e+03 × its start"
    assert loop.NONFINITE.rule == "loss not finite"
    assert loop.Divergence(max_loss=1e12).rule == "loss not finite or > 1e+12"


@pytest.mark.parametrize("kwargs, match", [
    (dict(max_loss=0), "max_loss must be a number > 0"),
    (dict(max_growth=-1.0), "max_growth must be a number > 0"),
    (dict(max_loss="big"), "max_loss must be a number > 0"),
])
def test_divergence_policy_rejects_bad_thresholds(kwargs, match):
    with pytest.raises(ValueError, match=match):
        loop.Divergence(**kwargs)


def test_not_diverged_is_always_none():
    _, one = train.fit(NET, MOONS, loss="bce", steps=5)
    _, many = train.fit(NET, MOONS, loss="bce", lr=np.array([0.1, 0.2]), steps=5)
    assert one.diverged_at is None and one.diverged is False
    assert many.diverged_at == (None, None) and not many.diverged.any()


# ---------------------------------------------------------------- no argument silently ignored
def test_optimizer_object_with_lr_momentum_or_weight_decay_raises():
    with pytest.raises(ValueError, match=r"lr, momentum, weight_decay must not be given with "
                                         r"an optim.Optimizer.*lr=0.5, momentum=0.9, "
                                         r"weight_decay=3"):
        train.fit(NET, MOONS, optimizer=optim.sgd(0.1), lr=0.5, momentum=0.9, weight_decay=3.0)
    with pytest.raises(ValueError, match="lr must not be given"):
        train.fit(NET, MOONS, optimizer=optim.adam(0.1), lr=0.5)


def test_an_argument_the_optimizer_does_not_take_raises():
    with pytest.raises(ValueError, match=r"optimizer 'adam' takes no argument 'momentum' "
                                         r"\(got momentum=0.9\).*b1"):
        train.fit(NET, MOONS, optimizer="adam", momentum=0.9)
    with pytest.raises(ValueError, match="takes no argument 'nesterov'"):
        optim.get("adamw", lr=0.1, nesterov=True)


def test_momentum_zero_means_zero():
    opt = optim.get("momentum", lr=0.1, momentum=0.0)
    assert opt.hyperparams["momentum"] == 0.0
    assert optim.get("momentum", lr=0.1).hyperparams["momentum"] == 0.9
    p1, _ = train.fit(NET, MOONS, loss="bce", optimizer="momentum", momentum=0.0, steps=20)
    p2, _ = train.fit(NET, MOONS, loss="bce", optimizer="sgd", steps=20)
    for k in p1:
        assert np.array_equal(p1[k], p2[k])


def test_one_optimizer_registry():
    assert set(optim.OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adam", "adamw", "sgdw",
                                     "adamw_paper"}
    assert not hasattr(train, "OPTIMIZERS")


# ---------------------------------------------------------------- which parameters decay
def _one_step(opt, params):
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    updates, _ = opt.update(grads, opt.init(params), params)
    return {k for k, u in updates.items() if np.any(u != 0)}


def test_which_parameters_each_entry_point_decays():
    params = {k: np.ones_like(v) for k, v in NET.init(seed=0).items()}
    everything, weights = set(params), set(NET.weight_keys)
    # PyTorch's semantics: the optimizer's weight_decay acts on every parameter ...
    for name in ("sgd", "momentum", "nesterov", "adam", "adamw", "sgdw", "adamw_paper"):
        assert _one_step(optim.get(name, lr=0.1, weight_decay=0.1), params) == everything, name
        # ... unless a mask lists the decayed ones (optax's add_decayed_weights(mask=))
        masked = optim.get(name, lr=0.1, weight_decay=0.1, mask=NET.weight_keys)
        assert _one_step(masked, params) == weights, name
        by_fn = optim.get(name, lr=0.1, weight_decay=0.1, mask=lambda p: ["W1"])
        assert _one_step(by_fn, params) == {"W1"}, name
    # fit's weight_decay= and penalty= act on the model's weights only
    start = NET.init(seed=0)
    zero_data = (MOONS.X, np.zeros_like(MOONS.y))
    for kw in (dict(weight_decay=0.5), dict(penalty="l2", lam=0.5), dict(optimizer="adamw",
                                                                          weight_decay=0.5)):
        shifted = {k: v + 1.0 for k, v in start.items()}
        p, _ = train.fit(NET, *zero_data, params=shifted, steps=1, lr=0.1, **kw)
        grad_only, _ = train.fit(NET, *zero_data, params=shifted, steps=1, lr=0.1,
                                 optimizer=kw.get("optimizer", "sgd"))
        changed = {k for k in p if not np.array_equal(p[k], grad_only[k])}
        assert changed == weights, kw


def test_a_mask_naming_an_unknown_parameter_raises():
    params = NET.init(seed=0)
    opt = optim.sgd(0.1, weight_decay=0.1, mask=["W1", "W9"])
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"mask names keys that are not parameters: \['W9'\]"):
        opt.update(grads, opt.init(params), params)
    with pytest.raises(ValueError, match="mask must be None, a list of parameter names"):
        optim.sgd(0.1, mask="W1")


# ---------------------------------------------------------------- composable transforms
def test_fit_equals_the_loop_with_a_chain_of_transforms():
    lam, c = 1e-2, 0.5
    p_fit, h = train.fit(NET, MOONS, loss="bce", lr=0.3, momentum=0.9, penalty="l2", lam=lam,
                         clip="norm", clip_threshold=c, steps=40, seed=3)
    opt = optim.chain(optim.add_penalty_grad(penalties.L2(lam, keys=NET.weight_keys)),
                      optim.clip_by_global_norm(c), optim.sgd(0.3, momentum=0.9))
    run = loop.run(lambda p, t: NET.loss_and_grad(p, MOONS.X, MOONS.y, "bce"),
                   NET.init(seed=3), opt, 40)
    for k in p_fit:
        assert np.array_equal(p_fit[k], run.params[k])
    assert run.diverged_at is None and len(run.state) == 3
    assert np.all(h.grad_norm_clipped <= c + 1e-12)


def test_penalty_transform_refuses_a_constraint():
    with pytest.raises(ValueError, match="max-norm constraint is a projection"):
        optim.add_penalty_grad(penalties.MaxNorm(1.0))


# ---------------------------------------------------------------- K and the model interface
def test_K_mismatch_between_parts_names_them():
    with pytest.raises(ValueError, match="optimizer has K=2, penalty has K=3"):
        train.fit(NET, MOONS, optimizer=optim.sgd(np.array([0.1, 0.2])), penalty="l2",
                  lam=np.ones(3))


class _Quadratic(Model):
    """A toy model written only against the interface: y = X @ W (no bias)."""

    shapes = {"W": (2, 1), "gain": (1,)}

    def forward_cache(self, params, X, *, check=True):
        z = X @ params["W"] * (1.0 + params["gain"][..., None, :])
        return z, {"X": X, "z": z}

    def backward(self, params, cache, dyhat):
        s = 1.0 + params["gain"][..., None, :]
        gW = np.swapaxes(cache["X"], -1, -2) @ (dyhat * s)
        ggain = np.sum(dyhat * (cache["X"] @ params["W"]), axis=-2)
        return {"W": gW, "gain": ggain}

    def layer_activations(self, cache):
        return ["out"], [cache["z"]], [cache["z"]]


def test_a_new_model_needs_only_the_interface():
    m = _Quadratic()
    assert m.weight_keys == ("W",) and m.num_params() == 3
    p = m.init(seed=0)
    assert np.all(p["gain"] == 0)
    f = lambda q: m.loss_and_grad(q, MOONS.X, MOONS.y)                      # noqa: E731
    assert diagnostics.grad_check(f, {k: v + 0.3 for k, v in p.items()}) < 1e-6
    params, hist = train.fit(m, MOONS, lr=0.1, steps=20, weight_decay=0.1)
    assert hist.diverged_at is None and np.isfinite(hist.weight_norm).all()
    stats = diagnostics.layer_stats(m, params, MOONS.X, MOONS.y)
    assert stats["layers"] == ["out"] and stats["weights"] == ["W"]


def test_the_weight_naming_rule_lives_in_one_place():
    import pathlib

    import wdlib
    root = pathlib.Path(wdlib.__file__).parent
    hits = [str(f.relative_to(root)) for f in root.rglob("*.py")
            if f.parts[-2] != "exercises" and 'startswith("W")' in f.read_text()]
    assert hits == ["naming.py"]
    from wdlib import models, naming, penalties
    assert models.is_weight is naming.is_weight is penalties.is_weight


# ---------------------------------------------------------------- no process-wide side effects
def test_fit_does_not_tune_the_allocator(monkeypatch):
    calls = []
    monkeypatch.setattr(allocator, "keep_freed_memory", lambda: calls.append(1))
    train.fit(NET, MOONS, loss="bce", steps=3)
    assert calls == []


def test_minibatches_cover_each_epoch_without_replacement():
    batch = loop.minibatches(10, 3, seed=0)
    epoch = np.concatenate([batch(t) for t in range(3)])
    assert len(set(epoch.tolist())) == 9
    assert loop.minibatches(10, None)(5) is None
    with pytest.raises(ValueError, match="batch_size must be <= the number of samples 10"):
        loop.minibatches(10, 11)


@pytest.mark.parametrize("policy", [loop.NONFINITE, loop.Divergence(max_loss=10.0),
                                    loop.Divergence(max_growth=100.0),
                                    loop.Divergence(max_loss=50.0, max_growth=3.0)])
def test_divergence_rule_is_the_same_for_one_model_and_for_K(policy):
    """One model's loss goes through a scalar fast path; it must decide exactly as the array
    path does for K models (NaN, inf, the thresholds, and a start of 0)."""
    losses_ = [0.0, 0.5, 9.0, 10.0, 11.0, 49.0, 1e300, np.inf, -np.inf, np.nan]
    for start in (0.0, 1.0, -2.0, 20.0):
        batched = policy.exceeded(np.array(losses_), np.full(len(losses_), start))
        single = [policy.exceeded(np.float64(v), np.float64(start)) for v in losses_]
        assert single == list(batched), (start, single, list(batched))
        assert all(isinstance(s, bool) for s in single)


# ---------------------------------------------------------------- review: nothing silently ignored
@pytest.mark.parametrize("kwargs, match", [
    (dict(lam=0.5), r"lam=0.5 would have no effect: penalty is None"),
    (dict(prox=True), r"prox=True would have no effect: penalty is None"),
    # fuzz review: lam was taken and ignored with a penalty object (its own lam was used)
    (dict(penalty=penalties.L2(0.1), lam=0.2), r"lam=0.2 would have no effect: penalty is a "
                                                r"penalties object, .* \(L2\(lam=0.1"),
    (dict(prox="yes", penalty="l1"), r"prox must be True or False, got 'yes'"),
    (dict(clip_threshold=5.0), r"clip_threshold=5 would have no effect: clip is None"),
    (dict(data_seed=3), r"data_seed=3 would have no effect: batch_size is None"),
    (dict(params=NET.init(seed=3), seed=9), r"seed=9 would have no effect: params are given"),
    (dict(params=NET.init(seed=3), init="he"), r"init='he' would have no effect"),
    (dict(params=NET.init(seed=3), init_scale=5.0), r"init_scale=5 would have no effect"),
    (dict(batch_size=5, data_seed=-1), r"data_seed must be an integer >= 0, got -1"),
    (dict(X_val=np.zeros((5, 3)), y_val=np.zeros(5)), r"X_val must have the features of X"),
])
def test_an_argument_with_no_effect_or_a_bad_value_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train.fit(NET, MOONS.X, MOONS.y, loss="bce", steps=2, **kwargs)


def test_val_every_without_validation_data_raises_and_model_must_be_a_model():
    with pytest.raises(ValueError, match="val_every=7 would have no effect"):
        train.fit(NET, MOONS.X, MOONS.y, loss="bce", steps=2, val_every=7)
    with pytest.raises(ValueError, match="model must be a wdlib.models.Model"):
        train.fit("mlp", MOONS.X, MOONS.y)
    _, hist = train.fit(NET, MOONS, loss="bce", steps=2)
    with pytest.raises(ValueError, match="name 'foo' was not recorded"):
        hist.final("foo")


def test_a_schedule_is_checked_at_every_step():
    from wdlib import schedules  # noqa: F401  (a plain callable is a schedule too)
    with pytest.raises(ValueError, match=r"lr\(3\) must be >= 0"):
        train.fit(NET, MOONS, loss="bce", lr=lambda t: 0.1 - 0.05 * t, steps=6)


def test_float32_stays_float32_with_a_schedule():
    from wdlib import schedules
    params, _ = train.fit(models.MLP((2, 6, 1)), MOONS, loss="bce", steps=10, dtype="float32",
                          lr=schedules.cosine(0.1, 10), optimizer="adamw", weight_decay=1e-2)
    assert {v.dtype for v in params.values()} == {np.dtype(np.float32)}


def test_a_per_weight_lam_dict_goes_through_fit():
    p_dict, _ = train.fit(NET, MOONS, loss="bce", steps=20, penalty="l2", lam={"W1": 0.5})
    pen = penalties.L2({"W1": 0.5})
    p_obj, _ = train.fit(NET, MOONS, loss="bce", steps=20, penalty=pen)
    for k in p_dict:
        assert np.array_equal(p_dict[k], p_obj[k])
    with pytest.raises(ValueError, match=r"lam names parameters that are not weights: \['b1'\]"):
        train.fit(NET, MOONS, loss="bce", steps=2, penalty="l2", lam={"b1": 0.5})


@pytest.mark.parametrize("answer, match", [
    (1.0, r"objective must return a pair \(loss, grads\), got 1"),
    ((1.0, {}, 2), r"objective must return a pair \(loss, grads\), got \(1.0, \{\}, 2\)"),
    (None, r"objective must return a pair \(loss, grads\), got None"),
    (("a", "grads"), r"objective must return a loss that is a real number .*got 'a'"),
    ((True, "grads"), r"objective must return a loss that is a real number .*got True"),
    ((np.ones(3), "grads"), r"objective must return a loss of shape \(\), got \(3,\)"),
])
def test_an_objective_answering_something_else_is_named(answer, match):
    """loop.run unpacked the objective's answer and tested the loss inside the loop: a lone
    loss gave Python's "cannot unpack non-iterable float object", a string loss "must be real
    number, not str", naming neither (fuzz review). The first answer is checked first."""
    p = {"w": np.ones(2)}
    with pytest.raises(ValueError, match=match):
        loop.run(lambda params, t: answer, p, optim.sgd(0.1), 3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(K=True), r"K must be an integer >= 1, got True"),
    (dict(K=0), r"K must be an integer >= 1, got 0"),
    (dict(divergence="nonfinite"), r"divergence must be a loop.Divergence, got 'nonfinite'"),
    (dict(monitor=3), r"monitor must be a function or None, got 3"),
    (dict(after_update="prox"), r"after_update must be a function or None, got 'prox'"),
    (dict(after_update=lambda p, t: None), r"after_update's result must be a dict of arrays"),
    (dict(after_update=lambda p, t: {"w": p["w"][:1]}),
     r"after_update's result\['w'\] and params\['w'\] must have the same shape"),
])
def test_loop_run_names_a_bad_argument_before_it_is_used(kwargs, match):
    """loop.run's keyword arguments were used as given: K=True reached NumPy ("expected a
    sequence of integers"), a string divergence gave "'str' object has no attribute
    'exceeded'", an after_update returning None "'NoneType' object has no attribute
    'values'", a monitor of 3 "'int' object is not callable" (fuzz review)."""
    p = {"w": np.ones(2)}
    with pytest.raises(ValueError, match=match):
        loop.run(lambda params, t: (float(params["w"] @ params["w"]), {"w": 2 * params["w"]}),
                 p, optim.sgd(0.1), 3, **kwargs)


def test_sgdw_and_tap_name_what_does_not_fit_before_a_step():
    """sgdw with lr of K=2 and a multiplier of K=3 failed in NumPy's broadcast (lr times the
    multiplier's value at step 0); tap(3) failed at the first update (fuzz review)."""
    from wdlib import schedules
    with pytest.raises(ValueError, match=r"same length K; lr has 2, multiplier has 3"):
        optim.sgdw(np.array([0.1, 0.2]), multiplier=schedules.constant(np.ones(3)))
    with pytest.raises(ValueError, match=r"same length K; lr has 2, multiplier has 3"):
        optim.adamw_paper(np.array([0.1, 0.2]), multiplier=schedules.constant(np.ones(3)))
    with pytest.raises(ValueError, match=r"observe must be a function grads -> anything, got 3"):
        optim.tap(3)
