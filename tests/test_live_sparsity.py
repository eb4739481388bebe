"""The "sparsity" dashboard (lesson 03): the solvers behind it are exact, the paths are cached,
and the effects the lesson claims are in the numbers. (Generic checks: tests/test_live.py.)"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import models, solvers, train  # noqa: E402
from wdlib.live import sparsity as sp  # noqa: E402


@pytest.fixture(scope="module")
def dash():
    d = sp.Sparsity()
    yield d
    d.close()


# --- max_norm_lstsq --------------------------------------------------------------------------

def test_max_norm_on_an_orthogonal_design_is_the_projection_of_least_squares():
    """Hand-checkable: with XcᵀXc/n = I the problem is min ½‖w − q‖² + const, q = Xcᵀyc/n, so
    the answer is q itself inside the ball and q·c/‖q‖ outside it."""
    n = 8
    H = np.linalg.qr(np.eye(n) - 1 / n)[0][:, :3]            # 3 orthonormal columns ⟂ ones
    X = np.sqrt(n) * H                                        # centered, XᵀX/n = I
    q = np.array([3.0, 0.0, -4.0])                            # ‖q‖ = 5
    y = (X @ q + 2.0)[:, None]                                # exact fit, intercept 2
    w, mu = sp.max_norm_lstsq(X, y, np.array([10.0, 5.0, 2.5, 1.0]))
    np.testing.assert_allclose(w, [[3, 0, -4], [3, 0, -4], [1.5, 0, -2], [0.6, 0, -0.8]],
                               atol=1e-14)
    np.testing.assert_allclose(mu, [0, 0, 1, 4], atol=1e-12)  # w = q / (1 + μ)


def test_max_norm_is_ridge_at_the_lambda_that_reaches_the_bound():
    for rho in (0.0, 0.9):
        ds = sp.problem(rho)
        cs = np.logspace(-3, 1.5, 40)
        w, mu = sp.max_norm_lstsq(ds.X, ds.y, cs)                          # (40, 20), (40,)
        active = mu > 0
        assert 10 < active.sum() < 40
        np.testing.assert_allclose(np.linalg.norm(w[active], axis=1), cs[active], rtol=1e-13)
        ridge, _ = solvers.ridge(ds.X, ds.y, mu)                           # KKT: w = ridge(μ)
        np.testing.assert_allclose(w, ridge, rtol=1e-10, atol=1e-12)
        one, _ = sp.max_norm_lstsq(ds.X, ds.y, cs[[7]])                    # batched == single
        np.testing.assert_allclose(one[0], w[7], rtol=1e-12, atol=1e-15)


def test_max_norm_equals_projected_gradient_training():
    """The same answer as training a linear model with train.fit(penalty="max_norm"): a
    gradient step, then the projection onto ‖w‖₂ <= c, repeated (converged to ~1e-12)."""
    ds = sp.problem(0.0)
    c = np.array([0.5, 1.5])
    params, _ = train.fit(models.linear(20), ds.X, ds.y, optimizer="nesterov", lr=0.3,
                          penalty="max_norm", lam=c, steps=1500, record="loss", init="zeros")
    w, _ = sp.max_norm_lstsq(ds.X, ds.y, c)
    np.testing.assert_allclose(params["W1"][:, :, 0], w, atol=1e-9)


# --- the dashboard ---------------------------------------------------------------------------

def test_defaults_are_the_lasso_and_find_the_true_support(dash):
    d = dash
    d.set(**d.defaults)
    ds, lam = sp.problem(0.0), d.defaults["lam"]
    w, b = solvers.lasso(ds.X, ds.y, lam)
    np.testing.assert_allclose(d.result["w"][1], w, rtol=1e-10, atol=1e-12)
    heights = np.array([p.vertices[1, 1] for p in d.bars.get_paths()])    # bar tops
    np.testing.assert_array_equal(heights, d.result["w"][1])
    zeros = np.flatnonzero(heights == 0)
    assert set(ds.meta["support"]).isdisjoint(zeros) and zeros.size >= 5
    np.testing.assert_array_equal(d.zeros.get_xdata(), zeros + 1)
    assert f"{zeros.size} of 20 weights exactly 0 · true support 5/5 found" in d.status.value
    val = 0.5 * np.mean((ds.X_val @ w + b - ds.y_val[:, 0]) ** 2)
    assert d.result["val"][1] == pytest.approx(val, rel=1e-9)
    assert d.result["val"][1] < d.result["val"][0]         # beats least squares at this λ


def test_every_estimator_column(dash):
    d = dash
    d.set(mode="elastic_net", l1_ratio=0.3, lam=0.2, c=0.7, correlation=0.5)
    ds = sp.problem(0.5)
    w_ls, _ = solvers.ridge(ds.X, ds.y, 0.0)
    w_en, _ = solvers.elastic_net(ds.X, ds.y, 0.2, 0.3)
    w_mn, _ = sp.max_norm_lstsq(ds.X, ds.y, np.array([0.7]))
    np.testing.assert_allclose(d.result["w"], np.vstack([w_ls, solvers.lasso(ds.X, ds.y, 0.2)[0],
                                                         w_en, w_mn]), rtol=1e-9, atol=1e-11)
    assert "l1_ratio = 0.30" in d.status.value and "ρ = 0.50" in d.status.value
    assert np.linalg.norm(d.result["w"][3]) == pytest.approx(0.7, rel=1e-12)
    d.set(**d.defaults)


def test_only_l1_makes_exact_zeros_and_large_lambda_zeros_everything(dash):
    d = dash
    d.set(mode="elastic_net", l1_ratio=0.0, lam=0.1)              # ridge: shrinks, never 0
    assert np.all(d.result["w"][2] != 0) and np.all(d.result["w"][3] != 0)
    ds = sp.problem(0.0)
    d.set(mode="l1", lam=10.0)
    assert solvers.lam_max(ds.X, ds.y) < 10.0
    assert np.all(d.result["w"][1] == 0) and "20 of 20 weights exactly 0" in d.status.value
    zeros = [np.sum(w == 0) for w in sp.path(0.0, "l1", 1.0)]       # along the λ grid
    assert zeros[0] <= 2 and zeros[-1] == 20 and zeros[-1] - zeros[0] >= 18
    d.set(**d.defaults)


def test_correlated_features_the_lasso_drops_true_ones_the_elastic_net_keeps_them(dash):
    d = dash
    d.set(correlation=0.9)
    on = sp.problem(0.9).meta["w_true"] != 0
    lasso, enet = d.result["w"][1], d.result["w"][2]                 # l1_ratio 0.5, same λ
    assert np.sum(lasso[on] != 0) == 3 and np.sum(enet[on] != 0) == 5
    assert "true support 3/5 found" in d.status.value
    d.set(**d.defaults)


def test_paths_are_cached_and_match_the_solvers(dash, monkeypatch):
    ds = sp.problem(0.0)
    w, _ = solvers.lasso(ds.X, ds.y, sp.LAMS)
    np.testing.assert_allclose(sp.path(0.0, "l1", 1.0), w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sp.path(0.0, "max_norm", 1.0),
                               sp.max_norm_lstsq(ds.X, ds.y, sp.CS)[0], rtol=0, atol=0)
    d = dash
    d.set(**d.defaults)
    calls = []
    en = solvers.elastic_net
    monkeypatch.setattr(solvers, "elastic_net", lambda X, y, lam, r, **k:
                        calls.append(np.shape(lam)) or en(X, y, lam, r, **k))
    d.set(lam=0.3)
    d.set(lam=0.01)
    assert calls == [(2,), (2,)]                # only the current λ (L1 and EN as K = 2)
    np.testing.assert_allclose(d.lines.get_segments()[9], np.c_[sp.LAMS, w[:, 9]],
                               rtol=1e-10, atol=1e-12)
    assert d.mark.get_xdata()[0] == 0.01
    d.set(mode="max_norm", c=3.0)
    assert d.mark.get_xdata()[0] == 3.0 and d.norm.get_visible() and d.legend.get_visible()
    assert d.ax_path.get_xlim() == pytest.approx((sp.CS[0], sp.CS[-1]))
    d.set(**d.defaults)
    assert not d.norm.get_visible()


def test_the_truth_does_not_depend_on_the_correlation():
    a, b = sp.problem(0.0), sp.problem(0.9)
    np.testing.assert_array_equal(a.meta["w_true"], b.meta["w_true"])
    assert not np.array_equal(a.X, b.X)
    assert np.sum(a.meta["w_true"] != 0) == 5 and np.any(a.meta["w_true"] < 0)
