"""wdlib.schedules: hand-checked values, vectorization, K-arrays, torch's schedulers, checks."""

import math

import numpy as np
import pytest
from torch_reference import require_torch

from wdlib import optim
from wdlib import schedules as S

STEPS = 80


@pytest.fixture(scope="module")
def torch():
    return require_torch()


# ---------------------------------------------------------------- hand-checked values
@pytest.mark.parametrize("schedule, steps, expected", [
    (S.constant(0.3), [0, 1, 1000], [0.3, 0.3, 0.3]),
    (S.step_decay(1.0, 3, 0.5), [0, 2, 3, 5, 6, 9], [1, 1, 0.5, 0.5, 0.25, 0.125]),
    (S.exponential(2.0, 0.5), [0, 1, 2, 10], [2, 1, 0.5, 2 / 1024]),
    (S.inverse_time(1.0, 0.5), [0, 2, 6], [1, 0.5, 0.25]),
    (S.inverse_time(1.0, 1.0, decay_steps=10), [0, 10, 30], [1, 0.5, 0.25]),
    (S.cosine(1.0, 4), [0, 1, 2, 3, 4, 5, 100], [1, (1 + math.sqrt(0.5)) / 2, 0.5,
                                                 (1 - math.sqrt(0.5)) / 2, 0, 0, 0]),
    (S.cosine(1.0, 2, min_value=0.2), [0, 1, 2, 3], [1, 0.6, 0.2, 0.2]),
    (S.warmup(1.0, 4), [0, 1, 2, 4, 50], [0, 0.25, 0.5, 1, 1]),
    (S.warmup(1.0, 2, start=0.5), [0, 1, 2, 3], [0.5, 0.75, 1, 1]),
    (S.warmup_cosine(1.0, 2, 6), [0, 1, 2, 4, 6, 7], [0, 0.5, 1, 0.5, 0, 0]),
    (S.cosine_warm_restarts(1.0, 2), [0, 1, 2, 3, 4], [1, 0.5, 1, 0.5, 1]),
    # T_mult = 2: cycles of 2, 4, 8 steps start at 0, 2, 6, 14
    (S.cosine_warm_restarts(1.0, 2, T_mult=2), [0, 1, 2, 4, 6, 10, 14],
     [1, 0.5, 1, 0.5, 1, 0.5, 1]),
    (S.join([S.constant(0.1), S.exponential(1.0, 0.5)], [3]), [0, 2, 3, 4, 6],
     [0.1, 0.1, 1, 0.5, 0.125]),
])
def test_hand_checked_values(schedule, steps, expected):
    got = [schedule(s) for s in steps]                       # one step at a time
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(schedule(np.array(steps)), expected, rtol=0, atol=1e-15)


def test_vectorized_over_any_shape_of_steps():
    f = S.warmup_cosine(0.1, 10, 100, min_value=0.01)
    steps = np.arange(120).reshape(4, 30)
    np.testing.assert_array_equal(f(steps), np.array([[f(int(s)) for s in row] for row in steps]))


def test_k_array_bases():
    f = S.cosine(np.array([1.0, 2.0, 4.0]), 4)
    np.testing.assert_allclose(f(2), [0.5, 1.0, 2.0], rtol=0, atol=1e-15)
    assert f(np.arange(5)).shape == (5, 3)
    np.testing.assert_allclose(f(np.arange(5))[:, 1], S.cosine(2.0, 4)(np.arange(5)), rtol=0,
                               atol=1e-15)
    g = S.join([S.warmup(np.array([1.0, 2.0]), 2), S.constant(0.5)], [4])
    np.testing.assert_allclose(g(np.arange(6)), [[0, 0], [0.5, 1], [1, 2], [1, 2], [0.5, 0.5],
                                                 [0.5, 0.5]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(g(5), 0.5, rtol=0, atol=0)
    assert S.constant(np.ones(3)).K == 3 and S.constant(1.0).K is None


def test_plain_functions_can_be_joined():
    f = S.join([lambda t: 0.1 * (t + 1), S.constant(2.0)], [5])
    np.testing.assert_allclose(f(np.arange(7)), [0.1, 0.2, 0.3, 0.4, 0.5, 2, 2], rtol=0,
                               atol=1e-15)


def test_cosine_holds_its_min_after_total_steps():
    f = S.cosine(1.0, 10, min_value=0.1)
    np.testing.assert_array_equal(f(np.arange(10, 100)), np.full(90, 0.1))


def test_repr_and_get():
    assert repr(S.cosine(0.1, 100)) == "cosine(base=0.1, total_steps=100, min_value=0)"
    assert S.get("step_decay", base=1.0, step_size=2, gamma=0.5)(4) == 0.25


# ---------------------------------------------------------------- torch's schedulers
def torch_lrs(torch, make_sched, base, steps=STEPS):
    """The lr torch's optimizer uses at steps 0 .. steps-1 (step() then scheduler.step())."""
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = make_sched(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = torch.zeros_like(p)
        opt.step()
        sched.step()
    return np.array(lrs)


@pytest.mark.parametrize("name", ["StepLR", "ExponentialLR", "CosineAnnealingLR",
                                  "CosineAnnealingWarmRestarts", "CosineAnnealingWarmRestarts2",
                                  "LinearLR", "SequentialLR"])
def test_matches_torch_schedulers(torch, name):
    L = torch.optim.lr_scheduler
    cases = {
        "StepLR": (lambda o: L.StepLR(o, step_size=7, gamma=0.3), S.step_decay(0.5, 7, 0.3)),
        "ExponentialLR": (lambda o: L.ExponentialLR(o, gamma=0.95), S.exponential(0.5, 0.95)),
        "CosineAnnealingLR": (lambda o: L.CosineAnnealingLR(o, T_max=STEPS - 1, eta_min=0.02),
                              S.cosine(0.5, STEPS - 1, min_value=0.02)),
        "CosineAnnealingWarmRestarts": (
            lambda o: L.CosineAnnealingWarmRestarts(o, T_0=9, eta_min=0.01),
            S.cosine_warm_restarts(0.5, 9, min_value=0.01)),
        "CosineAnnealingWarmRestarts2": (
            lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01),
            S.cosine_warm_restarts(0.5, 3, T_mult=2, min_value=0.01)),
        # lesson 07's table: warmup is LinearLR (whose start factor must be > 0: warmup's start
        # = base·start_factor), join is SequentialLR, here warmup then cosine (= warmup_cosine)
        "LinearLR": (lambda o: L.LinearLR(o, start_factor=0.25, total_iters=10),
                     S.warmup(0.5, 10, start=0.125)),
        "SequentialLR": (
            lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=8),
                                         L.CosineAnnealingLR(o, T_max=STEPS - 9, eta_min=0.02)],
                                     milestones=[8]),
            S.warmup_cosine(0.5, 8, STEPS - 1, min_value=0.02, start=0.05)),
    }
    make, ours = cases[name]
    expect = torch_lrs(torch, make, 0.5)
    # measured: ≤ 1.9e-15 relative (torch's recursive forms accumulate a few ulps)
    np.testing.assert_allclose(ours(np.arange(STEPS)), expect, rtol=1e-12, atol=1e-14)


def test_cosine_differs_from_torch_after_total_steps_by_design(torch):
    expect = torch_lrs(torch, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20),
                       0.5, steps=40)
    ours = S.cosine(0.5, 20)(np.arange(40))
    np.testing.assert_allclose(ours[:21], expect[:21], rtol=1e-12, atol=1e-14)
    assert np.all(ours[21:] == 0) and expect[30] > 0.2  # torch rises back up


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize("call, match", [
    (lambda: S.constant(-1.0), "value must be >= 0"),
    (lambda: S.step_decay(0.0, 2), "base must be > 0"),
    (lambda: S.step_decay(1.0, 0), "step_size must be an integer >= 1"),
    (lambda: S.step_decay(1.0, 2.5), "step_size must be an integer >= 1, got 2.5"),
    (lambda: S.exponential(1.0, -0.5), "gamma must be > 0"),
    (lambda: S.inverse_time(1.0, -1.0), "decay_rate must be >= 0"),
    (lambda: S.cosine(1.0, 0), "total_steps must be an integer >= 1"),
    (lambda: S.cosine(1.0, 10, min_value=-0.1), "min_value must be >= 0"),
    (lambda: S.warmup(-1.0, 10), "peak must be > 0"),
    (lambda: S.warmup(1.0, 10, start=np.nan), "start must be finite"),
    (lambda: S.warmup_cosine(1.0, 10, 10), "total_steps must be an integer >= 11"),
    (lambda: S.cosine_warm_restarts(1.0, 5, T_mult=0), "T_mult must be an integer >= 1"),
    (lambda: S.join([S.constant(1.0)], [3]), "one more schedule than boundaries"),
    (lambda: S.join([S.constant(1.0), 2.0], [3]), r"schedules\[1\] must be a function"),
    (lambda: S.join([S.constant(1.0)] * 3, [5, 5]), "strictly increasing"),
    (lambda: S.join([S.constant(1.0)] * 2, [-1]), r"boundaries\[0\] must be an integer >= 1"),
    (lambda: S.join([S.constant(np.ones(2)), S.constant(np.ones(3))], [1]), "same length K"),
    (lambda: S.cosine(np.ones(2), 10, min_value=np.zeros(3)), "base has 2, min_value has 3"),
    (lambda: S.get("linear"), "name must be one of 'constant'"),
    (lambda: S.cosine(1.0, 10)(-1), "step must be >= 0, got -1"),
    (lambda: S.cosine(1.0, 10)(np.array([0, -2])), "step must be finite and >= 0"),
    (lambda: S.cosine(1.0, 10)("3"), "step must be a number"),
    (lambda: S.cosine(1.0, 10)(True), "step must be a number"),
    (lambda: S.cosine(1.0, 10)(None), "step must be a number"),
    (lambda: S.cosine(1.0, 10)(10**400), "step must be finite and >= 0, got an integer of 401"),
])
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("schedule", [S.exponential(0.1, 2.0), S.step_decay(0.1, 1, 2.0),
                                      S.exponential(np.array([0.1, 0.2]), 2.0)])
def test_a_value_past_a_floats_range_is_inf_at_one_step_as_for_an_array_of_steps(schedule):
    """gamma > 1 overflows after ~1000 steps: one step gives inf, as the array of steps does
    (a float's ``**`` raised OverflowError), so an optimizer says lr(t) must be finite."""
    with np.errstate(over="ignore"):
        many = schedule(np.array([3, 5000]))
        assert np.all(schedule(5000) == many[1]) and np.all(np.isinf(many[1]))
        assert np.all(schedule(3) == many[0])
    opt = optim.sgd(schedule)
    p = {"w": np.ones(np.shape(schedule(0)))}
    state = opt.init(p)
    state = (state[0], state[1], optim.CountState(5000))
    with pytest.raises(ValueError, match=r"lr\(5000\) must be finite, got"), \
            np.errstate(over="ignore"):
        opt.update(p, state, p)
