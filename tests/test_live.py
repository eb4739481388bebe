"""Tests of wdlib.live (the dashboard framework and every dashboard in its catalog) and wdlib.plots.

Generic over ``live.catalog()``: a dashboard added there is driven over each control's extremes
and interior values, checked for changing artist data, coalescing and determinism automatically.
"""

import asyncio
import io
import os
import re
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from wdlib import live, loop, models, plots, train  # noqa: E402
from wdlib.live import framework  # noqa: E402
from wdlib.live.polynomial import Polynomial  # noqa: E402

NAMES = sorted(live.catalog())


# --- helpers --------------------------------------------------------------------------------

def artist_data(fig):
    """Everything a dashboard's draw can change, as plain values (lines, bars, dots, texts)."""
    out = []
    for a in fig.findobj():
        if isinstance(a, Line2D):
            out.append(np.asarray(a.get_xydata(), dtype=float).round(12).tolist())
        elif isinstance(a, Rectangle):
            out.append([a.get_x(), a.get_y(), a.get_width(), a.get_height()])
        elif isinstance(a, Collection):
            out.append(np.asarray(a.get_offsets(), dtype=float).round(12).tolist())
        elif isinstance(a, Text):
            out.append([a.get_text(), a.get_visible()])
    out.append([ax.get_xlim() + ax.get_ylim() for ax in fig.axes])
    return out


def positions(widget):
    """A control's extremes and a few interior values.

    A two-position control (Checkbox, ToggleButton) gives [False, True, False]: both positions,
    then the first again, so the tests that take position 2 (an interior value of a slider, the
    third option of a menu) run for it too, at False (the "off" state that a default-on toggle
    would otherwise never reach there).
    """
    if isinstance(widget, W.Checkbox | W.ToggleButton):
        return [False, True, False]
    if isinstance(widget, W.FloatLogSlider):
        return [widget.base ** (widget.min + q * (widget.max - widget.min))
                for q in (0.0, 1.0, 0.25, 0.5, 0.75)]
    if isinstance(widget, W.IntSlider):
        lo, hi = widget.min, widget.max
        return [lo, hi] + [v for v in (lo + (hi - lo) // 4, (lo + hi) // 2) if v not in (lo, hi)]
    if isinstance(widget, W.FloatSlider):
        return [widget.min, widget.max, (widget.min + widget.max) / 2]
    if hasattr(widget, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in widget.options]
    pytest.fail(f"test_live.positions does not know {type(widget).__name__}: add it")


@pytest.fixture(scope="module")
def dashboards():
    built = {name: factory() for name, factory in live.catalog().items()}
    yield built
    for d in built.values():
        d.close()


class Quadratic(live.Dashboard):
    """Test-only: gradient descent on loss = w²/2 from w = 1, 200 steps; diverges for lr > 2.

    w_t = (1 - lr)^t. With lr = 100, loss_t = 99^(2t)/2 is finite up to t = 77 and overflows to
    inf at t = 78 (99^156 ≈ 1e311), so "diverged at step 78".
    """

    def __init__(self, **initial):
        self.computed = []          # every values dict compute was called with
        super().__init__(**initial)

    def make_controls(self):
        return {"lr": live.log_slider("lr", 0.1, 1e-3, 1e3),
                "mode": W.Dropdown(options=["ok", "raise-diverged", "bug"], value="ok",
                                   description="mode")}

    def setup(self, fig):
        self.ax = fig.subplots()
        self.line, = self.ax.plot(np.arange(200), np.ones(200), animated=True)
        self.ax.set_yscale("log")

    def compute(self, values):
        self.computed.append(values)
        if values["mode"] == "bug":
            return 1 / 0
        if values["mode"] == "raise-diverged":
            raise live.Diverged(5)
        w = (1 - values["lr"]) ** np.arange(200.0)          # overflow -> inf, silenced by errstate
        loss = w ** 2 / 2                                     # inf * inf, nan allowed
        bad = np.flatnonzero(~np.isfinite(loss))
        return {"loss": loss, "diverged_at": int(bad[0]) if bad.size else None}

    def draw(self, r):
        self.line.set_ydata(np.where(np.isfinite(r["loss"]), r["loss"], np.nan))
        self.ax.set_ylim(plots.log_limits(r["loss"]))
        return f"final loss {r['loss'][-1]:.3g}"


# --- every dashboard in the catalog -----------------------------------------------------------

def test_catalog_has_polynomial_and_factories_take_no_arguments(dashboards):
    assert "polynomial" in NAMES
    for name, d in dashboards.items():
        assert isinstance(d, live.Dashboard), name
        assert d.renders >= 1 and d.image.value[:8] == b"\x89PNG\r\n\x1a\n"
        assert "error" not in d.status.value and "diverged at step" not in d.status.value
        assert not d._note.get_visible(), name          # no run at the defaults is diverged as
        # a whole (the λ × lr grid shows its diverged cells by design and says how many)
        n_bad = d.result.get("n_bad", 0) if isinstance(d.result, dict) else 0
        assert n_bad == (10 if name == "lambda_lr_grid" else 0), (name, d.status.value)


def test_catalog_is_in_lesson_order_whatever_was_imported_first():
    """The order a link's error lists the dashboards in: importing ``weight_decay`` first (a
    notebook or test that imports one dashboard module) made it the first, ahead of lesson 01's
    ``polynomial``."""
    code = ("import wdlib.live.schedules, wdlib.live.weight_decay\n"
            "from wdlib import live\nprint(','.join(live.catalog()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "MPLBACKEND": "Agg"}).stdout
    assert out.strip().split(",") == list(framework.DASHBOARD_MODULES)


@pytest.mark.parametrize("name", NAMES)
def test_dom_contract(name, dashboards):
    d = dashboards[name]
    assert "wdlib-dashboard" in d.widget._dom_classes
    assert isinstance(d.image, W.Image) and "wdlib-figure" in d.image._dom_classes
    assert isinstance(d.status, W.HTML) and "wdlib-status" in d.status._dom_classes
    for key, w in d.controls.items():
        assert f"wdlib-control-{key}" in w._dom_classes
        assert w.description
    shown = set()
    stack = [d.widget]
    while stack:
        w = stack.pop()
        shown.add(w.model_id)
        stack.extend(getattr(w, "children", ()))
    parts = [d.image, d.status, *d.controls.values()]
    assert {w.model_id for w in parts} <= shown
    assert isinstance(d.figure, Figure)


@pytest.mark.parametrize("name", NAMES)
def test_every_control_position_renders_and_changes_the_figure(name, dashboards):
    d = dashboards[name]
    for key, widget in d.controls.items():
        # each control moves from the lesson's defaults: left where the previous control's last
        # position put it, a control may legitimately stop mattering (e.g. the seed once every
        # run has converged to the same minimum)
        d.set(**d.defaults)
        seen = []
        for value in positions(widget):
            d.set(**{key: value})
            assert d.values()[key] == pytest.approx(value) if not isinstance(value, str) else \
                d.values()[key] == value
            assert "error" not in d.status.value, (key, value, d.status.value)
            seen.append((artist_data(d.figure), d.image.value))
        (data_lo, png_lo), (data_hi, png_hi) = seen[0], seen[1]
        assert data_lo != data_hi, f"{name}: moving {key} did not change any artist"
        assert png_lo != png_hi, f"{name}: moving {key} did not change the picture"
    d.set(**d.defaults)


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_and_static_is_the_default_figure(name, dashboards):
    d = dashboards[name]
    fresh = live.catalog()[name]()
    key, widget = next(iter(d.controls.items()))
    d.set(**{key: positions(widget)[1]})
    fig = d.static()
    assert fig is d.figure and d.values() == fresh.values() == fresh.defaults
    assert artist_data(fig) == artist_data(fresh.figure)
    assert d.image.value == fresh.image.value          # same seed, same bits
    fresh.close()


@pytest.mark.parametrize("name", NAMES)
def test_static_figure_saves_like_the_widget_image(name, dashboards):
    """What a notebook stores (savefig of .static()) shows the animated artists too."""
    from PIL import Image
    d = dashboards[name]
    buf = io.BytesIO()
    d.static().savefig(buf, format="png", dpi=d.dpi)
    saved = np.asarray(Image.open(buf).convert("RGB"), dtype=int)
    shown = np.asarray(Image.open(io.BytesIO(d.image.value)).convert("RGB"), dtype=int)
    assert saved.shape == shown.shape
    assert np.mean(np.any(saved != shown, axis=2)) < 1e-3     # a missing curve is >1% of pixels


@pytest.mark.parametrize("name", NAMES)
def test_blitting_matches_a_full_redraw(name, dashboards):
    d = dashboards[name]
    for key, widget in d.controls.items():
        d.set(**{key: positions(widget)[2]})
    blitted = d.image.value
    d.renderer.invalidate()
    d.set()                                             # same values, full draw
    assert d.image.value == blitted
    d.set(**d.defaults)


def next_position(widget):
    """The control's position one step from its current value (a slider step, the next option,
    the other state): a learner's smallest move."""
    v = widget.value
    if isinstance(widget, W.Checkbox | W.ToggleButton):
        return not v
    if isinstance(widget, W.FloatLogSlider):
        up = v * widget.base ** widget.step
        return up if up <= widget.base ** widget.max else v / widget.base ** widget.step
    if isinstance(widget, W.IntSlider | W.FloatSlider):
        return v + widget.step if v + widget.step <= widget.max else v - widget.step
    options = positions(widget)
    return options[(options.index(v) + 1) % len(options)]


@pytest.mark.parametrize("name", NAMES)
def test_a_small_move_of_any_control_is_blitted(name, dashboards):
    """At the default settings, one step of any control (and back) redraws only the animated
    artists: a full redraw (~50-100 ms) is for axis limits that change, never a slider step.
    (The normalized dashboard once put its optimizer's rule in the background: every dropdown
    change became a full redraw, 101 ms.)"""
    d = dashboards[name]
    d.set(**d.defaults)
    for key, widget in d.controls.items():
        full = d.renderer.full_draws
        d.set(**{key: next_position(widget)})
        d.set(**{key: d.defaults[key]})
        assert d.renderer.full_draws == full, f"{name}.{key}: a full redraw"


@pytest.mark.parametrize("name", NAMES)
def test_fifty_queued_changes_render_once_with_the_latest_value(name):
    d = live.catalog()[name]()
    key, widget = next((k, w) for k, w in d.controls.items() if hasattr(w, "min"))
    values = positions(widget)
    target = values[1]

    async def storm():
        before = d.renders
        for i in range(49):
            widget.value = values[i % 2 * 2]            # alternates between two other positions
        widget.value = target
        assert d.renders == before                      # nothing rendered yet: all queued
        await asyncio.sleep(5 * framework.SETTLE_S)
        return d.renders - before

    assert asyncio.run(storm()) == 1
    # a value from the browser is a slider position, run at the position's value in Python's
    # arithmetic (the top end of lesson 09's lr slider: 0.5, not base ** (min + 1.0·range))
    assert d.values()[key] == pytest.approx(target, rel=1e-12)
    reference = live.catalog()[name](**{key: d.values()[key]})
    assert artist_data(d.figure) == artist_data(reference.figure)
    assert d.image.value == reference.image.value
    d.close(), reference.close()


@pytest.mark.parametrize("name", NAMES)
def test_unknown_control_and_bad_values_raise_before_changing_anything(name, dashboards):
    d = dashboards[name]
    renders, values = d.renders, d.values()
    with pytest.raises(ValueError, match="unknown control 'nope'.*controls are") as e:
        d.set(nope=1)
    assert all(repr(k) in str(e.value) for k in d.controls)
    for key, w in d.controls.items():
        if hasattr(w, "min"):
            hi = w.base ** w.max if isinstance(w, W.FloatLogSlider) else w.max
            with pytest.raises(ValueError, match=f"{key} must be"):
                d.set(**{key: hi * 10 + 1})
            with pytest.raises(ValueError, match=key):
                d.set(**{key: True})
    assert d.renders == renders and d.values() == values


def test_log_sliders_readout(dashboards):
    for d in dashboards.values():
        for key, w in d.controls.items():
            if isinstance(w, W.FloatLogSlider):
                assert w.readout_format == plots.SLIDER_FORMAT == ".1e", key
                assert w.continuous_update
    assert live.catalog()["polynomial"]().controls["lam"].value == 1e-7
    # fmt_sci writes numbers as d3's ".1e" does in the browser readout
    cases = {1e-4: "1.0e-4", 1e-7: "1.0e-7", 10 ** -4.5: "3.2e-5", 1.0: "1.0e+0", 10.0: "1.0e+1",
             0.00025: "2.5e-4", 10 ** 2.75: "5.6e+2"}
    for value, text in cases.items():
        assert plots.fmt_sci(value) == text


def test_repr_mimebundle_shows_the_widget(dashboards):
    d = dashboards["polynomial"]
    bundle = d._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == d.widget.model_id
    assert bundle["text/plain"].startswith("Polynomial dashboard — controls: degree, lam")


# --- polynomial: the numbers behind the picture ----------------------------------------------

def test_polynomial_matches_ridge_and_overfits_at_defaults():
    from wdlib import data, solvers
    d = Polynomial()
    ds = data.polynomial(n=20, n_val=200, degree=3, noise=0.2, seed=0)
    F = data.polynomial_features(ds.X, 12)
    w, b = solvers.ridge(F, ds.y, 1e-7)
    train = 0.5 * np.mean((F @ w + b - ds.y[:, 0]) ** 2)
    assert d.result["train"][-1] == pytest.approx(train, rel=1e-10)
    np.testing.assert_allclose(d.result["coef"], np.abs(w), rtol=1e-8, atol=1e-12)
    np.testing.assert_array_equal(d.fit_line.get_ydata(), d.result["curve"])
    assert d.result["val"][-1] > 3 * d.result["train"][-1] * 5      # overfits at the defaults
    d.set(lam=1e-2)
    assert d.result["val"][-1] < 0.5 * Polynomial().result["val"][-1]   # λ fixes it
    # the loss-vs-λ curve is K separate ridge fits, batched
    i = 20
    w_i, b_i = solvers.ridge(F, ds.y, d.LAMS[i])
    assert d.result["train"][i] == pytest.approx(0.5 * np.mean((F @ w_i + b_i - ds.y[:, 0]) ** 2),
                                                 rel=1e-10)
    assert "degree 12, λ = 1.0e-2" in d.status.value


# --- the framework, with test-only dashboards ------------------------------------------------

def test_divergence_is_reported_at_the_hand_computed_step():
    d = Quadratic()
    assert d.result["diverged_at"] is None and not d._note.get_visible()
    d.set(lr=100.0)                     # no RuntimeWarning either (pytest turns them into errors)
    assert d.result["diverged_at"] == 78
    assert "diverged at step 78" in d.status.value
    assert d._note.get_visible() and d._note.get_text() == "diverged at step 78"
    diverged_png = d.image.value
    d.set(lr=0.5)
    assert not d._note.get_visible() and "diverged" not in d.status.value
    assert d.image.value != diverged_png
    d.set(mode="raise-diverged")        # compute raising live.Diverged: reported, not raised
    assert "diverged at step 5" in d.status.value and d._note.get_text() == "diverged at step 5"


def test_bug_shows_in_status_reraises_in_set_and_keeps_the_widget_alive():
    d = Quadratic()
    with pytest.raises(ZeroDivisionError):
        d.set(mode="bug")
    assert "error: ZeroDivisionError" in d.status.value
    d.set(mode="ok")
    assert "error" not in d.status.value
    d.controls["mode"].value = "bug"    # a slider move: no running loop, renders at once
    assert isinstance(d.error, ZeroDivisionError) and "error: ZeroDivisionError" in d.status.value
    d.controls["mode"].value = "ok"
    assert "error" not in d.status.value and "final loss" in d.status.value


def test_coalescing_computes_only_the_newest_values(monkeypatch):
    monkeypatch.setattr(framework, "SETTLE_S", 0.15)     # generous: a loaded machine stays in time
    d = Quadratic()

    async def trickle(lrs, gap):
        for lr in lrs:
            d.controls["lr"].value = lr
            await asyncio.sleep(gap)                # events keep arriving faster than SETTLE_S
        await asyncio.sleep(3 * framework.SETTLE_S)

    n = len(d.computed)
    asyncio.run(trickle(np.linspace(0.01, 1.0, 20), 0.002))
    assert [v["lr"] for v in d.computed[n:]] == [1.0]
    # a never-ending stream is not starved: a render at least every MAX_WAIT_S, latest values
    monkeypatch.setattr(framework, "MAX_WAIT_S", 0.1)
    n, lrs, t0 = len(d.computed), np.linspace(0.01, 1.0, 100), time.perf_counter()
    asyncio.run(trickle(lrs, 0.005))                 # >= 0.5 s of events
    elapsed = time.perf_counter() - t0
    rendered = [v["lr"] for v in d.computed[n:]]
    assert 3 <= len(rendered) <= elapsed / framework.MAX_WAIT_S + 1 and rendered[-1] == lrs[-1]
    assert rendered == sorted(rendered)             # never an older value after a newer one


def test_full_redraw_only_when_limits_change():
    d = Quadratic()
    full = d.renderer.full_draws
    d.set(lr=3.0)                       # loss grows: new y limits (0.25, 1e12)
    assert d.renderer.full_draws == full + 1
    d.set(mode="raise-diverged")        # nothing drawn but the note: blit
    assert d.renderer.full_draws == full + 1


class Gated(live.Dashboard):
    """Test-only: two sliders; ``compute`` at the values ``hold_at`` waits for ``gate`` (set
    ``entered`` first), so a test can make a render last while another thread acts."""

    def __init__(self, **initial):
        self.hold_at, self.entered, self.gate = None, threading.Event(), threading.Event()
        super().__init__(**initial)

    def make_controls(self):
        return {"a": live.int_slider("a", 0, 0, 5), "b": live.int_slider("b", 0, 0, 5)}

    def setup(self, fig):
        self.ax = fig.subplots()
        self.line, = self.ax.plot(np.arange(10), np.zeros(10), animated=True)
        self.ax.set_ylim(-1, 11)

    def compute(self, values):
        if (values["a"], values["b"]) == self.hold_at:
            self.entered.set()
            assert self.gate.wait(10), "the test never opened the gate"
        return {**values, "y": values["a"] + values["b"] * np.linspace(0, 1, 10)}

    def draw(self, r):
        self.line.set_ydata(r["y"])
        return f"a = {r['a']}, b = {r['b']}"


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def _kernel_shell(d, key, value):
    """A slider change handled on a thread with its own event loop, as the kernel's main shell
    and the widgets' subshell each handle theirs (JupyterLab 4.6 sends comms over a subshell);
    the loop runs until the change's render has been drawn."""
    async def handle():
        d.controls[key].value = value
        await asyncio.sleep(20 * framework.SETTLE_S + 0.2)
    return _in_thread(lambda: asyncio.run(handle()))


def _assert_shows_its_values(d):
    """The image, the result and the status are a render's at ``d.values()``."""
    fresh = Gated(**d.values())
    assert {k: d.result[k] for k in d.controls} == d.values()
    assert d.image.value == fresh.image.value, "the image is not the current values' render"
    assert "a = {a}, b = {b}".format(**d.values()) in d.status.value


def test_a_change_on_another_thread_waits_for_a_render_in_progress():
    """A change handled on one thread while another thread's render computes (the widgets'
    subshell and the main shell: a browser burst while a cell runs) is drawn after it: the
    figure ends at the newest values, never the slower render's older ones."""
    d = Gated()
    d.hold_at = (1, 0)
    first = _kernel_shell(d, "a", 1)                    # renders (1, 0): held in compute
    assert d.entered.wait(10)
    second = _kernel_shell(d, "b", 2)                   # (1, 2), on another thread and loop
    second.join(0.3)                                    # without a lock it renders meanwhile
    d.gate.set()
    first.join(10), second.join(10)
    assert not first.is_alive() and not second.is_alive()
    assert d.values() == {"a": 1, "b": 2}
    _assert_shows_its_values(d)
    assert d.renders == 3 and d.error is None           # the first, (1, 0) and (1, 2)


def test_set_on_another_thread_waits_for_a_render_in_progress():
    """``set()`` returns when its figure is in the widget, and no render still in progress on
    another thread (a slider's, from the widgets' subshell) replaces it afterwards."""
    d = Gated()
    d.hold_at = (3, 0)
    slider = _kernel_shell(d, "a", 3)                   # renders (3, 0): held in compute
    assert d.entered.wait(10)
    done = threading.Event()
    code = _in_thread(lambda: (d.set(b=4), done.set()))     # a cell's set() meanwhile
    assert not done.wait(0.3), "set() drew while another render was in progress"
    d.gate.set()
    slider.join(10), code.join(10)
    assert done.is_set() and d.values() == {"a": 3, "b": 4}
    _assert_shows_its_values(d)


def test_a_change_is_drawn_while_the_loop_of_another_pending_render_is_busy():
    """A change taken on one thread schedules its render on that thread's loop even where a
    render is already scheduled on another thread's loop that is busy (the main shell running a
    cell after it took a slider's change): the widgets' subshell draws it, without waiting for
    the cell (that pending render then finds nothing left to draw)."""
    d = Gated()
    busy, drawn = threading.Event(), threading.Event()

    async def main_shell():                         # takes a change, then runs a "cell"
        d.controls["a"].value = 1
        busy.set()
        drawn.wait(10)                              # blocks this loop, as a cell does
        await asyncio.sleep(20 * framework.SETTLE_S)
    main = _in_thread(lambda: asyncio.run(main_shell()))
    assert busy.wait(10)
    subshell = _kernel_shell(d, "b", 2)             # its loop is free
    deadline = time.monotonic() + 3                 # the "cell" lasts till drawn is set
    while d.renders < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert d.renders == 2, "the change waited for the busy loop's render"
    assert d.values() == {"a": 1, "b": 2}
    _assert_shows_its_values(d)
    drawn.set()
    main.join(10), subshell.join(10)
    assert not main.is_alive() and not subshell.is_alive()
    assert d.renders == 2 and d.error is None and not d._dirty and not d._scheduled


def test_a_change_waiting_for_the_lock_takes_the_widgets_newest_value():
    """A browser move sets the widget's value on its thread at once, then its observer waits for
    the lock (a render in progress). A ``set()`` of the same control that runs first (here on the
    thread holding the lock, as a cell's ``set()`` right after a render on the main shell) gives
    the widget a newer value: the waiting observer must take the widget's value, not its change's
    older one, or the figure and ``values()`` end at the move while the slider shows ``set()``'s."""
    d = Gated()
    with framework._LOCK:                               # a render in progress on this thread
        move = _in_thread(lambda: setattr(d.controls["a"], "value", 2))   # then waits for it
        deadline = time.monotonic() + 10
        while d.controls["a"].value != 2:               # the move's value is on the widget
            assert time.monotonic() < deadline
            time.sleep(0.001)
        d.set(a=4)                                      # re-entrant: this thread holds the lock
        assert d.controls["a"].value == 4 and d.values()["a"] == 4
    move.join(10)
    assert not move.is_alive()
    assert d.controls["a"].value == 4 and d.values() == {"a": 4, "b": 0}
    _assert_shows_its_values(d)


def test_set_reads_no_value_a_browser_move_put_on_the_widget_meanwhile():
    """``set()`` gives the widget its value, then works out what the widget holds. A browser move
    landing on the widget in between (its thread sets the value, then waits for the lock in the
    observer) made a read-back see the move's value: ``set(a=4)`` then said "a = 4 is a rounding
    error past the slider's bottom end: the slider holds 2" and ran at 2. The move is a change
    after ``set()``: ``set()`` shows 4 with no note, then the move's observer draws 2."""
    d = Gated()
    moves = []

    def browser_move_now(change):                   # right after set() puts 4 on the widget
        if change["new"] == 4 and not moves:
            moves.append(_in_thread(lambda: setattr(d.controls["a"], "value", 2)))
            deadline = time.monotonic() + 10
            while d.controls["a"].value != 2:       # the move's value is on the widget
                assert time.monotonic() < deadline
                time.sleep(0.001)
    d.controls["a"].observe(browser_move_now, names="value")
    shown = []
    d.draw = lambda r, draw=d.draw: (shown.append((r["a"], d.status.value)), draw(r))[1]
    d.set(a=4)
    assert moves, "the browser move never ran"
    assert shown[-1][0] == 4 and d.values()["a"] in (2, 4)
    assert "rounding error" not in d.status.value, d.status.value
    moves[0].join(10)
    assert not moves[0].is_alive()
    assert d.controls["a"].value == 2 and d.values() == {"a": 2, "b": 0}
    assert d.moves == 1 and "rounding error" not in d.status.value, d.status.value
    _assert_shows_its_values(d)


def test_static_and_close_wait_for_a_render_in_progress():
    """``static()`` checked the values and returned the figure outside the lock: with another
    thread's render in progress at the opened values it returned at once, a figure half-drawn
    by that thread (a notebook then draws it on its own). ``close()`` closed the widgets while
    that render went on writing to them. Both now wait for it; after ``close()`` a pending
    render draws nothing and ``set()`` raises."""
    for method in ("static", "close"):
        d = Gated()
        d.hold_at = (0, 0)                              # the values it opened at
        slider = _in_thread(lambda d=d: d.set(a=0))     # a render at them, held in compute
        assert d.entered.wait(10)
        done = threading.Event()
        code = _in_thread(lambda d=d, m=method, e=done: (getattr(d, m)(), e.set()))
        assert not done.wait(0.3), f"{method}() returned while a render was in progress"
        d.gate.set()
        slider.join(10), code.join(10)
        assert done.is_set() and d.error is None
        _assert_shows_its_values(d)
    renders = d.renders
    d._dirty = True                                     # a render pending on a loop
    asyncio.run(_flush_soon(d))
    assert d.renders == renders
    with pytest.raises(RuntimeError, match="Gated: the dashboard is closed"):
        d.set(a=1)


async def _flush_soon(d):
    d._scheduled[asyncio.get_running_loop()] = time.perf_counter() - 1
    d._last_change = time.perf_counter() - 1
    d._flush()


def test_initial_values_and_bad_helper_arguments():
    d = Quadratic(lr=2.0)
    assert d.defaults == {"lr": 2.0, "mode": "ok"}
    with pytest.raises(ValueError, match="unknown control 'lam'"):
        Quadratic(lam=1.0)
    with pytest.raises(ValueError, match="mode must be one of"):
        d.set(mode="fast")
    with pytest.raises(ValueError, match="value must be in"):
        live.log_slider("lam", 1e-9, 1e-7, 1.0)
    with pytest.raises(ValueError, match="value must be in"):
        live.int_slider("degree", 0, 1, 15)
    with pytest.raises(ValueError, match="already registered"):
        live.register("polynomial")(Quadratic)


# --- plots ------------------------------------------------------------------------------------

def test_dashboards_and_plots_leave_pyplot_alone():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    Polynomial().static()
    plots.new_figure()
    assert plt.get_fignums() == before


def test_lambda_axis_ticks():
    fig, (ax,) = plots.new_figure()
    plots.lambda_axis(ax, 1e-7, 10.0)
    fig.canvas.draw()
    ticks = ax.get_xticks()
    np.testing.assert_allclose(ticks, [1e-7, 1e-5, 1e-3, 1e-1, 1e1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1e-7", "1e-5", "1e-3", "1e-1", "1e1"]
    assert ax.get_xscale() == "log" and ax.get_xlim() == pytest.approx((1e-7, 10.0))
    with pytest.raises(ValueError, match="hi must be > lo"):
        plots.lambda_axis(ax, 1.0, 0.1)
    with pytest.raises(ValueError, match="lo must be > 0"):
        plots.lambda_axis(ax, 0.0, 0.1)


def test_plot_loss_curves_takes_a_history_of_k_models():
    """A batched History (losses (steps, K), diverged_at a tuple with None for a run that did
    not diverge) raised TypeError ('>=' between a tuple and an int), diverged or not."""
    X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(-1, 1, 20) ** 2
    _, hist = train.fit(models.MLP((1, 8, 1)), X, y, lr=np.array([0.1, 1e3, 0.2]), steps=40,
                        X_val=X, y_val=y, seed=0, divergence=loop.Divergence(max_loss=1e6))
    assert hist.diverged_at[0] is None and hist.diverged_at[1] is not None
    ax = plots.plot_loss_curves(hist)
    assert ax.get_title() == "1 of 3 runs diverged" and len(ax.lines) == 6
    assert all(line.get_alpha() == 0.4 for line in ax.lines)
    _, calm = train.fit(models.MLP((1, 8, 1)), X, y, lr=np.array([0.1, 0.2]), steps=5, seed=0)
    assert plots.plot_loss_curves(calm, title="two runs").get_title() == "two runs"


def test_plot_functions():
    hist = SimpleNamespace(train_loss=np.array([1.0, 0.5, np.nan]),
                           val_loss=np.array([1.1, 0.7, np.nan]), diverged_at=2)
    ax = plots.plot_loss_curves(hist)
    assert [t.get_text() for t in ax.texts] == ["diverged at step 2"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), hist.train_loss)
    lams = np.logspace(-3, 0, 4)
    ax = plots.plot_lambda_curve(lams, [1, 2, 3, 4], [3.0, 1.0, 2.0, 5.0])
    assert ax.texts[0].get_text() == "best λ = 1.0e-2"
    with pytest.raises(ValueError, match="lams must be > 0"):
        plots.plot_lambda_curve(np.array([0.0, 1.0]), [1, 2])
    xg = np.linspace(-1, 1, 5)
    ax = plots.plot_fit([0.0], [1.0], xg, 2 * xg, f_true=lambda x: x)
    np.testing.assert_array_equal(ax.lines[-1].get_ydata(), 2 * xg)
    assert plots.diverged_label(None) == "diverged"
    assert plots.diverged_label(7) == "diverged at step 7"
    assert plots.log_limits([1e-3, np.inf, np.nan, -1.0, 10.0]) == (5e-4, 20.0)
    assert plots.log_limits([1e300]) == (1e12 / 2, 1e12 * 2)
    assert plots.log_limits([]) == (1e-12, 1e12)
    # fuzz review: fmt_sci(nan) and fmt_sci(inf) raised "not enough values to unpack", a pad of
    # 0 divided by zero, a pad below 1 swapped the limits, and a step of 2.5 or "3" was said
    assert [plots.fmt_sci(v) for v in (np.nan, np.inf, -np.inf)] == ["nan", "inf", "-inf"]
    for pad in (0, 0.5, 1.0):
        with pytest.raises(ValueError, match=rf"pad must be in \(1, inf\), got {pad:g}"):
            plots.log_limits([1.0, 2.0], pad=pad)
    for step in (2.5, "3", -1, True):
        with pytest.raises(ValueError, match=r"step must be an integer >= 0"):
            plots.diverged_label(step)
    assert plots.diverged_label(np.int64(3)) == "diverged at step 3"


# --- hostile values: refused with a ValueError, never a crash or a silent change --------------

@pytest.mark.parametrize("name", NAMES)
def test_huge_integers_fractions_and_numpy_bools_are_checked_not_crashing(name, dashboards):
    """10 ** 400 once raised OverflowError from the error message itself; a Fraction was
    rounded to a float silently; a NumPy bool passed the check and then the Checkbox trait
    refused it (TraitError, controls half set, figure not redrawn)."""
    from fractions import Fraction
    d = dashboards[name]
    d.set(**d.defaults)
    renders, values = d.renders, d.values()
    for key, w in d.controls.items():
        if hasattr(w, "min"):
            with pytest.raises(ValueError, match=f"{key} must be in .*got 1000.*characters"):
                d.set(**{key: 10 ** 400})
            with pytest.raises(ValueError, match=key):
                d.set(**{key: np.True_})
        if isinstance(w, W.FloatSlider | W.FloatLogSlider):
            with pytest.raises(ValueError, match=f"{key} must be a float"):
                d.set(**{key: Fraction(1, 3)})
    assert d.renders == renders and d.values() == values
    for key, w in d.controls.items():
        if isinstance(w, W.Checkbox):
            d.set(**{key: np.bool_(not w.value)})
            assert d.values()[key] is (not values[key]) and "error" not in d.status.value
            d.set(**{key: values[key]})


def test_a_value_between_slider_positions_is_run_and_said_and_the_browsers_rounding_too():
    """The browser's slider (noUiSlider) keeps a value on min + k·step and, once shown, sends
    the rounded value back (measured in Voilà: "normalized" opened at λ 0.3 and retrained at
    0.316, momentum 0.93 became 0.95, with nothing said). The kernel keeps what code asked and
    says it is between positions; a rounding that comes back is said too."""
    d = Quadratic()
    assert framework.nearest_position(d.controls["lr"], 0.1) is None         # a position
    assert framework.nearest_position(d.controls["lr"], 10 ** -1.25) is None
    assert framework.nearest_position(d.controls["lr"], 0.3) == pytest.approx(10 ** -0.5)
    assert "between the slider" not in d.status.value
    d.set(lr=0.3)
    assert d.computed[-1]["lr"] == 0.3                        # run at the value asked
    assert "lr = 0.3 is between the slider&#x27;s positions" in d.status.value
    # ipywidgets 8's slider rounds it when shown; 7's (Colab's) shows it there until moved
    rounds = int(W.IntSlider()._view_module_version.split(".")[0]) >= 2
    assert ("rounds it to 0.316228" if rounds else "shows it at 0.316228") in d.status.value
    d.controls["lr"].value = 10 ** -0.5         # ipywidgets 8: the browser's rounding comes back
    assert d.computed[-1]["lr"] == 10 ** -0.5   # (ipywidgets 7: the learner's move there)
    assert ("the slider rounded lr = 0.3 to its nearest position 0.316228" in d.status.value) \
        is rounds
    d.controls["lr"].value = 1.0                              # a move of the learner's own
    assert "rounded" not in d.status.value and "between" not in d.status.value
    wd = live.catalog()["weight_decay"](epochs=15)            # an integer slider, step 10
    assert wd.values()["epochs"] == 15 and "epochs = 15 is between" in wd.status.value
    assert framework.nearest_position(wd.controls["epochs"], 15) in (10, 20)
    wd.close(), d.close()


@pytest.mark.parametrize("name", NAMES)
def test_every_default_and_slider_end_is_a_slider_position(name):
    """A default between two slider positions is rounded by the browser's slider as soon as the
    dashboard is shown, and retrained there: lesson 07's "schedules" opened at lr 0.05 and ran
    at 0.056, lesson 09's "normalized" at λ 0.3 and ran at 0.316, with the "between the
    slider's positions" note every time. A top end off the grid (normalized's lr up to 0.5 =
    10^(-3 + 10.8·0.25)) made the last step a short one. So: every default is min + k·step
    (log sliders: in the exponent), every max is too, every menu default is an option, and a
    freshly opened dashboard says nothing about positions."""
    d = live.catalog()[name]()
    for key, w in d.controls.items():
        value = d.defaults[key]
        if isinstance(w, W.IntSlider | W.FloatSlider | W.FloatLogSlider):
            log = isinstance(w, W.FloatLogSlider)
            x = float(np.log(value) / np.log(w.base)) if log else float(value)
            for what, at in (("default", x), ("max", w.max)):
                k = (at - w.min) / w.step
                assert abs(k - round(k)) < 1e-6, (
                    f"{name}: {key}'s {what} {w.base ** at if log else at:g} is not a slider "
                    f"position (min + {k:.3f} steps); the positions are "
                    f"{'10^' if log else ''}({w.min:g} + k·{w.step:g})")
            assert framework.nearest_position(w, value) is None, (name, key, value)
        elif hasattr(w, "options"):
            options = [o[1] if isinstance(o, tuple) else o for o in w.options]
            assert value in options, (name, key, value, options)
    assert "between the slider" not in d.status.value, d.status.value
    assert "rounded" not in d.status.value, d.status.value
    d.close()


def test_a_top_end_off_the_grid_is_a_position_as_in_the_browser():
    """noUiSlider (the browser's slider) rounds to the nearest min + k·step and then clips to
    max (its getStep and limit), so a max off the grid is reachable and values past the last
    full step may go up to it. nearest_position said max itself would be rounded down to the
    last full step (normalized's lr up to 0.5: "rounds it to 0.316"), and so would 0.45, which
    the browser takes up to 0.5."""
    w = live.log_slider("lr", 0.1, 1e-3, 0.5)                  # positions 10^(-3 + k/4), and 0.5
    assert framework.nearest_position(w, 0.5) is None
    assert framework.nearest_position(w, 0.45) == pytest.approx(0.5)    # k = 10.6 -> 11 -> max
    assert framework.nearest_position(w, 0.33) == pytest.approx(10 ** -0.5)  # k = 10.08 -> 10
    assert framework.nearest_position(w, 10 ** -0.5) is None
    n = live.int_slider("epochs", 10, 10, 418, step=10)        # 10, 20, ..., 410, and 418
    assert framework.nearest_position(n, 418) is None
    assert framework.nearest_position(n, 416) == 418                  # k = 40.6 -> 41 -> max
    assert framework.nearest_position(n, 414) == 410                  # k = 40.4 -> 40


def _corners(d) -> list[dict]:
    """Every menu and checkbox combination with every slider at an end: all at the bottom end
    for the first combination, all at the top end for the next, and so on (both for a
    dashboard without menus). The last menu changes fastest, so each setting of the other menus
    meets both ends (weight_decay's 72 combinations: half the cost of both ends for each)."""
    import itertools
    menus = {k: positions(w)[:2] if isinstance(w, W.Checkbox | W.ToggleButton) else positions(w)
             for k, w in d.controls.items() if not hasattr(w, "min")}
    ends = {k: positions(w)[:2] for k, w in d.controls.items() if hasattr(w, "min")}
    combos = list(itertools.product(*menus.values()))
    return [{**dict(zip(menus, combo, strict=True)), **{k: e[side] for k, e in ends.items()}}
            for i, combo in enumerate(combos)
            for side in ((0, 1) if len(combos) == 1 else (i % 2,))]


@pytest.mark.parametrize("name", NAMES)
def test_every_menu_combination_at_the_slider_ends_draws_and_says_any_divergence(name):
    """The generic tests move one control at a time from the defaults; a learner can put every
    slider at an end under any menu setting. Each such setting draws (no exception, no warning,
    no error in the status line) and a run that diverged is said in the status line: the whole
    run ("diverged at step N") or, for dashboards that train several runs, how many did."""
    d = live.catalog()[name]()
    settings = _corners(d)
    assert len(settings) >= 2
    for values in settings:
        d.set(**values)
        status = d.status.value
        assert d.error is None and "error" not in status, (values, status)
        assert d.image.value[:8] == b"\x89PNG\r\n\x1a\n"
        diverged, step, _ = framework._diverged_at(d.result)
        if diverged:
            assert plots.diverged_label(step) in status, (values, status)
            # said once: a dashboard's own words do not repeat the framework's (lesson 09's
            # said run 1's divergence twice; tests/test_live_normalized.py checks its runs)
            label = re.escape(plots.diverged_label(step))
            assert len(re.findall(label + r"(?![0-9])", status)) == 1, (values, status)
            # no "final" value of a run that diverged: every loss it quotes after its start
            # ("loss A → B") is the last before the divergence, with its step (last_value)
            text = re.sub(r"<[^>]+>", "", status)
            assert "final" not in text, (values, text)
            # (the whole number: without [0-9.e+-] in the lookahead, "loss 0.693 → ..." backtracks
            # to "0.69" and is read as a value without its step)
            for m in re.finditer(r"loss (-?[0-9][0-9.e+-]*)(?![0-9.e+-]| →)", text):
                assert text[m.end():].startswith(" at step "), (values, text)
        n_bad = d.result.get("n_bad", 0) if isinstance(d.result, dict) else 0
        if n_bad:
            assert "diverged" in status, (values, status)
    d.close()


def test_last_value_says_a_diverged_runs_last_value_with_its_step():
    loss = np.array([3.0, 2.0, 7.5e11, np.nan, np.nan])
    assert framework.last_value(loss, diverged_at=3) == \
        "7.5e+11 at step 2, the last before it diverged"
    assert framework.last_value(loss[:3], diverged_at=None) == "7.5e+11"   # a finished run
    assert framework.last_value([np.inf, np.nan], diverged_at=0) == "no finite value"
    assert framework.last_value([0.123456], None, ".2f") == "0.12"


@pytest.mark.parametrize("name", NAMES)
def test_nan_given_to_a_slider_widget_is_put_back_and_said_never_raised_or_run(name):
    """ipywidgets' float sliders clamp a value past their range but let NaN through (the
    browser's readout refuses it; code does not: ``dash.controls["lr"].value = nan``). A linear
    slider's NaN raised out of the observer ("cannot convert float NaN to integer"), a log
    slider's retrained at NaN and showed "error: ValueError: lr must be finite"."""
    d = live.catalog()[name]()
    for key, w in d.controls.items():
        if not isinstance(w, W.FloatSlider | W.FloatLogSlider):
            continue
        d.set(**d.defaults)
        image, renders = d.image.value, d.renders
        w.value = float("nan")
        assert d.error is None and "error" not in d.status.value, (key, d.status.value)
        assert d.values() == d.defaults and w.value == d.defaults[key], (key, w.value)
        assert f"{key} = nan is not a number; the slider is back at" in d.status.value
        assert d.image.value == image and d.renders == renders + 1
        w.value = positions(w)[1]                   # the next move runs and clears the note
        assert d.values()[key] == w.value and "not a number" not in d.status.value
    d.close()


@pytest.mark.parametrize("name", NAMES)
def test_the_figure_carries_its_own_text_alternative(name, dashboards):
    """A screen reader found the figure's <img> unnamed. ipywidgets 8 names it by the Image's
    tooltip (its title attribute), once the Image carries an empty description (the view reads
    it first: framework.FigureImage); tests/browser/test_accessibility.py reads the name in
    Chromium. Each dashboard says what its own panels show (``alt``), not the generic title."""
    d = dashboards[name]
    assert d.alt and d.alt not in (d.title, ""), f"{name}: no alt of its own"
    text = d.alt_text()
    assert text == f"Figure: {d.alt}. The numbers are in the status line below it."
    state = d.image.get_state()
    assert state["description"] == "" and state["format"] == "png"
    if "tooltip" in W.Image.class_traits():          # ipywidgets 8 (7 has no tooltip)
        assert state["tooltip"] == text


def test_the_counts_an_alt_text_gives_are_the_dashboards_own():
    """The counts written in the alt texts (what a screen reader says of the figure) are those of
    the data and models the dashboards draw, so a change to one cannot leave the other behind."""
    from wdlib.tasks import classification, regression, sparse
    true = np.count_nonzero(sparse.problem().meta["w_true"])
    said = {
        "depth_init": f"over {regression.DEPTH_STEPS} steps",
        "lambda_lr_grid": f"over {len(regression.LAMBDA_LR_GRID_LAMS)} values of λ and "
                          f"{len(regression.LAMBDA_LR_GRID_LRS)} learning rates",
        "polynomial": f"on {regression.overfit_curve().X.shape[0]} noisy points",
        "sparsity": f"({true} true features, {sparse.problem().X.shape[1] - true} others)",
        "weight_decay": "all {} weights".format(sum(
            w.size for w in map(classification.PLAYGROUND_MLP.init(0).get,
                                classification.PLAYGROUND_MLP.weight_keys))),
    }
    for name, phrase in said.items():
        alt = live.catalog()[name].alt
        assert phrase in alt, f"{name}: {phrase!r} not in its alt {alt!r}"
