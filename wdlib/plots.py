"""Figure helpers shared by the dashboards (`wdlib.live`) and the lessons.

Two kinds of functions live here:

* building blocks: ``new_figure`` (a matplotlib ``Figure`` with no pyplot global state),
  ``style_axes``, ``lambda_axis`` (log-x axis with readable ticks), ``fmt_sci`` (how λ and lr are
  written everywhere, slider readouts included) and ``diverged_label`` / ``annotate_diverged``;
* plain plotting functions lessons call for static figures: ``plot_fit``, ``plot_loss_curves``,
  ``plot_lambda_curve``. Each takes an optional ``ax`` and returns it, so a lesson can combine them.

Shared arguments: ``ax``, a matplotlib ``Axes`` to draw on (None: a new figure's, 5 x 3.5
inches); ``title``, the axes' title (None: not set).

Dashboards never touch pyplot: a ``Figure`` built here is drawn by its own Agg canvas, so nothing
leaks into a notebook's inline display. Lessons may use pyplot freely.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from wdlib import _checks

SLIDER_FORMAT = ".1e"    # d3-format spec of the λ / lr slider readouts: 1e-4 reads "1.0e-4"
TRAIN, VAL, TRUE = "#1f77b4", "#d62728", "#555555"   # colours used across the lessons


def fmt_sci(value: float) -> str:
    """Write ``value`` (λ or lr, a number) the way the sliders show it (d3 ``.1e``):
    ``1e-4 -> '1.0e-4'``.

    Two significant digits and a short exponent read the same at every scale, which decimals
    such as 0.0000056 do not.
    """
    value = float(value)
    if not np.isfinite(value):          # "nan", "inf": no mantissa and exponent to split
        return str(value)
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent):+d}"


def new_figure(figsize=(8.0, 3.5), dpi: float = 100, ncols: int = 1, nrows: int = 1, **gridspec_kw):
    """A Figure with its own Agg canvas and a grid of axes: ``fig, axes = new_figure(...)``.

    ``axes`` is always a flat list (row by row). No pyplot: the figure shows only where you
    display it. figsize: (width, height) in inches; dpi: dots per inch; nrows, ncols: the grid;
    gridspec_kw: passed to ``Figure.subplots`` (e.g. ``width_ratios=[2, 1]``).
    """
    _checks.positive_int("ncols", ncols)
    _checks.positive_int("nrows", nrows)
    _checks.positive("dpi", dpi)
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, gridspec_kw=gridspec_kw or None)
    return fig, list(axes.ravel())


static_figure = new_figure   # another name for new_figure (no lesson or test uses it)


def style_axes(ax, title: str | None = None, xlabel: str | None = None,
               ylabel: str | None = None):
    """The lessons' look on ``ax``: light grid, no top/right spines, small titles. title,
    xlabel, ylabel: set where given (None: left as they are). Returns ax."""
    ax.grid(True, alpha=0.3, linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)
    return ax


def _decade_label(x, _pos=None) -> str:
    exponent = int(round(np.log10(x)))
    return "1" if exponent == 0 else f"1e{exponent}"


def lambda_axis(ax, lo: float, hi: float, label: str = "λ (weight decay)", axis: str = "x"):
    """Make ``ax``'s x (or y) axis a log axis over [lo, hi] with decade ticks "1e-4", "1", "1e2".

    At most ~6 labelled ticks: with many decades only every 2nd (3rd, ...) decade is labelled.
    lo, hi: the limits (0 < lo < hi); label: the axis label; axis: "x" or "y". Returns ax.
    """
    _checks.positive("lo", lo)
    _checks.positive("hi", hi)
    if hi <= lo:
        raise ValueError(f"hi must be > lo, got lo={lo:g}, hi={hi:g}")
    _checks.choice("axis", axis, ("x", "y"))
    ax.set(**{f"{axis}scale": "log", f"{axis}lim": (lo, hi)})
    decades = np.arange(np.ceil(np.log10(lo) - 1e-9), np.floor(np.log10(hi) + 1e-9) + 1)
    every = max(1, int(np.ceil(decades.size / 6)))
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(10.0 ** decades[::every]))
    target.set_major_formatter(FuncFormatter(_decade_label))
    target.set_minor_locator(NullLocator())
    target.set_label_text(label, fontsize=9)
    return ax


def log_limits(values, pad: float = 2.0, floor: float = 1e-12, ceil: float = 1e12):
    """(lo, hi) for a log axis showing ``values``: finite positive ones only, padded by a factor
    ``pad`` and clipped to [floor, ceil] so a diverging run cannot produce an infinite limit."""
    pad = _checks.one_number(_checks.in_range, "pad", pad, 1.0, np.inf, lo_open=True)
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return floor, ceil
    lo, hi = np.clip([v.min() / pad, v.max() * pad], floor, ceil)
    return (float(lo), float(hi)) if hi > lo else (float(lo) / pad, float(lo) * pad)


def diverged_label(step) -> str:
    """The one wording used everywhere: ``"diverged at step 17"`` (or ``"diverged"``); step:
    an integer >= 0 or None."""
    if step is None:
        return "diverged"
    return f"diverged at step {_checks.seed('step', step)}"     # (2.5 was said as step 2)


def annotate_diverged(ax, step):
    """Write "diverged at step N" in red across ``ax``; returns the Text artist."""
    return ax.text(0.5, 0.5, diverged_label(step), transform=ax.transAxes, ha="center",
                   va="center", color="#b00020", fontsize=12, fontweight="bold",
                   bbox=dict(facecolor="white", edgecolor="#b00020", alpha=0.85))


def plot_fit(x, y, x_grid, y_grid, *, x_val=None, y_val=None, f_true=None, ax=None,
             title: str | None = "fit", legend_loc: str = "upper left"):
    """Training points, optional validation points and true function, and a fitted curve.

    ``x, y`` (n,) or (n, 1); ``x_grid, y_grid`` the fitted curve on a dense grid (m,) or (m, 1);
    ``x_val, y_val`` validation points, like ``x, y``; ``f_true`` a function of x (e.g.
    ``dataset.meta["f"]``), (m, 1) -> (m, 1). ax, title: see the module docstring; legend_loc:
    matplotlib's legend ``loc``. Returns ax.
    """
    if ax is None:
        _, (ax,) = new_figure(figsize=(5, 3.5))
    xg = np.ravel(x_grid)
    if x_val is not None:
        ax.plot(np.ravel(x_val), np.ravel(y_val), ".", color=VAL, ms=3, alpha=0.4,
                label="validation")
    if f_true is not None:
        ax.plot(xg, np.ravel(f_true(xg[:, None])), "--", color=TRUE, lw=1, label="true f")
    ax.plot(np.ravel(x), np.ravel(y), "o", color=TRAIN, ms=4, label="train")
    ax.plot(xg, np.ravel(y_grid), "-", color="k", lw=1.5, label="fit")
    ax.legend(fontsize=7, loc=legend_loc)
    return style_axes(ax, title, "x", "y")


def plot_loss_curves(history, ax=None, *, title: str | None = "loss", log: bool = True):
    """Train (and validation) loss per step from a ``train.History`` ``history``; marks
    divergence. K models (losses (steps, K)): one faint line per model, and the title says how
    many of the K runs diverged. ax, title: see the module docstring; log: a log loss axis.
    Returns ax.
    """
    if not hasattr(history, "train_loss") or not hasattr(history, "diverged_at"):
        raise ValueError(f"history must be a train.History (what fit returns), got "
                         f"{_checks._fmt(history)}")
    log = _checks.flag("log", log)
    if ax is None:
        _, (ax,) = new_figure(figsize=(5, 3.5))
    steps = np.arange(history.train_loss.shape[0])
    faint = dict(alpha=0.4) if np.ndim(history.train_loss) == 2 else {}
    ax.plot(steps, history.train_loss, color=TRAIN, lw=1, label="train", **faint)
    if history.val_loss is not None:
        ax.plot(steps, history.val_loss, color=VAL, lw=1, label="validation", **faint)
    if log:
        ax.set_yscale("log")
    div = history.diverged_at
    if isinstance(div, tuple):                       # K models: None where one did not diverge
        bad = sum(d is not None for d in div)
        if bad:
            ax.set_title(f"{bad} of {len(div)} runs diverged", fontsize=9, color="#b00020")
            title = None
    elif div is not None:
        annotate_diverged(ax, div)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=7)
    return style_axes(ax, title, "step", "loss")


def plot_lambda_curve(lams, train_loss, val_loss=None, *, ax=None, best: bool = True,
                      title: str | None = "loss vs λ"):
    """Train (and validation) loss against λ on a log axis; marks the best validation λ.

    lams: (k,) values of λ, > 0; train_loss, val_loss: (k,) losses at them (val_loss None: not
    drawn); best: mark the smallest finite validation loss. ax, title: see the module docstring.
    Returns ax.
    """
    lams = _checks.finite_array("lams", lams, ndim=1)
    best = _checks.flag("best", best)
    if np.any(lams <= 0):
        raise ValueError(f"lams must be > 0 for a log axis, got min {lams.min():g}")
    if ax is None:
        _, (ax,) = new_figure(figsize=(5, 3.5))
    ax.plot(lams, train_loss, "-", color=TRAIN, label="train")
    if val_loss is not None:
        val_loss = np.asarray(val_loss, dtype=np.float64)
        ax.plot(lams, val_loss, "-", color=VAL, label="validation")
        if best and np.any(np.isfinite(val_loss)):
            i = int(np.nanargmin(val_loss))
            ax.plot(lams[i], val_loss[i], "o", color=VAL)
            ax.annotate(f"best λ = {fmt_sci(lams[i])}", (lams[i], val_loss[i]), fontsize=8,
                        xytext=(0, 8), textcoords="offset points", ha="center")
    ax.set_yscale("log")
    lambda_axis(ax, lams.min(), lams.max())
    ax.legend(fontsize=7)
    return style_axes(ax, title, None, "loss")
