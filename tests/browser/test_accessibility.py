"""What a screen reader gets from every dashboard in JupyterLab (Chromium's accessibility tree,
as playwright's role queries read it).

The figure: ipywidgets 8 puts a widget's ``tooltip`` in its element's ``title``, the accessible
name of an ``<img>`` without ``alt``, but its views read ``description`` first, which an
``Image`` lacks, so an ``Image`` with a tooltip failed to display ("Could not create a view").
``framework.FigureImage`` carries an empty ``description``: each figure is then named by its
dashboard's ``alt_text()``. The slider handles (noUiSlider's ``role=slider``) stay unnamed: their
description's ``<label>`` is not tied to them and no widget setting reaches them (ARCHITECTURE,
"Browser testing").
"""

from __future__ import annotations

import harness as H
import make_fixtures
import pytest

pytestmark = pytest.mark.browser
NAME = "accessibility.ipynb"

SETUP = '''\
import json
from wdlib import live
dashes = {}
'''


def test_every_figure_is_named_by_its_text_alternative(lab_page, lab_server, served_root):
    names = list(H.kernel_catalog_names())
    make_fixtures.write_catalog(served_root / NAME, SETUP, names)
    errors = H.page_errors(lab_page)
    nb = H.Notebook(lab_page, lab_server, NAME).open().run_all(timeout=240)
    assert nb.errors() == [], nb.errors()
    alts = H.kernel_expression(lab_server, "json.dumps({n: d.alt_text() for n, d in "
                                           "dashes.items()})")
    shown = H.Dashboard.all(lab_page, lab_server)
    assert len(shown) == len(names), (len(shown), names)
    for name, dash in zip(names, shown, strict=True):
        dash.root.scroll_into_view_if_needed()
        named = dash.root.get_by_role("img", name=alts[name], exact=True)
        assert named.count() == 1, f"{name}: no image named {alts[name][:60]!r}"
        assert dash.figure.evaluate("el => el.tagName") == "IMG"
        assert named.evaluate("el => el.classList.contains('wdlib-figure')"), name
    assert "Could not create a view" not in lab_page.locator("body").inner_text()
    assert errors == [], f"JupyterLab's console: {errors[:3]}"
