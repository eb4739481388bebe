"""Tests for wdlib.data: shapes, exact noise-free geometry, determinism, balance, errors."""

import numpy as np
import pytest

from wdlib import data, solvers

GENERATORS = {
    "polynomial": (data.polynomial, dict(n=20, n_val=200), (1,)),
    "sparse_linear": (data.sparse_linear, dict(n=100, n_val=200), (20,)),
    "two_moons": (data.two_moons, dict(n=200, n_val=200), (2,)),
    "spirals": (data.spirals, dict(n=200, n_val=200), (2,)),
    "sequence": (data.sequence, dict(n=256, n_val=256), (20, 1)),
}
ARRAYS = ("X", "y", "X_val", "y_val")


@pytest.mark.parametrize("name", GENERATORS)
def test_shapes_and_dtypes(name):
    gen, sizes, feat = GENERATORS[name]
    ds = gen(seed=0)
    assert isinstance(ds, data.Dataset)
    assert ds.X.shape == (sizes["n"],) + feat and ds.y.shape == (sizes["n"], 1)
    assert ds.X_val.shape == (sizes["n_val"],) + feat and ds.y_val.shape == (sizes["n_val"], 1)
    assert all(getattr(ds, a).dtype == np.float64 for a in ARRAYS)
    assert all(np.all(np.isfinite(getattr(ds, a))) for a in ARRAYS)


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_bits_other_seed_differs(name):
    gen = GENERATORS[name][0]
    a, b, c = gen(seed=3), gen(seed=3), gen(seed=4)
    for key in ARRAYS:
        assert getattr(a, key).tobytes() == getattr(b, key).tobytes()
        assert not np.array_equal(getattr(a, key), getattr(c, key))


@pytest.mark.parametrize("name", GENERATORS)
def test_validation_set_is_an_independent_stream(name):
    gen = GENERATORS[name][0]
    a = gen(n=10, n_val=30, seed=1)
    # the training set does not depend on n_val, the validation set not on n
    np.testing.assert_array_equal(a.X, gen(n=10, n_val=40, seed=1).X)
    np.testing.assert_array_equal(a.y_val, gen(n=12, n_val=30, seed=1).y_val)
    assert not np.any(np.all(a.X_val[:10] == a.X, axis=tuple(range(1, a.X.ndim))))


def test_dataset_is_frozen_and_repr_shows_shapes():
    ds = data.polynomial(n=5, n_val=7)
    with pytest.raises(AttributeError):
        ds.X = np.zeros((5, 1))
    assert repr(ds) == ("Dataset(X=(5, 1), y=(5, 1), X_val=(7, 1), y_val=(7, 1), "
                        "meta keys=['coef', 'degree', 'f', 'noise'])")
    assert data.Dataset(np.zeros((2, 1)), np.zeros((2, 1))).X_val is None


# --------------------------------------------------------------------------- polynomial

def test_polynomial_target_is_the_legendre_projection_of_sin():
    # Hand-derived: a1 = 3/pi, a3 = 7/pi - 105/pi^3 (Legendre coefficients of sin(pi x));
    # P3 = (5x^3 - 3x)/2, so f = (a1 - 1.5 a3) x + 2.5 a3 x^3.
    a1, a3 = 3 / np.pi, 7 / np.pi - 105 / np.pi**3
    ds = data.polynomial(degree=3)
    np.testing.assert_allclose(ds.meta["coef"], [0, a1 - 1.5 * a3, 0, 2.5 * a3], rtol=0, atol=1e-13)
    np.testing.assert_allclose(data.polynomial(degree=1).meta["coef"], [0, 3 / np.pi], atol=1e-13)
    assert ds.meta["f"](np.zeros((4, 1))).shape == (4, 1)


def test_polynomial_noise_free_and_noise_level():
    clean = data.polynomial(n=50, noise=0.0, seed=2)
    assert np.all(np.abs(clean.X) <= 1)
    np.testing.assert_array_equal(clean.y, clean.meta["f"](clean.X))
    noisy = data.polynomial(n=20000, n_val=1, noise=0.2, seed=2)
    assert abs(np.std(noisy.y - noisy.meta["f"](noisy.X)) - 0.2) < 0.005


def test_degree_12_overfits_and_ridge_fixes_it():
    """The lesson's claim, stated in polynomial's docstring."""
    for seed in range(8):
        ds = data.polynomial(seed=seed)
        F, F_val = data.polynomial_features(ds.X, 12), data.polynomial_features(ds.X_val, 12)
        w, b = solvers.ridge(F, ds.y, np.array([0.0, 1e-2]))
        val = np.mean((F_val @ w.T + b - ds.y_val) ** 2, axis=0)           # (2,)
        assert val[0] > 4 * val[1] and val[1] < 3 * 0.2**2, (seed, val)
        if seed == 0:
            np.testing.assert_allclose(val, [1.37, 0.049], atol=0.005)


def test_polynomial_features_exact_values():
    x = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_array_equal(data.polynomial_features(x, 3, scale=False),
                                  [[-1, 1, -1], [0.5, 0.25, 0.125], [2, 4, 8]])
    F = data.polynomial_features(x[:, None], 3)
    np.testing.assert_allclose(F, [[-np.sqrt(3), np.sqrt(5), -np.sqrt(7)],
                                   [0.5 * np.sqrt(3), 0.25 * np.sqrt(5), 0.125 * np.sqrt(7)],
                                   [2 * np.sqrt(3), 4 * np.sqrt(5), 8 * np.sqrt(7)]], rtol=1e-15)


def test_scaled_polynomial_features_have_unit_mean_square_on_uniform_x():
    xq, wq = np.polynomial.legendre.leggauss(20)          # exact for polynomials up to degree 39
    F = data.polynomial_features(xq, 12)
    np.testing.assert_allclose(wq @ F**2 / 2, np.ones(12), rtol=1e-12)


# --------------------------------------------------------------------------- sparse linear

def test_sparse_linear_truth():
    ds = data.sparse_linear(n=30, d=12, k=4, noise=0.0, seed=5)
    w, s = ds.meta["w_true"], ds.meta["support"]
    assert s.shape == (4,) and np.all(np.diff(s) > 0)
    np.testing.assert_array_equal(np.flatnonzero(w), s)
    assert np.all((np.abs(w[s]) >= 0.5) & (np.abs(w[s]) <= 1.5))
    np.testing.assert_array_equal(ds.y, ds.X @ w[:, None])
    np.testing.assert_array_equal(ds.meta["w_true"], data.sparse_linear(n=99, seed=5, d=12,
                                                                        k=4).meta["w_true"])


@pytest.mark.parametrize("rho", [0.0, 0.8])
def test_sparse_linear_correlation(rho):
    X = data.sparse_linear(n=20000, n_val=1, d=4, k=1, correlation=rho, seed=0).X
    C = np.corrcoef(X.T)
    off = C[~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off - rho) < 0.02), off
    assert np.all(np.abs(X.std(axis=0) - 1) < 0.02)


# --------------------------------------------------------------------------- classification

@pytest.mark.parametrize("gen", [data.two_moons, data.spirals])
@pytest.mark.parametrize("n", [200, 7])
def test_classes_are_balanced_labels_binary(gen, n):
    ds = gen(n=n, n_val=n + 1, seed=1)
    for y in (ds.y, ds.y_val):
        assert set(np.unique(y)) == {0.0, 1.0}
        assert y.sum() == len(y) // 2
    assert 0 < ds.y[: n // 2].sum() < n // 2           # shuffled, not sorted by class


def test_two_moons_noise_free_points_lie_on_the_half_circles():
    ds = data.two_moons(n=100, noise=0.0, seed=0)
    raw = ds.X * np.sqrt([0.75, 0.5625 - 1 / np.pi]) + [0.5, 0.25]
    c = ds.y[:, 0]
    centre = np.stack([c, 0.5 * c], axis=1)                       # (0,0) and (1, 0.5)
    np.testing.assert_allclose(np.linalg.norm(raw - centre, axis=1), 1.0, atol=1e-12)
    upper = raw[:, 1] >= centre[:, 1]
    np.testing.assert_array_equal(upper, c == 0)                  # class 0 above, class 1 below
    big = data.two_moons(n=40000, n_val=2, noise=0.0, seed=0).X
    assert np.all(np.abs(big.mean(axis=0)) < 0.02) and np.all(np.abs(big.std(axis=0) - 1) < 0.02)


def test_spirals_noise_free_geometry():
    turns = 1.5
    ds = data.spirals(n=100, noise=0.0, turns=turns, seed=0)
    r = np.linalg.norm(ds.X, axis=1)
    assert np.all(r <= 2)
    angle = 2 * np.pi * turns * r / 2 + np.pi * ds.y[:, 0]
    np.testing.assert_allclose(ds.X, r[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1),
                               atol=1e-12)


# --------------------------------------------------------------------------- sequence

def test_sequence_target_is_the_mean():
    ds = data.sequence(n=8, n_val=3, T=5, seed=0)
    assert ds.X.shape == (8, 5, 1) and ds.X_val.shape == (3, 5, 1)
    np.testing.assert_array_equal(ds.y, ds.X.mean(axis=1))
    np.testing.assert_array_equal(ds.meta["f"](ds.X_val), ds.y_val)
    clean = data.sequence(n=4, T=3, noise=0.0, seed=0).X
    np.testing.assert_array_equal(clean, np.repeat(clean[:, :1], 3, axis=1))   # constant level


# --------------------------------------------------------------------------- kfold, split

def test_kfold_partitions():
    folds = data.kfold(11, k=3, seed=2)
    assert len(folds) == 3
    vals = np.concatenate([v for _, v in folds])
    np.testing.assert_array_equal(np.sort(vals), np.arange(11))
    assert sorted(len(v) for _, v in folds) == [3, 4, 4]
    for tr, va in folds:
        np.testing.assert_array_equal(np.union1d(tr, va), np.arange(11))
        assert np.intersect1d(tr, va).size == 0
    again = data.kfold(11, k=3, seed=2)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))
    assert not all(np.array_equal(a[1], b[1])
                   for a, b in zip(folds, data.kfold(11, k=3, seed=3), strict=True))


def test_kfold_cv_and_se_against_scikit_learn():
    """Lesson 04 section 5: CV(λ) and SE(λ) = std(ddof=1)/√k over data.kfold's folds are
    GridSearchCV's mean_test_score and std_test_score/√(k − 1) (its std has ddof = 0) for
    Ridge(alpha = n_train·λ) on the same folds; ½ of its (neg) MSE is our loss."""
    pytest.importorskip("sklearn")
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((20, 6)), rng.standard_normal((20, 1))
    lams, k = np.logspace(-3, 1, 5), 5
    folds = data.kfold(20, k=k, seed=0)
    fl = []
    for tr, va in folds:
        w, b = solvers.ridge(X[tr], y[tr], lams)
        fl.append(0.5 * np.mean((X[va] @ w.T + b - y[va]) ** 2, axis=0))
    fl = np.array(fl)                                              # (k, L)
    gs = GridSearchCV(Ridge(solver="svd"), {"alpha": 16 * lams}, cv=folds,
                      scoring="neg_mean_squared_error").fit(X, y[:, 0])
    r = gs.cv_results_
    np.testing.assert_allclose(-r["mean_test_score"] / 2, fl.mean(axis=0), rtol=1e-12)
    se = fl.std(axis=0, ddof=1) / np.sqrt(k)
    np.testing.assert_allclose(r["std_test_score"] / 2 / np.sqrt(k - 1), se, rtol=1e-12)
    assert np.all(np.abs(r["std_test_score"] / 2 / np.sqrt(k) / se - 1) > 0.1)   # not /√k


def test_split():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    ds = data.split(X, y, 0.3, seed=0)
    assert ds.X.shape == (7, 2) and ds.X_val.shape == (3, 2)
    np.testing.assert_array_equal(np.sort(np.concatenate([ds.y, ds.y_val])), y)
    np.testing.assert_array_equal(ds.X[:, 0], 2 * ds.y)       # rows stay paired
    np.testing.assert_array_equal(ds.meta["train_idx"], ds.y.astype(int))


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("call, match", [
    (lambda: data.polynomial(n=0), "n must be an integer >= 1, got 0"),
    (lambda: data.polynomial(seed=-1), "seed must be an integer >= 0, got -1"),
    (lambda: data.polynomial(seed=1.5), "seed must be an integer"),
    (lambda: data.polynomial(noise=-0.1), "noise must be >= 0, got -0.1"),
    (lambda: data.polynomial(noise=[0.1, 0.2]), "noise must be a single number"),
    (lambda: data.polynomial(degree=0), "degree must be an integer >= 1, got 0"),
    (lambda: data.sparse_linear(d=3, k=4), "k must be <= d = 3, got 4"),
    (lambda: data.sparse_linear(correlation=1.0), r"correlation must be in \[0, 1\), got 1"),
    (lambda: data.two_moons(n_val=1), "n_val must be an integer >= 2, got 1"),
    (lambda: data.spirals(turns=0), "turns must be > 0, got 0"),
    (lambda: data.sequence(T=0), "T must be an integer >= 1, got 0"),
    (lambda: data.polynomial_features(np.ones((3, 2)), 2), r"x must have shape \(n,\) or \(n, 1\)"),
    (lambda: data.polynomial_features([0.0, np.nan], 2), "x must contain only finite numbers"),
    (lambda: data.kfold(4, k=5), "k must be <= n = 4, got 5"),
    (lambda: data.split(np.ones((4, 1)), np.ones(3)), "X and y must have the same number of rows"),
    (lambda: data.split(np.ones((4, 1)), np.ones(4), 1.0), r"val_fraction must be in \(0, 1\)"),
])
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_legendre_features_are_orthonormal_on_the_interval():
    x, w = np.polynomial.legendre.leggauss(20)          # exact for degree <= 39
    F = data.legendre_features(x[:, None], 12)          # (20, 12)
    np.testing.assert_allclose(F.T @ (w[:, None] / 2 * F), np.eye(12), atol=1e-12)
    np.testing.assert_allclose(data.legendre_features(np.array([1.0]), 3),
                               [[np.sqrt(3), np.sqrt(5), np.sqrt(7)]])    # P_j(1) = 1


def test_legendre_features_span_the_same_polynomials_as_the_monomials():
    x = np.linspace(-1, 1, 50)
    M, L = data.polynomial_features(x, 5), data.legendre_features(x, 5)
    coef, *_ = np.linalg.lstsq(np.c_[np.ones(50), M], L, rcond=None)
    np.testing.assert_allclose(np.c_[np.ones(50), M] @ coef, L, atol=1e-10)


@pytest.mark.parametrize("x, degree, match", [
    (np.ones((3, 2)), 3, r"x must have shape \(n,\) or \(n, 1\)"),
    (np.array([0.0, np.nan]), 3, r"x must contain only finite numbers"),
    (np.zeros(3), 0, r"degree must be an integer >= 1, got 0"),
])
def test_legendre_features_bad_input(x, degree, match):
    with pytest.raises(ValueError, match=match):
        data.legendre_features(x, degree)
