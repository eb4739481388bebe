"""A lesson rendered by Voilà: code hidden, dashboards live; the page asks nothing of any host
but the server and logs no error (Voilà's own template linked two Font Awesome stylesheets on
cdn.jsdelivr.net, and loaded every JupyterLab extension of the environment, nbgrader's too, which
failed in Voilà: ``make present``'s settings, tools/voila/, drop both)."""

from __future__ import annotations

import json
import re

import harness as H
import pytest

pytestmark = pytest.mark.browser


def code_lines(notebook) -> list[str]:
    """Lines of the notebook's code cells (stripped, 25 characters or more) that appear in no
    markdown cell and no stored output: text the page can only show by showing the code."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    shown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    shown += "\n".join(json.dumps(c.get("outputs", [])) for c in cells)
    return [line for c in cells if c["cell_type"] == "code"
            for line in map(str.strip, "".join(c["source"]).splitlines())
            if len(line) >= 25 and line not in shown and json.dumps(line)[1:-1] not in shown]


def test_voila_hides_code_and_dashboard_redraws(served_root, page, artifacts, tmp_path):
    lesson = H.lesson_notebooks()[0]
    lines = code_lines(lesson)
    assert len(lines) >= 10, lines
    with H.voila_server(served_root / lesson.name, tmp_path / "voila") as server:
        elsewhere, errors = [], []
        page.on("request", lambda r: None if r.url.startswith((server.url + "/", "data:", "blob:"))
                else elsewhere.append(r.url))
        page.on("console", lambda m: errors.append(m.text[:300]) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"uncaught: {str(e)[:300]}"))
        H.voila_open(page, f"{server.url}/?token={server.token}")
        code = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror"
        assert page.locator(code).count() == 0, "Voilà shows code cells"
        body = page.locator("body").inner_text()
        # whatever the template's markup: no line of the code is on the page (the selectors
        # above are JupyterLab's; Voilà's classic template shows code as .input_area)
        visible = [line for line in lines if line in body]
        assert visible == [], f"Voilà shows code: {visible[:3]}"
        for bad in H.WIDGET_ERRORS + ("Traceback",):
            assert bad not in body, f"Voilà page shows {bad!r}"
        dash = H.Dashboard.all(page, server)[0]
        H.check_dashboard(dash, keys=("lam",))
        # the figure is named by its text alternative in Voilà's widget manager too
        named = dash.root.get_by_role("img", name=re.compile("^Figure: .* status line below it"))
        assert named.count() == 1 and named.evaluate("el => el.classList.contains('wdlib-figure')")
        assert elsewhere == [], f"the Voilà page asked another host for {elsewhere[:3]}"
        assert errors == [], f"the Voilà page's console: {errors[:3]}"
        page.screenshot(path=str(artifacts / f"voila-{lesson.stem}.png"), full_page=True)
