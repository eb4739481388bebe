"""The "lambda_lr_grid" dashboard: cells are separate runs; coupled vs decoupled decay.

(The generic checks — every control position, coalescing, determinism — are in test_live.py.)
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import losses, models, optim, train  # noqa: E402
from wdlib.live.lambda_curve import DIVERGENCE  # noqa: E402
from wdlib.live.lambda_lr_grid import CHOICES, LambdaLrGrid  # noqa: E402


@pytest.fixture(scope="module")
def dash():
    d = LambdaLrGrid()
    yield d
    d.close()


def test_the_menu_names_registry_optimizers():
    assert set(CHOICES.values()) <= set(optim.OPTIMIZERS)


@pytest.mark.parametrize("name", list(CHOICES))
def test_each_cell_is_a_separate_run(dash, name):
    dash.set(optimizer=name)
    m = models.linear(12)
    for i, j in [(0, 0), (5, 4), (6, 2), (7, 7)]:
        beta = "b1" if name.startswith("Adam") else "momentum"       # Adam's momentum is β1
        opt = optim.get(CHOICES[name], lr=float(dash.LRS[j]), **{beta: 0.9},
                        weight_decay={"W1": float(dash.LAMS[i])})
        params, hist = train.fit(m, dash.X, dash.y, optimizer=opt, steps=50, record="loss",
                                 divergence=DIVERGENCE)
        if hist.diverged_at is not None:                      # (λ=10, lr=3.2) for SGD, SGDW
            assert np.isnan(dash.result["val"][i, j]), (name, i, j)
            continue
        val = losses.mse(m.forward(params, dash.X_val), dash.y_val)[0]
        assert abs(dash.result["val"][i, j] - val) <= 1e-10, (name, i, j)
    dash.set(**dash.defaults)


def test_defaults_best_cell_star_and_diverged_cells(dash):
    r = dash.result
    assert r["best"] == (5, 6)                          # λ = 1e-1, lr = 1e+0
    assert dash.star.get_xdata()[0] == 6 and dash.star.get_ydata()[0] == 5
    assert r["val"][5, 6] == np.nanmin(r["val"])
    # SGD with momentum 0.9 is stable while lr·(λ + curvature) < 2·1.9: lr = 3.2 never is
    assert np.all(np.isnan(r["val"][:, 7])) and r["n_bad"] == 10
    assert dash.bad_text.get_text() == "10 of 64 diverged"
    assert not dash._note.get_visible()                 # most runs trained: no "diverged" banner
    assert "best: λ = 1.0e-1, lr = 1.0e+0" in dash.status.value
    assert "; 10 of 64 runs diverged (grey)" in dash.status.value     # said, not only drawn
    dash.set(optimizer="Adam+L2")                                      # every run trains
    assert dash.result["n_bad"] == 0 and "diverged" not in dash.status.value
    dash.set(**dash.defaults)


def test_sgdw_decay_is_per_step_so_it_equals_sgd_with_lambda_times_lr(dash):
    """Without momentum, SGDW(weight_decay = lr·λ) is SGD+L2(λ): cell (λ=1e-1, lr=1e-1) of
    SGD+L2 is cell (λ=1e-2, lr=1e-1) of SGDW. Its λ = 10 row (θ -= 10·θ) blows up at every lr."""
    dash.set(optimizer="SGD+L2", momentum=0.0)
    coupled = dash.result["val"]
    dash.set(optimizer="SGDW")
    decoupled = dash.result["val"]
    assert abs(coupled[5, 4] - decoupled[4, 4]) <= 1e-12
    assert abs(coupled[3, 2] - decoupled[1, 2]) <= 1e-12     # λ=1e-3, lr=1e-2 -> λ'=1e-5
    assert np.all(np.isnan(decoupled[7]))
    assert dash.rule.get_text() == "SGDW: θ ← θ − λθ each step"
    dash.set(**dash.defaults)


def test_adamw_best_lambda_falls_as_lr_grows(dash):
    """AdamW decays by lr·λ per step: a larger lr wants a smaller λ (the band is diagonal)."""
    dash.set(optimizer="AdamW")
    rows = dash.per_lr.get_ydata()
    np.testing.assert_array_equal(dash.per_lr.get_xdata(), np.arange(8))
    np.testing.assert_array_equal(rows, [7, 7, 6, 6, 6, 6, 5, 5])
    dash.set(optimizer="Adam+L2")                       # coupled: λθ is divided by sqrt(v)
    assert not np.array_equal(dash.per_lr.get_ydata(), rows)
    dash.set(**dash.defaults)


def test_docstring_claim_momentum_zero_trains_slower_on_most_cells_and_diverges_on_more(dash):
    """The docstring's "momentum 0": at the defaults (SGD+L2, 50 epochs), of the cells that
    train both ways, 38 of 47 end with a higher training loss without momentum, and 17 cells
    diverge instead of 10 (the limit 2(1 + β)/e_max falls to 2/e_max)."""
    g = dash.grid.flat
    train_loss, bad = {}, {}
    for beta in (0.9, 0.0):
        opt = optim.get("sgd", lr=g["lr"], weight_decay=g["lam"], mask=["W1"], momentum=beta)
        params, hist = train.fit(dash.model, dash.X, dash.y, optimizer=opt, steps=50,
                                 record="loss", divergence=DIVERGENCE)
        bad[beta] = np.array([d is not None for d in hist.diverged_at])
        train_loss[beta] = losses.mse(dash.model.forward(params, dash.X), dash.y)[0]
    assert np.array_equal(bad[0.9], np.isnan(dash.compute(dash.defaults)["val"]).ravel())
    both = ~bad[0.9] & ~bad[0.0]
    assert (bad[0.9].sum(), bad[0.0].sum(), both.sum()) == (10, 17, 47)
    assert np.sum(train_loss[0.0][both] > train_loss[0.9][both]) == 38


def test_docstring_claim_fewer_epochs_narrow_the_good_region_to_the_middle_lrs(dash):
    """The docstring's "fewer epochs": the learning rates with a cell within 2x of the best
    cell's validation loss are 0.01-1 at 50 epochs (the default) and 0.1-0.32 at 10 (the
    slider's least)."""
    def good_lrs(epochs):
        val = np.asarray(dash.compute({**dash.defaults, "epochs": epochs})["val"]).reshape(
            len(dash.LAMS), len(dash.LRS))                                   # λ-major grid
        return dash.LRS[(val <= 2 * np.nanmin(val)).any(axis=0)]
    assert dash.defaults["epochs"] == 50 and dash.controls["epochs"].min == 10
    np.testing.assert_allclose(good_lrs(50), [0.01, 0.0316, 0.1, 0.316, 1.0], rtol=0.01)
    np.testing.assert_allclose(good_lrs(10), [0.1, 0.316], rtol=0.01)
