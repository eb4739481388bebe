"""Every lesson with a dashboard, run top to bottom in JupyterLab in Chromium: no dashboard is
retrained by the front end on open, none shows an error or a diverged run; then driven with the
keyboard and the mouse: the figure and the readout must follow each slider."""

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
    if notebook.parent == H.NOTEBOOKS:      # the wdlib lessons (the fallback fixture has none)
        opened = H.check_opened_quietly(lab_page, lab_server)
        assert len(opened) >= len(dashboards), (opened, len(dashboards))
    for dash in dashboards:
        H.check_dashboard(dash)
    if notebook.parent == H.NOTEBOOKS:      # the learner's moves reach the kernel and count
        moved = [d for d in H.kernel_dashboards(lab_server) if d["moves"]]
        assert len(moved) == len(dashboards), (moved, len(dashboards))
    lab_page.screenshot(path=str(artifacts / f"{notebook.stem}.png"), full_page=True)
    assert nb.errors() == [], f"{notebook.name}: errors after moving the sliders"


def test_harness_catches_errors_a_frozen_figure_and_dashboards_that_open_wrong(lab_page,
                                                                              lab_server):
    """The checks must fail on a notebook with an error cell, a dashboard whose callback never
    replaces the image, a wdlib dashboard the browser's slider retrains on open and one whose
    status line says diverged (tests/browser/fixtures/broken_fixture.ipynb)."""
    nb = H.Notebook(lab_page, lab_server, "broken_fixture.ipynb").open().run_all()
    errors = nb.errors()
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0], errors
    with pytest.raises(AssertionError) as caught:
        H.check_opened_quietly(lab_page, lab_server)
    problems = str(caught.value).splitlines()
    assert len(problems) == 2, problems
    assert problems[0].startswith("Polynomial retrained 1 time(s) by the front end on open"), \
        problems
    assert "the slider rounded lam = 0.003" in problems[0], problems
    assert problems[1].startswith("dashboard 2 on the page, status line: diverged: "
                                  "'diverged at step 5"), problems
    frozen = H.Dashboard.all(lab_page, lab_server)[0]
    with pytest.raises(AssertionError, match="lam slider, key: figure did not change"):
        H.check_dashboard(frozen, timeout=3)
