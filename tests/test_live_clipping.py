"""The "clipping" dashboard: the cliff surface, the 2-D descent loop and the lesson's claim."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import diagnostics, loop, optim  # noqa: E402
from wdlib.live.clipping import Clipping  # noqa: E402
from wdlib.tasks.surfaces import CLIFF_START as START  # noqa: E402
from wdlib.tasks.surfaces import cliff, descend  # noqa: E402


def as_params(f):
    return lambda p: (f(p["w"])[0], {"w": f(p["w"])[1]})


@pytest.mark.parametrize("point", [(2.5, -0.5), (1.15, 0.3), (1.0, 0.0), (1.3, 0.6), (-1.0, 1.0)])
def test_cliff_gradient_passes_finite_differences(point):
    assert diagnostics.grad_check(as_params(cliff), {"w": np.array(point)}) < 1e-6


def test_cliff_shape_minimum_wall_and_plateau():
    value, grad = cliff(np.zeros(2))
    assert 0 < value < 1e-140 and np.all(np.abs(grad) < 1e-140)   # the minimum, up to the
                                                                  # ramp's e^(-100/0.3) tail
    # on the wall (middle of 1 <= x <= 1.3, on the valley floor y = x/2): slope H/b = 200
    _, g = cliff(np.array([1.15, 0.575]))
    assert g[0] == pytest.approx(200 + 0.2 * 1.15 + 0.08 * 1.15**3, rel=1e-6) and g[1] == 0.0
    plateau, _ = cliff(np.array([2.0, 1.0]))
    assert plateau == pytest.approx(60 + 0.4 + 0.32, rel=1e-12)  # H + 0.1·4 + 0.02·16
    batch, grads = cliff(np.array([[0.0, 0.0], [2.0, 1.0]]))      # vectorized over points
    assert batch.shape == (2,) and grads.shape == (2, 2) and batch[1] == plateau


def test_descend_is_plain_sgd_and_norm_clipping_caps_every_step():
    lr, thr = 0.1, 1.0
    run = descend(cliff, START, optim.sgd(lr), 5)
    _, g0 = cliff(np.array(START))
    np.testing.assert_array_equal(run["path"][1], np.array(START) - lr * g0)
    np.testing.assert_array_equal(run["grad_norm"], run["grad_norm_clipped"])
    run = descend(cliff, START, optim.sgd(lr), 100, "norm", thr)
    steps = np.linalg.norm(np.diff(run["path"], axis=0), axis=1)
    assert run["diverged_at"] is None
    assert np.all(run["grad_norm_clipped"] <= thr) and np.all(steps <= lr * thr + 1e-15)
    assert run["grad_norm"].max() > 100                           # it did hit the wall
    run = descend(cliff, START, optim.sgd(lr), 100, "value", 0.5)
    assert np.all(run["grad_norm_clipped"] <= 0.5 * np.sqrt(2) + 1e-15)


def test_descend_stops_at_max_loss_or_non_finite():
    run = descend(cliff, START, optim.sgd(0.1), 50,
                  divergence=loop.Divergence(max_loss=61.0))         # start loss is 62.x
    assert run["diverged_at"] == 0 and np.all(np.isnan(run["loss"]))
    run = descend(cliff, START, optim.sgd(0.1), 50)
    t = run["diverged_at"]
    assert t is not None and np.all(np.isfinite(run["loss"][:t]))
    assert np.isnan(run["loss"][t:]).all()


def test_without_clipping_the_cliff_throws_the_run_away_with_clipping_it_converges():
    d = Clipping()
    assert d.values() == {"lr": 0.1, "mode": "norm", "threshold": 1.0}
    d.set(mode="none")
    r = d.result
    assert r["diverged_at"] == 16 and "diverged at step 16" in d.status.value
    assert np.nanmax(np.abs(r["path"])) > 1e100                     # thrown off the map
    for mode in ("norm", "value"):
        d.set(mode=mode)
        r = d.result
        assert r["diverged_at"] is None and "diverged" not in d.status.value
        assert r["loss"][-1] < 1e-2 and np.nanmax(np.abs(r["path"])) == 2.5   # never thrown
        assert 0 < r["clipped"].sum() < 40                         # clipping acted, then let go
    d.set(lr=1e-2, mode="none")                                     # a small lr: no harm done
    r = d.result
    assert r["diverged_at"] is None and r["loss"][-1] < 1 and np.nanmax(np.abs(r["path"])) == 2.5
    d.close()


def test_mode_none_says_the_threshold_is_unused_and_the_last_loss_before_divergence():
    # Without clipping the run diverges at step 16 and moving the threshold slider changes
    # nothing: the status line said "0 of 16 steps clipped; ... loss 62.9 → 5.25e+156", an
    # end point of a run that blew up, and nothing on why the threshold did nothing.
    d = Clipping()
    d.set(mode="none")
    assert d.result["diverged_at"] == 16
    first = d.image.value
    status = d.status.value
    assert "no clipping (the threshold is not used)" in status, status
    assert "loss 62.9 → 5.25e+156 at step 15, the last before it diverged" in status, status
    d.set(mode="none", threshold=100.0)
    assert d.image.value == first                   # the threshold really is unused
    d.set(**d.defaults)
    assert "17 of 100 steps clipped" in d.status.value and "→ 0.00451 ·" in d.status.value
    d.close()
