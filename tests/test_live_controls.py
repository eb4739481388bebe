"""The framework's handling of control values (wdlib.live.framework), on small test dashboards:
menus with numeric options, values at the ends of a slider's range, the browser's slider
positions (ipywidgets 8's noUiSlider puts a kernel value on a position and sends it back; its
float arithmetic is not Python's), and the status line's notes about all of these."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

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


class Knobs(live.Dashboard):
    """Test-only: a log slider whose range is not a whole number of steps (lesson 09's lr: 1e-3
    to 0.5, positions 10 ** (-3 + k/4) and 0.5), a linear and an integer slider, a menu;
    compute records every values dict it is called with."""

    def __init__(self, **initial):
        self.computed = []
        super().__init__(**initial)

    def make_controls(self):
        return {"lr": live.log_slider("lr", 0.1, 1e-3, 0.5),
                "m": W.FloatSlider(value=0.5, min=0.0, max=0.95, step=0.05, description="m"),
                "n": live.int_slider("n", 20, 10, 400, step=10),
                "mode": W.Dropdown(options=["a", "b"], value="a", description="mode")}

    def setup(self, fig):
        self.ax = fig.subplots()

    def compute(self, values):
        self.computed.append(dict(values))
        return dict(values)

    def draw(self, r):
        return None


def as_ipywidgets7(d: live.Dashboard) -> live.Dashboard:
    """``d`` with ipywidgets 7's views (controls 1.5.0, jQuery UI sliders: Colab's), whose
    sliders never move a value the kernel sends; only the learner moves them."""
    for w in d.controls.values():
        w._view_module_version = "1.5.0"
    return d


ROUNDS = int(W.IntSlider()._view_module_version.split(".")[0]) >= 2   # ipywidgets >= 8


def test_a_value_a_rounding_error_past_a_sliders_end_is_kept_at_the_end_and_said(monkeypatch):
    """0.05 * 19 = 0.9500000000000001 passed the range check (its slack is for such rounding
    errors) and the widget clamped it to 0.95 without a word; from a link as from code."""
    d = Knobs()
    d.set(m=0.05 * 19, lr=0.5 * (1 + 1e-13))
    assert d.values()["m"] == 0.95 and d.computed[-1]["m"] == 0.95 and d.values()["lr"] == 0.5
    text = plain(d.status.value)
    assert ("m = 0.9500000000000001 is a rounding error past the slider's top end: the slider "
            "holds 0.95 (the run shown)") in text
    assert "lr = 0.50000000000005 is a rounding error past the slider's top end: the slider " \
        "holds 0.5 " in text
    d.set(lr=1e-3 * (1 - 1e-13))
    assert "lr = 0.0009999999999999 is a rounding error past the slider's bottom end: the " \
        "slider holds 0.001 " in plain(d.status.value)
    d.set(m=0.5)                                            # a value in range: the note goes
    assert "m = " not in plain(d.status.value)
    with pytest.raises(ValueError, match=r"m must be in \[0, 0.95\], got 0.951"):
        d.set(m=0.951)                                      # past the end by more: refused
    monkeypatch.setitem(framework._CATALOG, "knobs", Knobs)
    monkeypatch.setenv("QUERY_STRING", "dashboard=knobs&m=0.9500000000000001")
    linked = Knobs()
    assert linked.values()["m"] == 0.95
    assert "m = 0.9500000000000001 is a rounding error past" in plain(linked.status.value)
    d.close(), linked.close()


def test_values_from_a_link_are_said_and_which_code_values_they_replaced(monkeypatch):
    """A link's values silently replaced the values the notebook's own code passed."""
    monkeypatch.setitem(framework._CATALOG, "knobs", Knobs)
    monkeypatch.setenv("QUERY_STRING", "dashboard=knobs&n=40&mode=b&lr=0.01")
    d = Knobs(n=30, lr=0.01)
    assert d.values() == {"lr": 0.01, "m": 0.5, "n": 40, "mode": "b"}
    assert ("set by the link: n = 40 (the notebook's code asked for 30), mode = 'b', "
            "lr = 0.01") in plain(d.status.value)
    d.set(m=0.25)                                           # from code: the link's values stay
    assert "set by the link: n = 40 (the notebook" in plain(d.status.value)
    d.set(n=50)                                             # n is no longer the link's
    assert "set by the link: mode = 'b', lr = 0.01 ·" in plain(d.status.value)
    d.set(**d.opened)                  # a lesson cell puts the dashboard back as it opened
    assert ("set by the link: n = 40 (the notebook's code asked for 30), mode = 'b', "
            "lr = 0.01") in plain(d.status.value)
    d.set(n=50)
    d.controls["mode"].value = "a"                          # the learner moves: mode is theirs
    assert "set by the link: lr = 0.01 ·" in plain(d.status.value)
    d.controls["lr"].value = 0.1
    assert "link" not in plain(d.status.value)
    monkeypatch.setenv("QUERY_STRING", "dashboard=knobs")   # a link without values: no note
    assert "link" not in plain(Knobs(n=30).status.value)
    d.close()


@pytest.mark.parametrize("frontend", ["ipywidgets8", "ipywidgets7"])
def test_the_rounded_note_only_when_the_browser_rounded_a_value(frontend):
    """ipywidgets 8's slider puts a value the kernel sends on its nearest position and sends
    that back at once (when shown or updated); ipywidgets 7's never does. There, a move to the
    nearest position is the learner's own and said no 'the slider rounded'."""
    d = Knobs()
    if frontend == "ipywidgets7":
        as_ipywidgets7(d)
    elif not ROUNDS:
        pytest.skip("ipywidgets 7 here: its views never round")
    d.set(lr=0.3, m=0.93)
    text = plain(d.status.value)
    assert "lr = 0.3 is between the slider's positions (the run shown is at it)" in text
    assert d.computed[-1]["lr"] == 0.3 and d.computed[-1]["m"] == 0.93
    d.controls["lr"].value = 0.3162277660168383             # 10 ** -0.5, as Chromium sends it
    d.controls["m"].value = 0.95
    text = plain(d.status.value)
    assert d.computed[-1]["lr"] == 10 ** -0.5 and d.computed[-1]["m"] == 0.95
    if frontend == "ipywidgets8":       # the browser's own rounding, right after it got 0.3
        assert "the slider rounded lr = 0.3 to its nearest position 0.316228" in text
        assert "the slider rounded m = 0.93 to its nearest position 0.95" in text
    else:
        assert "the slider shows it at" not in text and "rounded" not in text
    d.controls["lr"].value = 0.1                            # a move of the learner's own
    assert "lr = " not in plain(d.status.value)
    d.close()


def test_a_learners_move_in_flight_does_not_hide_the_browsers_rounding_of_a_code_value():
    """Code sets lr = 0.3 while the learner drags: the learner's move, sent before the browser
    got 0.3, reaches the kernel first; then ipywidgets 8's slider puts 0.3 on its nearest
    position and sends that (it always does: the slider now shows 10 ** -0.5). The move took
    the expectation away, so the rounding was run as a learner's move and said nothing; the
    note named the learner's value, not the code's. Now the rounding is said, of 0.3."""
    if not ROUNDS:
        pytest.skip("ipywidgets 7's views never round")
    d = Knobs()
    d.set(lr=0.3, n=25)
    d.controls["lr"].value = 0.1                            # the learner's move, in flight
    d.controls["n"].value = 100
    text = plain(d.status.value)
    assert d.computed[-1]["lr"] == 0.1 and d.computed[-1]["n"] == 100
    assert "lr = " not in text and "n = " not in text and "rounded" not in text
    d.controls["lr"].value = 0.3162277660168383             # then the browser's rounding of 0.3
    d.controls["n"].value = 30                              # and of 25
    text = plain(d.status.value)
    assert d.computed[-1]["lr"] == 10 ** -0.5 and d.computed[-1]["n"] == 30
    assert "the slider rounded lr = 0.3 to its nearest position 0.316228" in text
    assert "the slider rounded n = 25 to its nearest position 30" in text
    d.controls["lr"].value = 0.1                            # the learner again: nothing pending
    d.controls["lr"].value = 0.3162277660168383
    assert "lr = " not in plain(d.status.value)
    d.close()


def test_the_learners_value_typed_into_a_readout_and_rounded_by_the_slider_is_said():
    """The readout takes typed text: ipywidgets 8 sends the typed value, then the slider's
    rounding of it."""
    if not ROUNDS:
        pytest.skip("ipywidgets 7's views never round")
    d = Knobs()
    d.controls["n"].value = 25
    assert d.values()["n"] == 25 and "n = 25 is between the slider's positions" in \
        plain(d.status.value)
    d.controls["n"].value = 30
    assert "the slider rounded n = 25 to its nearest position 30" in plain(d.status.value)
    d.close()


def test_positions_are_compared_not_the_browsers_floats():
    """The browser computes a position's value with Math.pow: 10 ** -1.75 came back as
    0.017782794100389236, not Python's 0.01778279410038923 (measured in Chromium), and a
    linear slider's 0.85 as 0.8500000000000001. Sent back for the position the kernel already
    had, that retrained the figure and changed the share link; a move to a new position ran at
    the browser's float, so the same position gave another run in another browser."""
    d = Knobs()
    d.set(lr=10 ** -1.75, m=0.85)
    renders, query = d.renders, d.share()["query"]
    assert d.moves == 0                                     # .set() is no move
    d.controls["lr"].value = 0.017782794100389236           # the same positions, echoed
    d.controls["m"].value = 0.8500000000000001
    assert d.renders == renders and d.share()["query"] == query and d.moves == 0
    assert d.values()["lr"] == 10 ** -1.75 and d.values()["m"] == 0.85
    assert "lr=0.01778279410038923&m=0.85&" in query
    d.controls["lr"].value = 0.3162277660168383             # the learner moves to 10 ** -0.5
    d.controls["m"].value = 0.35000000000000003             # and to 0.35 (7 · 0.05 in floats)
    assert d.values()["lr"] == 10 ** -0.5 and d.computed[-1]["lr"] == 10 ** -0.5
    assert d.values()["m"] == 0.35 and d.computed[-1]["m"] == 0.35
    assert "rounded" not in d.status.value and "between" not in d.status.value
    assert d.moves == 2                 # what the browser test reads: changes that retrain
    d.close()


def test_the_top_end_of_a_slider_is_a_position_even_off_the_step_grid():
    """noUiSlider reaches max even where max - min is not a whole number of steps (lesson 09's
    lr slider sends 0.5; an exponent past the last whole step, -0.37, goes to 0.5, -0.39 to
    10 ** -0.5: measured in Chromium). nearest_position said 0.5 was between positions and
    would become 0.316."""
    d = Knobs()
    lr = d.controls["lr"]
    assert framework.nearest_position(lr, 0.5) is None
    assert framework.nearest_position(lr, 10 ** -0.37) == 0.5
    assert framework.nearest_position(lr, 10 ** -0.39) == 10 ** -0.5
    assert framework.nearest_position(lr, 10 ** -0.45) == 10 ** -0.5
    d.set(lr=0.5)
    assert "between" not in d.status.value
    d.close()


def test_notes_are_worked_out_when_a_value_changes_not_at_every_render(monkeypatch):
    seen = []
    real = framework.nearest_position
    monkeypatch.setattr(framework, "nearest_position",
                        lambda widget, value: seen.append(widget) or real(widget, value))
    d = Knobs(lr=0.3)
    seen.clear()
    d.set(mode="b")
    d.controls["mode"].value = "a"
    assert seen and all(w is d.controls["mode"] for w in seen)
    assert "lr = 0.3 is between" in plain(d.status.value)       # the lr note is still shown
    d.close()


def test_a_value_a_hair_off_a_position_is_said_with_the_digits_that_tell_them_apart():
    """A NumPy float32 0.1 (0.10000000149011612) is between the log slider's positions 0.1
    and the next: the note said "lr = 0.1 is between the slider's positions ...; rounds it to
    0.1", two equal numbers. Where ``:g`` writes both alike, both get every digit."""
    d = Knobs()
    d.set(lr=np.float32(0.1))
    assert d.computed[-1]["lr"] == float(np.float32(0.1))        # run as given
    text = plain(d.status.value)
    expected = ("lr = 0.10000000149011612 is between the slider's positions (the run shown is "
                "at it)")
    assert expected in text, text
    if ROUNDS:
        assert "rounds it to 0.1 ·" in text, text
        d.controls["lr"].value = 0.1                    # the browser's rounding of it
        assert ("the slider rounded lr = 0.10000000149011612 to its nearest position 0.1 "
                "(the run shown)") in plain(d.status.value)
    d.set(lr=0.3)                                       # :g tells these apart: kept short
    assert "lr = 0.3 is between" in plain(d.status.value)
    d.close()


@pytest.mark.parametrize("text", ["abc", "0", "-1", "0.5", "nan", "inf", "5", "1e400", "2 x"])
def test_a_bad_pixel_ratio_setting_is_named_with_its_value(text):
    """WDLIB_PIXEL_RATIO=abc failed the import with "could not convert string to float: 'abc'",
    =0 and =nan a dashboard's construction with matplotlib's "dpi must be positive" and NumPy's
    "cannot convert float NaN to integer": never naming the setting."""
    with pytest.raises(ValueError, match=re.escape(f"WDLIB_PIXEL_RATIO must be a number in "
                                                   f"[1, 4] (1 or 2: the screen's device pixels "
                                                   f"per CSS pixel), got {text!r}")):
        framework._pixel_ratio(text)


@pytest.mark.parametrize("text, ratio", [(None, 1.0), ("", 1.0), ("  ", 1.0), ("1", 1.0),
                                         ("2", 2.0), (" 2 ", 2.0), ("1.5", 1.5), ("4", 4.0)])
def test_a_pixel_ratio_setting_unset_empty_or_in_range(text, ratio):
    assert framework._pixel_ratio(text) == ratio


def test_the_import_names_a_bad_pixel_ratio_setting():
    """The setting is read once, on import: a bad one fails there, with the setting's name."""
    env = {**os.environ, "WDLIB_PIXEL_RATIO": "abc", "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", "import wdlib.live"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode != 0
    assert "ValueError: WDLIB_PIXEL_RATIO must be a number in [1, 4]" in out.stderr, \
        out.stderr[-500:]
