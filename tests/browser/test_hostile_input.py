"""Hostile input on "schedules" in Chromium.

Text typed into a slider's readout (ipywidgets 8 makes it editable): garbage,
nothing, numbers beyond a float's range, NaN, values past either end and between positions,
into a log, a linear and an integer slider ("schedules": lr, momentum, warmup). The widgets'
front end refuses text that is not a number (the readout goes back) and clamps a number to the
slider's range; the kernel then runs the value it gets, says a value between positions, and
must never show an error. After each, the browser shows the kernel's image, the kernel's
values are finite and in range, and the readout says the value that is run.

Menus switched in a burst during a diverging run (lr at its top: the quadratic diverges at step
5): every schedule, every problem and momentum key presses, sent without waiting for a figure.
The figure must end on the last values' (a fresh render's, byte for byte, and the browser's),
and say "diverged" exactly when that run diverged."""

from __future__ import annotations

import time

import harness as H
import make_fixtures
import pytest

pytestmark = pytest.mark.browser
NAME = "hostile_input.ipynb"
CELL = '''\
import hashlib, json, math
from wdlib import live
from wdlib.live import framework as F
dash = live.catalog()["schedules"]()

def state(rerender=False):
    with F._LOCK:
        d = dash
        out = {"sha": hashlib.sha256(d.image.value).hexdigest(),
                           "pending": bool(d._dirty or d._scheduled),
                           "error": None if d.error is None else repr(d.error),
                           "status": d.status.value, "values": d.values(),
                           "finite": all(math.isfinite(v) for v in d.values().values()
                                         if isinstance(v, float)),
                           "diverged": F._diverged_at(d.result)[0]}
        if rerender and not out["pending"]:     # the figure a fresh render at these values gives
            d.set(**d.values())
            out["sha_again"] = hashlib.sha256(d.image.value).hexdigest()
        return json.dumps(out)
dash'''
# (key, text typed, the value the kernel runs (None: unchanged), the readout after). A number
# between positions is put on the nearest one by the slider before the browser sends it
# (measured: the kernel gets 10^-1.75 for "0.02", never 0.02), so the readout, the value run and
# the figure agree and there is nothing to say.
TYPED = [("lr", "abc", None, "5.6e-2"), ("lr", "", None, "5.6e-2"), ("lr", "nan", None, "5.6e-2"),
         ("lr", "1e999", 1.0, "1.0e+0"), ("lr", "-1e999", 1e-3, "1.0e-3"),
         ("lr", "0", 1e-3, "1.0e-3"), ("lr", "0.02", 10 ** -1.75, "1.8e-2"),
         ("momentum", "garbage", None, "0.50"), ("momentum", "5", 0.99, "0.99"),
         ("momentum", "-5", 0.0, "0.00"), ("momentum", "0.553", 0.55, "0.55"),
         ("momentum", "Infinity", 0.99, "0.99"),
         ("warmup", "x", None, "0"), ("warmup", "999999", 50, "50"), ("warmup", "-3", 0, "0"),
         ("warmup", "7", 5, "5"), ("warmup", "1e3", 0, "0")]   # parseInt("1e3") is 1: 0


def kernel_state(server, rerender: bool = False, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while (out := H.kernel_expression(server, f"state({rerender})"))["pending"]:
        assert time.monotonic() < deadline, "a render still pending"
        time.sleep(0.02)
    return out


def open_dashboard(page, server, root) -> tuple[H.Notebook, H.Dashboard]:
    (root / NAME).write_text(make_fixtures.json.dumps(make_fixtures.notebook(CELL)),
                             encoding="utf-8")
    nb = H.Notebook(page, server, NAME).open().run_all(timeout=120)
    assert nb.errors() == [], nb.errors()
    dash = H.Dashboard.all(page, server)[0]
    dash.root.scroll_into_view_if_needed()
    dash.wait_idle()
    return nb, dash


def type_into_readout(dash: H.Dashboard, key: str, text: str) -> None:
    dash.control(key).locator(".widget-readout").first.click()
    keyboard = dash.page.keyboard
    keyboard.press("Control+A")
    keyboard.type(text) if text else keyboard.press("Delete")
    keyboard.press("Enter")


def test_text_typed_into_every_kind_of_slider_readout(lab_page, lab_server, served_root):
    errors = H.page_errors(lab_page)
    nb, dash = open_dashboard(lab_page, lab_server, served_root)
    seen = []
    for key, text, runs, shown in TYPED:
        before = kernel_state(lab_server)
        type_into_readout(dash, key, text)
        lab_page.wait_for_timeout(300)
        dash.wait_idle()
        after = kernel_state(lab_server)
        where = f"{key} typed {text!r}"
        assert after["error"] is None and "error" not in H._plain(after["status"]).lower(), \
            (where, after["error"], after["status"][:300])
        assert after["finite"], (where, after["values"])
        value = after["values"][key]
        if runs is None:
            assert after["values"] == before["values"], (where, before["values"], value)
        else:
            assert value == pytest.approx(runs, rel=1e-12), (where, value)
        assert dash.readout(key) == shown, (where, dash.readout(key), value)
        assert dash.shown_sha() == after["sha"], f"{where}: the browser shows a stale figure"
        seen.append(f"{key} {text!r} -> {dash.readout(key)} ({value!r})")
    assert nb.errors() == [], nb.errors()
    assert errors == [], f"JupyterLab's console: {errors[:3]}"
    print("; ".join(seen))



def test_menus_switched_in_a_burst_during_a_diverging_run(lab_page, lab_server, served_root):
    errors = H.page_errors(lab_page)
    nb, dash = open_dashboard(lab_page, lab_server, served_root)
    figure = dash.figure_state()
    type_into_readout(dash, "lr", "1")
    dash.wait_figure_settled(figure)
    start = kernel_state(lab_server)
    assert start["values"]["lr"] == 1.0 and start["diverged"], start["values"]
    assert "diverged at step" in H._plain(start["status"]), start["status"][:300]
    schedule = dash.control("schedule").locator("select")
    problem = dash.control("problem").locator("select")
    figure = dash.figure_state()
    kinds = schedule.evaluate("s => [...s.options].map(o => o.textContent)")
    problems = problem.evaluate("s => [...s.options].map(o => o.textContent)")
    for i, kind in enumerate(kinds + kinds[::-1]):      # ends on the first: a change to it
        schedule.select_option(label=kind)
        if i % 3 == 0:
            problem.select_option(label=problems[(i // 3) % len(problems)])
    dash.press("momentum", "ArrowRight")
    dash.press("momentum", "ArrowRight")
    problem.select_option(label=problems[0])            # back to the quadratic
    dash.wait_figure_settled(figure)
    end = kernel_state(lab_server, rerender=True)
    assert end["error"] is None and "error" not in H._plain(end["status"]).lower(), end["error"]
    assert end["values"]["schedule"] == kinds[0] and end["values"]["problem"] == "quadratic"
    assert end["values"]["momentum"] == 0.52 and end["values"]["lr"] == 1.0, end["values"]
    assert end["sha_again"] == end["sha"], "the image is not the last values' render"
    assert dash.shown_sha() == end["sha"], "the browser shows a stale figure"
    said = "diverged at step" in H._plain(end["status"])
    assert said == end["diverged"], (end["diverged"], end["status"][:300])
    assert nb.errors() == [], nb.errors()
    assert errors == [], f"JupyterLab's console: {errors[:3]}"
