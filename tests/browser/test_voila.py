"""A lesson rendered by Voilà: code hidden, dashboards live."""

from __future__ import annotations

import harness as H
import pytest

pytestmark = pytest.mark.browser


def test_voila_hides_code_and_dashboard_redraws(served_root, page, artifacts, tmp_path):
    lesson = H.lesson_notebooks()[0]
    with H.voila_server(served_root / lesson.name, tmp_path / "voila") as server:
        H.voila_open(page, f"{server.url}/?token={server.token}")
        code = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror"
        assert page.locator(code).count() == 0, "Voilà shows code cells"
        body = page.locator("body").inner_text()
        for bad in H.WIDGET_ERRORS + ("Traceback",):
            assert bad not in body, f"Voilà page shows {bad!r}"
        dash = H.Dashboard.all(page, server)[0]
        H.check_dashboard(dash, keys=("lam",))
        page.screenshot(path=str(artifacts / f"voila-{lesson.stem}.png"), full_page=True)
