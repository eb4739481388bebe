"""Tests for wdlib.solvers: ridge against the normal equations and gradient descent, lasso and
elastic net against their KKT conditions and scikit-learn (d > n included), batching over lam,
hand-checkable values, errors."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import ElasticNet

from wdlib import data, models, solvers, train


def problem(n=40, d=6, seed=0):
    """A well-conditioned regression problem whose columns and target have nonzero means."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + rng.uniform(-2, 2, size=d)          # (n, d)
    y = X @ rng.standard_normal(d) + 3.0 + 0.5 * rng.standard_normal(n)    # (n,)
    return X, y


def augmented(X):
    """[X, 1] and the penalty mask (1 for weights, 0 for the bias)."""
    return np.hstack([X, np.ones((len(X), 1))]), np.r_[np.ones(X.shape[1]), 0.0]


def ridge_grad(X, y, theta, lam):
    """Gradient of 1/(2n)||y - A theta||^2 + lam/2 ||w||^2 in theta = (w, b)."""
    A, mask = augmented(X)
    return A.T @ (A @ theta - y) / len(y) + lam * mask * theta


def fd_grad(f, theta, h=1e-6):
    """Central finite differences of a scalar function."""
    E = np.eye(theta.size) * h
    return np.array([(f(theta + e) - f(theta - e)) / (2 * h) for e in E])


def kkt_residual(X, y, w, lam_l1, lam_l2=0.0):
    """Max violation of the (elastic-net) KKT conditions; w (d,)."""
    Xc, yc = X - X.mean(0), y.reshape(-1) - y.mean()
    g = Xc.T @ (yc - Xc @ w) / len(yc) - lam_l2 * w          # must be in lam_l1 * d|w|
    nz = w != 0
    on = np.abs(g[nz] - lam_l1 * np.sign(w[nz]))
    off = np.maximum(np.abs(g[~nz]) - lam_l1, 0.0)
    return max(on.max(initial=0.0), off.max(initial=0.0))


# --------------------------------------------------------------------------- ridge

def test_ridge_hand_example():
    # x = 0, 1, 2 and y = x: var(x) = cov(x, y) = 2/3, so w = (2/3) / (2/3 + lam); lam = 2/3 -> 1/2,
    # and b = mean(y) - mean(x) w = 1 - 1/2.
    w, b = solvers.ridge([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0], 2 / 3)
    np.testing.assert_allclose(w, [0.5], rtol=1e-14)
    assert abs(b - 0.5) < 1e-14
    assert w.shape == (1,) and isinstance(b, float)


@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.3, 10.0])
def test_ridge_matches_normal_equations(lam):
    X, y = problem()
    A, mask = augmented(X)
    theta = np.linalg.solve(A.T @ A / len(y) + lam * np.diag(mask), A.T @ y / len(y))
    w, b = solvers.ridge(X, y, lam)
    np.testing.assert_allclose(np.r_[w, b], theta, rtol=1e-10, atol=1e-12)


def test_ridge_equals_gradient_descent():
    X, y = problem(seed=1)
    lam = 0.1
    theta = np.zeros(X.shape[1] + 1)
    obj = lambda th: solvers.objective(X, y, th[:-1], th[-1], lam)
    g, g_fd = ridge_grad(X, y, theta + 0.3, lam), fd_grad(obj, theta + 0.3)
    assert np.linalg.norm(g - g_fd) / np.linalg.norm(g) < 1e-6       # the GD gradient is right
    A, _ = augmented(X)
    lr = 1.0 / (np.linalg.eigvalsh(A.T @ A / len(y))[-1] + lam)
    for _ in range(5000):
        theta = theta - lr * ridge_grad(X, y, theta, lam)
    w, b = solvers.ridge(X, y, lam)
    np.testing.assert_allclose(np.r_[w, b], theta, rtol=0, atol=1e-8)


def test_ridge_batched_equals_separate_calls():
    X, y = problem(seed=2)
    lams = np.array([0.0, 1e-4, 0.01, 1.0, 100.0])
    W, B = solvers.ridge(X, y[:, None], lams)
    assert W.shape == (5, X.shape[1]) and B.shape == (5,)
    for k, lam in enumerate(lams):
        w, b = solvers.ridge(X, y, lam)
        np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-12)
        assert abs(B[k] - b) < 1e-12


def test_ridge_does_not_shrink_the_bias_and_norm_decreases():
    X, y = problem(seed=3)
    lams = np.geomspace(1e-4, 1e8, 40)
    W, B = solvers.ridge(X, y, lams)
    norms = np.linalg.norm(W, axis=1)
    assert np.all(np.diff(norms) < 0)
    assert norms[-1] < 1e-6 and abs(B[-1] - y.mean()) < 1e-5


def test_ridge_y_column_or_vector_and_inputs_untouched():
    X, y = problem(seed=4)
    X0, y0 = X.copy(), y.copy()
    w1, b1 = solvers.ridge(X, y, 0.5)
    w2, b2 = solvers.ridge(X, y[:, None], 0.5)
    np.testing.assert_array_equal(w1, w2)
    assert b1 == b2
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_ridge_lam_zero_is_least_squares_and_min_norm_when_rank_deficient():
    X, y = problem(seed=5)
    A, _ = augmented(X)
    w, b = solvers.ridge(X, y, 0.0)
    np.testing.assert_allclose(np.r_[w, b], np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10)
    # a duplicated column: the minimum-norm solution splits the weight evenly
    Xd = np.hstack([X[:, :1], X[:, :1]])
    wd, bd = solvers.ridge(Xd, y, 0.0)
    w1, b1 = solvers.ridge(X[:, :1], y, 0.0)
    np.testing.assert_allclose(wd, [w1[0] / 2, w1[0] / 2], rtol=1e-10)
    assert abs(bd - b1) < 1e-10
    # more features than samples: the limit lam -> 0 of ridge
    rng = np.random.default_rng(0)
    Xw, yw = rng.standard_normal((8, 20)), rng.standard_normal(8)
    w0, _ = solvers.ridge(Xw, yw, 0.0)
    w_tiny, _ = solvers.ridge(Xw, yw, 1e-12)
    np.testing.assert_allclose(w0, w_tiny, rtol=1e-8)
    Xc = Xw - Xw.mean(0)
    np.testing.assert_allclose(w0, np.linalg.pinv(Xc) @ (yw - yw.mean()), rtol=1e-10)


def test_ridge_solution_minimizes_the_objective():
    X, y = problem(seed=6)
    w, b = solvers.ridge(X, y, 0.2)
    best = solvers.objective(X, y, w, b, 0.2)
    rng = np.random.default_rng(0)
    dW, dB = 1e-3 * rng.standard_normal((50, w.size)), 1e-3 * rng.standard_normal(50)
    assert np.all(solvers.objective(X, y, w + dW, b + dB, 0.2) > best)


def test_shrinkage_factors():
    # hand example: variance 2/3 along the single direction, lam = 2/3 -> factor 1/2
    np.testing.assert_allclose(solvers.shrinkage_factors([[0.0], [1.0], [2.0]], 2 / 3), [0.5])
    X, _ = problem(seed=7)
    n, lams = len(X), np.array([0.0, 0.1, 1.0])
    H = solvers.shrinkage_factors(X, lams)                                 # (3, d)
    e = np.linalg.eigvalsh(np.cov(X.T, bias=True))[::-1]                  # variances, decreasing
    np.testing.assert_allclose(H, e / (e + lams[:, None]), rtol=1e-12)
    # their sum is the trace of the ridge hat matrix (degrees of freedom)
    Xc = X - X.mean(0)
    hat = Xc @ np.linalg.solve(Xc.T @ Xc + n * 0.1 * np.eye(X.shape[1]), Xc.T)
    np.testing.assert_allclose(H[1].sum(), np.trace(hat), rtol=1e-12)
    np.testing.assert_array_equal(H[0], np.ones(X.shape[1]))


# --------------------------------------------------------------------------- lasso

def test_lasso_hand_example():
    # one feature, var(x) = cov(x, y) = 2/3: w = max(2/3 - lam, 0) / (2/3); lam_max = 2/3.
    X, y = [[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]
    assert abs(solvers.lam_max(X, y) - 2 / 3) < 1e-15
    W, B = solvers.lasso(X, y, np.array([1 / 3, 2 / 3, 1.0]))
    np.testing.assert_allclose(W[:, 0], [0.5, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(B, [0.5, 1.0, 1.0], atol=1e-12)
    assert W[1, 0] == 0.0 and W[2, 0] == 0.0                       # exact zeros


def test_lasso_kkt_and_exact_zeros():
    ds = data.sparse_linear(seed=0)
    lams = np.geomspace(1e-3, 1.0, 12)
    W, B = solvers.lasso(ds.X, ds.y, lams)
    for w, lam in zip(W, lams, strict=True):
        assert kkt_residual(ds.X, ds.y, w, lam) < 1e-8
    assert np.any(W == 0.0) and np.all((W == 0).sum(1)[-3:] >= 15)
    np.testing.assert_allclose(B, ds.y.mean() - W @ ds.X.mean(0), rtol=1e-14)


def test_lasso_kkt_more_features_than_samples():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((20, 50)), rng.standard_normal(20)
    lams = np.geomspace(0.01, 0.5, 6)
    W, _ = solvers.lasso(X, y, lams)
    for w, lam in zip(W, lams, strict=True):
        assert kkt_residual(X, y, w, lam) < 1e-8
        assert np.count_nonzero(w) <= 19                 # at most n - 1 (centered rank) nonzeros


def test_lasso_all_zero_exactly_from_lam_max():
    ds = data.sparse_linear(seed=1)
    top = solvers.lam_max(ds.X, ds.y)
    W, B = solvers.lasso(ds.X, ds.y, top * np.array([0.99, 1.0, 2.0]))
    assert np.count_nonzero(W[0]) == 1
    np.testing.assert_array_equal(W[1:], 0.0)
    np.testing.assert_allclose(B[1:], ds.y.mean(), rtol=1e-15)


def test_lasso_batched_equals_separate_calls():
    ds = data.sparse_linear(seed=2, correlation=0.5)
    lams = np.array([0.003, 0.03, 0.3, 3.0])
    W, B = solvers.lasso(ds.X, ds.y, lams)
    assert W.shape == (4, 20) and B.shape == (4,)
    for k, lam in enumerate(lams):
        w, b = solvers.lasso(ds.X, ds.y, lam)
        np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-10)
        assert abs(B[k] - b) < 1e-10
        np.testing.assert_array_equal(W[k] == 0, w == 0)


def test_lasso_recovers_the_true_support():
    """On sparse_linear's defaults (n=100, d=20, k=5, noise=0.1), every lam in [0.04, 0.3]
    selects exactly the true support, for seeds 0..5."""
    lams = np.geomspace(0.04, 0.3, 8)
    for seed in range(6):
        ds = data.sparse_linear(seed=seed)
        W, _ = solvers.lasso(ds.X, ds.y, lams)
        for w in W:
            np.testing.assert_array_equal(np.flatnonzero(w), ds.meta["support"])


def test_lasso_solution_minimizes_the_objective():
    ds = data.sparse_linear(seed=3)
    w, b = solvers.lasso(ds.X, ds.y, 0.05)
    best = solvers.objective(ds.X, ds.y, w, b, 0.05, l1_ratio=1.0)
    rng = np.random.default_rng(0)
    dW, dB = 1e-4 * rng.standard_normal((100, w.size)), 1e-4 * rng.standard_normal(100)
    assert np.all(solvers.objective(ds.X, ds.y, w + dW, b + dB, 0.05, l1_ratio=1.0) > best)


def test_lasso_on_ill_conditioned_polynomial_features():
    """Degree-12 features (condition number ~1e9): KKT still holds, batched == separate."""
    ds = data.polynomial(seed=0)
    F = data.polynomial_features(ds.X, 12)
    lams = np.geomspace(1e-4, 0.3, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # no ConvergenceWarning
        W, B = solvers.lasso(F, ds.y, lams)
        for k, lam in enumerate(lams):
            assert kkt_residual(F, ds.y, W[k], lam) < 1e-8
            w, b = solvers.lasso(F, ds.y, lam)
            np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-10)
            assert abs(B[k] - b) < 1e-10
    assert np.all((W != 0).sum(axis=1) < 12)


def test_lasso_with_duplicated_columns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    X = np.hstack([X, X[:, :1]])                              # column 3 == column 0
    y = X[:, 0] + X[:, 1] + 0.1 * rng.standard_normal(30)
    W, _ = solvers.lasso(X, y, np.array([0.01, 0.1]))
    for w, lam in zip(W, (0.01, 0.1), strict=True):
        assert kkt_residual(X, y, w, lam) < 1e-8
        assert abs(w[0] - w[3]) < 1e-12 and w[2] == 0.0       # even split; noise column is 0


def test_lasso_path():
    ds = data.sparse_linear(seed=0)
    lams, W, B = solvers.lasso_path(ds.X, ds.y, num=10, eps=1e-2)
    assert lams.shape == (10,) and W.shape == (10, 20) and B.shape == (10,)
    np.testing.assert_allclose(lams[[0, -1]], solvers.lam_max(ds.X, ds.y) * np.array([1, 1e-2]))
    nnz = (W != 0).sum(axis=1)
    assert nnz[0] == 0 and nnz[-1] >= 5


def test_lasso_warns_when_max_iter_is_too_small():
    ds = data.sparse_linear(seed=0)
    with pytest.warns(solvers.ConvergenceWarning, match="2 of 2 models did not reach tol"):
        solvers.lasso(ds.X, ds.y, np.array([0.01, 0.02]), max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solvers.lasso(ds.X, ds.y, 0.01)


# ------------------------------------------------------------- d > n, against scikit-learn

def wide_problem(n, d, seed):
    """d > n with shifted (uncentered) columns, 5 true features and an intercept of 2: the lasso's
    best-known use, and the case where the old polish step accepted a singular solve."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + rng.uniform(-5, 5, size=d)          # (n, d), means != 0
    beta = np.zeros(d)
    beta[:5] = 3 * rng.standard_normal(5)
    y = X @ beta + 2.0 + 0.5 * rng.standard_normal(n)                      # (n,)
    return X, y


def sklearn_elastic_net(X, y, lam, l1_ratio, fit_intercept=True):
    """scikit-learn's answer, which must itself have converged (its warning is an error here).

    sklearn minimizes 1/(2n)||y - Xw - b||^2 + alpha * (r ||w||_1 + (1 - r)/2 ||w||^2), wdlib's
    objective with alpha = lam and the same l1_ratio r (Lasso is r = 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SklearnConvergenceWarning)
        m = ElasticNet(alpha=lam, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-12,
                       max_iter=100_000).fit(X, y)
    return m.coef_, float(m.intercept_)


WIDE = [(20, 60, 0), (25, 80, 3), (40, 200, 2)]
FRACTIONS = np.array([1e-1, 1e-2, 1e-3, 3e-4, 1e-4])          # lam / lam_max


def test_old_polish_failure_on_wide_shifted_features():
    """The reported bug: n = 20, d = 60, shifted columns, lam = 0.01 lam_max. The old polish step
    accepted a singular solve and returned weights of ~1e16 and an objective ~1e16 times
    sklearn's, after a ConvergenceWarning."""
    X, y = wide_problem(20, 60, 0)
    lam = 0.01 * solvers.lam_max(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # no ConvergenceWarning
        w, b = solvers.lasso(X, y, lam)
    w_sk, b_sk = sklearn_elastic_net(X, y, lam, 1.0)
    assert np.abs(w).max() < 10                               # true weights are ~3
    ours = solvers.objective(X, y, w, b, lam, l1_ratio=1.0)
    ref = solvers.objective(X, y, w_sk, b_sk, lam, l1_ratio=1.0)
    assert abs(ours - ref) <= 1e-6 * ref
    assert kkt_residual(X, y, w, lam) < 1e-8


@pytest.mark.parametrize("n, d, seed", WIDE)
def test_lasso_matches_sklearn_on_wide_shifted_problems(n, d, seed):
    """Objective within 1e-6 (relative) of sklearn's Lasso down to lam = 1e-4 lam_max, KKT to
    1e-8, at most n - 1 nonzeros (the rank of the centered X), batched == single to 1e-10."""
    X, y = wide_problem(n, d, seed)
    lams = solvers.lam_max(X, y) * FRACTIONS
    with warnings.catch_warnings():
        warnings.simplefilter("error")                        # no ConvergenceWarning
        W, B = solvers.lasso(X, y, lams)
        for k, lam in enumerate(lams):
            w, b = solvers.lasso(X, y, lam)
            np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-10)
            assert abs(B[k] - b) < 1e-10
            np.testing.assert_array_equal(W[k] == 0, w == 0)
    for k, lam in enumerate(lams):
        w_sk, b_sk = sklearn_elastic_net(X, y, lam, 1.0)
        ours = solvers.objective(X, y, W[k], B[k], lam, l1_ratio=1.0)
        ref = solvers.objective(X, y, w_sk, b_sk, lam, l1_ratio=1.0)
        assert abs(ours - ref) <= 1e-6 * ref, (lam, ours, ref)
        assert kkt_residual(X, y, W[k], lam) < 1e-8
        assert 0 < np.count_nonzero(W[k]) <= n - 1
        assert np.count_nonzero(W[k]) < d                     # exact zeros
    np.testing.assert_allclose(B, y.mean() - W @ X.mean(0), rtol=1e-12)


def test_lasso_without_intercept_matches_sklearn_on_centered_data():
    """wdlib always fits the (unpenalized) intercept; on centered X and y that intercept is 0 and
    the weights are sklearn's Lasso(fit_intercept=False)."""
    X, y = wide_problem(25, 80, 3)
    X, y = X - X.mean(0), y - y.mean()
    lams = solvers.lam_max(X, y) * FRACTIONS
    W, B = solvers.lasso(X, y, lams)
    np.testing.assert_allclose(B, 0.0, atol=1e-12)
    for k, lam in enumerate(lams):
        w_sk, b_sk = sklearn_elastic_net(X, y, lam, 1.0, fit_intercept=False)
        assert b_sk == 0.0
        ours = solvers.objective(X, y, W[k], B[k], lam, l1_ratio=1.0)
        ref = solvers.objective(X, y, w_sk, 0.0, lam, l1_ratio=1.0)
        assert abs(ours - ref) <= 1e-6 * ref, (lam, ours, ref)


@pytest.mark.parametrize("n, d, seed", WIDE)
def test_elastic_net_matches_sklearn_on_wide_shifted_problems(n, d, seed):
    """ElasticNet(alpha=lam, l1_ratio=r), r = 0.5 and 0.9 in one batch: objective within 1e-6,
    KKT to 1e-8, batched == single to 1e-10."""
    X, y = wide_problem(n, d, seed)
    r = np.repeat([0.5, 0.9], 3)
    lams = solvers.lam_max(X, y) * np.tile([1e-2, 1e-3, 1e-4], 2) / r
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        W, B = solvers.elastic_net(X, y, lams, r)
        for k in (0, 5):
            w, b = solvers.elastic_net(X, y, lams[k], r[k])
            np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-10)
            assert abs(B[k] - b) < 1e-10
    for k in range(len(lams)):
        w_sk, b_sk = sklearn_elastic_net(X, y, lams[k], r[k])
        ours = solvers.objective(X, y, W[k], B[k], lams[k], l1_ratio=r[k])
        ref = solvers.objective(X, y, w_sk, b_sk, lams[k], l1_ratio=r[k])
        assert abs(ours - ref) <= 1e-6 * ref, (lams[k], r[k], ours, ref)
        assert kkt_residual(X, y, W[k], lams[k] * r[k], lams[k] * (1 - r[k])) < 1e-8
        assert np.count_nonzero(W[k]) < d


def test_lasso_path_on_a_wide_problem():
    """lasso_path shares the solver: the whole path down to 1e-4 lam_max, without a warning,
    each point a KKT point whose objective is sklearn's to 1e-6."""
    X, y = wide_problem(40, 200, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lams, W, B = solvers.lasso_path(X, y, num=8, eps=1e-4)
    for k in (0, 3, 7):
        assert kkt_residual(X, y, W[k], lams[k]) < 1e-8
        w_sk, b_sk = sklearn_elastic_net(X, y, lams[k], 1.0)
        ours = solvers.objective(X, y, W[k], B[k], lams[k], l1_ratio=1.0)
        ref = solvers.objective(X, y, w_sk, b_sk, lams[k], l1_ratio=1.0)
        assert abs(ours - ref) <= 1e-6 * ref
    assert np.count_nonzero(W[0]) == 0 and np.all((W != 0).sum(1) <= 39)


def test_polish_never_solves_a_singular_system():
    """The polish step on n = 20, d = 60 (centered rank 19), all three models at once: with the
    solution's support and signs it returns the solution; with one nonzero more than the rank
    it first removes a nonzero (no solve of the singular system: no huge null-space component);
    with 60 nonzeros it offers no candidate at all."""
    X, y = wide_problem(20, 60, 0)
    Xc, yc = X - X.mean(0), y - y.mean()
    G, c = Xc.T @ Xc / 20, Xc.T @ yc / 20
    eig = np.linalg.eigvalsh(G)
    rank = int(np.sum(eig > 1e-12 * eig[-1]))
    assert rank == 19
    lam = 0.01 * solvers.lam_max(X, y)
    w_sk, _ = sklearn_elastic_net(X, y, lam, 1.0)
    W = np.vstack([w_sk, w_sk, np.ones(60)])                       # (3, 60)
    extra = np.flatnonzero(w_sk == 0)[:rank + 1 - np.count_nonzero(w_sk)]
    W[1, extra] = 1e-3                                            # 20 nonzeros > rank
    cand, posed = solvers._polish(G, c, np.full((3, 1), lam), np.zeros((3, 1)), W, eig[-1], rank)
    np.testing.assert_array_equal(posed, [True, True, False])
    assert kkt_residual(X, y, cand[0], lam) < 1e-12
    np.testing.assert_array_equal(cand[0] == 0, w_sk == 0)
    assert np.count_nonzero(cand[1]) <= rank and np.abs(cand[1]).max() < 100
    np.testing.assert_array_equal(cand[2], 0.0)


def test_lasso_without_a_sklearn_solution_still_kkt():
    """n = 30, d = 100 at lam = 1e-3 lam_max: sklearn's coordinate descent does not converge to
    tol=1e-12 in 1e5 sweeps; wdlib still returns a KKT point with at most n - 1 nonzeros."""
    X, y = wide_problem(30, 100, 1)
    lams = solvers.lam_max(X, y) * np.array([1e-3, 1e-4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        W, _ = solvers.lasso(X, y, lams)
    for w, lam in zip(W, lams, strict=True):
        assert kkt_residual(X, y, w, lam) < 1e-8
        assert np.count_nonzero(w) <= 29


# --------------------------------------------------------------------------- elastic net

def test_elastic_net_kkt():
    ds = data.sparse_linear(seed=4, correlation=0.7)
    lams, r = np.geomspace(1e-3, 1.0, 8), 0.5
    W, _ = solvers.elastic_net(ds.X, ds.y, lams, r)
    for w, lam in zip(W, lams, strict=True):
        assert kkt_residual(ds.X, ds.y, w, lam * r, lam * (1 - r)) < 1e-8
    assert np.any(W == 0.0)


def test_elastic_net_endpoints():
    X, y = problem(seed=8)
    lams = np.array([0.01, 0.1, 1.0])
    W0, B0 = solvers.elastic_net(X, y, lams, 0.0)
    Wr, Br = solvers.ridge(X, y, lams)
    np.testing.assert_allclose(W0, Wr, rtol=0, atol=1e-8)
    np.testing.assert_allclose(B0, Br, rtol=0, atol=1e-8)
    W1, B1 = solvers.elastic_net(X, y, lams, 1.0)
    Wl, Bl = solvers.lasso(X, y, lams)
    np.testing.assert_array_equal(W1, Wl)
    np.testing.assert_array_equal(B1, Bl)


def test_elastic_net_batched_l1_ratio_equals_separate_calls():
    ds = data.sparse_linear(seed=5, correlation=0.9)
    lams, ratios = np.array([0.05, 0.05, 0.2]), np.array([0.1, 0.9, 0.5])
    W, B = solvers.elastic_net(ds.X, ds.y, lams, ratios)
    for k in range(3):
        w, b = solvers.elastic_net(ds.X, ds.y, lams[k], ratios[k])
        np.testing.assert_allclose(W[k], w, rtol=0, atol=1e-10)
        assert abs(B[k] - b) < 1e-10


def test_objective_values():
    X, y = [[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0]
    # residuals 0, 0.5, 1 for w = 0.5, b = 0: data term (0 + 0.25 + 1)/6; penalty lam * ...
    assert abs(solvers.objective(X, y, [0.5], 0.0, 1.0) - (1.25 / 6 + 0.125)) < 1e-15
    assert abs(solvers.objective(X, y, [0.5], 0.0, 1.0, l1_ratio=1.0) - (1.25 / 6 + 0.5)) < 1e-15
    v = solvers.objective(X, y, [[0.5], [1.0]], [0.0, 0.0], 1.0)
    np.testing.assert_allclose(v, [1.25 / 6 + 0.125, 0.5], rtol=1e-15)


# --------------------------------------------------------------------------- max-norm

def sparse_problem(rho):
    """Lesson 03's problem (the "sparsity" dashboard's): n = 50, d = 20, 5 true features."""
    return data.sparse_linear(n=50, n_val=200, d=20, k=5, noise=0.5, correlation=rho, seed=1)


def test_max_norm_on_an_orthogonal_design_is_the_projection_of_least_squares():
    """Hand-checkable: with XcᵀXc/n = I the problem is min ½‖w − q‖² + const, q = Xcᵀyc/n, so
    the answer is q itself inside the ball and q·c/‖q‖ outside it; b is not constrained."""
    n = 8
    H = np.linalg.qr(np.eye(n) - 1 / n)[0][:, :3]            # 3 orthonormal columns ⟂ ones
    X = np.sqrt(n) * H                                        # centered, XᵀX/n = I
    q = np.array([3.0, 0.0, -4.0])                            # ‖q‖ = 5
    y = (X @ q + 2.0)[:, None]                                # exact fit, intercept 2
    w, b, mu = solvers.max_norm(X, y, np.array([10.0, 5.0, 2.5, 1.0]), return_lam=True)
    np.testing.assert_allclose(w, [[3, 0, -4], [3, 0, -4], [1.5, 0, -2], [0.6, 0, -0.8]],
                               atol=1e-14)
    np.testing.assert_allclose(mu, [0, 0, 1, 4], atol=1e-12)  # w = q / (1 + μ)
    np.testing.assert_allclose(b, [2, 2, 2, 2], rtol=1e-14)   # X centered: b = mean(y)


def test_max_norm_is_ridge_at_the_lambda_that_reaches_the_bound():
    for rho in (0.0, 0.9):
        ds = sparse_problem(rho)
        cs = np.logspace(-3, 1.5, 40)
        w, b, mu = solvers.max_norm(ds.X, ds.y, cs, return_lam=True)     # (40, 20), (40,) x2
        active = mu > 0
        assert 10 < active.sum() < 40
        np.testing.assert_allclose(np.linalg.norm(w[active], axis=1), cs[active], rtol=1e-13)
        ridge, ridge_b = solvers.ridge(ds.X, ds.y, mu)                     # KKT: w = ridge(μ)
        np.testing.assert_allclose(w, ridge, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, ridge_b, rtol=1e-10, atol=1e-12)
        one, _ = solvers.max_norm(ds.X, ds.y, cs[[7]])                     # batched == single
        np.testing.assert_allclose(one[0], w[7], rtol=1e-12, atol=1e-15)
        single, b7, mu7 = solvers.max_norm(ds.X, ds.y, float(cs[7]), return_lam=True)
        assert single.shape == (20,) and isinstance(b7, float) and isinstance(mu7, float)
        np.testing.assert_allclose(single, w[7], rtol=1e-12, atol=1e-15)
        assert b7 == pytest.approx(b[7], rel=1e-12) and mu7 == pytest.approx(mu[7], rel=1e-12)


def test_max_norm_equals_projected_gradient_training():
    """The same answer as training a linear model with train.fit(penalty="max_norm"): a
    gradient step, then the projection onto ‖w‖₂ <= c, repeated (converged to ~1e-12)."""
    ds = sparse_problem(0.0)
    c = np.array([0.5, 1.5])
    params, _ = train.fit(models.linear(20), ds.X, ds.y, optimizer="nesterov", lr=0.3,
                          penalty="max_norm", lam=c, steps=1500, record="loss", init="zeros")
    w, _ = solvers.max_norm(ds.X, ds.y, c)
    np.testing.assert_allclose(params["W1"][:, :, 0], w, atol=1e-9)


def test_max_norm_without_a_bound_is_least_squares_also_when_rank_deficient():
    X, y = problem(seed=7)
    w_ls, b_ls = solvers.ridge(X, y, 0.0)
    for c in (np.inf, 1e6):                                   # no bound, an inactive bound
        w, b, mu = solvers.max_norm(X, y, c, return_lam=True)
        np.testing.assert_allclose(w, w_ls, rtol=1e-9)
        assert b == pytest.approx(b_ls, rel=1e-9) and mu == 0.0
    # more features than samples: the minimum-norm least-squares solution inside the ball,
    # ridge at the λ that reaches the bound outside it
    rng = np.random.default_rng(1)
    Xw, yw = rng.standard_normal((8, 20)), rng.standard_normal(8)
    w0, _ = solvers.ridge(Xw, yw, 0.0)
    c = np.array([np.inf, 2 * np.linalg.norm(w0), np.linalg.norm(w0) / 2])
    w, b, mu = solvers.max_norm(Xw, yw, c, return_lam=True)
    assert mu[0] == mu[1] == 0.0 and mu[2] > 0
    np.testing.assert_allclose(w[:2], [w0, w0], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(w[2]), c[2], rtol=1e-12)
    np.testing.assert_allclose(w[2], solvers.ridge(Xw, yw, mu[2])[0], rtol=1e-9, atol=1e-12)


def test_max_norm_with_nothing_to_fit_is_zero():
    X, _ = problem(seed=8)
    w, b, mu = solvers.max_norm(X, np.full(len(X), 3.0), np.array([0.1, np.inf]),
                                return_lam=True)
    np.testing.assert_array_equal(w, 0.0)
    np.testing.assert_array_equal(mu, 0.0)
    np.testing.assert_allclose(b, 3.0, rtol=1e-15)


# --------------------------------------------------------------------------- errors

X3, Y3 = np.ones((3, 2)), np.ones(3)


@pytest.mark.parametrize("solver", [
    solvers.ridge, solvers.lasso, lambda X, y, lam: solvers.elastic_net(X, y, lam, 0.5)])
@pytest.mark.parametrize("args, match", [
    ((X3, Y3, -0.1), "lam must be >= 0, got -0.1"),
    ((X3, Y3, np.array([0.1, -1.0])), r"lam must be >= 0, got \[ 0.1, -1. \]"),
    ((X3, Y3, np.nan), "lam must be finite, got nan"),
    ((X3, np.ones(4), 0.1), "X and y must have the same number of rows, got 3 and 4"),
    ((np.ones(3), Y3, 0.1), r"X must have 2 axes, got shape \(3,\)"),
    ((np.array([[1.0, np.nan]] * 3), Y3, 0.1), "X must contain only finite numbers, got 3 NaN"),
    ((X3, np.array([1.0, np.inf, 1.0]), 0.1), "y must contain only finite numbers, got 1 NaN"),
    ((X3, np.ones((3, 2)), 0.1), r"y must have shape \(n,\) or \(n, 1\), got shape \(3, 2\)"),
    ((np.ones((0, 2)), np.ones(0), 0.1), "X must have at least one row and one column"),
])
def test_bad_arguments_raise(solver, args, match):
    with pytest.raises(ValueError, match=match):
        solver(*args)


@pytest.mark.parametrize("call, match", [
    (lambda: solvers.elastic_net(X3, Y3, 0.1, 1.5), r"l1_ratio must be in \[0, 1\], got 1.5"),
    (lambda: solvers.elastic_net(X3, Y3, np.ones(2), np.ones(3) / 2),
     "lam has 2, l1_ratio has 3"),
    (lambda: solvers.lasso(X3, Y3, 0.1, max_iter=0), "max_iter must be an integer >= 1, got 0"),
    (lambda: solvers.lasso(X3, Y3, 0.1, tol=0.0), "tol must be > 0, got 0"),
    (lambda: solvers.lam_max(X3, np.ones(2)), "X and y must have the same number of rows"),
    (lambda: solvers.shrinkage_factors(X3, -1.0), "lam must be >= 0, got -1"),
    (lambda: solvers.lasso_path(X3, Y3), r"lam_max = 0"),
    (lambda: solvers.max_norm(X3, Y3, 0.0), "c must be > 0, got 0"),
    (lambda: solvers.max_norm(X3, Y3, np.array([1.0, -np.inf])), r"c must be finite"),
    (lambda: solvers.max_norm(X3, Y3, np.array([np.inf, -1.0])),
     r"c must be > 0, got \[inf, -1.\]"),
    (lambda: solvers.max_norm(X3, Y3, np.full((2, 2), np.inf)), r"c must be a number or a non"),
    (lambda: solvers.max_norm(X3, Y3, np.nan), "c must be finite, got nan"),
    (lambda: solvers.max_norm(X3, np.ones(4), 1.0), "X and y must have the same number of rows"),
])
def test_more_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
