"""Lesson 01 checkers: correct variants accepted, each typical mistake named, robust."""

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib import solvers
from wdlib.exercises import lesson01 as L

pairs = lambda s: list(zip(s[:-1], s[1:], strict=True))                                  # noqa: E731


def _loop(sizes):
    total = 0
    for i in range(len(sizes) - 1):
        total += sizes[i] * sizes[i + 1] + sizes[i + 1]
    return total


COUNT_CORRECT = [
    _loop,
    lambda s: sum((a + 1) * b for a, b in pairs(s)),
    lambda s: np.sum(np.array(s[:-1]) * np.array(s[1:])) + np.sum(s[1:]),  # a 0-d NumPy int
    lambda s: np.array(float(sum((a + 1) * b for a, b in pairs(s))), dtype=np.float32),
]
COUNT_MISTAKES = [
    (lambda s: sum(a * b for a, b in pairs(s)), "no_biases"),
    (lambda s: sum((a + 1) * (b + 1) for a, b in pairs(s)), "extra_bias"),
    (lambda s: sum(a * b + a for a, b in pairs(s)), "bias_per_input"),
    (lambda s: sum(a * b for a, b in pairs(s)) + sum(s[1:-1]), "no_output_bias"),
    (lambda s: sum((a + 1) * b for a, b in pairs(s)[:-1]) if len(s) > 2 else 0,
     "missing_layer"),
    (lambda s: sum((a + 1) * b for a, b in pairs(s)) + s[0], "input_bias"),
]

test_count_correct = accepts(L.check_count_params, COUNT_CORRECT)
test_count_mistakes = names(L.check_count_params, L.COUNT_PARAMS_HINTS, COUNT_MISTAKES)
test_count_robust = robust(L.check_count_params)
test_count_robust_extra = robust_extra(L.check_count_params)


def _normal_eq(lam_of=lambda lam, n: lam, center=True, scale_n=True):
    def fn(F, y, lam):
        n, d = F.shape
        fm, ym = (F.mean(0), y.mean()) if center else (np.zeros(d), 0.0)
        Fc, yc = F - fm, y.reshape(-1) - ym
        s = n if scale_n else 1
        w = np.linalg.solve(Fc.T @ Fc / s + lam_of(lam, n) * np.eye(d), Fc.T @ yc / s)
        return w, ym - fm @ w
    return fn


def _ridge32(F, y, lam):
    w, b = _normal_eq()(F.astype(np.float32), y.astype(np.float32), np.float32(lam))
    return w.astype(np.float32), np.float32(b)


RIDGE_CORRECT = [
    _normal_eq(),
    solvers.ridge,
    lambda F, y, lam: list(solvers.ridge(F, y, lam)),                     # [w, b]
    lambda F, y, lam: (solvers.ridge(F, y, lam)[0], np.array([solvers.ridge(F, y, lam)[1]])),
    _ridge32,
]


def _b_penalized(F, y, lam):
    n, d = F.shape
    A = np.hstack([F, np.ones((n, 1))])
    v = np.linalg.solve(A.T @ A / n + lam * np.eye(d + 1), A.T @ y.reshape(-1) / n)
    return v[:d], v[d]


RIDGE_MISTAKES = [
    (_normal_eq(scale_n=False), "lam_not_scaled"),
    (_normal_eq(lam_of=lambda lam, n: n * lam), "lam_times_n"),
    (_normal_eq(lam_of=lambda lam, n: 2 * lam), "lam_twice"),
    (_normal_eq(lam_of=lambda lam, n: lam / 2), "lam_half"),
    (_b_penalized, "b_penalized"),
    (_normal_eq(center=False), "no_intercept"),
    (lambda F, y, lam: (solvers.ridge(F, y, lam)[0], y.mean()), "b_is_mean_y"),
    (_normal_eq(lam_of=lambda lam, n: 0.0), "no_penalty"),
    # round 6: each got only "'w', 'b' are wrong; ... differ"
    (lambda F, y, lam: (lambda Fc, yc: (lambda w: (w, y.mean() - F.mean(0) @ w))(
        np.linalg.solve(Fc.T @ Fc / (len(F) - 1) + lam * np.eye(F.shape[1]),
                        Fc.T @ yc / (len(F) - 1))))(F - F.mean(0), y.reshape(-1) - y.mean()),
     "ddof"),                                      # np.cov's n − 1
    (lambda F, y, lam: (lambda w: (w, y.mean() - F.mean(0) @ w))(_normal_eq(center=False)(
        F, y, lam)[0]), "w_not_centered"),         # w from F, y as they are; b put back after
]

test_ridge_correct = accepts(L.check_ridge_fit, RIDGE_CORRECT)
test_ridge_mistakes = names(L.check_ridge_fit, L.RIDGE_HINTS, RIDGE_MISTAKES)
test_ridge_robust = robust(L.check_ridge_fit)
test_ridge_robust_extra = robust_extra(L.check_ridge_fit)


def test_ridge_swapped_outputs_are_called_a_swap():
    ok, line = run(L.check_ridge_fit, lambda F, y, lam: solvers.ridge(F, y, lam)[::-1])
    assert not ok and "swapped" in line, line


def test_ridge_swapped_outputs_of_other_shapes_are_called_a_swap():
    """Found by the simulated class: (b, w) with w a column (d, 1) and b of shape (1,), as
    solving with y (n, 1) gives them, was told "wrong shape for output 'w': expected (5,), got
    (1,)" instead of the swap (each output is read in the form of the slot it is compared to)."""
    def swapped(F, y, lam):
        n, d = F.shape
        Fc, yc = F - F.mean(0), y - y.mean(0)                                  # (n, d), (n, 1)
        w = np.linalg.solve(Fc.T @ Fc / n + lam * np.eye(d), Fc.T @ yc / n)   # (d, 1)
        return y.mean(0) - F.mean(0) @ w, w                                   # (1,), (d, 1)

    ok, line = run(L.check_ridge_fit, swapped)
    assert not ok and "swapped" in line, line


def test_ridge_says_which_output_is_wrong():
    ok, line = run(L.check_ridge_fit,
                   lambda F, y, lam: (1.1 * solvers.ridge(F, y, lam)[0],
                                     solvers.ridge(F, y, lam)[1]))
    assert not ok and "'w' is wrong ('b' is right)" in line, line


def test_ridge_w_as_a_column_or_a_row_is_the_same_vector():
    """Solving with y of shape (n, 1) as given gives w of shape (d, 1): the same weights, and
    the maths does not care; it was refused with 'wrong shape'."""
    def column(F, y, lam):
        n, d = F.shape
        Fc, yc = F - F.mean(0), y - y.mean(0)                                  # (n, d), (n, 1)
        w = np.linalg.solve(Fc.T @ Fc / n + lam * np.eye(d), Fc.T @ yc / n)   # (d, 1)
        return w, y.mean(0) - F.mean(0) @ w                                   # (d, 1), (1,)

    for fn in [column, lambda F, y, lam: (column(F, y, lam)[0].T, column(F, y, lam)[1])]:
        ok, line = run(L.check_ridge_fit, fn)
        assert ok, line
    ok, line = run(L.check_ridge_fit, lambda F, y, lam: (1.1 * column(F, y, lam)[0],
                                                         column(F, y, lam)[1]))
    assert not ok and "'w' is wrong" in line, line


def test_ridge_by_gradient_descent_stopped_at_a_tolerance_is_told_so():
    """Found by the simulated class: gradient descent stopped at a small gradient misses by
    ~1e-6 and was told only 'float32's rounding, or a small eps', neither of which it has."""
    def gd(F, y, lam):
        n, d = F.shape
        Fc, yc = F - F.mean(0), y.ravel() - y.mean()
        H = Fc.T @ Fc / n + lam * np.eye(d)
        w, step = np.zeros(d), 1.0 / np.linalg.eigvalsh(H).max()
        while np.linalg.norm(H @ w - Fc.T @ yc / n) >= 1e-6:
            w = w - step * (H @ w - Fc.T @ yc / n)
        return w, y.mean() - F.mean(0) @ w

    ok, line = run(L.check_ridge_fit, gd)
    assert not ok and "iterative method" in line, line
