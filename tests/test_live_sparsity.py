"""The "sparsity" dashboard (lesson 03): the paths are cached and match the solvers, and the
effects the lesson claims are in the numbers. (Its solvers, ``solvers.max_norm`` included:
tests/test_solvers.py; generic checks: tests/test_live.py.)"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from wdlib import solvers  # noqa: E402
from wdlib.live import sparsity as sp  # noqa: E402
from wdlib.tasks import sparse  # noqa: E402


@pytest.fixture(scope="module")
def dash():
    d = sp.Sparsity()
    yield d
    d.close()


# --- the dashboard ---------------------------------------------------------------------------

def test_defaults_are_the_lasso_and_find_the_true_support(dash):
    d = dash
    d.set(**d.defaults)
    ds, lam = sparse.problem(0.0), d.defaults["lam"]
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
    ds = sparse.problem(0.5)
    w_ls, _ = solvers.ridge(ds.X, ds.y, 0.0)
    w_en, _ = solvers.elastic_net(ds.X, ds.y, 0.2, 0.3)
    w_mn, _ = solvers.max_norm(ds.X, ds.y, np.array([0.7]))
    np.testing.assert_allclose(d.result["w"], np.vstack([w_ls, solvers.lasso(ds.X, ds.y, 0.2)[0],
                                                         w_en, w_mn]), rtol=1e-9, atol=1e-11)
    assert "l1_ratio = 0.30" in d.status.value and "ρ = 0.50" in d.status.value
    assert np.linalg.norm(d.result["w"][3]) == pytest.approx(0.7, rel=1e-12)
    d.set(**d.defaults)


def test_only_l1_makes_exact_zeros_and_large_lambda_zeros_everything(dash):
    d = dash
    d.set(mode="elastic_net", l1_ratio=0.0, lam=0.1)              # ridge: shrinks, never 0
    assert np.all(d.result["w"][2] != 0) and np.all(d.result["w"][3] != 0)
    ds = sparse.problem(0.0)
    d.set(mode="l1", lam=10.0)
    assert solvers.lam_max(ds.X, ds.y) < 10.0
    assert np.all(d.result["w"][1] == 0) and "20 of 20 weights exactly 0" in d.status.value
    zeros = [np.sum(w == 0) for w in sparse.path(0.0, "l1", 1.0)]       # along the λ grid
    assert zeros[0] <= 2 and zeros[-1] == 20 and zeros[-1] - zeros[0] >= 18
    d.set(**d.defaults)


def test_correlated_features_the_lasso_drops_true_ones_the_elastic_net_keeps_them(dash):
    d = dash
    d.set(correlation=0.9)
    on = sparse.problem(0.9).meta["w_true"] != 0
    lasso, enet = d.result["w"][1], d.result["w"][2]                 # l1_ratio 0.5, same λ
    assert np.sum(lasso[on] != 0) == 3 and np.sum(enet[on] != 0) == 5
    assert "true support 3/5 found" in d.status.value
    ds, lam, r = sparse.problem(0.9), d.defaults["lam"], d.defaults["l1_ratio"]
    weaker = solvers.lasso(ds.X, ds.y, lam * r)[0][on]                # the EN's L1 part alone
    same_l1 = solvers.elastic_net(ds.X, ds.y, lam / r, r)[0][on]      # the lasso's L1 strength
    assert np.sum(weaker != 0) == 5 and np.sum(same_l1 != 0) == 3      # (the docstring's words)
    d.set(**d.defaults)


def test_paths_are_cached_and_match_the_solvers(dash, monkeypatch):
    ds = sparse.problem(0.0)
    w, _ = solvers.lasso(ds.X, ds.y, sparse.LAMS)
    np.testing.assert_allclose(sparse.path(0.0, "l1", 1.0), w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sparse.path(0.0, "max_norm", 1.0),
                               solvers.max_norm(ds.X, ds.y, sparse.CS)[0], rtol=0, atol=0)
    d = dash
    d.set(**d.defaults)
    calls = []
    en = solvers.elastic_net
    monkeypatch.setattr(solvers, "elastic_net", lambda X, y, lam, r, **k:
                        calls.append(np.shape(lam)) or en(X, y, lam, r, **k))
    d.set(lam=0.3)
    d.set(lam=0.01)
    assert calls == [(2,), (2,)]                # only the current λ (L1 and EN as K = 2)
    np.testing.assert_allclose(d.lines.get_segments()[9], np.c_[sparse.LAMS, w[:, 9]],
                               rtol=1e-10, atol=1e-12)
    assert d.mark.get_xdata()[0] == 0.01
    d.set(mode="max_norm", c=3.0)
    assert d.mark.get_xdata()[0] == 3.0 and d.norm.get_visible() and d.legend.get_visible()
    assert d.ax_path.get_xlim() == pytest.approx((sparse.CS[0], sparse.CS[-1]))
    d.set(**d.defaults)
    assert not d.norm.get_visible()


def test_the_truth_does_not_depend_on_the_correlation():
    a, b = sparse.problem(0.0), sparse.problem(0.9)
    np.testing.assert_array_equal(a.meta["w_true"], b.meta["w_true"])
    assert not np.array_equal(a.X, b.X)
    assert np.sum(a.meta["w_true"] != 0) == 5 and np.any(a.meta["w_true"] < 0)
