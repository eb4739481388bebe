"""The framework's handling of control values (wdlib.live.framework), on small test dashboards:
menus with numeric options, values at the ends of a slider's range, the browser's slider
positions (ipywidgets 8's noUiSlider puts a kernel value on a position and sends it back; its
float arithmetic is not Python's), and the status line's notes about all of these."""

from __future__ import annotations

import html
import re

import ipywidgets as W
import numpy as np
import pytest

from wdlib import live
from wdlib.live import framework


class Menus(live.Dashboard):
    """Test-only: one menu of each kind of option value; compute echoes the values."""

    def make_controls(self):
        return {"n": W.Dropdown(options=[1, 2, 4], value=2, description="n"),
                "x": W.Dropdown(options=[("half", 0.5), ("one", 1.0)], value=0.5,
                                description="x"),
                "flag": W.Dropdown(options=[True, False], value=True, description="flag"),
                "name": W.Dropdown(options=["a", "b"], value="a", description="name")}

    def setup(self, fig):
        self.ax = fig.subplots()

    def compute(self, values):
        return dict(values)

    def draw(self, r):
        return None


def plain(status: str) -> str:
    """The status line as text (tags stripped, entities decoded)."""
    return html.unescape(re.sub("<[^>]+>", "", status))


@pytest.fixture(autouse=True)
def no_query(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)


def test_menu_options_are_matched_by_kind_not_python_type():
    """The check was isinstance(value, type(option)): np.int64(4) was refused for the option
    4 (and a numpy float for 0.5), though it is the same number."""
    d = Menus()
    d.set(n=np.int64(4), x=np.float64(1.0), flag=np.False_, name=np.str_("b"))
    got = d.values()
    assert got == {"n": 4, "x": 1.0, "flag": False, "name": "b"}
    assert [type(v) for v in got.values()] == [int, float, bool, str]    # the options themselves
    d.set(x=1)                                          # an integer for a float option, as a slider
    assert d.values()["x"] == 1.0 and type(d.values()["x"]) is float
    for key, bad in [("n", True), ("n", np.True_), ("n", 4.0), ("n", "4"), ("n", np.array([4])),
                     ("x", True), ("flag", 1), ("flag", 0.0), ("name", 1)]:
        with pytest.raises(ValueError, match=f"{key} must be one of .*got"):
            d.set(**{key: bad})
    assert d.values() == {"n": 4, "x": 1.0, "flag": False, "name": "b"}
    assert framework.parse_query("dashboard=m&n=4&x=half", "m", d.controls) == {"n": 4, "x": 0.5}
    d.close()
