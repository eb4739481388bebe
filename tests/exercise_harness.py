"""One harness for every exercise checker's tests.

A lesson's test module lists, per checker, correct variants and typical mistakes (each with the
key of the hint it must get, from the checker's table), then calls ``parametrize`` helpers:

    CORRECT = [...]; MISTAKES = [(fn, "key"), ...]
    test_correct = accepts(L.check_x, CORRECT)
    test_mistakes = names(L.check_x, L.X_HINTS, MISTAKES)
    test_robust = robust(L.check_x, n_args=2)

Each hint must appear for its mistake and no other hint of the same table may appear; robustness
probes (raising, None, NaN, a string, a dict, a wrong shape, a function, a hang, a non-callable)
must give one ✗ line and never a traceback or the "could not judge" message.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest

from wdlib.exercises import _core


def run(checker, fn, **kwargs):
    """``(verdict, line)``: the checker must print exactly one line and raise nothing."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        verdict = checker(fn, **kwargs)
    out = buf.getvalue()
    assert out.count("\n") == 1 and out.endswith("\n"), f"a checker prints one line: {out!r}"
    assert isinstance(verdict, _core.Verdict)
    return verdict, out[:-1]


def _ids(items):
    return [getattr(f, "__name__", "fn") + f"-{i}" for i, f in enumerate(items)]


def accepts(checker, variants, *, runtime_warnings=False):
    """A test that every correct variant gets ✓. ``runtime_warnings=True``: the variants may
    warn (a division by a zero norm whose result is not used), and the test runs them as a
    notebook does, where a RuntimeWarning is shown, not raised (the suite makes it an error)."""
    @pytest.mark.parametrize("fn", variants, ids=_ids(variants))
    def test(fn):
        with warnings.catch_warnings():
            if runtime_warnings:
                warnings.simplefilter("ignore", RuntimeWarning)
            verdict, line = run(checker, fn)
        assert verdict and line.startswith(_core.OK), line
    return test


def names(checker, table: dict, mistakes):
    """A test that each ``(fn, key)`` gets ``table[key]`` and no other hint of the table."""
    @pytest.mark.parametrize("fn, key", mistakes, ids=[k for _, k in mistakes])
    def test(fn, key):
        verdict, line = run(checker, fn)
        assert not verdict and line.startswith(_core.FAIL), line
        assert table[key] in line, f"expected the hint for {key!r}, got: {line}"
        others = {h for k, h in table.items() if h != table[key]}
        assert not [h for h in others if h in line], line
    return test


def _hang(*args):
    i = 0
    while i < 10:                       # the increment is missing
        pass


def _raises(*args):
    raise ValueError("boom")


def _stub(*args):
    raise NotImplementedError


PROBES = [
    (_stub, _core.NOT_IMPLEMENTED),
    (_raises, "your function raised ValueError: boom"),
    (lambda *a: None, "returned None"),
    (lambda *a: float("nan"), None),
    (lambda *a: "0.5", None),
    (lambda *a: {"x": 1.0}, None),
    (lambda *a: np.zeros((7, 3, 2)), None),
    (lambda *a: (lambda: 0), None),
    (lambda *a: [1.0, "a"], None),
    (lambda *a: True, None),
    (lambda *a: 1j, None),
    (lambda *a: 1 / 0, "ZeroDivisionError"),
    (lambda *a: _recurse(), "RecursionError"),
]


def _recurse():
    return _recurse()


def robust(checker):
    """Robustness probes: one ✗ line each, never a traceback or a checker failure."""
    @pytest.mark.parametrize("fn, expected", PROBES,
                             ids=[f"probe{i}" for i in range(len(PROBES))])
    def test(fn, expected):
        verdict, line = run(checker, fn)
        assert not verdict and line.startswith(_core.FAIL), line
        assert "could not judge" not in line, line
        if expected:
            assert expected in line, line
    return test


def robust_extra(checker):
    """A hang is stopped with a clear message; a non-callable is named; grade=True raises."""
    def test(monkeypatch):
        monkeypatch.setattr(_core, "TIME_LIMIT", 0.3)
        verdict, line = run(checker, _hang)
        assert not verdict and "did not finish within 0.3 s" in line, line
        verdict, line = run(checker, 3)
        assert not verdict and "expected a function" in line
        with pytest.raises(AssertionError, match="not implemented yet"), \
                contextlib.redirect_stdout(io.StringIO()):
            checker(_stub, grade=True)
    return test
