"""The "schedules" dashboard: the quadratic, the schedules it builds and the effects it shows."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import data, diagnostics, losses, models, optim, schedules, train  # noqa: E402
from wdlib.live.schedules import PROBLEMS, Schedules  # noqa: E402
from wdlib.tasks.classification import (  # noqa: E402
    SCHEDULES_DIVERGENCE,  # noqa: E402
    mlp_init,
    train_mlp,
)
from wdlib.tasks.schedule_menu import KINDS, STEPS, make_schedule  # noqa: E402
from wdlib.tasks.surfaces import BOWL_HESSIAN as HESSIAN  # noqa: E402
from wdlib.tasks.surfaces import BOWL_START as START  # noqa: E402
from wdlib.tasks.surfaces import bowl as quadratic  # noqa: E402
from wdlib.tasks.surfaces import descend  # noqa: E402


def test_quadratic_is_ill_conditioned_and_its_gradient_is_right():
    np.testing.assert_allclose(np.linalg.eigvalsh(HESSIAN), [1.0, 20.0], rtol=1e-12)
    f = lambda p: (quadratic(p["w"])[0], {"w": quadratic(p["w"])[1]})
    assert diagnostics.grad_check(f, {"w": np.array(START)}) < 1e-6
    assert quadratic(np.array([1.0, 0.0]))[0] == pytest.approx(0.5 * HESSIAN[0, 0], rel=1e-15)


def test_schedules_with_and_without_warmup():
    t = np.arange(STEPS)
    np.testing.assert_array_equal(make_schedule("constant", 0.1, 0)(t), np.full(STEPS, 0.1))
    lr = make_schedule("constant", 0.1, 10)
    np.testing.assert_allclose(lr(t[:11]), 0.01 * t[:11], rtol=1e-12)   # linear ramp 0 -> 0.1
    np.testing.assert_array_equal(lr(t[10:]), 0.1)
    lr = make_schedule("step", 0.2, 0)                                   # halves every 25 steps
    assert [lr(0), lr(24), lr(25), lr(99)] == [0.2, 0.2, 0.1, 0.025]
    assert make_schedule("cosine", 0.1, 0)(STEPS) == 0.0
    np.testing.assert_array_equal(make_schedule("warmup+cosine", 0.1, 20)(t),
                                  schedules.warmup_cosine(0.1, 20, STEPS)(t))
    np.testing.assert_array_equal(make_schedule("cosine", 0.1, 20)(t),
                                  schedules.warmup_cosine(0.1, 20, STEPS)(t))
    # warmup 0 is no warmup for "warmup+cosine" too (fuzz review: it ran one step at lr 0, the
    # dashboard saying "warmup 0")
    np.testing.assert_array_equal(make_schedule("warmup+cosine", 0.1, 0)(t),
                                  schedules.cosine(0.1, STEPS)(t))
    restarts = make_schedule("cosine restarts", 0.1, 0)(t)
    assert restarts[25] == restarts[50] == 0.1 and restarts[24] < 0.001
    for kind in KINDS:                                                   # every option builds
        assert make_schedule(kind, 0.1, 5)(t).shape == (STEPS,)


def test_dashboard_runs_sgd_with_the_schedule_it_plots():
    d = Schedules()
    r = d.result
    lr_t = make_schedule(r["schedule"], r["lr"], r["warmup"])
    np.testing.assert_array_equal(r["lr_t"], lr_t(np.arange(STEPS)))
    ref = descend(quadratic, START, optim.sgd(lr_t, momentum=r["momentum"]), STEPS)
    np.testing.assert_array_equal(r["path"], ref["path"])
    d.set(warmup=10)
    np.testing.assert_array_equal(d.result["path"][1], START)           # lr(0) = 0: no move
    d.set(schedule="warmup+cosine", warmup=0)                           # "warmup 0": it moves
    assert "warmup 0" in d.status.value and d.result["lr_t"][0] == d.result["lr"]
    assert np.any(d.result["path"][1] != START)
    d.close()


def test_stability_limit_momentum_and_divergence():
    d = Schedules(schedule="constant", momentum=0.0)
    assert d.result["limit"] == pytest.approx(0.1)                      # 2 / 20
    d.set(lr=10 ** -1.25)                                               # 0.056 < 0.1: converges
    assert d.result["diverged_at"] is None and d.result["loss"][-1] < 1e-2
    d.set(lr=10 ** -0.75)                                               # 0.18 > 0.1
    assert d.result["diverged_at"] is not None
    assert f"diverged at step {d.result['diverged_at']}" in d.status.value
    d.set(momentum=0.99)                                                # limit 2·1.99/20 = 0.199
    assert d.result["limit"] == pytest.approx(0.199) and d.result["diverged_at"] is None
    d.set(lr=1e-2, momentum=0.0)                                        # slow on the shallow axis
    slow = d.result["loss"][-1]
    d.set(momentum=0.9)
    assert d.result["loss"][-1] < 1e-3 * slow                           # momentum speeds it up
    d.close()


# --- the MLP problems ---------------------------------------------------------------------------

def direct_fit(lr_t, momentum, batch_size=None):
    """The run the dashboard should show, written out with train.fit."""
    mlp = models.MLP((2, 16, 16, 1))
    return train.fit(mlp, data.two_moons(n=200, n_val=200, noise=0.2, seed=0), loss="mse",
                     optimizer=optim.sgd(lr_t, momentum=momentum), steps=STEPS,
                     batch_size=batch_size, data_seed=None if batch_size is None else 0,
                     params=mlp.init(seed=0),
                     record="loss")


@pytest.mark.parametrize("problem, batch_size", [("mlp", None), ("mlp_minibatch", 20)])
def test_mlp_curves_are_a_direct_fit_with_the_same_schedule_and_momentum(problem, batch_size):
    assert [v for _, v in PROBLEMS] == ["quadratic", "mlp", "mlp_minibatch"]
    d = Schedules(problem=problem, schedule="step", lr=0.3, warmup=10, momentum=0.9)
    r = d.result
    lr_t = schedules.join([schedules.warmup(0.3, 10),
                           schedules.step_decay(0.3, step_size=22, gamma=0.5)], [10])
    _, hist = direct_fit(lr_t, 0.9, batch_size)
    assert r["diverged_at"] is None and hist.diverged_at is None
    np.testing.assert_allclose(r["loss"], hist.train_loss, rtol=1e-12, atol=0)
    np.testing.assert_allclose(r["val_loss"], hist.val_loss, rtol=1e-12, atol=0)
    np.testing.assert_allclose(r["lr_t"], lr_t(np.arange(STEPS)), rtol=1e-12, atol=0)
    np.testing.assert_allclose(hist.lr, r["lr_t"], rtol=1e-12, atol=0)  # fit used lr(t)
    train_line, val_line = d.mlp_lines                       # what the figure shows
    np.testing.assert_array_equal(train_line.get_xdata(), np.arange(STEPS))
    np.testing.assert_allclose(train_line.get_ydata(), hist.train_loss, rtol=1e-12, atol=0)
    np.testing.assert_allclose(val_line.get_ydata(), hist.val_loss, rtol=1e-12, atol=0)
    assert d.loss.get_xydata().size == 0 and d.path.get_xydata().size == 0
    assert "validation loss" in d.status.value
    d.close()


def test_mlp_too_large_lr_diverges_and_warmup_rescues_it():
    d = Schedules(problem="mlp", schedule="cosine", lr=0.3, momentum=0.5)
    assert d.result["diverged_at"] is None and "diverged" not in d.status.value
    d.set(lr=1.0)
    n = d.result["diverged_at"]
    assert n is not None and 0 < n < 20
    assert f"diverged at step {n}" in d.status.value
    assert d._note.get_visible() and d._note.get_text() == f"diverged at step {n}"
    _, hist = direct_fit(make_schedule("cosine", 1.0, 0), 0.5)
    loss = hist.train_loss                                   # plain fit trains on past 1e12 ...
    MAX_LOSS = SCHEDULES_DIVERGENCE.max_loss                 # ... the dashboard's rule stops it
    assert np.all(loss[:n] <= MAX_LOSS) and not loss[n] <= MAX_LOSS
    assert "loss not finite or &gt; 1e+12" in d.status.value    # the status line names the rule
    np.testing.assert_allclose(d.result["loss"][:n], loss[:n], rtol=1e-12, atol=0)
    assert np.isnan(d.result["loss"][n:]).all() and np.isnan(d.result["val_loss"][n:]).all()
    assert len(d.mlp_lines[0].get_xdata()) == n              # the curve is cut, no NaN drawn
    assert np.isfinite(d.mlp_lines[0].get_ydata()).all()
    d.set(warmup=20)                                         # the same lr after a warmup
    assert d.result["diverged_at"] is None and "diverged" not in d.status.value
    assert d.result["loss"][-1] < 0.05
    d.set(lr=10 ** -1.25, warmup=0, momentum=0.0)            # a small lr: momentum gets further
    slow = d.result["loss"][-1]
    d.set(momentum=0.9)
    assert d.result["loss"][-1] < 0.85 * slow
    d.close()


def test_warmup_lowers_the_first_steps_lr_on_the_mlp():
    d = Schedules(problem="mlp", schedule="constant", lr=0.3, warmup=0)
    no_warmup = d.result["hist"].lr
    np.testing.assert_array_equal(no_warmup, 0.3)
    d.set(warmup=10)
    lr = d.result["hist"].lr                                 # the lr train.fit used per step
    np.testing.assert_allclose(lr[:11], 0.03 * np.arange(11), rtol=1e-12, atol=1e-15)
    assert np.all(lr[:10] < no_warmup[:10]) and np.all(np.diff(lr[:11]) > 0)
    np.testing.assert_array_equal(lr[10:], 0.3)
    loss = d.result["loss"]
    assert loss[1] == loss[0]                                # lr(0) = 0: the first step stays put
    d.close()


def test_the_mlp_panels_keep_the_axis_limits_and_grey_out_the_path():
    d = Schedules()
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in d.figure.axes]
    full = d.renderer.full_draws
    assert not d.veil.get_visible() and d.limit.get_visible() and len(d.path.get_xdata()) > 1
    for problem in ("mlp", "mlp_minibatch", "quadratic", "mlp"):
        d.set(problem=problem)
        mlp = problem != "quadratic"
        assert d.veil.get_visible() == d.veil_text.get_visible() == mlp
        assert d.limit.get_visible() == (not mlp)
        assert (len(d.path.get_xdata()) == 0) == mlp
        assert [(ax.get_xlim(), ax.get_ylim()) for ax in d.figure.axes] == limits
    assert d.renderer.full_draws == full                     # blitted every time
    d.close()


def test_minibatch_noise_settles_under_a_decaying_schedule():
    jitter = {}
    for kind in ("constant", "cosine"):
        d = Schedules(problem="mlp_minibatch", schedule=kind, lr=0.3, momentum=0.5)
        jitter[kind] = np.std(np.diff(d.result["val_loss"][-20:]))
        d.close()
    assert jitter["cosine"] < 0.1 * jitter["constant"]


def top_curvature(params):
    """Largest eigenvalue of the MLP loss's Hessian (finite differences of the gradient)."""
    mlp, ds = models.MLP((2, 16, 16, 1)), data.two_moons(n=200, n_val=200, noise=0.2, seed=0)
    keys = list(params)
    sizes = [params[k].size for k in keys]
    theta = np.concatenate([params[k].ravel() for k in keys])

    def grad(th):
        parts = np.split(th, np.cumsum(sizes)[:-1])
        p = {k: v.reshape(params[k].shape) for k, v in zip(keys, parts, strict=True)}
        g = mlp.loss_and_grad(p, ds.X, ds.y, losses.mse)[1]
        return np.concatenate([g[k].ravel() for k in keys])

    eps = 1e-5
    H = np.stack([(grad(theta + eps * e) - grad(theta - eps * e)) / (2 * eps)
                  for e in np.eye(theta.size)])
    return np.linalg.eigvalsh((H + H.T) / 2)[-1]


def test_docstring_claim_warmup_lowers_the_curvature_below_the_lr_limit():
    at_init = top_curvature(mlp_init())
    after, _ = train_mlp(make_schedule("cosine", 1.0, 20), 0.5, steps=20)
    after = top_curvature(after)
    assert at_init == pytest.approx(7.8, abs=0.05) and after == pytest.approx(2.2, abs=0.05)
    assert 2 * (1 + 0.5) / at_init < 1.0 < 2 * (1 + 0.5) / after


def test_a_diverged_run_has_no_final_loss_in_the_status_line():
    # Momentum 0.99 at lr 1 diverges (quadratic: step 5, loss > 1e12; MLP: step 10). The status
    # line said "final loss 7.86e+11" (and "final train loss 4e+10") after "diverged at step 5",
    # a last value read as the end of a run; now the step it was reached at and that it is the
    # last before the divergence. The loss panel ends at that same point.
    d = Schedules()
    d.set(lr=1.0, schedule="constant", momentum=0.99)
    assert d.result["diverged_at"] == 5
    status = d.status.value
    assert "final" not in status, status
    assert "loss 7.86e+11 at step 4, the last before it diverged" in status, status
    assert d.loss.get_xdata()[-1] == 4
    d.set(problem="mlp")
    assert d.result["diverged_at"] == 10
    assert "final" not in d.status.value, d.status.value
    assert "train loss 4e+10 at step 9, the last before it diverged" in d.status.value
    # the validation loss too: it said "validation loss 3.97e+10", a value read as the end of
    # the run (the train loss beside it had its step)
    k = int(np.flatnonzero(np.isfinite(d.result["val_loss"]))[-1])
    said = f"validation loss {d.result['val_loss'][k]:.3g} at step {k}, the last before it diverged"
    assert said in d.status.value, d.status.value
    d.set(**d.defaults)                                        # a finished run keeps "final"
    assert "; final loss 2.17e-06 ·" in d.status.value, d.status.value
    d.close()
