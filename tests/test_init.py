import numpy as np
import pytest

from wdlib import init


def _std_ok(w, expected, n_se=6):
    """Sample std within n_se standard errors (SE of a normal std = std / sqrt(2N))."""
    se = expected / np.sqrt(2 * w.size)
    assert abs(w.std() - expected) < n_se * se, (w.std(), expected)
    assert abs(w.mean()) < n_se * expected / np.sqrt(w.size)


def test_zeros():
    w = init.zeros(np.random.default_rng(0), (3, 4))
    assert w.shape == (3, 4) and w.dtype == np.float64 and not w.any()


@pytest.mark.parametrize("name, shape, expected_std", [
    ("xavier", (400, 600), np.sqrt(2 / 1000)),
    ("he", (500, 300), np.sqrt(2 / 500)),
    ("xavier_uniform", (400, 600), np.sqrt(2 / 1000)),     # U(-a, a): std a/sqrt(3)
])
def test_std_on_a_big_matrix(name, shape, expected_std):
    w = init.get(name)(np.random.default_rng(1), shape)
    assert w.shape == shape and w.dtype == np.float64
    _std_ok(w, expected_std)


def test_xavier_uniform_bound():
    w = init.xavier_uniform(np.random.default_rng(2), (30, 70))
    a = np.sqrt(6 / 100)
    assert np.abs(w).max() <= a and np.abs(w).max() > 0.95 * a


def test_normal_std_and_float_shortcut():
    rng = np.random.default_rng(3)
    w = init.normal(0.3)(rng, (300, 400))
    _std_ok(w, 0.3)
    a = init.get(0.3)(np.random.default_rng(4), (5, 6))
    b = init.normal(0.3)(np.random.default_rng(4), (5, 6))
    assert np.array_equal(a, b)
    assert not init.normal(0.0)(rng, (2, 2)).any()


def test_fans_are_the_last_two_axes():
    # a (3, 50, 70) stack: fan_in 50, fan_out 70, whatever the leading axis
    w = init.xavier(np.random.default_rng(5), (3, 500, 700))
    _std_ok(w, np.sqrt(2 / 1200))


def test_same_seed_same_bits():
    for name in ("xavier", "xavier_uniform", "he", "normal"):
        a = init.get(name)(np.random.default_rng(7), (8, 9))
        b = init.get(name)(np.random.default_rng(7), (8, 9))
        assert np.array_equal(a, b)
        c = init.get(name)(np.random.default_rng(8), (8, 9))
        assert not np.array_equal(a, c)


def test_get_returns_registered_functions_and_callables():
    assert init.get("xavier") is init.xavier and init.get("he") is init.he
    f = lambda rng, shape: np.ones(shape)
    assert init.get(f) is f


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"init must be one of .*'xavier'.*'he'.*got 'glorot'"):
        init.get("glorot")
    with pytest.raises(ValueError, match=r"std must be >= 0, got -1"):
        init.normal(-1.0)
    with pytest.raises(ValueError, match=r"shape must have at least 2 axes"):
        init.xavier(np.random.default_rng(0), (5,))
    with pytest.raises(ValueError, match="std must be a single number"):
        init.normal([0.1, 0.2])
