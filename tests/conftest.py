"""Fixtures shared by the unit tests."""

import pytest


@pytest.fixture
def run_checker(capsys):
    """``run_checker(checker, fn) -> (ok, line)``: run an exercise checker on the learner's
    function ``fn``; the checker must print exactly one line (returned without its newline)."""
    def run(checker, fn):
        ok = checker(fn)
        out = capsys.readouterr().out
        assert out.count("\n") == 1 and out.endswith("\n"), f"a checker prints one line: {out!r}"
        return ok, out[:-1]
    return run
