"""Live dashboards: sliders that retrain a model and redraw a figure (see ``framework``).

    from wdlib import live
    dash = live.catalog()["polynomial"]()     # a dashboard at its lesson's defaults
    dash.static()                             # the figure, for reading without a kernel
    dash                                      # the live widget (last expression of a cell)
    dash.set(lam=1e-2)                        # retrain + redraw from code

One module a dashboard (``wdlib/live/<name>.py``), in lesson order; ``catalog()`` imports them.
"""

from wdlib.live.framework import (
    DPI,
    FIGSIZE,
    Dashboard,
    Diverged,
    PngRenderer,
    catalog,
    encode_png,
    int_slider,
    log_slider,
    register,
)

__all__ = ["DPI", "FIGSIZE", "Dashboard", "Diverged", "PngRenderer", "catalog", "encode_png",
           "int_slider", "log_slider", "register"]
