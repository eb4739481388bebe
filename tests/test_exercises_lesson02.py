"""Lesson 02 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import penalties, solvers
from wdlib.exercises import lesson02 as L

W = lambda k: k.startswith("W")                                             # noqa: E731


def pm(lam, v):
    """The K values of lam shaped (K, 1, ..., 1) against v."""
    return np.reshape(lam, (-1,) + (1,) * (v.ndim - 1))


def _model_loop(p, lam):
    """Section 1's l2_grad, one model at a time (a Python loop over K)."""
    out = {k: np.zeros_like(v) for k, v in p.items()}
    for i, lam_i in enumerate(lam):
        for k, v in p.items():
            if W(k):
                out[k][i] = lam_i * v[i]
    return out


L2_CORRECT = [
    lambda p, lam: {k: pm(lam, v) * v if W(k) else np.zeros_like(v) for k, v in p.items()},
    lambda p, lam: {k: pm(lam, v) * v * W(k) for k, v in p.items()},
    lambda p, lam: {k: (pm(lam, v) * v if W(k) else 0 * v).astype(np.float32)
                    for k, v in p.items()},
    lambda p, lam: {k: pm(lam, v) * v if W(k) else 0.0 for k, v in p.items()},  # a plain 0
    lambda p, lam: {k: pm(lam, v) * v if W(k) else 0 for k, v in p.items()},
    lambda p, lam: {k: lam[:, None, None] * v if W(k) else 0 * v for k, v in p.items()},
    lambda p, lam: {k: np.einsum("k,kij->kij", lam, v) if W(k) else 0 * v for k, v in p.items()},
    lambda p, lam: {k: (v.T * lam).T if W(k) else 0 * v for k, v in p.items()},  # K last, back
    _model_loop,
    lambda p, lam: penalties.L2(lam).grad(p),
]
zb = lambda f: lambda p, lam: {k: f(v, pm(lam, v)) if W(k) else 0 * v   # noqa: E731
                               for k, v in p.items()}
L2_MISTAKES = [
    (lambda p, lam: {k: pm(lam, v) * v for k, v in p.items()}, "biases_decayed"),
    (zb(lambda v, lam: -lam * v), "negative"),
    (zb(lambda v, lam: 2 * lam * v), "twice"),
    (zb(lambda v, lam: v), "weights"),
    (zb(lambda v, lam: lam / 2 * v**2), "value"),
    (lambda p, lam: {k: pm(lam, v) * v if W(k) else v for k, v in p.items()}, "biases_unchanged"),
    (zb(lambda v, lam: lam * np.sign(v)), "l1"),
    (zb(lambda v, lam: (1 - lam) * v), "decayed_weights"),
    # K models at once: one λ for all, or λ broadcast against the wrong axis (named from the
    # first case, whose every axis has length K; NumPy raises on the others)
    (lambda p, lam: {k: lam[0] * v if W(k) else 0 * v for k, v in p.items()}, "one_lam:first"),
    (lambda p, lam: {k: max(lam) * v if W(k) else 0 * v for k, v in p.items()}, "one_lam:max"),
    (lambda p, lam: {k: np.mean(lam) * v if W(k) else 0 * v for k, v in p.items()},
     "one_lam:mean"),
    (lambda p, lam: {k: lam * v if W(k) else np.zeros_like(v) for k, v in p.items()},
     "wrong_axis"),                                  # section 1's l2_grad as it is
    (lambda p, lam: {k: lam[:, None] * v if W(k) else np.zeros_like(v) for k, v in p.items()},
     "wrong_axis:2d"),
]
test_l2_correct = accepts(L.check_l2_grad, L2_CORRECT)
test_l2_mistakes = names(L.check_l2_grad, L.L2_GRAD_HINTS, L2_MISTAKES)
test_l2_robust = robust(L.check_l2_grad)
test_l2_robust_extra = robust_extra(L.check_l2_grad)


def test_l2_in_place_is_named():
    def scale_in_place(p, lam):
        for k in p:
            p[k] *= pm(lam, p[k]) if W(k) else 0
        return p

    ok, line = run(L.check_l2_grad, scale_in_place)
    assert not ok and "modified its input `p` in place" in line, line
    assert not [h for h in L.L2_GRAD_HINTS.values() if h in line], line


def test_l2_missing_bias_keys():
    ok, line = run(L.check_l2_grad, lambda p, lam: {k: pm(lam, v) * v for k, v in p.items()
                                                    if W(k)})
    assert not ok and "missing keys" in line and "zeros for the biases" in line, line


def test_l2_cases_are_k_models_with_their_own_lambdas():
    """Each case holds K > 1 models with K different λ (so one λ for all is told apart), and
    the first has every axis of length K (so λ on the wrong axis gives numbers, not an error);
    the reference equals the one-model gradient, model by model."""
    cases = L._l2_cases()
    for p, lam in cases:
        K = len(lam)
        assert K > 1 and len(set(lam.tolist())) == K and all(len(v) == K for v in p.values())
        ref = L._ref_l2_grad(p, lam)
        for i in range(K):
            one = penalties.L2(float(lam[i])).grad({k: v[i] for k, v in p.items()})
            assert all(np.array_equal(ref[k][i], one[k]) for k in p)
    assert {v.shape for v in cases[0][0].values()} == {(4, 4), (4, 4, 4)}


def _e(X, center=True, ddof=0):
    Xc = X - X.mean(0) if center else X
    return np.linalg.svd(Xc, compute_uv=False) ** 2 / (len(X) - ddof)


def _df_bisect(e_of=_e, out=lambda lam: lam, scale=1.0):
    def fn(X, df):
        e = scale * e_of(X)
        lo, hi = -60.0, 60.0                                  # log λ
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.sum(e / (e + np.exp(mid))) > df else (lo, mid)
        return out(np.exp((lo + hi) / 2))
    return fn


def _df_newton(X, df):
    """Newton on λ from the eigenvalues of the covariance, in the textbook units then /n."""
    n = len(X)
    s2 = np.linalg.eigvalsh((X - X.mean(0)).T @ (X - X.mean(0)))
    lam = 1.0
    for _ in range(100):
        f = np.sum(s2 / (s2 + lam)) - df
        lam = max(lam + f / np.sum(s2 / (s2 + lam) ** 2), lam / 10)
    return lam / n


DF_CORRECT = [_df_bisect(), _df_newton, _df_bisect(out=lambda lam: np.float32(lam)),
              _df_bisect(out=lambda lam: np.array([lam]))]
DF_MISTAKES = [
    (_df_bisect(e_of=lambda X: len(X) * _e(X)), "textbook"),
    (_df_bisect(e_of=lambda X: _e(X, center=False)), "not_centered"),
    (_df_bisect(e_of=lambda X: np.linalg.eigvalsh(np.cov(X.T))), "ddof"),
    (_df_bisect(out=np.log10), "log10"),
    (_df_bisect(out=np.log), "ln"),
    # round 6: the removed fractions summed to df (df(λ) = d − df) got "0.068 × the expected value"
    (lambda X, df: _df_bisect()(X, X.shape[1] - df), "removed"),
    (_df_bisect(e_of=lambda X: np.sqrt(_e(X))), "std"),
]
test_df_correct = accepts(L.check_lam_for_df, DF_CORRECT)
test_df_mistakes = names(L.check_lam_for_df, L.LAM_FOR_DF_HINTS, DF_MISTAKES)
test_df_robust = robust(L.check_lam_for_df)
test_df_robust_extra = robust_extra(L.check_lam_for_df)


def test_lam_for_df_gives_a_ridge_fit_with_that_df():
    """The math: the trace of the ridge hat matrix (intercept excluded) at the returned λ is df."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((50, 6)) @ rng.standard_normal((6, 6)) + 2.0
    for df in (1.5, 4.0):
        lam = L._ref_lam_for_df(X, df)
        Xc = X - X.mean(0)
        H = Xc @ np.linalg.solve(Xc.T @ Xc / 50 + lam * np.eye(6), Xc.T / 50)
        assert abs(np.trace(H) - df) < 1e-9
        assert abs(solvers.shrinkage_factors(X, lam).sum() - df) < 1e-9


def _es(e_of=_e, T_shift=0, order=slice(None), dtype=None, kept=True, scale=1.0):
    def fn(X, lr, T):
        e = e_of(X)
        q = (1 - lr * e) ** (T + T_shift)
        lam = e * q / (1 - q) if kept else e * (1 - q) / q
        lam = ((len(X) if scale is len else scale) * lam)[order]
        return lam if dtype is None else lam.astype(dtype)
    return fn


def _es_eig(X, lr, T):
    """From the covariance's eigenvalues (ascending from eigvalsh, so flipped), λ from h = 1 − q."""
    e = np.linalg.eigvalsh(np.cov(X.T, bias=True))[::-1]
    covered = 1 - (1 - lr * e) ** T
    return e / covered - e


ES_CORRECT = [_es(), _es_eig, _es(dtype=np.float32), lambda *a: list(_es()(*a))]
ES_MISTAKES = [
    (lambda X, lr, T: np.full(X.shape[1], 1 / (lr * T)), "rule_of_thumb"),
    (_es(kept=False), "inverted"),
    (_es(order=slice(None, None, -1)), "ascending"),
    (_es(T_shift=-1), "off_by_one"),
    (_es(T_shift=1), "off_by_one_after"),        # T + 1 was only described (simulated class)
    (_es(scale=len), "textbook"),
    (_es(e_of=lambda X: _e(X, center=False)), "not_centered"),
    (_es(e_of=lambda X: _e(X, ddof=1)), "ddof"),
    # round 6: a standard deviation s_j/√n for e_j got "5 of 5 entries differ"
    (_es(e_of=lambda X: np.sqrt(_e(X))), "std"),
    # round 7: gradient flow's exp(−lr·e·T) for (1 − lr·e)^T got "5 of 5 entries differ"
    (lambda X, lr, T: (lambda e: e / np.expm1(lr * e * T))(_e(X)), "continuous"),
]
test_es_correct = accepts(L.check_early_stopping_lambda, ES_CORRECT)
test_es_mistakes = names(L.check_early_stopping_lambda, L.EARLY_STOP_HINTS, ES_MISTAKES)
test_es_robust = robust(L.check_early_stopping_lambda)
test_es_robust_extra = robust_extra(L.check_early_stopping_lambda)


def test_early_stopping_lambda_matches_gradient_descent_direction_by_direction():
    """The math: T steps of gradient descent (λ = 0, from w = 0, on the centered data as the
    exercise states) and ridge with λ_j have the same coefficient along the principal direction
    v_j; and for lr·e_j·T ≪ 1, λ_j ≈ 1/(lr·T)."""
    rng = np.random.default_rng(4)
    n, d = 80, 5
    Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    X = (rng.standard_normal((n, d)) * np.logspace(0.5, -1.5, d)) @ Q + rng.uniform(-2, 2, d)
    y = X @ rng.standard_normal(d) + 1.0 + 0.5 * rng.standard_normal(n)
    e = _e(X)
    lr, T = 0.5 / e[0], 30
    Xc, yc, w = X - X.mean(0), y - y.mean(), np.zeros(d)
    for _ in range(T):                                   # ½·mean squared error, plain GD
        w = w - lr * Xc.T @ (Xc @ w - yc) / n
    lams = L._ref_early_stopping_lambda(X, lr, T)
    V = np.linalg.svd(X - X.mean(0))[2]
    for j in range(d):
        w_ridge, _ = solvers.ridge(X, y[:, None], lams[j])
        assert abs(V[j] @ w_ridge - V[j] @ w) < 1e-9 * max(1.0, abs(V[j] @ w)), j
    small = lr * e * T < 0.05
    assert small.any() and np.allclose(lams[small], 1 / (lr * T), rtol=0.05)


def test_references_are_not_public():
    assert not [n for n in L.__all__ if "ref" in n]
    assert "lam * v" not in (L.check_l2_grad.__doc__ or "")
    for checker in (L.check_lam_for_df, L.check_early_stopping_lambda):
        assert "/" not in checker.__doc__ and "**" not in checker.__doc__


def test_a_plain_number_for_the_biases_is_judged_by_its_value():
    """A plain 0 for a bias is accepted (it broadcasts); a plain 1 was told 'wrong shape'
    (expected (5,), got ()), and 2·λ·W with plain 0 biases lost its factor-of-2 hint."""
    def grad(c_w, b):
        return lambda p, lam: {k: c_w * pm(lam, v) * v if k[0] == "W" else b
                               for k, v in p.items()}

    ok, line = run(L.check_l2_grad, grad(1, 1.0))
    assert not ok and "shape" not in line and "'b1', 'b2' are wrong" in line, line
    ok, line = run(L.check_l2_grad, grad(2, 0))
    assert not ok and L.L2_GRAD_HINTS["twice"] in line, line
    ok, line = run(L.check_l2_grad, grad(-1, 0.0))
    assert not ok and L.L2_GRAD_HINTS["negative"] in line, line
    ok, line = run(L.check_l2_grad, grad(1, 0))
    assert ok, line


def test_a_one_item_array_for_the_biases_counts_as_the_plain_number():
    """One rule for a scalar answer in an array slot: a length-1 array (np.zeros(1), [0.0], a
    (1, 1) array) is read as the number it holds, like a plain 0. np.zeros(1) for each bias was
    refused, and told 'outputs swapped? b1 and b2' (two equal zeros 'swapped')."""
    def grad(b, c_w=1):
        return lambda p, lam: {k: c_w * pm(lam, v) * v if k[0] == "W" else b()
                               for k, v in p.items()}

    for b in (lambda: np.zeros(1), lambda: [0.0], lambda: np.zeros((1, 1)),
              lambda: np.float32([0.0])):
        ok, line = run(L.check_l2_grad, grad(b))
        assert ok, line
    ok, line = run(L.check_l2_grad, grad(lambda: np.zeros(1), c_w=2))
    assert not ok and L.L2_GRAD_HINTS["twice"] in line, line
    ok, line = run(L.check_l2_grad, grad(lambda: np.ones(1)))
    assert not ok and "swapped" not in line and "'b1', 'b2' are wrong" in line, line


def test_lam_for_df_prompt_states_the_accuracy_its_checker_holds():
    """The prompt asked 1e-8 relative while the checker held answers to 1e-6: they now agree on
    1e-6 in λ (a bisection to 1e-8 is well inside, and so is Newton stopped once df is within
    1e-8, whose λ may be off by more than 1e-8 where df(λ) is flat). Within 1e-6 is accepted,
    beyond it refused, on every case."""
    from pathlib import Path

    import nbformat
    nb = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks"
                       / "02_l2_weight_decay.ipynb", as_version=4)
    prompt = next(c.source for c in nb.cells if "Write `lam_for_df(X, df)`" in c.source)
    assert "relative accuracy of $10^{-6}$ in λ" in prompt and "10^{-8}$. There" not in prompt
    for factor, ok_wanted in [(1 + 9e-7, True), (1 - 9e-7, True), (1 + 3e-6, False),
                              (1 - 3e-6, False)]:
        ok, line = run(L.check_lam_for_df, lambda X, df, f=factor: f * L._ref_lam_for_df(X, df))
        assert bool(ok) is ok_wanted, (factor, line)


def test_l2_grad_names_the_penalty_value_returned_for_its_gradient():
    """The penalty's value returned instead of its gradient (per model, (K,), or summed over
    the models) got "expected a dict with keys [...], got ndarray", which does not say what
    was returned (simulated class, round 7)."""
    from exercise_harness import run

    def value(params, lam, total=False):
        v = sum(0.5 * np.reshape(lam, (-1,) + (1,) * (w.ndim - 1)) * w ** 2
                for k, w in params.items() if k.startswith("W"))
        per_model = np.array([np.sum(x) for x in v]) if not total else None
        return float(np.sum(v)) if total else per_model

    for total in (False, True):
        ok, line = run(L.check_l2_grad, lambda p, lam, t=total: value(p, lam, t))
        assert not ok and "that is the penalty's value" in line and "its gradient" in line, line
    ok, line = run(L.check_l2_grad, lambda p, lam: np.zeros(len(lam)))
    assert not ok and "penalty's value" not in line, line


def test_float32_inside_early_stopping_is_named():
    """Simulated class, round 9: X.astype(np.float32), the formula, then .astype(float) got only
    'differs by a relative 2.9e-06': (1 − lr·e)^T magnifies float32's rounding of X to 2e-5 on
    one input, beyond the float32 rounding the checker recognizes by size. It is now told that
    part of the computation ran in float32 (the right formula run on the inputs rounded to
    float32 misses by as much); the float32 array itself is accepted at float32's tolerance."""
    def f32(X, lr, T):
        Xc = X.astype(np.float32) - X.astype(np.float32).mean(0)
        e = np.linalg.svd(Xc, compute_uv=False) ** 2 / len(X)
        q = (1 - lr * e) ** T
        return e * q / (1 - q)

    ok, line = run(L.check_early_stopping_lambda, lambda X, lr, T: f32(X, lr, T).astype(float))
    assert not ok and "float32" in line, line
    ok, line = run(L.check_early_stopping_lambda, f32)
    assert ok, line
    # a real mistake near it is not told about float32: λ_j for T + 1 steps
    ok, line = run(L.check_early_stopping_lambda, lambda X, lr, T: f32(X, lr, T + 1).astype(
        float))
    assert not ok and "float32" not in line, line
