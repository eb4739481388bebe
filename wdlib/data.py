"""Seeded synthetic data sets for the lessons.

Every generator takes ``seed=`` and draws only from ``np.random.default_rng(seed)``: the same seed
gives bit-identical arrays, different seeds give different samples. The seed's generator is split
(``rng.spawn``) into independent streams, one for the fixed ingredients of the task (e.g. the true
weights of ``sparse_linear``), one for the training set and one for the validation set. So the
validation set is a fresh, independent sample from the same distribution, and changing ``n`` never
changes the validation set (nor ``n_val`` the training set).

Every generator returns a ``Dataset``: ``X`` of shape ``(n, d)`` (``(n, T, 1)`` for sequences),
``y`` of shape ``(n, 1)``, the same for ``X_val, y_val``, and a ``meta`` dict describing the task.
Arguments they share: ``n``, ``n_val``: the number of training and validation samples (ints
>= 1; >= 2 for ``two_moons`` and ``spirals``); ``seed``: an int >= 0 (one data set, no K axis).

    >>> ds = polynomial(n=20, seed=0)
    >>> ds.X.shape, ds.y.shape, ds.X_val.shape
    ((20, 1), (20, 1), (200, 1))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from wdlib import _checks

__all__ = ["Dataset", "polynomial", "polynomial_features", "legendre_features", "sparse_linear",
           "two_moons", "spirals", "sequence", "kfold", "split"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A training set ``(X, y)``, a validation set ``(X_val, y_val)`` and a ``meta`` dict.

    ``meta`` describes how the data was made, e.g. ``meta["f"]`` (the noise-free target function)
    or ``meta["w_true"]`` (the true weights). The fields cannot be reassigned; the arrays are
    ordinary NumPy arrays (wdlib functions never modify their inputs).
    """

    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shape = lambda a: None if a is None else a.shape
        return (f"Dataset(X={shape(self.X)}, y={shape(self.y)}, X_val={shape(self.X_val)}, "
                f"y_val={shape(self.y_val)}, meta keys={sorted(self.meta)})")


# --------------------------------------------------------------------------- helpers

def _sizes(n, n_val, seed, *, n_min=1):
    """Validate the arguments every generator shares."""
    return (_checks.positive_int("n", n, minimum=n_min),
            _checks.positive_int("n_val", n_val, minimum=n_min),
            _checks.positive_int("seed", seed, minimum=0))


def _make(sample: Callable, n: int, n_val: int, seed: int, meta: dict,
          rng_task: np.random.Generator | None = None) -> Dataset:
    """Draw a training and a validation set with ``sample(rng, m) -> (X, y)``.

    ``default_rng(seed)`` (or ``rng_task``, which the caller may already have drawn the task's
    fixed ingredients from) spawns two independent child streams, for the training set and the
    validation set; spawning does not depend on what was drawn before.
    """
    if rng_task is None:
        rng_task = np.random.default_rng(seed)
    rng_train, rng_val = rng_task.spawn(2)
    X, y = sample(rng_train, n)
    X_val, y_val = sample(rng_val, n_val)
    return Dataset(X, y, X_val, y_val, meta)


def _balanced_labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` labels in {0., 1.}: ``m // 2`` ones, the rest zeros, in random order.  # (m,)"""
    return rng.permutation(np.arange(m) < m // 2).astype(np.float64)


# --------------------------------------------------------------------------- regression

def _sin_polynomial(degree: int) -> np.polynomial.Polynomial:
    """The degree-``degree`` polynomial closest to sin(pi x) in mean square on [-1, 1].

    It is the Legendre series of sin(pi x) cut after P_degree; the integrals are done by 64-point
    Gauss-Legendre quadrature (exact to machine precision here). sin is odd, so even powers vanish.
    """
    leg = np.polynomial.legendre
    xq, wq = leg.leggauss(64)                                              # (64,), (64,)
    j = np.arange(degree + 1)
    a = (2 * j + 1) / 2 * ((wq * np.sin(np.pi * xq)) @ leg.legvander(xq, degree))  # (degree+1,)
    coef = leg.leg2poly(a)
    coef[::2] = 0.0                                  # exactly zero in theory (odd target)
    return np.polynomial.Polynomial(coef)


def polynomial(n=20, n_val=200, degree=3, noise=0.2, seed=0) -> Dataset:
    """1-D regression: ``y = f(x) + noise * N(0, 1)`` with ``x`` uniform on [-1, 1].

    ``f`` is a fixed smooth polynomial of the given degree, the best mean-square approximation of
    sin(pi x) on [-1, 1]; for ``degree=3``, ``f(x) = 2.692 x - 2.896 x**3`` (an S-curve with bumps
    of height ~1 at x = +-0.55). ``f`` does not depend on ``seed``: different seeds are different
    samples from the same curve. With the defaults (20 points, noise 0.2) a degree-12 polynomial
    fit (``solvers.ridge`` on ``polynomial_features(x, 12)``) overfits wildly at lam = 0
    (validation MSE 1.37 for seed 0, against noise**2 = 0.04), and ridge with lam = 1e-2 brings
    it back to 0.049 (for seeds 0..7: always below 3 * noise**2, at least 4x better than lam = 0).

    degree: the degree of ``f`` (int >= 1); noise: std of the noise, in units of y;
    n, n_val, seed: see the module docstring.

    Returns X (n, 1), y (n, 1); meta: ``"f"`` (a vectorized callable, ``f(X)`` has X's shape),
    ``"coef"`` (power-basis coefficients of f, constant first), ``"degree"``, ``"noise"``.
    """
    n, n_val, seed = _sizes(n, n_val, seed)
    degree = _checks.positive_int("degree", degree)
    noise = _checks.one_number(_checks.nonnegative, "noise", noise)
    f = _sin_polynomial(degree)

    def sample(rng, m):
        x = rng.uniform(-1.0, 1.0, size=(m, 1))                           # (m, 1)
        return x, f(x) + noise * rng.standard_normal((m, 1))              # (m, 1)

    meta = {"f": f, "coef": f.coef.copy(), "degree": degree, "noise": noise}
    return _make(sample, n, n_val, seed, meta)


def polynomial_features(x, degree, *, scale=True) -> np.ndarray:
    """Columns ``x, x**2, ..., x**degree`` of a 1-D input: (n,) or (n, 1) -> (n, degree).

    x: (n,) or (n, 1) inputs; degree: the highest power (int >= 1).

    There is no bias column: models and solvers fit the intercept separately (and do not
    penalize it). The features are meant for ``x`` in [-1, 1], where every power stays in [-1, 1]
    (powers of large ``x`` overflow and make the least-squares problem hopelessly ill-conditioned;
    rescale ``x`` to [-1, 1] first).

    ``scale=True`` multiplies ``x**j`` by ``sqrt(2j + 1)``, which makes the mean square of every
    column equal to 1 when ``x`` is uniform on [-1, 1] (E[x**(2j)] = 1/(2j+1)). Then an L2 penalty
    treats every power alike instead of punishing high powers, whose raw columns are small and
    need large weights. ``scale=False`` gives the raw monomials (weights = power-basis
    coefficients).
    """
    x = _checks.finite_array("x", x, ndim=(1, 2))
    if x.ndim == 2 and x.shape[1] != 1:
        raise ValueError(f"x must have shape (n,) or (n, 1), got shape {x.shape}")
    degree = _checks.positive_int("degree", degree)
    scale = _checks.flag("scale", scale)
    j = np.arange(1, degree + 1)                                          # (degree,)
    F = x.reshape(-1, 1) ** j                                             # (n, degree)
    return F * np.sqrt(2 * j + 1) if scale else F


def legendre_features(x, degree) -> np.ndarray:
    """Columns ``sqrt(2j+1)·P_j(x)``, j = 1..degree, of a 1-D input: (n,) or (n, 1) -> (n, degree).

    x: (n,) or (n, 1) inputs; degree: the highest degree (int >= 1).

    The same polynomials as ``polynomial_features`` (and the same unit mean square per column
    for ``x`` uniform on [-1, 1]), but orthonormal on [-1, 1]: the least-squares problem is well
    conditioned, so gradient descent fits them in hundreds of steps instead of millions (the
    monomials' condition number is ~1e8 at degree 12).
    """
    x = _checks.finite_array("x", x, ndim=(1, 2))
    if x.ndim == 2 and x.shape[1] != 1:
        raise ValueError(f"x must have shape (n,) or (n, 1), got shape {x.shape}")
    degree = _checks.positive_int("degree", degree)
    j = np.arange(1, degree + 1)                                          # (degree,)
    return np.polynomial.legendre.legvander(x.ravel(), degree)[:, 1:] * np.sqrt(2 * j + 1)


def sparse_linear(n=100, n_val=200, d=20, k=5, noise=0.1, correlation=0.0, seed=0) -> Dataset:
    """Linear regression with a sparse truth: ``y = X @ w_true + noise * N(0, 1)``.

    ``w_true`` has ``k`` nonzero entries at random positions (``meta["support"]``, sorted), with
    random signs and magnitudes uniform in [0.5, 1.5]; the other ``d - k`` are exactly 0.
    The features are standard normal with the same pairwise correlation ``correlation`` (rho in
    [0, 1)) between every two columns: ``X = sqrt(1 - rho) * Z + sqrt(rho) * z0`` with ``Z`` (n, d)
    and a shared factor ``z0`` (n, 1). Large rho makes the lasso pick one of a group of correlated
    features at random; the elastic net keeps them together.

    d: number of features; k: nonzero weights (0 <= k <= d); noise: std of the noise, in units of
    y; correlation: rho in [0, 1); n, n_val, seed: see the module docstring.

    Returns X (n, d), y (n, 1); meta: ``"w_true"`` (d,), ``"support"`` (k,) int indices, ``"k"``,
    ``"noise"``, ``"correlation"``.
    """
    n, n_val, seed = _sizes(n, n_val, seed)
    d = _checks.positive_int("d", d)
    k = _checks.positive_int("k", k, minimum=0)
    if k > d:
        raise ValueError(f"k must be <= d = {d}, got {k}")
    noise = _checks.one_number(_checks.nonnegative, "noise", noise)
    rho = _checks.one_number(_checks.in_range, "correlation", correlation, 0.0, 1.0)

    rng = np.random.default_rng(seed)
    support = np.sort(rng.choice(d, size=k, replace=False))              # (k,)
    w_true = np.zeros(d)
    w_true[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(0.5, 1.5, size=k)

    def sample(rng, m):
        X = np.sqrt(1 - rho) * rng.standard_normal((m, d)) \
            + np.sqrt(rho) * rng.standard_normal((m, 1))                  # (m, d)
        return X, X @ w_true[:, None] + noise * rng.standard_normal((m, 1))  # (m, 1)

    meta = {"w_true": w_true, "support": support, "k": k, "noise": noise, "correlation": rho}
    return _make(sample, n, n_val, seed, meta, rng_task=rng)


# --------------------------------------------------------------------------- classification

# The noise-free moons have these exact means and standard deviations per feature; subtracting
# and dividing by them (fixed constants, the same for every sample) standardizes the inputs.
_MOONS_MEAN = np.array([0.5, 0.25])
_MOONS_STD = np.sqrt([0.75, 0.5625 - 1 / np.pi])


def two_moons(n=200, n_val=200, noise=0.2, seed=0) -> Dataset:
    """Two interleaving half circles, one class each (the classic nonlinear toy problem).

    Class 0: ``(cos t, sin t)``, class 1: ``(1 - cos t, 0.5 - sin t)``, ``t`` uniform in [0, pi],
    plus Gaussian noise of std ``noise`` in those units (as in scikit-learn's ``make_moons``).
    The points are then shifted and scaled by fixed constants so that the noise-free moons have
    mean 0 and variance 1 per feature. Classes are balanced (``n // 2`` ones) and shuffled.

    n, n_val, seed: see the module docstring.

    Returns X (n, 2), y (n, 1) with values in {0., 1.}; meta: ``"noise"``.
    """
    n, n_val, seed = _sizes(n, n_val, seed, n_min=2)
    noise = _checks.one_number(_checks.nonnegative, "noise", noise)

    def sample(rng, m):
        y = _balanced_labels(rng, m)                                       # (m,)
        t = rng.uniform(0.0, np.pi, size=m)                               # (m,)
        sign = 1 - 2 * y                                                   # +1 class 0, -1 class 1
        X = np.stack([y + sign * np.cos(t), 0.5 * y + sign * np.sin(t)], axis=1)  # (m, 2)
        X = X + noise * rng.standard_normal((m, 2))
        return (X - _MOONS_MEAN) / _MOONS_STD, y[:, None]

    return _make(sample, n, n_val, seed, {"noise": noise})


def spirals(n=200, n_val=200, noise=0.2, turns=1.5, seed=0) -> Dataset:
    """Two interleaved spirals, one class each.

    A point at fraction ``t`` along its arm (``t = sqrt(u)``, ``u`` uniform on [0, 1], so the
    points are spread evenly over the disc) sits at radius ``2 t`` and angle
    ``2 pi turns t + pi * class``; the two arms are point reflections of each other. Then Gaussian
    noise of std ``noise`` is added. Without noise each feature has mean 0 and the two variances
    sum to 2 (about 1 each: 1.034 and 0.966 at turns = 1.5), and neighbouring arms are
    ``1 / turns`` apart along a radius.
    Classes are balanced (``n // 2`` ones) and shuffled. turns: number of turns of each arm (> 0);
    n, n_val, seed: see the module docstring.

    Returns X (n, 2), y (n, 1) with values in {0., 1.}; meta: ``"noise"``, ``"turns"``.
    """
    n, n_val, seed = _sizes(n, n_val, seed, n_min=2)
    noise = _checks.one_number(_checks.nonnegative, "noise", noise)
    turns = _checks.one_number(_checks.positive, "turns", turns)

    def sample(rng, m):
        y = _balanced_labels(rng, m)                                       # (m,)
        t = np.sqrt(rng.uniform(0.0, 1.0, size=m))                        # (m,)
        angle = 2 * np.pi * turns * t + np.pi * y
        X = 2 * t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (m, 2)
        return X + noise * rng.standard_normal((m, 2)), y[:, None]

    return _make(sample, n, n_val, seed, {"noise": noise, "turns": turns})


# --------------------------------------------------------------------------- sequences

def sequence(n=256, n_val=256, T=20, noise=0.5, seed=0) -> Dataset:
    """A many-to-one task for a small RNN: output the mean of a noisy sequence.

    Each sequence has a hidden level ``s`` uniform on [-1, 1] and inputs
    ``x_t = s + noise * N(0, 1)`` for t = 1..T; the target is the exact mean ``y = mean_t x_t``
    (a deterministic function of the inputs, so zero error is reachable). To get it right the
    network must carry information across all T steps, which is where vanishing and exploding
    gradients through time show up. T: sequence length (int >= 1); noise: std of the input noise;
    n, n_val, seed: see the module docstring.

    Returns X (n, T, 1), y (n, 1); meta: ``"f"`` (X (m, T, 1) -> y (m, 1)), ``"T"``, ``"noise"``.
    """
    n, n_val, seed = _sizes(n, n_val, seed)
    T = _checks.positive_int("T", T)
    noise = _checks.one_number(_checks.nonnegative, "noise", noise)
    f = lambda X: X.mean(axis=1)                                           # (m, T, 1) -> (m, 1)

    def sample(rng, m):
        s = rng.uniform(-1.0, 1.0, size=(m, 1, 1))                        # (m, 1, 1)
        X = s + noise * rng.standard_normal((m, T, 1))                    # (m, T, 1)
        return X, f(X)

    return _make(sample, n, n_val, seed, {"f": f, "T": T, "noise": noise})


# --------------------------------------------------------------------------- resampling

def kfold(n, k=5, seed=0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split ``range(n)`` into ``k`` folds for cross-validation.

    n: number of samples (>= 2); k: number of folds (2 <= k <= n); seed: an int >= 0.
    Returns a list of ``k`` pairs ``(train_idx, val_idx)`` (sorted int arrays). The ``val_idx``
    of the folds are disjoint, cover every index once and differ in size by at most one;
    ``train_idx`` is the complement of ``val_idx``. The assignment is a seeded random permutation.
    """
    n = _checks.positive_int("n", n, minimum=2)
    k = _checks.positive_int("k", k, minimum=2)
    if k > n:
        raise ValueError(f"k must be <= n = {n}, got {k}")
    seed = _checks.positive_int("seed", seed, minimum=0)
    fold = np.empty(n, dtype=np.intp)
    fold[np.random.default_rng(seed).permutation(n)] = np.arange(n) % k   # fold of each index
    idx = np.arange(n)
    return [(idx[fold != i], idx[fold == i]) for i in range(k)]


def split(X, y, val_fraction=0.2, seed=0) -> Dataset:
    """Hold out a random ``val_fraction`` of the rows of ``(X, y)`` as a validation set.

    X: (n, ...) inputs, y: (n, ...) targets (n >= 2); seed: an int >= 0.
    ``round(val_fraction * n)`` rows (at least 1, at most n - 1; val_fraction in (0, 1)) go to the
    validation set; both parts keep the original row order. Returns a ``Dataset`` with
    ``meta = {"train_idx": ..., "val_idx": ...}``.
    """
    X = _checks.finite_array("X", X)
    y = _checks.finite_array("y", y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must have a sample axis, got shapes {X.shape} and {y.shape}")
    _checks.same_rows("X", X, "y", y)
    frac = _checks.one_number(_checks.in_range, "val_fraction", val_fraction, 0.0, 1.0,
                              lo_open=True)
    seed = _checks.positive_int("seed", seed, minimum=0)
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"X must have at least 2 rows to split, got {n}")
    n_val = min(max(int(round(frac * n)), 1), n - 1)
    is_val = np.zeros(n, dtype=bool)
    is_val[np.random.default_rng(seed).permutation(n)[:n_val]] = True
    tr, va = np.flatnonzero(~is_val), np.flatnonzero(is_val)
    return Dataset(X[tr], y[tr], X[va], y[va], {"train_idx": tr, "val_idx": va})
