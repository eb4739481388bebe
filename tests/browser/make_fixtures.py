"""Write the browser-test fixture notebooks in ``tests/browser/fixtures/``.

    .venv/bin/python tests/browser/make_fixtures.py [OUT_DIR]

Writes ``dashboard_fixture.ipynb`` and ``broken_fixture.ipynb`` into OUT_DIR (default: this
directory's ``fixtures/``). The output is deterministic: run without OUT_DIR it rewrites the
committed fixtures byte for byte (``git diff tests/browser/fixtures`` stays empty), so edit
this file, not the notebooks.

Each fixture is a stand-alone dashboard that follows the DOM contract of ``wdlib.live``
(classes ``wdlib-dashboard``, ``wdlib-control-lam``/``-lr``, ``wdlib-figure``,
``wdlib-status``) without importing wdlib: a 2-panel 8x3.5 in figure (a line plot and a
200-point scatter) shown as an ``ipywidgets.Image`` whose PNG bytes are replaced when the λ or
lr ``FloatLogSlider`` moves, with a simulated ~10 ms retrain. So the harness
(``harness.py``) is tested against a known page, independently of the lessons:

    dashboard_fixture.ipynb  two dashboards on one page, as a lesson may have
    broken_fixture.ipynb     a dashboard that never redraws, two wdlib dashboards that open
                             wrong (one retrains on open, one diverged), then a cell that
                             raises: the harness must catch all four (test_lessons_in_lab.py)

The two wdlib dashboards (the only cells that import wdlib) are real ones opened where a lesson
must not open them: ``polynomial`` at λ = 0.003, between slider positions, which ipywidgets 8's
slider rounds and sends back when shown (a change from the front end: a retrain, ``moves`` 1),
and ``schedules`` at a constant lr 1 with momentum 0.99 (its status line: "diverged at step 5").

(This code used to live in ``benchmarks/browser_proto/make_protos.py``, with the front-end
prototypes that chose the PNG-image design; those prototypes were removed.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SETUP = '''\
import ipywidgets as W
import numpy as np

rng = np.random.default_rng(0)
A = rng.normal(size=(400, 400))
x = np.linspace(-1, 1, 200)
pts = rng.normal(size=(200, 2))

def retrain(lam, lr):
    """Stand-in for a ~10 ms retrain (two 400x400 ridge solves): curve (200,), points (200, 2)."""
    M = A.T @ A + lam * np.eye(400)
    w = np.linalg.solve(np.stack([M, M + np.eye(400)]), A[:, :2].T[..., None])  # (2, 400, 1)
    curve = np.sin(3 * x) / (1 + lam) * (1 - np.exp(-20 * lr)) + 1e-9 * w[0, :200, 0]
    return curve, pts * (1 + 0.3 * np.log10(lam)) * (0.5 + lr)

def draw_on(fig, lam, lr):
    """Build the two panels once; returns a function that updates the artists in place."""
    ax1, ax2 = fig.subplots(1, 2)
    curve, P = retrain(lam, lr)
    line, = ax1.plot(x, curve)
    sc = ax2.scatter(*P.T, s=8)
    ax1.set(xlim=(-1, 1), ylim=(-1.2, 1.2), xlabel="x", ylabel="f(x)")
    ax2.set(xlim=(-4, 4), ylim=(-4, 4), xlabel="w1", ylabel="w2")
    fig.tight_layout()
    def update(lam, lr):
        curve, P = retrain(lam, lr)
        line.set_ydata(curve)
        sc.set_offsets(P)
        ax1.set_title(f"λ = {lam:.3g}, lr = {lr:.3g}")
    update(lam, lr)
    return update

def sliders(continuous_update=True):
    lam = W.FloatLogSlider(value=1e-2, base=10, min=-4, max=2, step=0.1, description="λ",
                           continuous_update=continuous_update)
    lr = W.FloatLogSlider(value=1e-1, base=10, min=-3, max=0, step=0.1, description="lr",
                          continuous_update=continuous_update)
    lam.add_class("wdlib-control-lam")
    lr.add_class("wdlib-control-lr")
    return lam, lr
'''

# Dashboards that open wrong (see the module docstring).
RETRAINS_ON_OPEN = '''\
from wdlib import live

live.catalog()["polynomial"](lam=0.003)   # between positions: the slider sends back 0.00316
'''
DIVERGED = 'live.catalog()["schedules"](schedule="constant", lr=1.0, momentum=0.99)'

PNG = '''\
import io
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage


def png_dashboard(redraw=True, continuous_update=True):
    """(a) An ipywidgets.Image whose PNG bytes are replaced on every slider move."""
    fig = Figure(figsize=(8, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    lam, lr = sliders(continuous_update)
    update = draw_on(fig, lam.value, lr.value)

    def png():
        fig.canvas.draw()
        rgba = PILImage.frombuffer("RGBA", fig.canvas.get_width_height(),
                                   fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        rgba.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()

    image = W.Image(value=png(), format="png")
    image.add_class("wdlib-figure")
    status = W.HTML("ready")
    status.add_class("wdlib-status")

    def on_change(change):
        t = time.perf_counter()
        update(lam.value, lr.value)
        if redraw:
            image.value = png()
        status.value = (f"λ = {lam.value:.3g}, lr = {lr.value:.3g}: "
                        f"retrain + redraw {1e3 * (time.perf_counter() - t):.0f} ms")

    lam.observe(on_change, "value")
    lr.observe(on_change, "value")
    root = W.VBox([W.HBox([lam, lr]), image, status])
    root.add_class("wdlib-dashboard")
    return root
'''


def notebook(*sources: str) -> dict:
    """A minimal nbformat-4 notebook with a python3 kernelspec (no dialog in JupyterLab)."""
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
              "outputs": [], "source": s.splitlines(keepends=True)} for i, s in enumerate(sources)]
    meta = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def write_catalog(path: Path, setup: str, names: list[str]) -> None:
    """A notebook of every dashboard ``names`` lists (``live.catalog()``'s), each opened in its
    own cell into ``dashes[name]`` and displayed, after ``setup`` (which defines ``dashes``)."""
    write(path, setup, *(f'dashes["{n}"] = live.catalog()["{n}"]()\ndashes["{n}"]'
                         for n in names))


def write(path: Path, *sources: str) -> None:
    """Write one notebook as JSON (indent 1, UTF-8, trailing newline), as Jupyter saves it."""
    path.write_text(json.dumps(notebook(*sources), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        raise SystemExit(f"usage: make_fixtures.py [OUT_DIR], got {len(args)} arguments")
    out = Path(args[0]) if args else FIXTURES
    out.mkdir(parents=True, exist_ok=True)
    # Two dashboards on one page, as a lesson may have. The broken one never redraws, two
    # wdlib dashboards open wrong, and it ends in an error: the harness must catch each.
    write(out / "dashboard_fixture.ipynb", SETUP, PNG,
          "png_dashboard()", "print('between the dashboards')", "png_dashboard()")
    write(out / "broken_fixture.ipynb", SETUP, PNG, "png_dashboard(redraw=False)",
          RETRAINS_ON_OPEN, DIVERGED, "1 / 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
