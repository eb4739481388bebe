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


@pytest.fixture(scope="session")
def exchange_round(tmp_path_factory):
    """tests/test_exchange.py's whole class round through nbgrader's exchange (lesson 00, the
    guide's commands; ~1.5 min), made once per process and shared, read-only, by the tests that
    look at its result: test_exchange.py and tests/browser/test_feedback.py (each ran it on its
    own). ``(course folder, {student: home})``. `make test` puts both files in one xdist unit
    (conftest.py at the root), so the round runs once per suite."""
    pytest.importorskip("nbgrader", reason="nbgrader is in the `test` extra (make setup)")
    import test_exchange
    return test_exchange.class_round(tmp_path_factory.mktemp("exchange"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The read-along site (`make site`, tools/build_site.py), built once per process and shared,
    read-only, by the tests that look at it: tests/test_site.py (its files) and
    tests/browser/test_links_and_site.py (its pages in Chromium). Each file built it on its own,
    11-28 s a build on the 2-core machine. ``(folder, page names)``. `make test` puts both files in
    one xdist unit (conftest.py at the root), so the site is built once per suite."""
    import sys
    from pathlib import Path
    tools = str(Path(__file__).resolve().parents[1] / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    import build_site
    out = tmp_path_factory.mktemp("site")
    return out, [p.name for p in build_site.build(out)]
