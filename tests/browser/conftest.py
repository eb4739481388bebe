"""Fixtures for the real-browser tests: one JupyterLab server per session and one headless
Chromium per test module, a fresh page per test (its kernels shut down afterwards, also when
the test fails).

The server serves a temporary copy of ``notebooks/`` plus ``tests/browser/fixtures/``; the
repository's notebooks are never opened for writing. Screenshots go to
``tests/browser/artifacts/`` (git-ignored) and stay there after a failure.

Without ``/usr/bin/chromium`` every browser test is skipped, unless ``CI=true``: then it fails
(install it with ``tests/browser/install_chromium.sh``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import harness as H
import pytest

NOTEBOOKS, FIXTURES = H.NOTEBOOKS, H.FIXTURES
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# The fixture notebooks are driven in the browser, not checked by nbval like the lessons.
collect_ignore_glob = ["fixtures/*", "artifacts/*"]


@pytest.fixture(scope="session", autouse=True)
def need_chromium():
    """Skip (or, with CI=true, fail) every browser test when Chromium is missing."""
    if not H.CHROMIUM.exists():
        msg = f"{H.CHROMIUM} missing (run tests/browser/install_chromium.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    """A temporary copy of notebooks/ with the fixture notebooks beside the lessons."""
    root = tmp_path_factory.mktemp("served") / "notebooks"
    if NOTEBOOKS.is_dir():
        shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    H.copy_notebooks(sorted(FIXTURES.glob("*.ipynb")), root)
    return root


@pytest.fixture(scope="session")
def lab_server(need_chromium, served_root, tmp_path_factory):
    with H.jupyter_server(served_root, tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")     # closed after each module: see conftest.py at the root
def browser(need_chromium, tmp_path_factory):
    with H.chromium(tmp_path_factory.mktemp("chromium-profile")) as ctx:
        yield ctx


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, artifacts):
    """A new tab; on failure a full-page screenshot ``<test>-FAILED.png`` is kept."""
    page = browser.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
        page.screenshot(path=str(artifacts / f"{name}-FAILED.png"), full_page=True)
    page.close()


@pytest.fixture
def lab_page(page, lab_server):
    """A tab for JupyterLab; every kernel is shut down afterwards."""
    yield page
    lab_server.shutdown_kernels()
