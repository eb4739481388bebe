"""The "schedules" dashboard: the quadratic, the schedules it builds and the effects it shows."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import diagnostics, optim, schedules  # noqa: E402
from wdlib.live._surface import descend  # noqa: E402
from wdlib.live.schedules import (  # noqa: E402
    HESSIAN,
    KINDS,
    START,
    STEPS,
    Schedules,
    make_schedule,
    quadratic,
)


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
