"""Latency of every dashboard in ``live.catalog()``, kernel side, against the budgets.

For each dashboard and each control: N events at the default settings, alternating the control
between its default and the next slider position (so every event really retrains), timing
``compute`` (the retrain) and ``.set()`` (retrain + draw + PNG encode). A last row per dashboard
forces a full redraw on every event (the path taken when an axes' limits change).

    .venv/bin/python benchmarks/bench_live.py [--events 40]
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402

from wdlib import live  # noqa: E402

RETRAIN_MS, SET_MS = 25.0, 60.0


def neighbour(widget):
    """The slider position next to the current value (or another option)."""
    if isinstance(widget, W.FloatLogSlider):
        up = widget.value * widget.base ** widget.step
        return up if up <= widget.base ** widget.max else widget.value / widget.base ** widget.step
    if hasattr(widget, "max"):
        up = widget.value + widget.step
        return up if up <= widget.max else widget.value - widget.step
    if isinstance(widget, W.Checkbox | W.ToggleButton):
        return not widget.value
    options = [o[1] if isinstance(o, tuple) else o for o in widget.options]
    return options[(options.index(widget.value) + 1) % len(options)]


def p(ms, q):
    return float(np.percentile(ms, q))


def bench(dash, key, events, full=False):
    default = dash.defaults[key]
    values = [default, neighbour(dash.controls[key])]
    compute_ms, set_ms = [], []
    for i in range(events):
        v = {**dash.defaults, key: values[i % 2]}
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            dash.compute(v)
        compute_ms.append(1e3 * (time.perf_counter() - t0))
        if full:
            dash.renderer.invalidate()
        t0 = time.perf_counter()
        dash.set(**{key: values[(i + 1) % 2]})
        set_ms.append(1e3 * (time.perf_counter() - t0))
    dash.set(**dash.defaults)
    return compute_ms, set_ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=40)
    n = ap.parse_args().events
    header = (f"{'dashboard':<14}{'control':<22}{'retrain p50':>12}{'p90':>8}"
              f"{'set() p50':>11}{'p90':>8}   budget ({RETRAIN_MS:.0f} / {SET_MS:.0f} ms)")
    print(f"{n} events each; times in ms; figure {live.FIGSIZE[0]:g}x{live.FIGSIZE[1]:g} in "
          f"at {live.DPI} dpi\n{header}\n{'-' * len(header)}")
    verdicts = []
    for name, factory in live.catalog().items():
        dash = factory()
        rows = [(key, False) for key in dash.controls] + [(next(iter(dash.controls)), True)]
        for key, full in rows:
            c, s = bench(dash, key, n, full)
            ok = "ok" if p(c, 50) <= RETRAIN_MS and p(s, 50) <= SET_MS else "OVER"
            if full:     # the rare path (an axis limit changed): shown, not held to the budget
                ok = f"(rare path; {ok.lower()})"
            else:
                verdicts.append((name, key, ok))
            label = f"{key} (full redraw)" if full else key
            print(f"{name:<14}{label:<22}{p(c, 50):12.1f}{p(c, 90):8.1f}{p(s, 50):11.1f}"
                  f"{p(s, 90):8.1f}   {ok}")
        fig = dash.figure
        draw_ms, blit_ms = [], []
        for _ in range(n):
            dash.renderer.invalidate()
            t0 = time.perf_counter()
            dash.renderer(fig)
            draw_ms.append(1e3 * (time.perf_counter() - t0))
            t0 = time.perf_counter()
            dash.renderer(fig)
            blit_ms.append(1e3 * (time.perf_counter() - t0))
        print(f"{'':<14}draw+encode p50: full {p(draw_ms, 50):.1f} ms, "
              f"blit {p(blit_ms, 50):.1f} ms, PNG {len(dash.image.value) / 1024:.0f} KiB")
        dash.close()
    over = [f"{name}.{key}" for name, key, ok in verdicts if ok != "ok"]
    print(f"\nwithin budget: {len(verdicts) - len(over)} of {len(verdicts)} control rows"
          + (f"; over: {', '.join(over)}" if over else ""))


if __name__ == "__main__":
    main()
