"""Live dashboards: sliders that retrain a model and redraw a figure.

A dashboard is a small subclass of ``Dashboard`` with four methods::

    @register("polynomial")                 # live.catalog()["polynomial"]() builds it
    class Polynomial(Dashboard):
        def make_controls(self):  -> {"degree": int_slider(...), "lam": log_slider(...)}
        def setup(self, fig):     create the axes and artists once (lines, bars, texts)
        def compute(self, values): the retrain: a pure function of the slider values -> result
        def draw(self, result):   update the artists (set_data, set_height, ...) -> status text

The framework does the rest: the widget (controls, a PNG image of the figure, a status line),
``.set(**values)`` for code and tests, coalescing of rapid slider moves, and the rule that a
dashboard never raises on a slider position.

Divergence. ``compute`` runs under ``np.errstate(all="ignore")``: overflow gives inf/NaN, not
warnings. A result that carries ``diverged_at`` (a dict key or attribute, e.g. a
``train.History``'s) not None is drawn and reported as "diverged at step N" in the status line
and on the figure. ``compute`` may also ``raise Diverged(step, partial)`` where a run cannot go
on; ``partial`` (may be None) is drawn if given.

Errors. Any other exception is a bug. From a slider move it is shown in the status line (and
logged), and the widget keeps working; from ``.set()`` it is shown *and re-raised*, so tests and
notebook cells see it.

Coalescing. A slider change only marks the dashboard dirty and asks the running event loop (the
kernel's) to render once the changes have settled: ``SETTLE_S`` with no new change, or at most
``MAX_WAIT_S`` after the first pending one. Changes that arrive meanwhile overwrite each other
(the widgets hold the newest values), so one render draws the latest values and no backlog of
stale retrains builds up. (Measured in ipykernel 7: 50 queued comm messages reach the observers
~1.6 ms apart, one loop turn each, so "render on the next loop turn" would render all 50.) In the
browser, the widgets front end also keeps at most one update per slider in flight. Without an
event loop (a plain script) a change renders at once. ``.set()`` renders synchronously.

Threads. A kernel may handle widget messages on more than one thread: JupyterLab 4.6 sends
them to a kernel subshell (its default, "one subshell per comm target") and ipykernel 7 routes
a widget's message to the thread that last sent that widget's state, so one burst of slider moves
can be handled partly on the widgets' subshell and partly on the main shell, and a cell's
``.set()`` runs on the main shell while a slider's render runs on the subshell. Each thread
schedules its render on its own event loop, even where one is already pending on another
thread's (that loop may be busy: the main shell running a cell); the first to run draws the
newest values, the others find nothing left to draw. One lock (``_LOCK``, re-entrant) makes
every change of a dashboard's state and every render wait for a render in progress: the figure
then always ends at the newest values, as on one thread (unlocked, two renders shared one
figure and canvas: a slower render at older values could finish last and leave its figure over
the newer one's).
Matplotlib does not promise thread safety, so the lock is one for every dashboard of the
process, not one each. It covers renders, state changes, ``static()`` (its check and its
figure) and ``close()`` (after which a pending render draws nothing and ``set()`` raises): a
dashboard's construction (its figure and ``setup``), a cell's own figures, and the drawing of the
figure ``static()`` returns (by the notebook, after it returns) run outside it. The widgets
library puts a browser move's value on the widget before the dashboard's observer runs, outside
the lock: the observer takes the widget's value when it gets the lock, so a ``set()`` of that
control that ran in between wins (the move is then no change) and the slider, ``values()`` and
the figure agree. For the same reason nothing under the lock reads a widget back after giving it
a value: ``set()`` works out what the widget holds from the widget's own validation (a slider
clamps to its ends), so a move landing between the two is a move after ``set()``, drawn by its
observer, not ``set()``'s value (a read-back took the move's value as ``set()``'s, said "a
rounding error past the slider's end" and ran at the move's).

Values. ``values()`` are the values the figure is computed at. A value from code or a link is
checked, then run as given: one between a slider's positions too (the status line says so, and
says it again when the browser's slider rounds it); one a rounding error past a slider's end
(0.05 * 19 for 0.95) at that end, said too. A value from the browser is a slider position, run
at the position's value in Python's arithmetic (the browser's Math.pow differs in the last bits);
a position sent back unchanged is no change (see ``slider_position``). The browser's rounding of a
value from code is said as such even when a learner's move, sent before the browser got the
value, arrives first. NaN given to a slider's widget directly (its trait lets NaN through;
the browser's readout refuses it) is put back and said, never run.

Sharing. Under the figure a "share" readout says the current setting as one line of code
(``live.catalog()["polynomial"](degree=5, lam=0.001)``) and as a link (``?dashboard=polynomial&
degree=5&lam=0.001``, relative: in Voilà it reopens the same notebook at these values). Voilà passes
a page's URL query to the kernel as ``QUERY_STRING``; a dashboard whose name is the query's
``dashboard`` opens at the query's values (``parse_query``: text converted per control, never
evaluated, then the same checks as ``Dashboard(**values)``; numbers in plain ASCII decimal or
scientific form, a ``+`` in them as written (``1e+3``: form encoding would read it as a space), each
key once). They win over the values the notebook's code passed; the status
line names them ("set by the link: ...", with any code value replaced), each until code sets
another value (putting the link's back, ``set(**dash.opened)``, says it again) or the learner
moves it. A bad link opens the defaults and shows the same message
``Dashboard(**values)`` would raise in the status line, until a control moves. (Voilà's
default, a kernel started per page, sets ``QUERY_STRING``; a pre-heated kernel pool does not.)

Rendering is ``PngRenderer``: blitting (only ``animated=True`` artists are redrawn while the axes
limits stay put; any limit change redraws everything) and a fast PNG encode into an
``ipywidgets.Image`` — the single place to change to switch the front end (e.g. to ipympl).
So: create every artist that ``draw`` changes with ``animated=True``.
"""

from __future__ import annotations

import asyncio
import functools
import html
import importlib
import logging
import os
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from numbers import Integral, Real
from urllib.parse import quote, unquote, unquote_plus, urlencode

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from traitlets import TraitError, Unicode

from wdlib import _checks, allocator, loop, plots

FIGSIZE = (8.0, 3.5)   # inches; at DPI 80: 640 x 280 px (timings: benchmarks/bench_live.py)
DPI = 80
# HiDPI: the PNG is rendered at PIXEL_RATIO x the CSS size and shown at the CSS size (crisp on a
# 2x screen). The kernel cannot ask the browser, so it is a setting: WDLIB_PIXEL_RATIO=1 or 2.
MAX_PIXEL_RATIO = 4     # a 2560 px wide PNG a frame; more would only cost time


def _pixel_ratio(text: str | None) -> float:
    """The pixel ratio the setting ``WDLIB_PIXEL_RATIO`` (``text``) asks for: a number in
    [1, MAX_PIXEL_RATIO]; unset or empty (``WDLIB_PIXEL_RATIO=``) is 1. Anything else raises
    ValueError naming the setting and its value (a bad value used to fail far from it: "could
    not convert string to float: 'abc'" on import, "dpi must be positive" for 0, "cannot
    convert float NaN to integer" for nan, the last two only when a dashboard was built)."""
    if text is None or not text.strip():
        return 1.0
    try:
        ratio = float(text)
    except ValueError:
        ratio = None
    if ratio is None or not 1 <= ratio <= MAX_PIXEL_RATIO:   # NaN fails too
        raise ValueError(f"WDLIB_PIXEL_RATIO must be a number in [1, {MAX_PIXEL_RATIO}] (1 or "
                         f"2: the screen's device pixels per CSS pixel), got {text!r}")
    return ratio


PIXEL_RATIO = _pixel_ratio(os.environ.get("WDLIB_PIXEL_RATIO"))   # read once, on import

# A loss curve needs about this many validation points at the dashboards' size (a ~200 px wide
# panel): more are not visible, and each costs a forward pass over the validation set.
VAL_POINTS = 40
SETTLE_S, MAX_WAIT_S = 0.004, 0.05    # coalescing window (see the module docstring)
_log = logging.getLogger(__name__)
_LOCK = threading.RLock()   # held by every dashboard's state change and render (see "Threads")
_CATALOG: dict[str, Callable[[], Dashboard]] = {}
# One module a dashboard, in lesson order (wdlib/live/<module>.py).
DASHBOARD_MODULES = ("polynomial", "weight_decay", "sparsity", "lambda_curve", "lambda_lr_grid",
                     "depth_init", "clipping", "schedules", "normalized")


class Diverged(Exception):
    """Raised by ``compute`` when training blew up at ``step``; ``partial`` is drawn if given."""

    def __init__(self, step: int | None, partial=None):
        super().__init__(plots.diverged_label(step))
        self.step, self.partial = step, partial


def register(name: str):
    """Class decorator: add a dashboard (any no-argument factory) to ``catalog()``."""
    def deco(factory):
        if name in _CATALOG:
            raise ValueError(f"name {name!r} is already registered in live.catalog()")
        _CATALOG[name] = factory
        return factory
    return deco


def _catalog_name(dash) -> str | None:
    """The name ``dash``'s class is registered under (None for an unregistered dashboard)."""
    for name, factory in _CATALOG.items():
        if factory is type(dash):
            return name
    return None


def catalog() -> dict[str, Callable[[], Dashboard]]:
    """``{name: factory}`` for every dashboard; ``factory()`` builds it at the lesson defaults.

    The dashboard modules register themselves when imported; this imports them all. The order
    is the lessons' (``DASHBOARD_MODULES``), then any other registered dashboard in the order it
    was registered: never the order in which a program happened to import the modules.
    """
    for module in DASHBOARD_MODULES:
        importlib.import_module(f"wdlib.live.{module}")
    order = {name: i for i, name in enumerate(DASHBOARD_MODULES)}
    names = sorted(_CATALOG, key=lambda name: order.get(name, len(order)))   # a stable sort
    return {name: _CATALOG[name] for name in names}


def last_value(series, diverged_at, fmt: str = ".3g") -> str:
    """A run's last finite value of ``series`` (one entry a step) as a status line says it: the
    number for a run that finished; for a run that diverged, the number, its step and that it is
    the last before the divergence, never a "final" value that reads like the end of a run
    ("loss 7.86e+11 at step 4, the last before it diverged"). "no finite value" if none."""
    series = np.asarray(series, dtype=float)
    finite = np.flatnonzero(np.isfinite(series))
    if not finite.size:
        return "no finite value"
    k = int(finite[-1])
    text = format(series[k], fmt)
    return text if diverged_at is None else f"{text} at step {k}, the last before it diverged"


def val_every(steps: int) -> int:
    """``train.fit``'s ``val_every`` for a dashboard run of ``steps`` steps: about
    ``VAL_POINTS`` validation points (every step for short runs; the last step always)."""
    return max(1, steps // VAL_POINTS)


# --- controls -------------------------------------------------------------------------------

def log_slider(description: str, value: float, lo: float, hi: float, step: float = 0.25):
    """A log-scale slider over [lo, hi] (for λ and lr); ``step`` is in decades.

    The readout is written like ``1.0e-4`` (``plots.fmt_sci``), readable at every scale.
    """
    if not 0 < lo <= value <= hi:
        raise ValueError(f"value must be in [lo, hi] with lo > 0, got value={value:g}, "
                         f"lo={lo:g}, hi={hi:g}")
    return W.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=step,
                            description=description, readout_format=plots.SLIDER_FORMAT,
                            continuous_update=True, style={"description_width": "initial"})


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1):
    """An integer slider (degree, width, epochs, ...)."""
    if not lo <= value <= hi:
        raise ValueError(f"value must be in [{lo}, {hi}], got {value}")
    return W.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=True, style={"description_width": "initial"})


def _bounds(widget) -> tuple[float, float] | None:
    """The value range of a slider (log sliders store exponents)."""
    if not (hasattr(widget, "min") and hasattr(widget, "max")):
        return None
    if isinstance(widget, W.FloatLogSlider):
        return widget.base ** widget.min, widget.base ** widget.max
    return widget.min, widget.max


def _short(value) -> str:
    """``repr(value)`` for a message, shortened: a link can carry megabytes of text."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def _show(value) -> str:
    """A value for a message: a number ``:g`` where it fits a float (10 ** 400 does not), a bool
    as True/False, else ``_short``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    try:
        return format(value, "g")
    except (OverflowError, TypeError, ValueError):
        return _short(value)


_NO_OPTION = object()


def _same_option(value, option) -> bool:
    """``value`` names the menu option ``option``: equal, and of its kind. Numbers by kind, not
    by Python type: a NumPy integer is an integer option's value, an integer a float option's
    (as for a slider); a bool is only a bool option's (True == 1), a float no integer option's."""
    boolean = (bool, np.bool_)
    if isinstance(option, boolean) or isinstance(value, boolean):
        kind = boolean if isinstance(option, boolean) else ()
    else:
        kind = (Integral if isinstance(option, Integral) else
                Real if isinstance(option, Real) else type(option))
    if not isinstance(value, kind):
        return False
    try:
        return bool(value == option)
    except (TypeError, ValueError):     # an array's == is elementwise: no option's value
        return False


def _exact(value) -> str:
    """A number for a message, every digit (a float's repr): where ``:g`` would hide the
    difference."""
    return repr(float(value)) if isinstance(value, Real) and not isinstance(value, Integral) \
        else _short(value)


def _apart(value, other) -> tuple[str, str]:
    """``value`` and ``other`` for one message, each ``_show``n, or with every digit where
    ``:g`` writes both alike (0.1 and float32 0.1: "lam = 0.1 ... rounds it to 0.1")."""
    a, b = _show(value), _show(other)
    return (a, b) if a != b else (_exact(value), _exact(other))


def _check_value(key: str, widget, value):
    """Raise ValueError (naming key and value) unless ``value`` fits ``widget``; returns the
    value to give the widget (a NumPy bool as a Python bool: the Checkbox trait refuses it)."""
    bounds = _bounds(widget)
    if bounds is not None:
        integral = isinstance(widget, W.IntSlider)
        kind = Integral if integral else Real
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
            raise ValueError(f"{key} must be {'an integer' if integral else 'a number'} "
                             f"in [{bounds[0]:g}, {bounds[1]:g}], got {_short(value)}")
        lo, hi = bounds
        slack = 1e-12 * max(abs(lo), abs(hi))
        if not lo - slack <= value <= hi + slack:   # NaN fails too
            shown = _checks._fmt_apart(value, lo, hi) if isinstance(value, float) else _show(value)
            raise ValueError(f"{key} must be in [{lo:g}, {hi:g}], got {shown}")  # (10.0000000001:
            #                                     every digit, not "got 10", which is in range)
        if not integral and float(value) != value:  # a Fraction: the widget would round it
            raise ValueError(f"{key} must be a float (the slider holds one), got {_short(value)}")
    elif hasattr(widget, "options"):
        allowed = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        match = next((a for a in allowed if _same_option(value, a)), _NO_OPTION)
        if match is _NO_OPTION:
            raise ValueError(f"{key} must be one of {allowed!r}, got {_short(value)}")
        return match                # the option itself: 3 for np.int64(3), as the widget holds it
    elif isinstance(widget, W.Checkbox) or isinstance(getattr(widget, "value", None), bool):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{key} must be true or false, got {_short(value)}")
        return bool(value)
    else:                        # text, ...: the widget's own trait check
        try:
            widget.traits()["value"].validate(widget, value)
        except TraitError as err:
            raise ValueError(f"{key} got {_short(value)}: {err}") from None
    return value


# Slider positions. The browser's slider (ipywidgets 8: noUiSlider) keeps a value on a position
# min + k·step (a log slider: of the exponent), or on max itself, which it reaches even where
# the range is not a whole number of steps (measured: lesson 09's lr slider, 1e-3 to 0.5, sends
# 0.5). It computes a position's value with its own float arithmetic (Math.pow), which differs
# from Python's in the last bits: 10 ** -1.75 came back as 0.017782794100389236, not
# 0.01778279410038923 (measured in Chromium). So the dashboard compares positions, not floats.
POSITION_TOL = 1e-9     # in steps; the browser's and Python's floats differ by ~1e-14 steps


def _grid(widget) -> tuple[float, float, float, bool] | None:
    """(min, max, step, log) of a slider with a step, in its own coordinate (a log slider's
    exponent); None for any other control."""
    if not isinstance(widget, (W.IntSlider, W.FloatSlider, W.FloatLogSlider)) or not widget.step:
        return None
    return widget.min, widget.max, widget.step, isinstance(widget, W.FloatLogSlider)


def _steps(widget, value) -> tuple[float, float] | None:
    """(``value``'s distance from min in steps, max's distance from min in steps), or None."""
    grid = _grid(widget)
    if grid is None or isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return None
    lo, hi, step, log = grid
    if log and not value > 0:
        return None
    x = float(np.log(value) / np.log(widget.base)) if log else float(value)
    return (x - lo) / step, (hi - lo) / step


def slider_position(widget, value) -> int | None:
    """The index of the slider position ``value`` is at (to rounding error), or None: between
    positions, or ``widget`` is no slider. max is the last position."""
    steps = _steps(widget, value)
    if steps is None:
        return None
    k, top = steps
    if abs(k - top) <= POSITION_TOL:
        return int(np.ceil(top - POSITION_TOL))
    if -POSITION_TOL <= k < top and abs(k - round(k)) <= POSITION_TOL:
        return round(k)
    return None


def position_value(widget, index: int):
    """The value of the slider's position ``index`` in Python's arithmetic: base ** (min +
    k·step) on a log slider, min + k·step on a linear one (to 12 digits: 0.85, not
    0.8500000000000001), the widget's own max for the last position."""
    lo, hi, step, log = _grid(widget)
    x = lo + index * step
    if x >= hi - POSITION_TOL * step:
        return widget.base ** hi if log else widget.max
    if log:
        return widget.base ** x
    return int(round(x)) if isinstance(widget, W.IntSlider) else float(f"{x:.12g}")


def nearest_position(widget, value) -> float | None:
    """The value of the slider position a browser's slider puts ``value`` on, or None if
    ``value`` is a position (or ``widget`` is no slider): the nearest min + k·step, and max for
    a value past the last whole step (noUiSlider rounds k, then clamps to max). Once the widget
    is shown, the browser sends that value back (ipywidgets 8; see ``_rounds_when_shown``)."""
    steps = _steps(widget, value)
    if steps is None or slider_position(widget, value) is not None:
        return None
    k, top = steps
    nearest = int(np.floor(k + 0.5))                    # JS Math.round: halves go up
    return position_value(widget, min(max(nearest, 0), int(np.ceil(top - POSITION_TOL))))


def _rounds_when_shown(widget) -> bool:
    """Whether the browser's view of ``widget`` puts a value from the kernel on a position and
    sends it back, as soon as it is shown or updated: ipywidgets 8's sliders (noUiSlider,
    controls 2.x) do; ipywidgets 7's (jQuery UI, controls 1.x, Colab's) move only under the
    learner's hand, so there a value that comes back is the learner's."""
    major = str(getattr(widget, "_view_module_version", "2")).split(".")[0]
    return _grid(widget) is not None and major.isdigit() and int(major) >= 2


# --- links: a URL query is data (parsed and checked, never evaluated) -----------------------

QUERY_NAME = "dashboard"           # ?dashboard=<catalog name>&<key>=<value>&...
_IGNORED = ("token",)              # the server's own query keys (and any "voila-..." key)
_TRUE, _FALSE = ("true", "1", "on", "yes"), ("false", "0", "off", "no")
# Numbers in a link: plain ASCII only (int()/float() would also take "٣", "1_0", " 3"). A sign,
# digits, a decimal point, an exponent; nan/inf too (as float() spells them), so that they meet
# the same range check, with the same message, as in code.
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
                         r"|[+-]?(nan|inf|infinity)", re.IGNORECASE)


def _from_text(widget, text: str):
    """The value ``text`` stands for in ``widget``; text that fits nothing is returned as is,
    so the usual check names the control and the bad value."""
    if isinstance(widget, W.Checkbox) or isinstance(getattr(widget, "value", None), bool):
        low = text.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else text
    if hasattr(widget, "options"):
        for option in widget.options:
            label, value = option if isinstance(option, tuple) else (str(option), option)
            if text in (label, str(value)):
                return value
        return text
    if _bounds(widget) is not None:
        if isinstance(widget, W.IntSlider):     # int() refuses > 4300 digits: out of range
            return int(text) if _INT_TEXT.fullmatch(text) and len(text) < 100 else text
        return float(text) if _FLOAT_TEXT.fullmatch(text) else text
    return text


def _link_text(widget, raw: str) -> str:
    """A link's value for ``widget``, decoded from the query's raw text ``raw``. Form encoding
    reads ``+`` as a space, but a number's ``+`` written as is (``lam=1e+3``, ``+0.5``) means
    ``+`` (no number holds a space; ``%20`` still reads as one, and is refused), and a menu's
    label typed into the address bar (``SGD%20+%20momentum%200.9``) names its option either way."""
    plain, form = unquote(raw), unquote_plus(raw)
    if hasattr(widget, "options"):
        names = {part for option in widget.options for part in
                 ((option[0], str(option[1])) if isinstance(option, tuple) else (str(option),))}
        return plain if form not in names and plain in names else form
    return plain if _bounds(widget) is not None else form


def format_value(value) -> str:
    """A control value as short text that reads back to exactly the same value (floats: the
    shortest text that does, ``repr``: a link must reproduce the run bit for bit)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_query(query: str, name: str, controls: Mapping) -> dict | None:
    """The control values a URL query asks the dashboard ``name`` for, or None if it does not
    name it (``dashboard=<name>``). Raises ValueError, with the message ``Dashboard(**values)``
    gives, for an unknown control or a value that does not fit, and for a ``dashboard`` that no
    dashboard in ``catalog()`` is called. Never evaluates the text."""
    raw = [(unquote_plus(key), text) for key, _, text in
           (item.partition("=") for item in query.lstrip("?").split("&") if item)]
    pairs = [(key, unquote_plus(text)) for key, text in raw]
    if (QUERY_NAME, name) not in pairs:     # no link, or one for another dashboard: not ours
        asked = [text for key, text in pairs if key == QUERY_NAME]
        known = catalog() if asked else {}   # (importing every dashboard only when needed)
        wrong = [text for text in asked if text not in known]
        if wrong:               # a misspelt name opened every dashboard at its defaults, silently
            raise ValueError(f"the link asks for dashboard {_short(wrong[0])}, which does not "
                             f"exist; dashboards are {', '.join(map(repr, known))}")
        return None
    ours = [(key, _link_text(controls[key], text) if key in controls else unquote_plus(text))
            for key, text in raw if key not in _IGNORED and not key.startswith("voila-")]
    _check_unique(ours)
    values = {k: v for k, v in ours if k != QUERY_NAME}
    _check_keys(values, controls)
    out = {key: _from_text(controls[key], text) for key, text in values.items()}
    for key, value in out.items():
        _check_float_range(key, values[key], value)
    return {key: _check_value(key, controls[key], value) for key, value in out.items()}


def _check_float_range(key: str, text: str, value) -> None:
    """Raise ValueError where a link's decimal number is beyond a float's range: 1e309 reads as
    inf (said as "got inf"), 1e-400 as 0.0 (run at 0 as if the link had said 0, without a word),
    and below the normal range a float keeps fewer digits (2.5e-324 reads as 5e-324, twice the
    link's number; a number a float holds reads within a relative 1e-16 of what was written).
    A menu's label ("half" for 0.5) is not a written number: nothing to compare."""
    if not isinstance(value, float) or not _FLOAT_TEXT.fullmatch(text) or "n" in text.lower():
        return                                      # a label; nan, inf, infinity as written
    written = Decimal(text.strip())     # the link's number, exactly (_FLOAT_TEXT's form)
    if np.isinf(value) or abs(Decimal(value) - written) > abs(written) * Decimal("1e-9"):
        raise ValueError(f"{key} = {_short(text)} is beyond the range of a float (it reads as "
                         f"{value:g}); give a plain number")


def _check_unique(pairs: list) -> None:
    """Each key once: a link that says ``lam`` twice is ambiguous (never "the last one wins")."""
    seen: dict[str, list[str]] = {}
    for key, text in pairs:
        seen.setdefault(key, []).append(text)
    for key, texts in seen.items():
        if len(texts) > 1:
            raise ValueError(f"{key} is given more than once in the link "
                             f"({', '.join(map(repr, texts))}); give each control once")


def _check_keys(values: Mapping, controls: Mapping) -> None:
    unknown = [k for k in values if k not in controls]
    if unknown:             # a link may carry thousands of keys: name a few
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise ValueError(f"unknown control {', '.join(map(_short, unknown[:5]))}{more}; "
                         f"controls are {', '.join(map(repr, controls))}")


# --- rendering ------------------------------------------------------------------------------

def encode_png(fig: Figure) -> bytes:
    """The canvas pixels as an RGB PNG, fast: every row unfiltered (PNG filter 0) and the image
    compressed once by zlib at level 1. (Pillow's encoder tries every row filter: ~2.5x the time
    for an 8 % smaller file, the same pixels.)"""
    rgba = np.asarray(fig.canvas.buffer_rgba())                       # (h, w, 4) uint8
    h, w = rgba.shape[:2]
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)                   # filter byte 0, then RGB
    rows[:, 1:].reshape(h, w, 3)[...] = rgba[..., :3]
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)             # 8-bit RGB, no interlace
    return b"".join((b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows, 1)),
                     _png_chunk(b"IEND", b"")))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type + data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class FigureImage(W.Image):
    """The figure's ``<img>``, with a text alternative where ipywidgets can give it one.

    ipywidgets 8's widgets have ``tooltip``, which every view puts in its element's ``title``
    attribute, the accessible name of an ``<img>`` without ``alt`` (what a screen reader
    reads), but only when ``description`` is empty: the view reads ``description``, which an
    ``Image`` does not have, so an ``Image`` with a tooltip failed to display ("Could not create
    a view"). This one carries an empty ``description`` (synced, never shown) so that the
    tooltip reaches the ``<img>``. ipywidgets 7's widgets have no ``tooltip``: no text there.
    """

    description = Unicode("", help="Always empty: lets ipywidgets 8 views show tooltip").tag(
        sync=True)

    def __init__(self, alt: str, **kwargs):
        if "tooltip" in self.class_traits():         # ipywidgets 8
            kwargs["tooltip"] = alt
        super().__init__(**kwargs)


class PngRenderer:
    """Figure -> PNG bytes, redrawing only what changed (the front end; swap it for ipympl).

    Artists created with ``animated=True`` are the moving parts. While every axes keeps its
    limits, scales and title, the rest of the figure is restored from a cached background and only
    the animated artists are drawn (blitting; text layout makes a full draw ~5x slower).
    Otherwise the whole figure is drawn and the background cached again. The first draw fixes
    the layout (constrained layout, if the figure has it) for good. A ``draw`` that changes a
    non-animated artist (a label, a static line), or adds an artist, calls ``invalidate()`` (the
    animated artists are collected at each full draw).
    """

    def __init__(self):
        self.key, self.background, self.full_draws, self.animated = None, None, 0, []

    def invalidate(self) -> None:
        """Force a full draw next time (after changing a non-animated artist)."""
        self.key = None

    def __call__(self, fig: Figure) -> bytes:
        canvas = fig.canvas
        key = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
                     ax.get_title()) for ax in fig.axes)
        if key != self.key:
            canvas.draw()                   # everything but the animated artists
            if not self.full_draws:         # lay out once, then freeze: constrained layout
                fig.set_layout_engine("none")   # would double the cost of every draw
            self.background = canvas.copy_from_bbox(fig.bbox)
            self.key, self.full_draws = key, self.full_draws + 1
            self.animated = fig.findobj(lambda a: a.get_animated())   # walking the whole
        else:                                                        # tree cost ~3 ms a frame
            canvas.restore_region(self.background)
        for artist in self.animated:
            if artist.get_visible():
                fig.draw_artist(artist)
        return encode_png(fig)


def _running_loop():
    """The running asyncio event loop (a kernel's, Voila's), or None in a plain script."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _diverged_at(result) -> tuple[bool, int | None, str | None]:
    """(diverged?, step, rule) from the ``diverged_at`` a result carries (a key or attribute:
    None = did not diverge; K runs: a tuple of such entries, the earliest step is reported) and
    the ``divergence`` policy (a ``loop.Divergence``) whose rule the status line names."""
    def get(name):
        return result.get(name) if isinstance(result, Mapping) else getattr(result, name, None)

    step, policy = get("diverged_at"), get("divergence")
    rule = policy.rule if isinstance(policy, loop.Divergence) else None
    steps = [int(s) for s in (step if isinstance(step, (tuple, list)) else [step])
             if s is not None]
    return (True, min(steps), rule) if steps else (False, None, rule)


# --- the base class -------------------------------------------------------------------------

class Dashboard:
    """Base class: controls + a pure ``compute`` + an artist-updating ``draw`` (see module doc).

    ``Dashboard(**initial)`` builds the widget and draws once; ``initial`` overrides control
    defaults. Attributes: ``controls`` (key -> widget), ``figure``, ``widget``, ``defaults``
    (the values the notebook's code asked for: ``initial`` over the controls' own; a shared
    link never changes them, so a lesson's checks computed from them hold under any link),
    ``opened`` (the values it opened at: ``defaults`` with a link's values on top; what
    ``static()`` draws), ``result`` (last compute result), ``renders`` (count), ``error``
    (last unexpected error),
    ``moves`` (control changes from outside ``.set()`` that retrain: the learner's, the browser
    slider's rounding of a code value; a position sent back unchanged is none. A lesson run top
    to bottom in the browser has 0: tests/browser/test_lessons_in_lab.py reads it).
    """

    title = ""
    # the figure's text alternative (the <img>'s accessible name): what its panels show; the
    # numbers are in the status line under it
    alt = ""
    figsize = FIGSIZE
    dpi = DPI

    # subclasses implement these four
    def make_controls(self) -> dict[str, W.ValueWidget]:
        raise NotImplementedError

    def setup(self, fig: Figure) -> None:
        raise NotImplementedError

    def compute(self, values: dict):
        raise NotImplementedError

    def draw(self, result) -> str | None:
        raise NotImplementedError

    def __init__(self, **initial):
        allocator.keep_freed_memory()       # live retrains reuse big temporaries (an opt-in)
        self.controls = self.make_controls()
        initial = self._check(initial)
        self.link_error = None
        try:                        # a Voilà URL query: the values a shared link asks for
            asked = parse_query(os.environ.get("QUERY_STRING", ""), _catalog_name(self) or "",
                                self.controls)
        except ValueError as err:   # a bad link: open at the defaults, show why (below)
            asked, self.link_error = None, err
        self._values = {key: w.value for key, w in self.controls.items()}  # what is run
        self._notes: dict[str, str] = {}    # key -> what the status line says about its value
        # key -> (the position the browser will round a value to, that value)
        self._expect: dict[str, tuple[int, object]] = {}
        self._from_link: dict[str, str] = {}    # key -> the status line's words for its link value
        self._link_words: dict[str, tuple[object, str]] = {}  # key -> (link value, its words)
        self._quiet = False
        self._closed = False
        for key, widget in self.controls.items():      # the code's values (held as shown)
            self._put(key, initial.get(key, widget.value))
        self.defaults = self.values()
        for key, value in (asked or {}).items():          # then a shared link's on top
            self._put(key, value)
            mine = initial.get(key, value)  # a value the notebook's own code asked for instead
            self._from_link[key] = f"{key} = {_show(value)}" + (
                f" (the notebook's code asked for {_show(mine)})" if mine != value else "")
            self._link_words[key] = (self._values[key], self._from_link[key])
        self.opened = self.values()
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi * PIXEL_RATIO,
                             layout="constrained")
        FigureCanvasAgg(self.figure)
        self.setup(self.figure)
        self._note = self.figure.text(0.5, 0.5, "", ha="center", va="center", fontsize=14,
                                      color="#b00020", fontweight="bold", visible=False,
                                      animated=True,
                                      bbox=dict(facecolor="white", edgecolor="#b00020"))
        self.renderer = PngRenderer()
        self.image = FigureImage(self.alt_text(), format="png",
                                 width=round(self.figsize[0] * self.dpi))   # CSS px
        self.status = W.HTML()
        self.share_box = W.HTML()
        self.image.add_class("wdlib-figure")
        self.status.add_class("wdlib-status")
        self.share_box.add_class("wdlib-share")
        for key, widget in self.controls.items():
            widget.add_class(f"wdlib-control-{key}")
            widget.observe(functools.partial(self._on_change, key), names="value")
        bar = W.Box(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        head = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        self.widget = W.VBox([*head, bar, self.image, self.status, self.share_box])
        self.widget.add_class("wdlib-dashboard")
        self.renders, self.result, self.error, self.moves = 0, None, None, 0
        self._dirty = False
        # event loop (a thread each) -> when the first change its pending render waits for came
        self._scheduled: dict = {}
        self._last_change = 0.0
        self._render_safely(reraise=True)

    # --- public API ---
    def values(self) -> dict:
        """The current control values, ``{key: value}``: the values the figure is computed at
        (a slider position the browser sends is the position's value in Python's arithmetic)."""
        return dict(self._values)

    def set(self, **values) -> None:
        """Set controls, retrain and redraw; returns when the new figure is in ``.widget``.

        Unknown keys or out-of-range values raise ValueError before anything changes.
        """
        values = self._check(values)
        with _LOCK:                 # after a render in progress on another thread (see "Threads")
            if self._closed:
                raise RuntimeError(f"{type(self).__name__}: the dashboard is closed (close() "
                                   f"was called); build a new one")
            before = [dict(d) for d in (self._values, self._notes, self._expect,
                                        self._from_link)]
            try:
                for key, value in values.items():
                    self._put(key, value)
            except Exception:       # a widget refusing a checked value: leave no half-set state
                for key, value in before[0].items():
                    self._put(key, value)
                self._values, self._notes, self._expect, self._from_link = before
                raise
            self._dirty = False
            self._render_safely(reraise=True)

    def static(self) -> Figure:
        """The figure at the settings the dashboard opened with, ``opened`` (for read-along:
        display it before the widget; a shared link's values, or else the defaults). Returns
        once no render is in progress on another thread (see "Threads")."""
        with _LOCK:                 # the check and the figure: no render half-way through it
            if self.values() != self.opened or self.result is None:
                self.set(**self.opened)
            return self.figure

    def close(self) -> None:
        """Close every widget of the dashboard (frees the front-end models), once no render is
        in progress on another thread; a render still pending then draws nothing, and
        ``set()`` raises."""
        with _LOCK:
            self._closed = True
            for w in [*self.controls.values(), self.image, self.status, self.share_box,
                      *self.widget.children, self.widget]:
                w.close()

    def alt_text(self) -> str:
        """The figure's text alternative: "Figure: " and ``alt`` (else ``title``), and where the
        numbers are (the figure's ``<img>`` is named by it: ``FigureImage``)."""
        what = self.alt or self.title or f"{type(self).__name__} dashboard"
        return f"Figure: {what}. The numbers are in the status line below it."

    def share(self) -> dict:
        """The current setting as ``{"code": one line of Python, "query": "?dashboard=..."}``."""
        values = self.values()
        name = _catalog_name(self)
        args = ", ".join(f"{k}={v!r}" if not isinstance(v, float) else f"{k}={format_value(v)}"
                         for k, v in values.items())
        code = (f'live.catalog()["{name}"]({args})' if name else f"{type(self).__name__}({args})")
        query = "?" + urlencode({QUERY_NAME: name or type(self).__name__,
                                 **{k: format_value(v) for k, v in values.items()}},
                                quote_via=quote)
        return {"code": code, "query": query}

    def _repr_mimebundle_(self, **kwargs):
        if hasattr(self.widget, "_repr_mimebundle_"):           # ipywidgets >= 8
            bundle = self.widget._repr_mimebundle_(**kwargs)
        else:                       # ipywidgets 7 displays through _ipython_display_ only
            bundle = {"application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}}
        bundle["text/plain"] = (f"{type(self).__name__} dashboard — controls: "
                                f"{', '.join(self.controls)} (needs a running kernel)")
        return bundle

    # --- machinery ---
    def _check(self, values: Mapping) -> dict:
        """``values`` checked, as the widgets take them (raises ValueError before any change)."""
        _check_keys(values, self.controls)
        return {key: _check_value(key, self.controls[key], value)
                for key, value in values.items()}

    def _put(self, key: str, value) -> None:
        """Give control ``key`` a checked value from code or a link (quietly: no ``_on_change``)
        and work out what the status line says about it. What the widget holds is its own
        validation of ``value`` (a slider clamps to its ends), worked out without reading the
        widget back: a browser move may land on the widget in between, from another thread
        (see "Threads"), and is then taken by its observer as a move after this value."""
        widget = self.controls[key]
        held = widget.traits()["value"]._validate(widget, value)    # what the widget stores
        self._quiet = True
        try:
            widget.value = value
        finally:
            self._quiet = False
        self._values[key] = held
        link_value, words = self._link_words.get(key, (None, None))
        if words is not None and held == link_value:   # code put the link's value back
            self._from_link[key] = words
            self._from_link = {k: self._from_link[k] for k in self._link_words  # link's order
                               if k in self._from_link}
        else:
            self._from_link.pop(key, None)
        if held == value:
            self._position_note(key)
            return
        self._expect.pop(key, None)     # the slider clamped a value a rounding error past an end
        end = "top" if held < value else "bottom"
        self._notes[key] = (f"{key} = {_exact(value)} is a rounding error past the slider's "
                            f"{end} end: the slider holds {_exact(held)} (the run shown)")

    def _position_note(self, key: str) -> None:
        """The status line's note on a value between a slider's positions (kept, run as asked,
        never rounded in the kernel); where the browser will round it, expect that."""
        widget, value = self.controls[key], self._values[key]
        self._expect.pop(key, None)
        self._notes.pop(key, None)
        near = nearest_position(widget, value)
        if near is None:
            return
        shown, near_shown = _apart(value, near)
        head = (f"{key} = {shown} is between the slider's positions (the run shown is "
                f"at it)")
        if _rounds_when_shown(widget):
            self._expect[key] = (slider_position(widget, near), value)
            self._notes[key] = (f"{head}; the slider, once shown or moved, rounds it to "
                                f"{near_shown}")
        else:
            self._notes[key] = f"{head}; the slider shows it at {near_shown} until moved"

    def _on_change(self, key: str, change) -> None:
        """A control moved in the browser (or its widget was set directly): taken once no
        render is in progress on another thread (see "Threads")."""
        with _LOCK:
            self._take_change(key, change)

    def _take_change(self, key: str, change) -> None:
        if self._quiet or self._closed:     # set() or a link is giving the widget a value
            return                          # (this thread); or nothing is shown any more
        # The widget's value now, not the change's: a browser move's value is on the widget
        # before its observer gets the lock, and a set() of the same control may have replaced
        # it meanwhile (it is then no change). On one thread the two are the same.
        widget = change["owner"]
        new, old = widget.value, self._values[key]
        if hasattr(widget, "min") and not np.isfinite(new):     # a slider given NaN
            self._refuse_nan(key, widget, new)
            return
        position = slider_position(widget, new)
        if position is not None and position == slider_position(widget, old):
            return                  # the browser sends back the position it has: no change
        self.moves += 1
        expected, asked = self._expect.get(key, (None, None))
        self._values[key] = position_value(widget, position) if position is not None else new
        if position is not None and position == expected:   # the browser's slider rounded it
            del self._expect[key]
            asked_shown, held_shown = _apart(asked, self._values[key])
            self._notes[key] = (f"the slider rounded {key} = {asked_shown} to its nearest "
                                f"position {held_shown} (the run shown)")
        else:                       # the learner's move (a value typed into the readout may
            self.link_error = None  # be between positions)
            self._from_link.pop(key, None)
            self._position_note(key)
            if expected is not None and key not in self._expect:
                # A move the learner made before the browser got the value from code arrives
                # first; the browser's rounding of that value (ipywidgets 8's slider always
                # sends it) is still on its way and will be the slider's position: say so then.
                self._expect[key] = (expected, asked)
        loop = _running_loop()
        if loop is None:
            self._render_safely(reraise=False)
            return
        self._last_change = time.perf_counter()
        self._dirty = True
        if loop not in self._scheduled:    # one pending render a loop: another thread's loop
            self._scheduled[loop] = self._last_change   # may be busy (the main shell in a cell)
            loop.call_later(SETTLE_S, self._flush)

    def _refuse_nan(self, key: str, widget, new) -> None:
        """A slider given NaN directly (``dash.controls["lr"].value = nan``: ipywidgets' float
        sliders clamp a value to their range but let NaN through; the browser's readout refuses
        it) is put back where it was and the status line says so, rendered at the values it
        had (the same figure; nothing runs at NaN). It used to raise from the observer ("cannot
        convert float NaN to integer", a linear slider) or retrain at NaN and show "error:
        ValueError: lr must be finite" (a log slider)."""
        self._quiet = True
        try:
            widget.value = self._values[key]
        finally:
            self._quiet = False
        self._notes[key] = (f"{key} = {_show(new)} is not a number; the slider is back at "
                            f"{_show(self._values[key])} (the run shown)")
        self._render_safely(reraise=False)

    def _flush(self) -> None:
        """Render the newest values once the changes have settled (or waited MAX_WAIT_S).
        This loop stays in ``_scheduled`` until the render is drawn: a render is pending till
        then. The first loop's flush draws; another's then finds nothing left to draw."""
        with _LOCK:
            loop = asyncio.get_running_loop()
            now = time.perf_counter()
            quiet = now - self._last_change
            if quiet < SETTLE_S and now - self._scheduled[loop] < MAX_WAIT_S:
                loop.call_later(SETTLE_S - quiet, self._flush)
                return
            try:
                if self._dirty and not self._closed:
                    self._dirty = False
                    self._render_safely(reraise=False)
            finally:
                del self._scheduled[loop]

    def _render_safely(self, *, reraise: bool) -> None:
        with _LOCK:
            try:
                self._render()
            except Exception as err:   # a bug, not a slider position: show it, keep it alive
                self.error = err
                _log.exception("wdlib.live: %s failed", type(self).__name__)
                self.status.value = (f"<span style='color:#b00020'>error: "
                                     f"{type(err).__name__}: {html.escape(str(err))}</span>")
                if reraise:
                    raise

    def _render(self) -> None:
        values = self.values()
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            try:
                result = self.compute(values)
                diverged, step, rule = _diverged_at(result)
            except Diverged as div:   # the one exception a slider position may cause
                result, diverged, step, rule = div.partial, True, div.step, None
            t1 = time.perf_counter()
            text = self.draw(result) if result is not None else None
            label = plots.diverged_label(step)
            self._note.set_text(label if diverged else "")
            self._note.set_visible(diverged)
            self.image.value = self.renderer(self.figure)
        t2 = time.perf_counter()
        self.result = result
        self.renders += 1
        self.timing = {"compute_ms": 1e3 * (t1 - t0), "draw_ms": 1e3 * (t2 - t1)}
        why = f" ({html.escape(rule)})" if rule else ""
        parts = [f"<b style='color:#b00020'>{label}</b>{why}"] if diverged else []
        if self.link_error is not None:     # stays until a control moves: renders from code too
            parts.insert(0, f"<span style='color:#b00020'>error in the link: ValueError: "
                            f"{html.escape(str(self.link_error))}</span>")
        if self._from_link:
            parts.append(f"<span style='color:#1a5fb4'>set by the link: "
                         f"{html.escape(', '.join(self._from_link.values()))}</span>")
        parts += [f"<span style='color:#b00020'>{html.escape(self._notes[key])}</span>"
                  for key in self.controls if key in self._notes]
        parts += [html.escape(text)] if text else []
        parts += [f"<span style='color:#888'>retrain {self.timing['compute_ms']:.0f} ms · "
                  f"draw {self.timing['draw_ms']:.0f} ms</span>"]
        self.status.value = " · ".join(parts)
        share = self.share()
        self.share_box.value = (
            f"<span style='color:#888;font-size:90%'>share: <code>{html.escape(share['code'])}"
            f"</code> · <a href=\"{html.escape(share['query'])}\" target=\"_blank\">link</a> "
            f"(Voilà opens it at these values)</span>")

