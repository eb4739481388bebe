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


# With workers, the units that run longest start first. xdist takes first the units with the
# most tests, whatever they cost: the browser unit (20 tests) went 45th of 72, the notebooks' link
# runs (4 tests, every notebook executed again) 68th, so a worker could be left with one of them
# while the other had nothing to do. Measured alone (load 2-8, other jobs): test_assignments.py
# 36 min wall for 11.5 min of CPU, the browser unit 27 min, test_grading_lesson00.py 9 min
# (3.6 min at load ~3), test_lesson_links.py 3.6 min at load 1-4 (4.6 min of CPU: it runs two
# kernels at once).
LONGEST_FIRST = ("tests/test_assignments.py", "tests/browser/", "tests/test_grading_lesson00.py",
                 "tests/test_lesson_links.py")

# tests/test_exchange.py and tests/test_site.py run in the browser tests' unit: the exchange round
# the first checks and the read-along site the second checks are session fixtures that
# tests/browser/ opens in Chromium too (tests/conftest.py), made once in the worker that runs them.
WITH_THE_BROWSER = ("tests/browser/", "tests/test_exchange.py", "tests/test_site.py")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs ``-n 2 --dist loadfile``: a worker takes a whole file at a time (a
    notebook's cells run in order, in one kernel), and all of tests/browser/ as one unit, one
    test after the other (one JupyterLab server, and no second browser test competing for the
    cores while one measures or waits on a figure), with tests/test_exchange.py and
    tests/test_site.py (``WITH_THE_BROWSER``); the longest
    units first (``LONGEST_FIRST``)."""
    from xdist.scheduler import LoadFileScheduling

    class FilesAndTheBrowser(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(WITH_THE_BROWSER):
                return "tests/browser/"
            return super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "_ordered", False):    # once, before the first unit goes out
                for scope in reversed(LONGEST_FIRST):
                    if scope in self.workqueue:
                        self.workqueue.move_to_end(scope, last=False)
                self._ordered = True
            super()._assign_work_unit(node)

    if config.getvalue("dist") == "loadfile":
        return FilesAndTheBrowser(config, log)
    return None
