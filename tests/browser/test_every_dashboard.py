"""Every dashboard in ``live.catalog()`` on one JupyterLab page in Chromium, every slider driven:
a key press and a mouse drag on each must give a new figure and a new readout; a burst of key
presses faster than a redraw must end on the figure of the last position (no stale figure: the
PNG the browser shows is, byte for byte, the kernel's image, and that image is what a fresh
render at the kernel's values gives), with no error anywhere.

The notebook is written into the served copy (a temporary directory) by the test itself.
"""

from __future__ import annotations

import harness as H
import make_fixtures
import pytest

pytestmark = pytest.mark.browser
NAME = "every_dashboard.ipynb"
BURST = 6

SETUP = '''\
import hashlib, json
from wdlib import live
from wdlib.live import framework as F
dashes = {}

def state(name, rerender=False):
    """What the test reads: the image's SHA-256, each control's slider position, the status."""
    d = dashes[name]
    out = {"sha": hashlib.sha256(d.image.value).hexdigest(), "moves": d.moves,
           "error": None if d.error is None else repr(d.error), "status": d.status.value,
           "pos": {k: F.slider_position(w, d.values()[k]) for k, w in d.controls.items()},
           "top": {k: F.slider_position(w, F._bounds(w)[1]) for k, w in d.controls.items()
                   if F._bounds(w) is not None}}
    if rerender:                          # the figure a fresh render at these values gives
        d.set(**d.values())
        out["sha_again"] = hashlib.sha256(d.image.value).hexdigest()
    return json.dumps(out)
'''

# The browser's figure: the SHA-256 of the PNG bytes the <img> shows (its blob or data URL).
_SHOWN_SHA = """async (el) => {
  const img = el.tagName === 'IMG' ? el : el.querySelector('img');
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const h = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(h)].map(b => b.toString(16).padStart(2, '0')).join('');
}"""


def kernel_state(server, name: str, rerender: bool = False) -> dict:
    return H.kernel_expression(server, f"state({name!r}, rerender={rerender})")


def shown_sha(dash: H.Dashboard) -> str:
    return dash.figure.evaluate(_SHOWN_SHA)


def test_every_slider_of_every_dashboard_key_drag_and_burst(lab_page, lab_server, served_root):
    names = list(H.kernel_catalog_names())
    cells = [SETUP] + [f'dashes["{n}"] = live.catalog()["{n}"]()\ndashes["{n}"]' for n in names]
    (served_root / NAME).write_text(make_fixtures.json.dumps(make_fixtures.notebook(*cells)),
                                    encoding="utf-8")
    nb = H.Notebook(lab_page, lab_server, NAME).open().run_all(timeout=240)
    assert nb.errors() == [], nb.errors()
    shown = H.Dashboard.all(lab_page, lab_server)
    assert len(shown) == len(names), (len(shown), names)
    moved = 0
    for name, dash in zip(names, shown, strict=True):
        dash.root.scroll_into_view_if_needed()
        dash.wait_idle()
        keys = dash.slider_keys()
        assert keys, f"{name}: no slider"
        for key in keys:
            for move in ("key", "drag"):
                readout, figure = dash.readout(key), dash.figure_state()
                dash.press(key) if move == "key" else dash.drag(key)
                try:
                    dash.wait_figure_settled(figure)
                except AssertionError as e:
                    raise AssertionError(f"{name}: {key} slider, {move}: {e}") from None
                assert dash.readout(key) != readout, f"{name}: {key} {move}: readout stayed"
                moved += 1
        # A burst on the first slider, faster than a redraw, towards the side with room.
        key = keys[0]
        before = kernel_state(lab_server, name)["pos"][key]
        step = dash._towards_room(key)
        arrow = "ArrowRight" if step > 0 else "ArrowLeft"
        handle = dash.control(key).locator(".noUi-handle").first
        handle.focus()
        figure = dash.figure_state()
        for _ in range(BURST):
            handle.press(arrow)
            lab_page.wait_for_timeout(15)
        dash.wait_figure_settled(figure)
        after = kernel_state(lab_server, name, rerender=True)
        expected = min(max(before + step * BURST, 0), after["top"][key])
        assert after["pos"][key] == expected, (name, key, before, step, after["pos"])
        assert after["sha_again"] == after["sha"], f"{name}: the image is not the last value's"
        assert shown_sha(dash) == after["sha"], f"{name}: the browser shows a stale figure"
        assert after["error"] is None and "error" not in H._plain(after["status"]).lower(), \
            (name, after["error"], after["status"][:300])
        assert after["moves"] >= 2 * len(keys) + 1, (name, after["moves"])
    assert nb.errors() == [], nb.errors()
    print(f"moved {moved} sliders by key and drag on {len(names)} dashboards, "
          f"{len(names)} bursts of {BURST}")
