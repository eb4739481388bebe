"""wdlib._checks: validation messages and hyperparameter batching helpers."""

import numpy as np
import pytest

from wdlib import _checks as C


# ---------------------------------------------------------------- hyper
def test_hyper_returns_floats_and_float_arrays():
    assert C.hyper("lr", 1) == 1.0 and type(C.hyper("lr", 1)) is float
    assert type(C.hyper("lr", np.float32(0.5))) is float
    assert C.hyper("lr", np.array(0.25)) == 0.25                     # 0-d array -> float
    arr = C.hyper("lr", [1, 2, 3])
    assert arr.dtype == np.float64 and arr.shape == (3,)
    f = lambda t: 0.1
    assert C.hyper("lr", f, allow_schedule=True) is f


@pytest.mark.parametrize("value, match", [
    (True, "lr must be a number or a 1-D array, got True"),
    (None, "lr must be a number or a 1-D array, got None"),
    (float("nan"), "lr must be finite, got nan"),
    (np.inf, "lr must be finite, got inf"),
    ([1.0, np.nan], r"lr must be finite, got \[ 1., nan\]"),
    (np.ones((2, 2)), r"non-empty 1-D array, got shape \(2, 2\)"),
    ([], r"non-empty 1-D array, got shape \(0,\)"),
    ("fast", "lr must be a number or a 1-D array, got 'fast'"),
    (1j, "lr must be a number"),
    (lambda t: 0.1, "lr must be a number or a 1-D array, got a callable"),
])
def test_hyper_rejects(value, match):
    with pytest.raises(ValueError, match=match):
        C.hyper("lr", value)


@pytest.mark.parametrize("value", ["0.1", b"1"])
def test_hyper_rejects_numeric_strings(value):
    with pytest.raises(ValueError, match="lr must be a number"):
        C.hyper("lr", value)


@pytest.mark.parametrize("value", [np.bool_(True), [True, False]])
def test_hyper_rejects_numpy_bools(value):
    with pytest.raises(ValueError, match="lr must be a number"):
        C.hyper("lr", value)


def test_hyper_huge_int_raises_value_error():
    with pytest.raises(ValueError, match="lr"):
        C.hyper("lr", 10**400)


# ---------------------------------------------------------------- ranges
def test_positive_nonnegative_in_range_accept_the_boundaries_they_should():
    assert C.positive("lr", 1e-300) == 1e-300
    assert C.nonnegative("lam", 0) == 0.0
    assert C.in_range("momentum", 0.0, 0.0, 1.0) == 0.0
    assert C.in_range("dampening", 1.0, 0.0, 1.0, hi_open=False) == 1.0
    np.testing.assert_array_equal(C.positive("lr", [0.1, 1.0]), [0.1, 1.0])
    f = lambda t: -1.0  # schedules pass through; they are checked when evaluated
    assert C.positive("lr", f, allow_schedule=True) is f


@pytest.mark.parametrize("call, match", [
    (lambda: C.positive("lr", -0.1), "lr must be > 0, got -0.1"),
    (lambda: C.positive("lr", 0.0), "lr must be > 0, got 0"),
    (lambda: C.positive("lr", [0.1, 0.0]), r"lr must be > 0, got \[0.1, 0. \]"),
    (lambda: C.nonnegative("lam", -1e-9), "lam must be >= 0, got -1e-09"),
    (lambda: C.in_range("momentum", 1.0, 0.0, 1.0), r"momentum must be in \[0, 1\), got 1"),
    (lambda: C.in_range("momentum", -0.5, 0.0, 1.0), r"momentum must be in \[0, 1\)"),
    (lambda: C.in_range("p", 0.0, 0.0, 1.0, lo_open=True), r"p must be in \(0, 1\), got 0"),
    (lambda: C.in_range("p", 1.5, 0.0, 1.0, hi_open=False), r"p must be in \[0, 1\], got 1.5"),
    # a value just past a bound, whose short form reads as the bound, is given every digit
    # (fuzz review: "dampening must be in [0, 1], got 1" for 1 + 1e-12)
    (lambda: C.in_range("momentum", 1.0000000001, 0.0, 1.0), r"\), got 1.0000000001$"),
    (lambda: C.in_range("dampening", 1 + 1e-12, 0.0, 1.0, hi_open=False),
     r"dampening must be in \[0, 1\], got 1.000000000001$"),
    (lambda: C.in_range("momentum", -1e-20, 0.0, 1.0), r"\), got -1e-20$"),
    (lambda: C.in_range("momentum", [0.5, 1.0000001], 0.0, 1.0), r"got \[0.5, 1.0000001\]$"),
    (lambda: C.in_range("momentum", [0.5, 1.0], 0.0, 1.0), r"got \[0.5, 1. \]$"),
    (lambda: C.positive_int("steps", 0), "steps must be an integer >= 1, got 0"),
    (lambda: C.positive_int("steps", 2.0), "steps must be an integer >= 1, got 2"),
    (lambda: C.positive_int("steps", True), "steps must be an integer >= 1, got True"),
    (lambda: C.positive_int("degree", 1, minimum=2), "degree must be an integer >= 2, got 1"),
    (lambda: C.choice("loss", "l2", ["mse", "bce"]), "loss must be one of 'mse', 'bce'; got 'l2'"),
])
def test_range_checks_name_the_argument_and_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_positive_int_and_choice_return_their_value():
    assert C.positive_int("n", np.int64(3)) == 3 and type(C.positive_int("n", np.int64(3))) is int
    assert C.choice("loss", "mse", ("mse", "bce")) == "mse"


# ---------------------------------------------------------------- arrays and dicts
def test_finite_array():
    X = C.finite_array("X", [[1, 2], [3, 4]], ndim=2)
    assert X.dtype == np.float64 and X.shape == (2, 2)
    assert C.finite_array("x", [1.0], ndim=(1, 2)).shape == (1,)
    with pytest.raises(ValueError, match=r"X must have 2 axes, got shape \(3,\)"):
        C.finite_array("X", [1, 2, 3], ndim=2)
    with pytest.raises(ValueError, match=r"X must have 1 or 2 axes"):
        C.finite_array("X", np.ones((1, 1, 1)), ndim=(1, 2))
    with pytest.raises(ValueError, match="X must contain only finite numbers, got 2 NaN or inf"):
        C.finite_array("X", [1.0, np.nan, np.inf])
    with pytest.raises(ValueError, match="X must be a numeric array"):
        C.finite_array("X", [[1, 2], [3]])


def test_same_rows_and_same_keys():
    C.same_rows("X", np.ones((3, 2)), "y", np.ones((3, 1)))
    with pytest.raises(ValueError, match="X and y must have the same number of rows, got 3 and 2"):
        C.same_rows("X", np.ones((3, 2)), "y", np.ones((2, 1)))
    a = {"W": np.ones((2, 3)), "b": np.ones(3)}
    C.same_keys("params", a, "grads", {"b": np.zeros(3), "W": np.zeros((2, 3))})
    with pytest.raises(ValueError, match=r"same keys, got \['W', 'b'\] and \['W'\]"):
        C.same_keys("params", a, "grads", {"W": np.ones((2, 3))})
    with pytest.raises(ValueError, match=r"params\['W'\] and grads\['W'\] .* \(2, 3\) and \(3, "):
        C.same_keys("params", a, "grads", {"W": np.ones((3, 2)), "b": np.ones(3)})
    C.same_keys("params", a, "grads", {"W": np.ones((3, 2)), "b": np.ones(3)}, shapes=False)


# ---------------------------------------------------------------- batching
def test_batch_size():
    assert C.batch_size(lr=0.1, lam=1.0) is None
    assert C.batch_size() is None
    assert C.batch_size(lr=np.ones(4), lam=0.1, schedule=lambda t: 1.0, none=None) == 4
    assert C.batch_size(lr=np.ones(4), lam=np.zeros(4)) == 4
    with pytest.raises(ValueError, match="same length K; lr has 2, lam has 3"):
        C.batch_size(lr=np.ones(2), lam=np.ones(3))


def test_per_model_and_at_step():
    assert C.per_model(0.5, 3) == 0.5
    h = np.array([1.0, 2.0, 3.0])
    assert C.per_model(h, 3).shape == (3, 1, 1)
    W = np.ones((3, 4, 2))
    np.testing.assert_array_equal((C.per_model(h, W.ndim) * W)[:, 0, 0], h)
    assert C.per_model(h, 1).shape == (3,)
    assert C.at_step(0.1, 7) == 0.1
    assert C.at_step(lambda t: 2 * t, 7) == 14
