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


def pytest_collection_modifyitems(items):
    """Run the browser tests last. Playwright's sync API leaves an asyncio loop marked as running
    in the main thread until the session ends, which would change how the dashboards under test
    schedule their renders (and breaks ``asyncio.run`` in the coalescing tests)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
