import warnings

import numpy as np
import pytest

from wdlib import diagnostics, losses

rng = np.random.default_rng(0)


def _check_grad(loss, yhat, y):
    f = lambda p: loss(p["yhat"], y)
    wrapped = lambda p: (f(p)[0], {"yhat": f(p)[1]})
    return diagnostics.grad_check(wrapped, {"yhat": yhat})


# --- exact values --------------------------------------------------------------------------
def test_mse_by_hand():
    value, grad = losses.mse(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
    assert value == 2.5                                   # 1/2 · mean(1, 9)
    assert np.array_equal(grad, [[0.5], [1.5]])          # (yhat - y) / n


def test_mse_is_a_mean_over_every_entry():
    value, grad = losses.mse(np.array([[1.0, 2.0]]), np.zeros((1, 2)))
    assert value == 1.25 and np.array_equal(grad, [[0.5, 1.0]])


def test_bce_by_hand():
    value, grad = losses.binary_cross_entropy(np.zeros((4, 1)), np.array([0.0, 1.0, 1.0, 0.0]))
    assert value == pytest.approx(np.log(2), abs=1e-15)
    assert np.array_equal(grad[:, 0], [0.125, -0.125, -0.125, 0.125])   # (0.5 - y) / 4


def test_bce_matches_the_textbook_formula():
    z, y = rng.standard_normal((6, 1)), rng.integers(0, 2, (6, 1)).astype(float)
    s = 1 / (1 + np.exp(-z))
    textbook = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
    assert losses.binary_cross_entropy(z, y)[0] == pytest.approx(textbook, rel=1e-13)


def test_softmax_ce_by_hand_labels_and_one_hot():
    value, grad = losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    assert value == pytest.approx(np.log(4), abs=1e-15)
    assert np.allclose(grad, (0.25 - np.eye(4)[[0, 3]]) / 2, atol=1e-16)
    v2, g2 = losses.softmax_cross_entropy(np.zeros((2, 4)), np.eye(4)[[0, 3]])
    assert v2 == value and np.array_equal(g2, grad)
    v3, _ = losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([[0.0], [3.0]]))
    assert v3 == value


# --- gradients -----------------------------------------------------------------------------
@pytest.mark.parametrize("K", [None, 3])
def test_gradients_pass_finite_differences(K):
    lead = () if K is None else (K,)
    y1 = rng.standard_normal((7, 2))
    assert _check_grad(losses.mse, rng.standard_normal(lead + (7, 2)), y1) < 1e-6
    yb = rng.integers(0, 2, (7, 1)).astype(float)
    assert _check_grad(losses.binary_cross_entropy, 3 * rng.standard_normal(lead + (7, 1)),
                       yb) < 1e-6
    labels = rng.integers(0, 4, 7)
    assert _check_grad(losses.softmax_cross_entropy, 2 * rng.standard_normal(lead + (7, 4)),
                       labels) < 1e-6
    weights = rng.uniform(0, 2, (7, 4))      # soft targets whose rows do not sum to 1: the
    assert _check_grad(losses.softmax_cross_entropy,   # gradient is the value's (it was not)
                       2 * rng.standard_normal(lead + (7, 4)), weights) < 1e-6


@pytest.mark.parametrize("loss, C", [(losses.mse, 2), (losses.binary_cross_entropy, 1),
                                     (losses.softmax_cross_entropy, 3)])
def test_batched_equals_separate(loss, C):
    yhat = rng.standard_normal((3, 5, C))
    y = rng.integers(0, 2, (5, C)).astype(float) if C < 3 else rng.integers(0, C, 5)
    value, grad = loss(yhat, y)
    assert value.shape == (3,) and grad.shape == yhat.shape
    for k in range(3):
        vk, gk = loss(yhat[k], y)
        assert np.ndim(vk) == 0
        assert abs(value[k] - vk) < 1e-14 and np.allclose(grad[k], gk, rtol=0, atol=1e-15)


def test_one_d_targets_for_one_output():
    yhat = rng.standard_normal((5, 1))
    y = rng.integers(0, 2, 5).astype(float)
    for loss in (losses.mse, losses.binary_cross_entropy):
        assert loss(yhat, y)[0] == loss(yhat, y[:, None])[0]


# --- stability -----------------------------------------------------------------------------
def test_extreme_logits_are_exact_and_warning_free():
    # underflow to exactly 0 (exp(-1e4)) is the right answer; anything else must not happen
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        z = np.array([[-1e4], [1e4], [1e4], [-1e4]])
        value, grad = losses.binary_cross_entropy(z, np.array([1.0, 0.0, 1.0, 0.0]))
        assert value == 5e3                               # (1e4 + 1e4 + 0 + 0) / 4
        assert np.array_equal(grad[:, 0], [-0.25, 0.25, 0.0, 0.0])
        v, g = losses.softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([1]))
        assert v == 2e4 and np.all(np.isfinite(g))
        v, g = losses.softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([0]))
        assert v == 0.0 and np.array_equal(g, [[0.0, 0.0, 0.0]])


def test_accuracy():
    assert losses.accuracy(np.array([[2.0], [-1.0], [0.5]]), np.array([1, 1, 1])) == 2 / 3
    logits = np.array([[[1.0, 2.0], [3.0, 0.0]], [[2.0, 1.0], [3.0, 0.0]]])    # (K=2, n=2, C=2)
    assert np.array_equal(losses.accuracy(logits, np.array([1, 0])), [1.0, 0.5])
    assert np.array_equal(losses.accuracy(logits, np.eye(2)[[1, 0]]), [1.0, 0.5])


# --- bad input -----------------------------------------------------------------------------
def test_bad_inputs():
    with pytest.raises(ValueError, match=r"loss must be one of 'mse', 'bce', 'softmax_ce'; "
                                         r"got 'hinge'"):
        losses.get("hinge")
    assert losses.get("bce") is losses.binary_cross_entropy
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\).*got \(3, 1\)"):
        losses.mse(np.zeros((4, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="y must contain only finite numbers"):
        losses.mse(np.zeros((2, 1)), np.array([[0.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"y must be in \[0, 1\].*got values in \[0, 2\]"):
        losses.binary_cross_entropy(np.zeros((2, 1)), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, 2\]"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"y labels must be integers"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1.5]))
    with pytest.raises(ValueError, match=r"logits must have shape .* C >= 2"):
        losses.softmax_cross_entropy(np.zeros((2, 1)), np.array([0, 0]))
    # (n, C) targets: a negative entry is no probability or weight (fuzz review)
    for loss in (losses.softmax_cross_entropy, losses.accuracy):
        with pytest.raises(ValueError, match=r"y of shape \(2, 3\) must hold class probabilities"
                                             r" or weights .*entries in \[-0.5, 1.5\]"):
            loss(np.zeros((2, 3)), np.array([[1.5, -0.5, 0.0], [0.0, 0.0, 1.0]]))
    soft = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype=np.float32)   # rows: 1 ± 1 ulp
    value, grad = losses.softmax_cross_entropy(np.zeros((2, 3)), soft)
    assert value == pytest.approx(np.log(3)) and np.allclose(grad.sum(axis=1), 0, atol=1e-7)
    for loss, pred in ((losses.mse, "yhat"), (losses.binary_cross_entropy, "logits")):
        with pytest.raises(ValueError, match=rf"needs at least one entry, got {pred} of shape"):
            # (a mean over nothing: 0/0; the message names the argument as the loss calls it)
            loss(np.zeros((0, 1)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match=r"needs at least one sample, got logits of shape"):
        losses.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"yhat must have shape"):
        losses.mse(np.zeros(3), np.zeros(3))


# --- the value alone (validation) -------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("K", [None, 3])
def test_unchecked_value_is_the_losses_value_bit_for_bit(K, dtype):
    rng = np.random.default_rng(0)
    lead = () if K is None else (K,)
    z = (4 * rng.standard_normal(lead + (7, 2))).astype(dtype)
    y = (rng.random((7, 2)) > 0.5).astype(dtype)
    for loss in (losses.mse, losses.binary_cross_entropy):
        want = loss(z, y)[0]
        got = losses.unchecked_value(loss)(z, y)
        assert np.asarray(got).dtype == np.asarray(want).dtype
        assert np.array_equal(np.asarray(got), np.asarray(want))


def test_unchecked_value_of_another_loss_keeps_its_value():
    z, labels = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]]), np.array([0, 2])
    got = losses.unchecked_value(losses.softmax_cross_entropy)(z, labels)
    assert got == losses.softmax_cross_entropy(z, labels)[0]
    custom = lambda yhat, y: (float(np.sum(yhat - y)), None)                  # noqa: E731
    assert losses.unchecked_value(custom)(np.ones((2, 1)), np.zeros((2, 1))) == 2.0
