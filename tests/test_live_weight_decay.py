"""The "weight_decay" dashboard (lesson 02): it trains what its status line says, and the effects
the lesson claims are visible in its numbers. (Generic checks: tests/test_live.py.)"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import loop, losses, models, optim, train  # noqa: E402
from wdlib.live import weight_decay as wd  # noqa: E402
from wdlib.tasks import classification as cl  # noqa: E402

MODEL = cl.PLAYGROUND_MLP            # the playground's net
from wdlib.live.framework import val_every  # noqa: E402


@pytest.fixture(scope="module")
def dash():
    d = wd.WeightDecay()
    yield d
    d.close()


def direct(**kw):
    """The same training, written out with train.fit (what a lesson's code cell would do)."""
    args = dict(loss="bce", lr=10 ** -0.5, steps=80, params=MODEL.init(seed=0), record="loss")
    args["val_every"] = val_every(kw.get("steps", args["steps"]))    # as the dashboard validates
    return train.fit(MODEL, cl.moons(cl.PLAYGROUND_MOONS), **{**args, **kw})


def validated(values):
    """The validation losses a curve shows: the steps that were validated (finite)."""
    return values[np.isfinite(values)]


def test_defaults_train_sgd_momentum_with_an_l2_penalty(dash):
    d = dash
    d.set(**d.defaults)
    assert d.defaults["same_init"] is True
    params, hist = direct(optimizer="momentum", penalty="l2", lam=1e-2)
    _, torch_style = direct(lr=None, optimizer=optim.sgd(10 ** -0.5, momentum=0.9,
                                                weight_decay={k: 1e-2 for k in ("W1", "W2", "W3")}))
    np.testing.assert_allclose(torch_style.train_loss, hist.train_loss, rtol=1e-10)  # = PyTorch
    np.testing.assert_array_equal(d.result["hist"].train_loss, hist.train_loss)
    np.testing.assert_array_equal(d.result["hist"].val_loss, hist.val_loss)
    np.testing.assert_array_equal(d.result["prob"].ravel(),
                                  losses.sigmoid(MODEL.forward(params, d.grid)[:, 0]))
    assert MODEL.num_params() - sum(MODEL.shapes[f"b{i}"][0] for i in (1, 2, 3)) == 304
    assert d.result["weights"].shape == (304,)
    assert "SGD + momentum 0.9, λ is an L2 penalty" in d.status.value
    assert "= PyTorch SGD(momentum=0.9, weight_decay=λ)" in d.status.value
    assert "λ = 1.0e-2" in d.status.value and "init seed 0 for every setting" in d.status.value
    # the panels show those numbers: curves, image, histogram of all 304 weights
    np.testing.assert_array_equal(d.curves[1].get_ydata(), validated(hist.val_loss))
    np.testing.assert_array_equal(d.prob.get_array(), d.result["prob"])
    assert d.hist.get_data().values.sum() == 304


def test_weight_decay_shrinks_weights_and_cures_overfitting(dash):
    d = dash
    d.set(lam=1e-6)
    small = d.result
    d.set(lam=1e-2)
    medium = d.result
    d.set(lam=1.0)
    large = d.result
    norms = [np.linalg.norm(r["weights"]) for r in (small, medium, large)]
    assert norms[0] > 2 * norms[1] > 2 * norms[2]
    f = lambda r, k: r["hist"].final(k)
    # λ ≈ 0 overfits: train loss tiny, validation loss far above it; λ = 1e-2 halves it
    assert f(small, "train_loss") < 0.05 and f(small, "val_loss") > 10 * f(small, "train_loss")
    assert f(medium, "val_loss") < 0.5 * f(small, "val_loss")
    # λ = 1 underfits: every weight ~0, the net predicts 1/2 everywhere (loss log 2)
    assert f(large, "train_loss") == pytest.approx(np.log(2), abs=1e-3)
    d.set(**d.defaults)


def test_adamw_uses_decoupled_weight_decay_and_l1_a_proximal_step(dash):
    d = dash
    d.set(optimizer="adamw", lam=0.3)
    _, hist = direct(optimizer="adamw", weight_decay=0.3)              # no penalty term
    np.testing.assert_array_equal(d.result["hist"].val_loss, hist.val_loss)
    assert "decoupled weight decay" in d.status.value
    _, coupled = direct(optimizer="adam", penalty="l2", lam=0.3)
    assert not np.allclose(hist.val_loss, coupled.val_loss)            # AdamW is not Adam + L2
    d.set(optimizer="sgd", lr=1.0, penalty="l1", lam=1e-2)
    params, hist = direct(optimizer="sgd", lr=1.0, penalty="l1", lam=1e-2, prox=True)
    np.testing.assert_array_equal(d.result["hist"].train_loss, hist.train_loss)
    zeros = int(np.sum(d.result["weights"] == 0))
    assert zeros == sum(int(np.sum(params[k] == 0)) for k in ("W1", "W2", "W3")) > 50
    assert f"{zeros} of 304 weights exactly 0" in d.status.value
    d.set(penalty="l2")
    assert np.sum(d.result["weights"] == 0) == 0                      # L2 only shrinks
    d.set(penalty="none", lam=1.0)
    _, free = direct(optimizer="sgd", lr=1.0)
    np.testing.assert_array_equal(d.result["hist"].train_loss, free.train_loss)
    assert "λ is not used" in d.status.value
    d.set(**d.defaults)


def test_lambda_zero_ghost_is_trained_once_and_previous_run_ghost(dash, monkeypatch):
    d = dash
    d.set(**d.defaults)
    _, free = direct(optimizer="momentum")
    np.testing.assert_array_equal(d.ghosts[1].get_ydata(), validated(free.val_loss))  # λ = 0
    calls = []
    fit = train.fit
    monkeypatch.setattr(train, "fit", lambda *a, **k: calls.append(k) or fit(*a, **k))
    d.set(lam=1e-3)
    d.set(lam=1e-4)
    assert [c["lam"] for c in calls] == [1e-3, 1e-4]      # moving λ trains one net, not two
    np.testing.assert_array_equal(d.ghosts[1].get_ydata(), validated(free.val_loss))
    d.set(ghost="previous")                                 # ghost = the run at λ = 1e-3
    run_3 = cl.train_playground("momentum", "l2", 1e-3, 10 ** -0.5, 80, 0)[1]
    np.testing.assert_array_equal(d.ghosts[0].get_ydata(), run_3.train_loss)
    d.set()                                                 # a redraw is not a new run
    np.testing.assert_array_equal(d.ghosts[0].get_ydata(), run_3.train_loss)
    d.set(ghost="none")
    assert len(d.ghosts[0].get_ydata()) == 0
    d.set(**d.defaults)


def test_init_seed_changes_only_the_initial_weights(dash):
    d = dash
    d.set(seed=3)
    _, hist = direct(optimizer="momentum", penalty="l2", lam=1e-2, params=MODEL.init(seed=3))
    np.testing.assert_array_equal(d.result["hist"].train_loss, hist.train_loss)
    assert hist.train_loss[0] != direct(optimizer="momentum")[1].train_loss[0]
    d.set(**d.defaults)


def test_divergence_shows_the_step_hand_computed():
    """SGD with lr·λ = 10: the decay term alone maps W to (1 - 10)·W = -9·W each step (the data
    gradient of the cross-entropy is bounded), so Σw² grows 81× a step. The playground's rule
    (loss > 1e6 × its start) stops it at the first t with λ/2·81^t·Σw₀² > 1e6 × (data loss₀ +
    λ/2·Σw₀²); without that rule it ran to step 161, where the penalty overflows, and at 80
    steps it showed a loss of 1e+75 with no "diverged"."""
    assert cl.PLAYGROUND_DIVERGENCE == loop.Divergence(max_growth=1e6)
    d = wd.WeightDecay(optimizer="sgd", lam=1.0, lr=10.0, epochs=400)
    w0 = np.concatenate([v.ravel() for k, v in MODEL.init(seed=0).items() if k[0] == "W"])
    h = d.result["hist"]
    start = h.train_loss[0] + 0.5 * np.sum(w0**2)          # data loss + penalty at step 0
    t = int(np.ceil(np.log(1e6 * start / (0.5 * np.sum(w0**2))) / np.log(81)))
    assert d.result["diverged_at"] == t == 4
    run = train.fit(MODEL, cl.moons(cl.PLAYGROUND_MOONS), loss="bce", optimizer="sgd", lr=10.0,
                    penalty="l2", lam=1.0, steps=400, params=MODEL.init(seed=0), record="loss")
    overflow = int(np.ceil(np.log(np.finfo(float).max / np.sum(w0**2)) / np.log(81)))
    assert run[1].diverged_at == overflow == 161           # the rule matters: 4, not 161
    assert f"diverged at step {t}" in d.status.value and "error" not in d.status.value
    assert d._note.get_visible()
    # Its losses are the last before it diverged, with their steps; the status line said
    # "train loss 1.16e+153, validation loss 1.16e+153", values read as the end of the run.
    h = d.result["hist"]
    for name, words in (("train_loss", "train loss"), ("val_loss", "validation loss")):
        k = int(np.flatnonzero(np.isfinite(getattr(h, name)))[-1])
        said = (f"{words} {getattr(h, name)[k]:.3g} at step {k}, the last before it diverged")
        assert said in d.status.value, d.status.value
    d.close()


def test_model_and_data_are_the_lessons():
    assert MODEL == models.MLP((2, 16, 16, 1), activation="tanh")
    ds = cl.moons(cl.PLAYGROUND_MOONS)
    assert ds.X.shape == (60, 2) and ds.X_val.shape == (200, 2) and ds.y.sum() == 30
    assert np.abs(ds.X).max() < wd.EXTENT                 # every point inside the image


def test_same_init_toggle_off_gives_each_setting_its_own_deterministic_init(dash):
    d = dash
    lr = 10 ** -0.5
    d.set(**d.defaults)
    d.set(same_init=False)
    seed = cl.init_seed("momentum", "l2", 1e-2, lr, 80, 0, same_init=False)
    # a stable hash of the setting (BLAKE2b), not Python's per-process hash(): fixed forever
    assert seed == 567736344 != 0
    _, hist = direct(optimizer="momentum", penalty="l2", lam=1e-2,
                     params=MODEL.init(seed=seed))
    np.testing.assert_array_equal(d.result["hist"].train_loss, hist.train_loss)
    assert f"own init for this setting (seed {seed})" in d.status.value
    # the λ = 0 comparison run draws its own init too
    _, free = direct(optimizer="momentum",
                     params=MODEL.init(seed=cl.init_seed("momentum", "none", 0.0, lr, 80, 0,
                                                            same_init=False)))
    np.testing.assert_array_equal(d.ghosts[1].get_ydata(), validated(free.val_loss))
    # every setting has its own seed; λ does not count without a penalty; the seed slider counts
    seeds = {cl.init_seed(o, p, lam, r, e, s, same_init=False)
             for o, p, lam, r, e, s in [("momentum", "l2", 1e-2, lr, 80, 0),
                                        ("momentum", "l2", 1e-3, lr, 80, 0),
                                        ("adam", "l2", 1e-2, lr, 80, 0),
                                        ("momentum", "l1", 1e-2, lr, 80, 0),
                                        ("momentum", "l2", 1e-2, 0.1, 80, 0),
                                        ("momentum", "l2", 1e-2, lr, 90, 0),
                                        ("momentum", "l2", 1e-2, lr, 80, 1)]}
    assert len(seeds) == 7
    assert cl.init_seed("sgd", "none", 1.0, lr, 80, 0, same_init=False) == \
        cl.init_seed("sgd", "none", 1e-6, lr, 80, 0, same_init=False)
    assert cl.init_seed("sgd", "l2", 1.0, lr, 80, 4) == 4            # ticked: the init seed
    # deterministic: a fresh dashboard with the toggle off draws the same picture
    fresh = wd.WeightDecay(same_init=False)
    np.testing.assert_array_equal(fresh.result["hist"].val_loss, d.result["hist"].val_loss)
    assert fresh.image.value == d.image.value
    fresh.close()
    d.set(**d.defaults)


def test_same_init_separates_the_effect_of_a_setting_from_luck(dash):
    """λ = 1e-6 vs 1.8e-6 is the same setting in all but name: with the same init the two runs
    agree to 1e-3, with an init of their own they differ by the luck of the draw (> 0.05)."""
    d = dash
    lams = (1e-6, 10 ** -5.75)
    final = {}
    for same in (True, False):
        for lam in lams:
            d.set(same_init=same, lam=lam)
            final[same, lam] = d.result["hist"].final("val_loss")
    assert abs(final[True, lams[0]] - final[True, lams[1]]) < 1e-3
    assert abs(final[False, lams[0]] - final[False, lams[1]]) > 0.05
    d.set(**d.defaults)


def test_adam_status_says_l2_is_not_weight_decay_there(dash):
    d = dash
    d.set(optimizer="adam")
    assert "Adam, λ is an L2 penalty" in d.status.value
    assert "not weight decay: Adam rescales λ·W" in d.status.value
    d.set(optimizer="sgd")
    assert "this is weight decay: each step W ← (1 − lr·λ)·W − lr·∇L" in d.status.value
    d.set(optimizer="adamw")
    assert "decoupled weight decay" in d.status.value and "not weight decay" not in d.status.value
    d.set(**d.defaults)
