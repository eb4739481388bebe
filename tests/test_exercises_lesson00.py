"""Lesson 00 checker: accepts ½·MSE, rejects each typical mistake with the right hint."""

import numpy as np
import pytest

from wdlib.exercises import lesson00


def ref(yhat, y):
    return 0.5 * np.mean((yhat - y) ** 2)


def test_accepts_reference(run_checker):
    assert run_checker(lesson00.check_half_mse, ref) == (True, "✓ half_mse: correct")


@pytest.mark.parametrize("wrong, hint", [
    (lambda a, b: np.mean((a - b) ** 2), "the ½ is missing"),
    (lambda a, b: 0.5 * np.sum((a - b) ** 2), "a sum instead of a mean"),
    (lambda a, b: np.sum((a - b) ** 2), "a sum instead of a mean, and the ½ is missing"),
    (lambda a, b: np.sqrt(ref(a, b)), "square root"),
    (lambda a, b: 0.25 * np.mean((a - b) ** 2), "factor of 2: too small"),
    (lambda a, b: 0.5 * np.mean(np.abs(a - b)), "not equal to the reference"),
    (lambda a, b: 0.5 * (a - b) ** 2, "return one number"),
    (lambda a, b: None, "forget `return`"),
    (lambda a, b: a.foo, "raised AttributeError"),
])
def test_rejects_typical_mistakes(wrong, hint, run_checker):
    ok, out = run_checker(lesson00.check_half_mse, wrong)
    assert not ok and out.startswith("✗ half_mse:") and hint in out, out


def test_stub(run_checker):
    def stub(yhat, y):
        raise NotImplementedError

    ok, out = run_checker(lesson00.check_half_mse, stub)
    assert not ok and "not implemented yet" in out
