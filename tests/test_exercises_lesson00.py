"""Lesson 00 checker: correct variants accepted, each typical mistake named, robust."""

import sys

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra

from wdlib import losses
from wdlib.exercises import lesson00 as L

H = L.HALF_MSE_HINTS
r = lambda a, b: a - b                                                      # noqa: E731

CORRECT = [
    lambda a, b: 0.5 * np.mean((a - b) ** 2),
    lambda a, b: losses.mse(a, b)[0],
    lambda a, b: float(np.sum((a - b) ** 2) / (2 * len(a))),
    lambda a, b: np.float32(0.5 * np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2)),
    lambda a, b: 0.5 * np.mean((a - b) ** 2, axis=0),                      # shape (1,)
    lambda a, b: 0.5 * ((a - b).T @ (a - b)) / len(a),                      # shape (1, 1)
]
MISTAKES = [
    (lambda a, b: np.sqrt(np.mean(r(a, b) ** 2)), "rmse"),
    (lambda a, b: np.mean(r(a, b) ** 2), "no_half"),
    (lambda a, b: 0.5 * np.sum(r(a, b) ** 2), "sum"),
    (lambda a, b: np.sum(r(a, b) ** 2), "sum_no_half"),
    (lambda a, b: np.sqrt(0.5 * np.mean(r(a, b) ** 2)), "sqrt"),
    (lambda a, b: 0.5 * np.mean(r(a, b)) ** 2, "square_of_mean"),
    (lambda a, b: 0.5 * np.mean(np.abs(r(a, b))), "abs"),
    (lambda a, b: 0.5 * np.mean((a - b.ravel()) ** 2), "broadcast"),
]

test_correct = accepts(L.check_half_mse, CORRECT)
# found by the simulated class, round 4: each got only a description of what differs
MISTAKES += [
    (lambda a, b: 0.5 * np.var(r(a, b)), "var"),
    (lambda a, b: np.sum(r(a, b) ** 2) / (2 * (len(a) - 1)), "ddof"),
    # round 6: the statistics class's variance, n − 1 and the mean subtracted, got "1.0025 × the
    # expected value"
    (lambda a, b: 0.5 * np.var(r(a, b), ddof=1), "var:ddof1"),
    # round 8: n's misplaced got "1849 × the expected value" and "0.02326 × the expected value"
    (lambda a, b: np.sum(r(a, b) ** 2) / 2 * len(a), "times_n"),           # / 2 * n
    (lambda a, b: np.mean(r(a, b) ** 2) / (2 * len(a)), "n_twice"),        # mean, then /(2n)
]
test_mistakes = names(L.check_half_mse, H, MISTAKES)
test_robust = robust(L.check_half_mse)
test_robust_extra = robust_extra(L.check_half_mse)


def test_returning_losses_mse_is_a_hint_not_a_traceback():
    from exercise_harness import run
    ok, line = run(L.check_half_mse, lambda a, b: losses.mse(a, b))
    assert not ok and "pair (value, gradient)" in line, line


def test_not_sure_says_what_differs():
    from exercise_harness import run
    ok, line = run(L.check_half_mse, lambda a, b: 0.6 * np.mean((a - b) ** 2))
    assert not ok and "× the expected value" in line and "½" not in line, line


def test_a_torch_value_and_gradient_pair_gets_the_pair_hint():
    """np.size of a torch tensor is its .size method: the pair (value, gradient) in torch
    tensors missed its hint."""
    import pytest
    from exercise_harness import run
    torch = pytest.importorskip("torch")
    ok, line = run(L.check_half_mse, lambda a, b: tuple(torch.tensor(x) for x in losses.mse(a, b)))
    assert not ok and "pair (value, gradient)" in line, line


def test_the_verdict_starts_a_line_after_a_progress_print():
    """Simulated class, round 10: an answer that shows its progress on one line
    (print(f"\\rstep {i}", end="")) left the output without a newline, and the checker's line
    was glued to it: '\\rstep 2✓ half_mse: correct' (in a notebook 'step 2✓ half_mse: correct').
    The verdict must start a line of its own; output that ends with a newline gets none more."""
    import contextlib
    import io

    def progress(yhat, y):
        for i in range(3):
            print(f"\rstep {i}", end="")
        return 0.5 * np.mean((yhat - y) ** 2)

    def prints_lines(yhat, y):
        print("loss coming")
        return 0.5 * np.mean((yhat - y) ** 2)

    def writes_lines(yhat, y):                     # writelines passes the wrapper's write
        sys.stdout.writelines(["abc", "abc"])
        return 0.5 * np.mean((yhat - y) ** 2)

    for fn in [progress, prints_lines, writes_lines, lambda a, b: a]:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            verdict = L.check_half_mse(fn)
        lines = buf.getvalue().split("\n")
        assert lines[-1] == "" and lines[-2] == verdict.line, buf.getvalue()
        assert "" not in lines[:-1], buf.getvalue()                # no empty line added
