"""Every lesson with a dashboard, run top to bottom in JupyterLab in Chromium, then driven with
the keyboard and the mouse: the figure and the readout must follow each slider."""

from __future__ import annotations

import harness as H
import pytest

pytestmark = pytest.mark.browser

LESSONS = H.lesson_notebooks()


def run_in_lab(page, server, name: str) -> H.Notebook:
    nb = H.Notebook(page, server, name).open().run_all()
    assert nb.errors() == [], f"{name}: errors after run-all"
    return nb


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_dashboards_follow_sliders(notebook, lab_page, lab_server, artifacts):
    nb = run_in_lab(lab_page, lab_server, notebook.name)
    dashboards = H.Dashboard.all(lab_page, lab_server)
    assert dashboards, f"{notebook.name}: uses live. but no .wdlib-dashboard on the page"
    for dash in dashboards:
        H.check_dashboard(dash)
    lab_page.screenshot(path=str(artifacts / f"{notebook.stem}.png"), full_page=True)
    assert nb.errors() == [], f"{notebook.name}: errors after moving the sliders"


def test_harness_catches_errors_and_a_frozen_figure(lab_page, lab_server):
    """The checks must fail on a notebook with an error cell and a dashboard whose callback
    never replaces the image (tests/browser/fixtures/broken_fixture.ipynb)."""
    nb = H.Notebook(lab_page, lab_server, "broken_fixture.ipynb").open().run_all()
    errors = nb.errors()
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0], errors
    (dash,) = H.Dashboard.all(lab_page, lab_server)
    with pytest.raises(AssertionError, match="lam slider, key: figure did not change"):
        H.check_dashboard(dash, timeout=3)
