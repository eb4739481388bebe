"""The "lambda_curve" dashboard: its numbers are K separate runs, and the lesson's claims hold.

(The generic checks — every slider position, coalescing, determinism — are in test_live.py.)
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import loop, losses, models, train  # noqa: E402
from wdlib.live.lambda_curve import DIVERGENCE, LambdaCurve, band_polygons  # noqa: E402


@pytest.fixture(scope="module")
def dash():
    d = LambdaCurve()
    yield d
    d.close()


def chosen(d):
    return d.LAMS[d.result["best"]]


def test_the_divergence_rule_is_the_loops_with_a_growth_threshold_and_band_polygons():
    assert DIVERGENCE == loop.Divergence(max_growth=1e3)
    start = np.array([1.0, 1.0, 1.0, 2.0])
    loss = np.array([1001.0, np.nan, 0.5, np.inf])
    np.testing.assert_array_equal(DIVERGENCE.exceeded(loss, start), [True, True, False, True])
    # in a run: a lr far past 2/curvature grows the loss 1000× within a few steps, and the
    # run stops there, while the plain rule (non-finite only) lets it go on much longer
    X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(0, 1, 20)[:, None]
    kw = dict(lr=np.array([0.5, 30.0]), steps=200, record="loss", init="zeros")
    _, h = train.fit(models.linear(1), X, y, divergence=DIVERGENCE, **kw)
    _, plain = train.fit(models.linear(1), X, y, **kw)
    assert h.diverged_at[0] is None and plain.diverged_at[0] is None
    assert h.diverged_at[1] < plain.diverged_at[1]
    assert h.train_loss[h.diverged_at[1] - 1, 1] <= 1e3 * h.train_loss[0, 1]
    x = np.array([1.0, 2.0, 3.0, 4.0])
    polys = band_polygons(x, np.array([0.0, 0.0, np.nan, 0.0]), np.array([1.0, 1.0, np.nan, 1.0]))
    assert len(polys) == 2
    np.testing.assert_array_equal(polys[0], [[1, 0], [2, 0], [2, 1], [1, 1]])
    np.testing.assert_array_equal(polys[1], [[4, 0], [4, 1]])


def test_each_curve_point_is_a_separate_run(dash):
    """The batched pass (25 λ × 3 seeds) equals separate runs with scalar λ and seed."""
    ds, v = dash.data, dash.defaults
    X, y = dash.F[:v["n_train"]], ds.y[:v["n_train"]]
    for i, s in [(0, 0), (17, 2), (24, 1)]:
        params, _ = train.fit(models.linear(12), X, y, optimizer="momentum", lr=v["lr"],
                              weight_decay=dash.LAMS[i], seed=s, steps=v["epochs"],
                              record="loss")
        val = losses.mse(models.linear(12).forward(params, dash.F_val), ds.y_val)[0]
        train_loss = losses.mse(models.linear(12).forward(params, X), y)[0]
        assert abs(dash.result["val"][i, s] - val) <= 1e-10
        assert abs(dash.result["train"][i, s] - train_loss) <= 1e-10


def test_long_training_reaches_the_closed_form_ridge_curve(dash):
    """GD with coupled L2 minimizes the ridge objective: 500 epochs reach it where λ >= 5e-2
    (the heavy-ball rate there is sqrt(0.9) per step); below, GD has not converged yet."""
    dash.set(**{**dash.defaults, "epochs": 500})
    r = dash.result
    gap = np.abs(r["val"].mean(axis=1) - r["ridge_val"])
    assert np.all(gap[17:] < 1e-10)
    assert gap[0] > 0.05                                 # λ = 1e-7: far from the overfit optimum
    dash.set(**dash.defaults)


def test_defaults_choose_an_interior_lambda_with_a_clear_dip(dash):
    r = dash.result
    mean_val = r["val"].mean(axis=1)
    assert r["best"] == 17 and chosen(dash) == pytest.approx(10 ** (-7 + 17 / 3))   # 4.6e-2
    assert mean_val[17] < 0.5 * mean_val[0]                 # 0.034 against 0.080 at λ = 1e-7
    assert mean_val[17] < 0.5 * mean_val[-1]
    assert "chosen λ = 4.6e-2" in dash.status.value
    assert dash.best_line.get_xdata()[0] == chosen(dash) and dash.best_line.get_visible()
    assert not dash._note.get_visible() and dash.bad_text.get_text() == ""


@pytest.mark.parametrize("change, index", [({"n_train": 100}, 15),     # more data: smaller λ
                                           ({"epochs": 10}, 18),       # less training: larger
                                           ({"lr": 0.01}, 19)])
def test_chosen_lambda_moves_with_data_epochs_and_lr(dash, change, index):
    default = chosen(dash)
    dash.set(**change)
    assert dash.result["best"] == index
    assert (chosen(dash) < default) if "n_train" in change else (chosen(dash) > default)
    dash.set(**dash.defaults)


def test_seed_band_is_empty_for_one_seed_and_spreads_at_small_lambda(dash):
    dash.set(seeds=1)
    val = dash.result["val"]
    assert val.shape == (25, 1)
    dash.set(seeds=5)
    spread = np.ptp(dash.result["val"], axis=1)              # (25,)
    assert spread[0] > 0.02                                  # the init matters at λ = 1e-7
    assert spread[18] < spread[0] / 3                        # much less at λ = 1e-1
    dash.set(**dash.defaults)


def test_a_lambda_where_only_some_seeds_diverge_is_not_said_to_diverge(dash):
    """A review: at lr 10^-0.5, 10 epochs, 3 seeds only 1 seed of λ = 10 diverges, and the note
    said "λ ≥ 1.0e+1: diverged at step 8" (of every seed, every larger λ)."""
    dash.set(lr=10 ** -0.5, epochs=10, seeds=3)
    assert dash.result["seeds_bad"].tolist() == [0] * 24 + [1]
    assert dash.bad_text.get_text() == "1 of 75 runs diverged, from λ = 1.0e+1 (first at step 8)"
    dash.set(**dash.defaults)


def test_large_lambda_diverges_at_lr_1_and_is_left_out(dash):
    """lr·(λ + curvature) too large: λ >= 2.2 blows up; the rest of the curve is drawn."""
    dash.set(lr=1.0)
    r = dash.result
    np.testing.assert_array_equal(r["first_bad"][-4:], [np.inf, 4, 3, 2])
    assert np.all(np.isnan(r["val"][-3:])) and np.all(np.isfinite(r["val"][:-3]))
    assert "(λ ≥ 2.2e+0: diverged at step 2)" in dash.status.value
    assert dash.bad_text.get_text() == "λ ≥ 2.2e+0: diverged at step 2"
    assert len(dash.lines[1].get_xdata()) == 22              # the 3 diverged λ are left out
    assert not dash._note.get_visible()                      # the framework note: all diverged
    dash.set(**dash.defaults)
    assert dash.bad_text.get_text() == ""


def test_every_run_diverged_is_reported_by_the_framework(dash):
    with np.errstate(all="ignore"):
        r = dash.compute({**dash.defaults, "lr": 10.0})     # beyond the slider: all blow up
    assert r["best"] is None and r["diverged_at"] == 1
    text = dash.draw(r)
    assert "chosen" not in text and not dash.best_line.get_visible()
    dash.set(**dash.defaults)
    assert dash.best_line.get_visible()
