"""wdlib.optim: hand-checked steps, an independent NumPy oracle, torch itself, the lessons'
equivalences, batching, purity and argument checks."""

import copy
import inspect
import sys

import numpy as np
import pytest
from torch_reference import (
    adam_reference,
    logistic_problem,
    paper_reference,
    quadratic_problem,
    require_torch,
    sgd_reference,
)

from wdlib import optim, schedules

STEPS = 60
PROBLEMS = {"logistic": logistic_problem, "quadratic": quadratic_problem}


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def run(opt, grad_fn, params, steps=STEPS):
    """Train with a wdlib optimizer; the params after each step."""
    state, history = opt.init(params), []
    for _ in range(steps):
        updates, state = opt.update(grad_fn(params), state, params)
        params = optim.apply_updates(params, updates)
        history.append(params)
    return history


def run_torch(torch, make_opt, grad_fn, params, steps=STEPS, make_sched=None):
    """Same loop with a torch optimizer (float64); gradients come from the same grad_fn."""
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    opt = make_opt(list(tp.values()))
    sched = make_sched(opt) if make_sched else None
    history = []
    for _ in range(steps):
        grads = grad_fn({k: t.detach().numpy().copy() for k, t in tp.items()})
        for k, t in tp.items():
            t.grad = torch.from_numpy(np.array(grads[k]))
        opt.step()
        if sched is not None:
            sched.step()
        history.append({k: t.detach().numpy().copy() for k, t in tp.items()})
    return history


def max_diff(hist_a, hist_b):
    assert len(hist_a) == len(hist_b)
    return max(np.max(np.abs(a[k] - b[k])) for a, b in zip(hist_a, hist_b, strict=True) for k in a)


def one(x):
    return {"w": np.array([x], dtype=np.float64)}


def steps_with(opt, p, grads):
    """Apply opt with the given sequence of gradients (not depending on p); final w[0]."""
    state = opt.init(p)
    for g in grads:
        updates, state = opt.update(g, state, p)
        p = optim.apply_updates(p, updates)
    return p["w"][0]


# ---------------------------------------------------------------- hand-checked values
G = one(0.5)


def test_sgd_one_step_with_and_without_l2():
    assert steps_with(optim.sgd(0.1), one(1.0), [G]) == pytest.approx(0.95, abs=1e-15)
    # L2: g + λθ = 0.5 + 0.1·1 = 0.6
    assert steps_with(optim.sgd(0.1, weight_decay=0.1), one(1.0), [G]) == pytest.approx(0.94,
                                                                                         abs=1e-15)


def test_momentum_first_step_is_g_and_dampening_starts_at_step_two():
    opt = optim.sgd(0.1, momentum=0.9, dampening=0.5)
    assert steps_with(opt, one(1.0), [G]) == pytest.approx(0.95, abs=1e-15)       # buf = g
    # buf = 0.9·0.5 + (1 − 0.5)·0.5 = 0.7  ->  0.95 − 0.07
    assert steps_with(opt, one(1.0), [G, G]) == pytest.approx(0.88, abs=1e-15)


def test_momentum_zero_ignores_dampening_like_torch():
    opt = optim.sgd(0.1, momentum=0.0, dampening=0.5)
    assert steps_with(opt, one(1.0), [G, G]) == pytest.approx(0.9, abs=1e-15)


def test_nesterov_two_steps():
    opt = optim.sgd(0.1, momentum=0.9, nesterov=True)
    # step 1: buf = 0.5, direction g + μ·buf = 0.95
    assert steps_with(opt, one(1.0), [G]) == pytest.approx(0.905, abs=1e-15)
    # step 2: buf = 0.45 + 0.5 = 0.95, direction 0.5 + 0.855 = 1.355
    assert steps_with(opt, one(1.0), [G, G]) == pytest.approx(0.7695, abs=1e-15)


def test_adam_bias_correction_two_steps():
    # b1 = b2 = 0.5: step 1 m̂ = 1, v̂ = 1; step 2 (g = −1) m = −0.25, m̂ = −1/3, v̂ = 1
    opt = optim.adam(lr=0.1, b1=0.5, b2=0.5, eps=1e-8)
    w = steps_with(opt, one(1.0), [one(1.0), one(-1.0)])
    assert w == pytest.approx(1 - 0.1 / (1 + 1e-8) + (0.1 / 3) / (1 + 1e-8), abs=1e-15)


@pytest.mark.parametrize("p_dtype, g_dtype", [(np.float64, np.float64), (np.float32, np.float32),
                                              (np.float64, np.float32), (np.float32, np.float64)])
def test_adam_direction_is_the_documented_arithmetic_bit_for_bit(p_dtype, g_dtype):
    """The formulas in scale_by_adam's docstring, one NumPy operation each, give the same bits
    as the update (which reuses a scratch array), also for a gradient of another dtype than
    the parameters, and per-model (K,) hyperparameters."""
    rng = np.random.default_rng(3)
    b1, b2, eps = np.array([0.9, 0.5]), np.array([0.999, 0.9]), 1e-8
    opt = optim.scale_by_adam(b1, b2, eps)
    params = {"W": rng.standard_normal((2, 3, 4)).astype(p_dtype),
              "s": rng.standard_normal(2).astype(p_dtype)}
    state = opt.init(params)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(x) for k, x in params.items()}
    for t in (1, 2, 3):
        grads = {k: rng.standard_normal(x.shape).astype(g_dtype) for k, x in params.items()}
        out, state = opt.update(grads, state, params)
        for k, g in grads.items():
            shape = (2,) + (1,) * (g.ndim - 1)
            c1 = b1.reshape(shape).astype(g.dtype) if g.dtype == np.float32 else b1.reshape(shape)
            c2 = b2.reshape(shape).astype(g.dtype) if g.dtype == np.float32 else b2.reshape(shape)
            m[k] = c1 * m[k] + (1 - c1) * g
            v[k] = c2 * v[k] + ((1 - c2) * g) * g
            denom = np.sqrt(v[k]) / np.sqrt(1 - c2**t) + eps
            want = (m[k] / (1 - c1**t)) / denom
            assert out[k].dtype == want.dtype and np.array_equal(out[k], want), (k, t)


def test_adam_eps_is_added_after_the_bias_correction():
    # first step, g = 0.5: m̂ = 0.5, √v̂ = 0.5, so the step is lr·0.5/(0.5 + eps) = 0.05.
    # (eps added to √v before the correction would give 0.1·0.5·√0.001/(√0.00025 + 0.5) ≈ 0.003)
    opt = optim.adam(lr=0.1, eps=0.5)
    assert steps_with(opt, one(1.0), [G]) == pytest.approx(0.95, abs=1e-15)
    assert steps_with(opt, one(1.0), [G, G]) == pytest.approx(0.90, abs=1e-14)


def test_adam_l2_goes_through_the_moments_adamw_does_not():
    # Adam: g + λθ = 1.0 -> step lr·1/(1 + eps);  AdamW: θ·(1 − lr·λ) − lr·0.5/(0.5 + eps)
    w_adam = steps_with(optim.adam(lr=0.1, eps=1e-12, weight_decay=0.5), one(1.0), [G])
    w_adamw = steps_with(optim.adamw(lr=0.1, eps=1e-12, weight_decay=0.5), one(1.0), [G])
    assert w_adam == pytest.approx(1 - 0.1 / (1 + 1e-12), abs=1e-15)
    assert w_adamw == pytest.approx(1 - 0.05 - 0.1 * 0.5 / (0.5 + 1e-12), abs=1e-15)


def test_sgdw_two_steps_and_multiplier():
    # m1 = 0.1·0.5 = 0.05, θ1 = 1 − 0.05 − 0.2·1 = 0.75; m2 = 0.025 + 0.05, θ2 = 0.75 − 0.075 − 0.15
    assert steps_with(optim.sgdw(0.1, momentum=0.5, weight_decay=0.2), one(1.0),
                      [G, G]) == pytest.approx(0.525, abs=1e-15)
    # η = (1, 0.5): m2 = 0.025 + 0.5·0.1·0.5 = 0.05, θ2 = 0.75 − 0.05 − 0.5·0.2·0.75 = 0.625
    eta = lambda t: 1.0 if t == 0 else 0.5
    assert steps_with(optim.sgdw(0.1, momentum=0.5, weight_decay=0.2, multiplier=eta), one(1.0),
                      [G, G]) == pytest.approx(0.625, abs=1e-15)


def test_adamw_paper_decay_follows_the_multiplier_not_lr():
    # constant g: m̂/(√v̂ + ε) = 0.5/(0.5 + 1e-12) ≈ 1.
    # θ1 = 1 − 1·(0.1 + 0.2·1) = 0.7;  θ2 = 0.7 − 0.5·(0.1 + 0.2·0.7) = 0.58
    eta = lambda t: 1.0 if t == 0 else 0.5
    opt = optim.adamw_paper(lr=0.1, eps=1e-12, weight_decay=0.2, multiplier=eta)
    d = 0.5 / (0.5 + 1e-12)
    theta1 = 1 - (0.1 * d + 0.2)
    assert steps_with(opt, one(1.0), [G]) == pytest.approx(theta1, abs=1e-15)
    theta2 = theta1 - 0.5 * (0.1 * d + 0.2 * theta1)
    assert steps_with(opt, one(1.0), [G, G]) == pytest.approx(theta2, abs=1e-15)
    assert theta1 == pytest.approx(0.7, abs=1e-11)


def test_schedules_are_evaluated_at_the_update_count():
    seen = []
    lr = lambda t: seen.append(t) or 0.1
    opt = optim.sgd(lr)
    assert set(seen) == {0}  # checked (only) at step 0 when built
    built = len(seen)
    steps_with(opt, one(1.0), [G, G, G])
    assert seen[built:] == [0, 1, 2]


def test_weight_decay_dict_leaves_other_keys_undecayed():
    p = {"W": np.array([1.0, -2.0]), "b": np.array([3.0])}
    g = {"W": np.array([0.5, 0.5]), "b": np.array([0.5])}
    opt = optim.sgd(0.1, weight_decay={"W": 0.1})
    updates, _ = opt.update(g, opt.init(p), p)
    np.testing.assert_array_equal(updates["b"], [-0.05])
    np.testing.assert_allclose(updates["W"], [-0.06, -0.03], rtol=0, atol=1e-16)


def test_hyperparams_expose_the_arguments_and_K():
    hp = optim.adamw(lr=np.array([1e-3, 1e-2]), weight_decay=0.1).hyperparams
    np.testing.assert_array_equal(hp["lr"], [1e-3, 1e-2])
    assert (hp["weight_decay"], hp["b1"], hp["b2"], hp["eps"], hp["K"]) == (0.1, 0.9, 0.999,
                                                                            1e-8, 2)
    assert optim.sgd(0.1).hyperparams == dict(weight_decay=0.0, momentum=0.0, dampening=0.0,
                                              nesterov=False, lr=0.1, mask=None, K=None)
    assert optim.sgd(schedules.constant(np.ones(3))).hyperparams["K"] == 3
    assert optim.get("sgdw", lr=0.1).hyperparams["multiplier"] is None


# ---------------------------------------------------------------- the NumPy oracle
CONFIGS_SGD = [dict(lr=0.1), dict(lr=0.1, weight_decay=0.05), dict(lr=0.05, momentum=0.9),
               dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
               dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02)]
CONFIGS_ADAM = [dict(lr=0.05), dict(lr=0.05, weight_decay=0.1),
                dict(lr=0.02, b1=0.8, b2=0.99, eps=1e-6, weight_decay=0.3)]


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("cfg", CONFIGS_SGD)
def test_sgd_matches_the_documented_algorithm(problem, cfg):
    p0, grad_fn = PROBLEMS[problem]()
    expect = sgd_reference(grad_fn, p0, STEPS, **cfg)
    assert max_diff(run(optim.sgd(**cfg), grad_fn, p0), expect) < 1e-13


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("cfg", CONFIGS_ADAM)
@pytest.mark.parametrize("decoupled", [False, True])
def test_adam_and_adamw_match_the_documented_algorithm(problem, cfg, decoupled):
    p0, grad_fn = PROBLEMS[problem]()
    ref = dict(cfg)
    ref["betas"] = (ref.pop("b1", 0.9), ref.pop("b2", 0.999))
    expect = adam_reference(grad_fn, p0, STEPS, decoupled=decoupled, **ref)
    build = optim.adamw if decoupled else optim.adam
    assert max_diff(run(build(**{"weight_decay": 0.0, **cfg}), grad_fn, p0), expect) < 1e-13


def test_lr_schedule_matches_the_documented_algorithm():
    p0, grad_fn = logistic_problem()
    lr = schedules.warmup_cosine(0.1, 10, STEPS)
    expect = sgd_reference(grad_fn, p0, STEPS, lr=lr, momentum=0.9, weight_decay=0.01)
    assert max_diff(run(optim.sgd(lr, momentum=0.9, weight_decay=0.01), grad_fn, p0),
                    expect) < 1e-13
    expect = adam_reference(grad_fn, p0, STEPS, lr=lr, weight_decay=0.1, decoupled=True)
    assert max_diff(run(optim.adamw(lr, weight_decay=0.1), grad_fn, p0), expect) < 1e-13


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("adam", [False, True])
def test_sgdw_and_adamw_paper_match_the_papers_algorithms(problem, adam):
    """SGDW and AdamW as printed in the paper (Alg. 1 and 2), with a warmup-cosine multiplier η_t,
    momentum and the decay on some keys only: torch has no SGDW, so this is their oracle."""
    p0, grad_fn = PROBLEMS[problem]()
    decayed = sorted(p0)[:1]                                  # "W" (logistic) / "w" (quadratic)
    eta = schedules.warmup_cosine(1.0, 10, STEPS)
    lr, wd = (0.05, 0.02) if adam else (0.1, 0.01)
    expect = paper_reference(grad_fn, p0, STEPS, lr, wd, eta, decayed, momentum=0.9, adam=adam)
    ours = (optim.adamw_paper(lr, weight_decay=wd, multiplier=eta, mask=decayed) if adam else
            optim.sgdw(lr, momentum=0.9, weight_decay=wd, multiplier=eta, mask=decayed))
    assert max_diff(run(ours, grad_fn, p0), expect) < 1e-13
    # and the multiplier matters: η = 1 throughout gives other numbers
    assert max_diff(run(ours, grad_fn, p0),
                    paper_reference(grad_fn, p0, STEPS, lr, wd, 1.0, decayed, momentum=0.9,
                                    adam=adam)) > 1e-3


# ---------------------------------------------------------------- torch itself
@pytest.mark.parametrize("cfg", CONFIGS_SGD)
def test_sgd_matches_torch(torch, cfg):
    p0, grad_fn = logistic_problem()
    expect = run_torch(torch, lambda ps: torch.optim.SGD(ps, foreach=False, **cfg), grad_fn, p0)
    assert max_diff(run(optim.sgd(**cfg), grad_fn, p0), expect) < 1e-13


@pytest.mark.parametrize("cfg", CONFIGS_ADAM)
@pytest.mark.parametrize("decoupled", [False, True])
def test_adam_and_adamw_match_torch(torch, cfg, decoupled):
    p0, grad_fn = quadratic_problem()
    cfg = {"weight_decay": 0.0, **cfg}
    tcfg = dict(cfg)
    tcfg["betas"] = (tcfg.pop("b1", 0.9), tcfg.pop("b2", 0.999))
    make = torch.optim.AdamW if decoupled else torch.optim.Adam
    expect = run_torch(torch, lambda ps: make(ps, foreach=False, **tcfg), grad_fn, p0)
    build = optim.adamw if decoupled else optim.adam
    assert max_diff(run(build(**cfg), grad_fn, p0), expect) < 1e-13


def test_torch_adam_with_decoupled_weight_decay_is_adamw(torch):
    """Lesson 08's table: recent PyTorch's ``Adam(..., decoupled_weight_decay=True)`` is ``AdamW``,
    i.e. ``optim.adamw`` (an older torch without the argument skips)."""
    if "decoupled_weight_decay" not in inspect.signature(torch.optim.Adam).parameters:
        pytest.skip(f"torch {torch.__version__}: Adam has no decoupled_weight_decay")
    p0, grad_fn = quadratic_problem()
    expect = run_torch(torch, lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1,
                                                           decoupled_weight_decay=True,
                                                           foreach=False), grad_fn, p0)
    assert max_diff(run(optim.adamw(0.05, weight_decay=0.1), grad_fn, p0), expect) < 1e-13
    assert max_diff(run(optim.adam(0.05, weight_decay=0.1), grad_fn, p0), expect) > 1e-3


def test_schedules_inside_optimizers_match_torch_schedulers(torch):
    p0, grad_fn = logistic_problem()
    sched = torch.optim.lr_scheduler
    cases = [
        (lambda ps: torch.optim.SGD(ps, lr=0.2, momentum=0.9, weight_decay=1e-3, foreach=False),
         lambda o: sched.CosineAnnealingLR(o, T_max=STEPS, eta_min=0.01),
         optim.sgd(schedules.cosine(0.2, STEPS, 0.01), momentum=0.9, weight_decay=1e-3)),
        (lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1, foreach=False),
         lambda o: sched.StepLR(o, step_size=7, gamma=0.5),
         optim.adamw(schedules.step_decay(0.05, 7, 0.5), weight_decay=0.1)),
        (lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1, foreach=False),
         lambda o: sched.ExponentialLR(o, gamma=0.97),
         optim.adam(schedules.exponential(0.05, 0.97), weight_decay=0.1)),
    ]
    for make_opt, make_sched, ours in cases:
        expect = run_torch(torch, make_opt, grad_fn, p0, make_sched=make_sched)
        assert max_diff(run(ours, grad_fn, p0), expect) < 1e-13


def test_torch_mseloss_with_lr_halved_and_twice_the_decay_takes_the_lessons_steps(torch):
    """Lessons 00 and 02: torch's MSELoss has no ½, so SGD(lr/2, weight_decay=2λ) on it takes
    exactly the steps of optim.sgd(lr, weight_decay=λ) on the lessons' ½·MSE; weight_decay=λ
    does not."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 5)), rng.standard_normal(40)
    lr, lam, steps = 0.2, 0.07, 50

    def half_mse_grads(p):
        r = X @ p["w"] + p["b"] - y
        return {"w": X.T @ r / len(y), "b": np.array([r.mean()])}

    ours = run(optim.sgd(lr, weight_decay={"w": lam}), half_mse_grads,
               {"w": np.zeros(5), "b": np.zeros(1)}, steps=steps)

    def torch_run(wd):
        w = torch.zeros(5, dtype=torch.float64, requires_grad=True)
        b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        groups = [{"params": [w], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}]
        opt = torch.optim.SGD(groups, lr=lr / 2, foreach=False)
        Xt, yt, history = torch.from_numpy(X), torch.from_numpy(y), []
        for _ in range(steps):
            opt.zero_grad()
            torch.nn.functional.mse_loss(Xt @ w + b, yt).backward()
            opt.step()
            history.append({"w": w.detach().numpy().copy(), "b": b.detach().numpy().copy()})
        return history

    assert max_diff(ours, torch_run(2 * lam)) < 1e-13
    assert max_diff(ours, torch_run(lam)) > 1e-3


def run_torch_masked(torch, make_opt, grad_fn, params, lr_factor, clip=None):
    """torch with the decay on "W" only (parameter groups, weight_decay 0 for "b"), the lr
    multiplied by ``lr_factor(t)`` (LambdaLR) and, if asked, clip_grad_norm_/clip_grad_value_
    on the gradients before ``step()`` (the order lesson 06 describes)."""
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    opt = make_opt([{"params": [tp["W"]]}, {"params": [tp["b"]], "weight_decay": 0.0}])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    history = []
    for _ in range(STEPS):
        grads = grad_fn({k: t.detach().numpy().copy() for k, t in tp.items()})
        for k, t in tp.items():
            t.grad = torch.from_numpy(np.array(grads[k]))
        if clip is not None:
            kind, c = clip
            clip_fn = (torch.nn.utils.clip_grad_norm_ if kind == "norm"
                       else torch.nn.utils.clip_grad_value_)
            clip_fn(list(tp.values()), c, foreach=False)
        opt.step()
        sched.step()
        history.append({k: t.detach().numpy().copy() for k, t in tp.items()})
    return history


@pytest.mark.parametrize("case", ["adamw", "adam", "sgd", "adamw_paper", "clip_norm_sgd",
                                  "clip_norm_adamw", "clip_value_adam"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_masks_schedules_and_clipping_match_torch(torch, case, seed):
    """A decay mask (torch: parameter groups), a warmup-cosine schedule (torch: LambdaLR) and
    clipping before the step, all at once: what the lessons combine, in float64."""
    p0, grad_fn = logistic_problem(seed)
    lr, wd, c = 0.05, 0.3, 0.05
    sched = schedules.warmup_cosine(lr, 10, STEPS)
    factor = lambda t: sched(t) / lr                         # the multiplier η_t of lesson 08
    T = torch.optim
    cases = {   # name: (wdlib optimizer taking the mask, torch optimizer, clipping)
        "adamw": (lambda m: optim.adamw(sched, weight_decay=wd, mask=m),
                  lambda g: T.AdamW(g, lr=lr, weight_decay=wd, foreach=False), None),
        "adam": (lambda m: optim.adam(sched, weight_decay=wd, mask=m),
                 lambda g: T.Adam(g, lr=lr, weight_decay=wd, foreach=False), None),
        "sgd": (lambda m: optim.sgd(sched, momentum=0.9, nesterov=True, weight_decay=wd, mask=m),
                lambda g: T.SGD(g, lr=lr, momentum=0.9, nesterov=True, weight_decay=wd,
                                foreach=False), None),
        # the paper's AdamW with the schedule as η_t and λ = lr·wd is torch's AdamW
        "adamw_paper": (lambda m: optim.adamw_paper(lr, weight_decay=lr * wd, multiplier=factor,
                                                    mask=m),
                        lambda g: T.AdamW(g, lr=lr, weight_decay=wd, foreach=False), None),
        "clip_norm_sgd": (lambda m: optim.chain(optim.clip_by_global_norm(c),
                                                optim.sgd(sched, momentum=0.9, weight_decay=wd,
                                                          mask=m)),
                          lambda g: T.SGD(g, lr=lr, momentum=0.9, weight_decay=wd, foreach=False),
                          ("norm", c)),
        "clip_norm_adamw": (lambda m: optim.chain(optim.clip_by_global_norm(c),
                                                  optim.adamw(sched, weight_decay=wd, mask=m)),
                            lambda g: T.AdamW(g, lr=lr, weight_decay=wd, foreach=False),
                            ("norm", c)),
        "clip_value_adam": (lambda m: optim.chain(optim.clip_by_value(c / 5),
                                                  optim.adam(sched, weight_decay=wd, mask=m)),
                            lambda g: T.Adam(g, lr=lr, weight_decay=wd, foreach=False),
                            ("value", c / 5)),
    }
    ours, make_torch, clip = cases[case]
    expect = run_torch_masked(torch, make_torch, grad_fn, p0, factor, clip)
    assert max_diff(run(ours(["W"]), grad_fn, p0), expect) < 1e-13
    # the comparison sees the mask: decaying the bias too gives other numbers
    assert max_diff(run(ours(None), grad_fn, p0), expect) > 1e-6


# ---------------------------------------------------------------- the lessons' equivalences
def test_sgd_l2_equals_sgdw_without_momentum():
    p0, grad_fn = logistic_problem()
    lr, lam = 0.3, 0.05
    a = run(optim.sgd(lr, weight_decay=lam), grad_fn, p0)
    b = run(optim.sgdw(lr, weight_decay=lr * lam), grad_fn, p0)
    assert max_diff(a, b) < 1e-13


def test_sgd_l2_and_sgdw_differ_with_momentum():
    p0, grad_fn = logistic_problem()
    lr, lam = 0.3, 0.05
    a = run(optim.sgd(lr, momentum=0.9, weight_decay=lam), grad_fn, p0)
    b = run(optim.sgdw(lr, momentum=0.9, weight_decay=lr * lam), grad_fn, p0)
    # coupled decay is amplified by the momentum buffer (≈ 1/(1 − μ) = 10×): measured gap 2.27
    assert max_diff(a, b) > 1.0


def test_adam_l2_differs_clearly_from_adamw():
    p0, grad_fn = quadratic_problem()
    a = run(optim.adam(0.05, weight_decay=0.5), grad_fn, p0, steps=200)[-1]["w"]
    b = run(optim.adamw(0.05, weight_decay=0.5), grad_fn, p0, steps=200)[-1]["w"]
    # measured: ‖a − b‖ = 0.93 with ‖b‖ = 3.25 (29% apart)
    assert np.linalg.norm(a - b) > 0.2 * np.linalg.norm(b)


def test_torch_adamw_equals_paper_adamw_with_a_constant_schedule():
    p0, grad_fn = logistic_problem()
    a = run(optim.adamw(0.05, weight_decay=0.1), grad_fn, p0)
    b = run(optim.adamw_paper(0.05, weight_decay=0.05 * 0.1), grad_fn, p0)
    assert max_diff(a, b) < 1e-13
    assert max_diff(run(optim.adamw(), grad_fn, p0), run(optim.adamw_paper(), grad_fn, p0)) < 1e-13


def test_torch_adamw_and_paper_adamw_under_a_schedule():
    p0, grad_fn = logistic_problem()
    alpha, w = 0.05, 0.5
    eta = schedules.cosine(1.0, STEPS)
    torch_style = run(optim.adamw(lambda t: alpha * eta(t), weight_decay=w), grad_fn, p0)
    # the schedule as the paper's multiplier η_t: same steps, same decay
    paper = run(optim.adamw_paper(alpha, weight_decay=alpha * w, multiplier=eta), grad_fn, p0)
    assert max_diff(torch_style, paper) < 1e-13
    # the schedule on lr alone: the paper's decay ignores it and stays at α·w per step
    paper_lr = run(optim.adamw_paper(lambda t: alpha * eta(t), weight_decay=alpha * w),
                   grad_fn, p0)
    assert max_diff(torch_style, paper_lr) > 0.05


# ---------------------------------------------------------------- K models at once
def stack(params, K):
    return {k: np.broadcast_to(v, (K,) + v.shape).copy() for k, v in params.items()}


BATCHED = [
    (optim.sgd, dict(lr=np.array([0.05, 0.1, 0.3]), momentum=np.array([0.0, 0.5, 0.9]),
                     dampening=np.array([0.0, 0.2, 0.1]), weight_decay=np.array([0.0, 1e-2, 0.1]))),
    (optim.sgd, dict(lr=np.array([0.05, 0.1, 0.3]), momentum=0.9, nesterov=True,
                     weight_decay={"W": np.array([0.0, 1e-2, 0.1])})),
    (optim.adam, dict(lr=np.array([1e-3, 1e-2, 5e-2]), b1=np.array([0.8, 0.9, 0.95]),
                      weight_decay=np.array([0.0, 1e-2, 0.1]))),
    (optim.adamw, dict(lr=np.array([1e-3, 1e-2, 5e-2]), eps=np.array([1e-8, 1e-6, 1e-4]),
                       weight_decay=np.array([0.0, 1e-2, 0.1]))),
    (optim.sgdw, dict(lr=np.array([0.05, 0.1, 0.3]), momentum=np.array([0.0, 0.5, 0.9]),
                      weight_decay=np.array([0.0, 1e-3, 1e-2]),
                      multiplier=schedules.cosine(1.0, STEPS))),
    (optim.adamw_paper, dict(lr=schedules.cosine(np.array([1e-3, 1e-2, 5e-2]), STEPS),
                             weight_decay=np.array([0.0, 1e-3, 1e-2]))),
]


def pick(value, i):
    if isinstance(value, dict):
        return {k: pick(v, i) for k, v in value.items()}
    if callable(value):
        return lambda t: np.asarray(value(t))[i] if np.ndim(value(t)) else value(t)
    return value[i] if np.ndim(value) else value


@pytest.mark.parametrize("build, cfg", BATCHED)
def test_batched_equals_separate_runs(build, cfg):
    p0, grad_fn = logistic_problem()
    batched = run(build(**cfg), grad_fn, stack(p0, 3))
    for i in range(3):
        single = run(build(**{k: pick(v, i) for k, v in cfg.items()}), grad_fn, p0)
        # measured: 0 (bitwise equal); the bound leaves room for BLAS rounding in grad_fn
        assert max(np.max(np.abs(b[k][i] - s[k])) for b, s in zip(batched, single, strict=True)
                   for k in s) < 1e-15


def test_batched_models_really_differ():
    p0, grad_fn = logistic_problem()
    last = run(optim.sgd(np.array([0.01, 0.3])), grad_fn, stack(p0, 2))[-1]["W"]
    assert np.max(np.abs(last[0] - last[1])) > 0.1


# ---------------------------------------------------------------- purity and determinism
@pytest.mark.parametrize("build", [
    lambda: optim.sgd(0.1, momentum=0.9, weight_decay=0.1),
    lambda: optim.adam(0.1, weight_decay=0.1), lambda: optim.adamw(0.1),
    lambda: optim.sgdw(0.1, momentum=0.9, weight_decay=0.01), lambda: optim.adamw_paper(0.1)])
def test_inputs_are_never_mutated(build):
    p0, grad_fn = logistic_problem()
    opt = build()
    state = opt.init(p0)
    grads = grad_fn(p0)
    _, state = opt.update(grads, state, p0)   # a state with non-trivial buffers
    saved = copy.deepcopy((p0, grads, state))
    updates, new_state = opt.update(grads, state, p0)
    new_params = optim.apply_updates(p0, updates)
    for before, after in zip(saved, (p0, grads, state), strict=True):
        np.testing.assert_equal(after, before)
    assert new_params is not p0 and all(new_params[k] is not p0[k] for k in p0)
    _, again = opt.update(grads, state, p0)   # the same call gives the same bits
    np.testing.assert_equal(again, new_state)


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize("call, match", [
    (lambda: optim.sgd(-0.1), "lr must be > 0, got -0.1"),
    (lambda: optim.sgd(0.0), "lr must be > 0"),
    (lambda: optim.sgd(np.array([0.1, -1.0])), "lr must be > 0"),
    (lambda: optim.sgd(lambda t: -1.0), r"lr\(0\) must be >= 0"),
    (lambda: optim.sgd("fast"), "lr must be a number"),
    (lambda: optim.sgd(0.1, weight_decay=-1e-3), "weight_decay must be >= 0"),
    (lambda: optim.sgd(0.1, weight_decay={"W": -1.0}), r"weight_decay\['W'\] must be >= 0"),
    (lambda: optim.sgd(0.1, momentum=1.0), r"momentum must be in \[0, 1\)"),
    (lambda: optim.sgd(0.1, momentum=-0.1), r"momentum must be in \[0, 1\)"),
    (lambda: optim.sgd(0.1, momentum=0.5, dampening=1.5), r"dampening must be in \[0, 1\]"),
    (lambda: optim.sgd(0.1, nesterov=True), "nesterov=True requires momentum > 0"),
    (lambda: optim.sgd(0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (lambda: optim.sgd(0.1, momentum=0.9, nesterov="yes"), "nesterov must be True or False"),
    (lambda: optim.adam(b1=1.0), r"b1 must be in \[0, 1\)"),
    (lambda: optim.adam(b2=-0.5), r"b2 must be in \[0, 1\)"),
    (lambda: optim.adamw(eps=0.0), "eps must be > 0"),
    (lambda: optim.adamw(lr=np.ones(2), weight_decay=np.ones(3)), "lr has 2, weight_decay has 3"),
    (lambda: optim.sgd(np.ones(2), momentum=np.full(3, 0.5)), "lr has 2, momentum has 3"),
    (lambda: optim.sgdw(0.1, multiplier=-1.0), "multiplier must be >= 0"),
    (lambda: optim.adamw_paper(lr=np.ones(2), multiplier=schedules.constant(np.ones(3))),
     "lr has 2, multiplier has 3"),
    (lambda: optim.get("rmsprop"), "optimizer must be one of 'sgd', 'momentum'"),
    (lambda: optim.chain(optim.trace(0.9), "scale"), r"transforms\[1\] must be an optim"),
])
def test_bad_arguments_raise_when_built(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_calls_raise_when_the_update_starts():
    p = {"W": np.ones((2, 1)), "b": np.zeros(1)}
    opt = optim.sgd(0.1, weight_decay=0.1)
    state = opt.init(p)
    with pytest.raises(ValueError, match="grads and params must have the same keys"):
        opt.update({"W": np.ones((2, 1))}, state, p)
    with pytest.raises(ValueError, match=r"grads\['W'\] and params\['W'\] must have the same sh"):
        opt.update({"W": np.ones((1, 2)), "b": np.zeros(1)}, state, p)
    typo = optim.sgd(0.1, weight_decay={"w": 0.1})
    with pytest.raises(ValueError, match=r"weight_decay has keys that are not parameters: \['w'\]"):
        typo.update(p, typo.init(p), p)
    with pytest.raises(ValueError, match="params must be given"):
        opt.update(p, state)
    with pytest.raises(ValueError, match="grads must be a dict"):
        opt.update([1.0], state, p)
    with pytest.raises(ValueError, match="params and updates must have the same keys"):
        optim.apply_updates(p, {"W": np.ones((2, 1))})
    batched = optim.sgd(np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match=r"grads\['W'\] must have a leading axis of length K=3"):
        batched.update(p, batched.init(p), p)


def test_schedules_that_turn_negative_later_raise_at_that_step():
    """Like an lr schedule, a weight decay or multiplier schedule is checked at every step, not
    only at step 0: a negative decay would grow the weights, a negative η_t turn the step around."""
    p = {"W": np.ones((2, 1)), "b": np.zeros(1)}
    g = {"W": np.ones((2, 1)), "b": np.ones(1)}
    down = lambda t: 0.1 - 0.05 * t                           # >= 0 at steps 0-2, -0.05 at 3
    cases = [(optim.adamw(0.1, weight_decay=down), r"weight_decay\(3\) must be >= 0, got -0.05"),
             (optim.sgd(0.1, weight_decay={"W": down}), r"weight_decay\['W'\]\(3\) must be >= 0"),
             (optim.sgdw(0.1, weight_decay=0.1, multiplier=lambda t: 2.0 - t),
              r"multiplier\(3\) must be >= 0, got -1"),
             (optim.adamw_paper(0.1, multiplier=lambda t: 2.0 - t),
              r"multiplier\(3\) must be >= 0"),
             (optim.sgdw(down, weight_decay=0.01), r"lr\(3\) must be >= 0, got -0.05"),
             (optim.adamw_paper(down), r"lr\(3\) must be >= 0, got -0.05"),
             # the schedule's own value, not λ_t·η_t (-0.05 · 0.5)
             (optim.sgdw(0.1, weight_decay=down, multiplier=lambda t: 0.5),
              r"weight_decay\(3\) must be >= 0, got -0.05$"),
             (optim.sgdw(0.1, weight_decay={"W": down}, multiplier=lambda t: 0.5),
              r"weight_decay\['W'\]\(3\) must be >= 0, got -0.05$")]
    for opt, match in cases:
        state = opt.init(p)
        for _ in range(3):                                    # steps 0, 1, 2 are fine
            _, state = opt.update(g, state, p)
        with pytest.raises(ValueError, match=match):
            opt.update(g, state, p)


# ---------------------------------------------------------------- the torch helper itself
@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception),
                                         ("", pytest.skip.Exception)])
def test_missing_torch_fails_under_ci_and_skips_otherwise(monkeypatch, ci, outcome):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome):
        require_torch()


def test_a_chain_given_a_state_of_another_length_says_so():
    opt, params = optim.sgd(0.1, momentum=0.9), {"w": np.ones(2)}
    state = opt.init(params)
    for bad in (state[:2], state + ((),)):
        with pytest.raises(ValueError, match=r"one entry per transform \(3\), got \d entries"):
            opt.update({"w": np.ones(2)}, bad, params)
        with pytest.raises(ValueError, match="one entry per transform"):
            opt.update_unchecked({"w": np.ones(2)}, bad, params)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_momentum_in_one_loop_equals_the_chain_bit_for_bit(dtype):
    # sgd with a fixed lr and momentum, no decay: the loop's (unchecked) update is one loop
    # over the parameters instead of the chain's three transforms; updates and state must be
    # the chain's, bit for bit, at every step (0-d parameters included).
    opt = optim.sgd(10 ** -0.5, momentum=0.9)
    chain = optim.chain(optim.add_decayed_weights(0.0), optim.trace(0.9),
                        optim.scale_by_lr(10 ** -0.5))
    assert "_momentum_in_one_loop" in opt.update_unchecked.__qualname__   # the fast path runs
    rng = np.random.default_rng(0)
    params = {"W": rng.standard_normal((3, 4)).astype(dtype), "b": np.array(0.5, dtype=dtype)}
    states = [opt.init(params), chain.init(params)]
    for _ in range(5):
        grads = {k: (rng.standard_normal(np.shape(p)) * 1e-3).astype(dtype)
                 for k, p in params.items()}
        got, s1 = opt.update_unchecked(grads, states[0], params)
        want, s2 = chain.update_unchecked(grads, states[1], params)
        for k in params:
            assert np.asarray(got[k]).dtype == np.asarray(want[k]).dtype
            assert np.asarray(got[k]).tobytes() == np.asarray(want[k]).tobytes()
            assert np.asarray(s1[1].buf[k]).tobytes() == np.asarray(s2[1].buf[k]).tobytes()
        assert (s1[0], s1[1].count, s1[2]) == (s2[0], s2[1].count, s2[2])
        states = [s1, s2]
        params = optim.apply_updates(params, got)


def test_momentum_in_one_loop_only_where_the_chain_is_that_simple():
    # a schedule, a decay, dampening, Nesterov, a K-array or no momentum keep the chain's update
    def fused(opt):
        return opt.update_unchecked.__qualname__.startswith("_momentum_in_one_loop")
    assert fused(optim.sgd(0.1, momentum=0.9))
    for kw in (dict(lr=schedules.cosine(0.1, 10)), dict(weight_decay=1e-3), dict(dampening=0.5),
               dict(nesterov=True), dict(momentum=np.array([0.9, 0.5])), dict(momentum=0.0),
               dict(dampening=np.array([0.0, 0.5]))):   # (a K-array: no truth value asked)
        assert not fused(optim.sgd(**{"lr": 0.1, "momentum": 0.9, **kw})), kw
