"""The whole suite's order, and how ``make test`` splits it over pytest-xdist workers (here, at
the root, so that it applies to the notebooks under nbval as well as to tests/)."""

import pytest


def pytest_collection_modifyitems(items):
    """Without workers, run the browser tests last. Playwright's sync API keeps an asyncio loop
    marked as running in the main thread while a Chromium is open, which changes how the
    dashboards under test schedule their renders (and breaks ``asyncio.run`` in the coalescing
    tests); the browser is also closed at the end of each browser test module
    (tests/browser/conftest.py), so that with workers no later test sees that loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# tests/test_exchange.py runs in the browser tests' unit: the exchange round it checks is a
# session fixture tests/browser/test_feedback.py opens in Chromium too (tests/conftest.py), made
# once in the worker that runs both.
WITH_THE_BROWSER = ("tests/browser/", "tests/test_exchange.py")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs ``-n 2 --dist loadfile``: a worker takes a whole file at a time (a
    notebook's cells run in order, in one kernel), and all of tests/browser/ as one unit, one
    test after the other (one JupyterLab server, and no second browser test competing for the
    cores while one measures or waits on a figure), with tests/test_exchange.py."""
    from xdist.scheduler import LoadFileScheduling

    class FilesAndTheBrowser(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(WITH_THE_BROWSER):
                return "tests/browser/"
            return super()._split_scope(nodeid)

    if config.getvalue("dist") == "loadfile":
        return FilesAndTheBrowser(config, log)
    return None
